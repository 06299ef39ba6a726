// A TopoJSON decoder for what the map needs: country outlines as SVG path data in degrees
// (x = longitude, y = -latitude). The vendored world-atlas file is quantized and delta-encoded.

function decodeArcs(topology) {
  const { scale = [1, 1], translate = [0, 0] } = topology.transform || {};
  const quantized = Boolean(topology.transform);
  return topology.arcs.map((arc) => {
    let x = 0;
    let y = 0;
    return arc.map(([dx, dy]) => {
      if (!quantized) return [dx, dy];
      x += dx;
      y += dy;
      return [x * scale[0] + translate[0], y * scale[1] + translate[1]];
    });
  });
}

function ring(indexes, arcs) {
  const points = [];
  for (const index of indexes) {
    const arc = index >= 0 ? arcs[index] : [...arcs[~index]].reverse();
    points.push(...(points.length ? arc.slice(1) : arc));
  }
  return points;
}

// Path data of one ring; a jump across the antimeridian starts a new sub-path instead of a line
// across the whole map.
function ringPath(points) {
  let d = "";
  let last = null;
  for (const [lon, lat] of points) {
    const command = last === null || Math.abs(lon - last) > 180 ? "M" : "L";
    d += `${command}${lon.toFixed(2)},${(-lat).toFixed(2)}`;
    last = lon;
  }
  return `${d}Z`;
}

function polygons(geometry) {
  if (geometry.type === "Polygon") return [geometry.arcs];
  if (geometry.type === "MultiPolygon") return geometry.arcs;
  return [];
}

// [{id, name, d}] for every geometry of `objectName`.
export function featurePaths(topology, objectName) {
  const arcs = decodeArcs(topology);
  return topology.objects[objectName].geometries.map((geometry) => ({
    id: geometry.id,
    name: (geometry.properties && geometry.properties.name) || "",
    d: polygons(geometry).map((rings) => rings.map((r) => ringPath(ring(r, arcs))).join("")).join(""),
  }));
}
