// Offsets from the API count Unicode code points (Python strings); JavaScript strings count
// UTF-16 units. Every highlight converts, so a passage after an emoji is still the right one.

export function codePoints(text) {
  return Array.from(text);
}

// The text with [start, end) spans wrapped in <mark>s; spans are in code points and may come
// in any order; a span overlapping an earlier one is cut to what is left of it.
export function markedText(text, spans) {
  const chars = codePoints(text);
  const sorted = [...spans]
    .map((s) => ({ ...s, start: Math.max(0, s.start), end: Math.min(chars.length, s.end) }))
    .filter((s) => s.end > s.start)
    .sort((a, b) => a.start - b.start || b.end - a.end);
  const out = document.createDocumentFragment();
  let pos = 0;
  for (const span of sorted) {
    const start = Math.max(span.start, pos);
    if (start >= span.end) continue;
    if (start > pos) out.append(document.createTextNode(chars.slice(pos, start).join("")));
    const mark = document.createElement("mark");
    mark.textContent = chars.slice(start, span.end).join("");
    if (span.className) mark.className = span.className;
    if (span.title) mark.title = span.title;
    if (span.id) mark.id = span.id;
    out.append(mark);
    pos = span.end;
  }
  if (pos < chars.length) out.append(document.createTextNode(chars.slice(pos).join("")));
  return out;
}

export function slice(text, start, end) {
  return codePoints(text).slice(start, end).join("");
}

// Where the words of a search query occur in `text`, as code-point spans: the words the search
// matched, shown inside the passage it found. Operators (OR, -word) and quotes are not words.
export function termSpans(text, query, className = "term") {
  const words = String(query || "")
    .split(/\s+/)
    .filter((w) => w !== "OR" && !w.startsWith("-"))
    .map((w) => w.replace(/^["'(]+|["')]+$/g, "").replace(/'s$/i, ""))
    .filter((w) => w.length > 1)
    .map((w) => (w.length > 4 ? w.replace(/(?:es|s)$/i, "") : w)); // 'troops' finds 'troop', as the search does
  if (!words.length) return [];
  const escaped = words.map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
  const pattern = new RegExp(`(?<![\\p{L}\\p{N}])(?:${escaped.join("|")})[\\p{L}\\p{N}]*`, "giu");
  const spans = [];
  for (const match of text.matchAll(pattern)) {
    const start = codePoints(text.slice(0, match.index)).length;
    spans.push({ start, end: start + codePoints(match[0]).length, className });
  }
  return spans;
}
