// The map: places drawn on country outlines from the packaged world-atlas file (no tiles, no
// network beyond this server). Selecting a place lists where the record names it.

import { getAll, getJSON } from "../api.js";
import { el, muted, passageHref, svg } from "../dom.js";
import { featurePaths } from "../topojson.js";

const ATLAS = "/static/vendor/countries-110m.json";
const PAD_DEGREES = 6;
const MIN_WIDTH_DEGREES = 40;
const LABELLED = 10; // most-mentioned towns and regions named on the map; every place is in the list below

let atlasPromise = null;
function atlas() {
  atlasPromise = atlasPromise || fetch(ATLAS).then((r) => {
    if (!r.ok) throw new Error(`the country outlines (${ATLAS}) could not be loaded: ${r.status}`);
    return r.json();
  });
  return atlasPromise;
}

// The box around the places, 2:1 like the projection, never narrower than MIN_WIDTH_DEGREES.
function viewBox(places) {
  if (!places.length) return [-180, -90, 360, 180];
  const lons = places.map((p) => p.lon);
  const lats = places.map((p) => -p.lat);
  let [x0, x1, y0, y1] = [Math.min(...lons), Math.max(...lons), Math.min(...lats), Math.max(...lats)];
  x0 -= PAD_DEGREES; x1 += PAD_DEGREES; y0 -= PAD_DEGREES; y1 += PAD_DEGREES;
  let width = Math.max(x1 - x0, MIN_WIDTH_DEGREES, (y1 - y0) * 2);
  let height = width / 2;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  width = Math.min(width, 360);
  height = Math.min(height, 180);
  return [Math.max(-180, Math.min(cx - width / 2, 180 - width)), Math.max(-90, Math.min(cy - height / 2, 90 - height)), width, height];
}

async function showMentions(place, panel) {
  panel.replaceChildren(el("h2", {}, place.name), muted("Loading mentions…"));
  const page = await getJSON("/api/mentions", { entity: place.id, limit: 30 });
  const items = page.items.map((m) =>
    el("li", {}, el("a", { class: "passage-link", href: passageHref(m.doc_id, m.start, m.end) }, m.text), el("span", { class: "muted" }, ` in ${m.doc_id.slice(0, 10)}`)));
  panel.replaceChildren(
    el("h2", {}, place.name),
    el("p", { class: "muted" },
      [place.feature, place.country, place.approximate ? "approximate: placed at its region" : null, `${place.mentions} mentions in ${place.documents} documents`]
        .filter(Boolean).join(" · ")),
    el("ol", { class: "mentions" }, items),
    page.next_offset ? muted("…and more.") : null);
}

export async function mapView() {
  const [topology, all] = await Promise.all([atlas(), getAll("/api/places")]);
  const placed = all.filter((p) => p.lat !== null && p.lon !== null);
  const [x, y, w, h] = viewBox(placed.filter((p) => p.feature !== "country"));
  const unit = w / 360;
  const panel = el("aside", { class: "map-panel" }, muted("Select a place to see where the record names it."));
  const countries = svg("g", { class: "countries" },
    featurePaths(topology, "countries").map((c) => svg("path", { d: c.d, class: "country" }, svg("title", {}, c.name))));
  const maxMentions = Math.max(1, ...placed.map((p) => p.mentions));
  const dots = svg("g", { class: "places" });
  const labels = svg("g", { class: "labels" });
  const ranked = [...placed].sort((a, b) => b.mentions - a.mentions);
  for (const place of ranked.slice().reverse()) {
    const r = unit * (2 + 10 * Math.sqrt(place.mentions / maxMentions));
    const dot = svg("circle", {
      cx: place.lon, cy: -place.lat, r, class: `place${place.approximate ? " approximate" : ""} feature-${place.feature || "other"}`,
      tabindex: 0, role: "button", "data-id": place.id, "aria-label": `${place.name}: ${place.mentions} mentions`,
    }, svg("title", {}, `${place.name} (${place.mentions})`));
    const select = () => showMentions(place, panel).catch((e) => panel.replaceChildren(el("p", { class: "error" }, e.message)));
    dot.addEventListener("click", select);
    dot.addEventListener("keydown", (event) => { if (event.key === "Enter" || event.key === " ") { event.preventDefault(); select(); } });
    dots.append(dot);
  }
  const fontSize = w / 75;
  for (const place of ranked.filter((p) => p.feature !== "country").slice(0, LABELLED)) {
    const r = unit * (2 + 10 * Math.sqrt(place.mentions / maxMentions));
    labels.append(svg("text", { x: place.lon + r + fontSize * 0.3, y: -place.lat + fontSize * 0.35, "font-size": fontSize }, place.name));
  }
  const map = svg("svg", { class: "map", viewBox: `${x} ${y} ${w} ${h}`, role: "img", "aria-label": "Map of the places the record names" },
    svg("rect", { x: -180, y: -90, width: 360, height: 180, class: "sea" }), countries, dots, labels);
  const list = el("ul", { class: "place-list" }, ranked.map((p) => {
    const button = el("button", { type: "button", class: "linklike", "data-id": p.id }, p.name);
    button.addEventListener("click", () => showMentions(p, panel));
    return el("li", {}, button, el("span", { class: "muted" }, ` ${p.mentions}`));
  }));
  const unplaced = all.length - placed.length;
  return el("section", {},
    el("h1", {}, "Places"),
    el("div", { class: "map-layout" }, el("div", { class: "map-frame" }, map), panel),
    el("p", { class: "muted" }, `${placed.length} places on the map${unplaced ? `; ${unplaced} the gazetteer could not place` : ""}. Outlines: Natural Earth 1:110m (world-atlas).`),
    list);
}
