#!/usr/bin/env bash
# Vendor the web page's one data file: country outlines for the offline map.
#
# Run at development time only (it needs npm and the registry); the result is committed, so
# installing or running wiretrail never downloads anything. Re-run after changing the version,
# then check the map view and commit the file and its VENDORED.txt entry.
set -euo pipefail

WORLD_ATLAS_VERSION="2.0.2"  # world-atlas: Natural Earth 1:110m countries as TopoJSON (ISC)
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$HERE/src/wiretrail/server/static/vendor"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$DEST"
(cd "$TMP" && npm pack --silent "world-atlas@${WORLD_ATLAS_VERSION}" >/dev/null)
tar -xzf "$TMP"/world-atlas-"${WORLD_ATLAS_VERSION}".tgz -C "$TMP"
cp "$TMP/package/countries-110m.json" "$DEST/countries-110m.json"
cp "$TMP/package/LICENSE" "$DEST/world-atlas-LICENSE"
SHA="$(sha256sum "$DEST/countries-110m.json" | cut -d' ' -f1)"
cat > "$DEST/VENDORED.txt" <<INFO
countries-110m.json  world-atlas@${WORLD_ATLAS_VERSION} (npm)  sha256 ${SHA}
world-atlas-LICENSE  world-atlas@${WORLD_ATLAS_VERSION} (npm)  the package's licence (ISC; data: Natural Earth, public domain)
INFO
echo "vendored world-atlas@${WORLD_ATLAS_VERSION} countries-110m.json (sha256 ${SHA})"
