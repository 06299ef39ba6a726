// Documents: the list, and one document's clean text with a passage highlighted.

import { getAll, getJSON } from "../api.js";
import { el, link, muted, safeHref, sourceName, table } from "../dom.js";
import { markedText, slice, termSpans } from "../text.js";

export async function documentsView() {
  const items = await getAll("/api/documents");
  const rows = items.map((d) =>
    el("tr", {},
      el("td", {}, link(d.title || d.source, `#/doc/${encodeURIComponent(d.id)}`)),
      el("td", {}, d.outlet || sourceName(d.source)),
      el("td", { class: "nowrap" }, d.published || "undated"),
      el("td", {}, d.kind),
      el("td", { class: "nowrap" },
        link("provenance", `#/provenance/${encodeURIComponent(d.id)}`), " · ",
        link("audit", `#/audit/${encodeURIComponent(d.id)}`))));
  return el("section", {},
    el("h1", {}, "Documents"),
    items.length ? table(["Title", "Outlet", "Published", "Kind", ""], rows, { class: "documents" }) : muted("No documents yet."));
}

export function documentHeader(doc) {
  const url = doc.url ? safeHref(doc.url) : null;
  return el("header", { class: "doc-header" },
    el("h1", {}, doc.title || "(no title)"),
    el("p", { class: "muted" },
      [doc.outlet, doc.published ? `published ${doc.published}` : "undated", doc.kind, doc.authors.length ? `by ${doc.authors.join(", ")}` : null]
        .filter(Boolean).join(" · ")),
    el("p", { class: "muted small" }, "source: ",
      url ? el("a", { href: url, rel: "noopener noreferrer nofollow", target: "_blank" }, doc.url) : el("span", { class: "source" }, doc.url || doc.source)),
    el("p", {},
      link("provenance", `#/provenance/${encodeURIComponent(doc.id)}`), " · ",
      link("audit", `#/audit/${encodeURIComponent(doc.id)}`)));
}

export async function documentView(id, query) {
  const doc = await getJSON(`/api/documents/${encodeURIComponent(id)}`);
  const start = Number.parseInt(query.get("start"), 10);
  const end = Number.parseInt(query.get("end"), 10);
  const body = el("div", { class: "doc-text" });
  if (Number.isFinite(start) && Number.isFinite(end) && end > start) {
    // the passage in one <mark id="passage">, with the searched words marked inside it
    const passage = slice(doc.text, start, end);
    body.append(
      slice(doc.text, 0, start),
      el("mark", { id: "passage", class: "passage" }, markedText(passage, termSpans(passage, query.get("q")))),
      slice(doc.text, end));
  } else {
    body.append(doc.text);
  }
  return el("article", { class: "document" }, documentHeader(doc), body);
}
