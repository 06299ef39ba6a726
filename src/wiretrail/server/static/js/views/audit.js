// The audit of a document: its text with the sentences no source supports highlighted.

import { getJSON } from "../api.js";
import { el, link, muted, passageHref } from "../dom.js";
import { markedText } from "../text.js";
import { documentHeader } from "./documents.js";

export async function auditView(id) {
  const [doc, audit] = await Promise.all([
    getJSON(`/api/documents/${encodeURIComponent(id)}`),
    getJSON(`/api/documents/${encodeURIComponent(id)}/audit`),
  ]);
  const spans = [
    ...audit.unsupported.map((s) => ({ start: s.start, end: s.end, className: "unsupported", title: `no source supports this (best score ${s.best_score})` })),
    ...audit.unsourced_quotes.map((q) => ({ start: q.start, end: q.end, className: "unsourced-quote", title: "a quote found in no source" })),
    ...audit.supported.map((s) => ({ start: s.start, end: s.end, className: "supported", title: `supported by ${s.supported_by} (${s.method}, ${s.score})` })),
  ];
  const total = audit.unsupported.length + audit.supported.length;
  return el("article", { class: "document audit" },
    documentHeader(doc),
    el("h2", {}, "Audit"),
    el("p", {}, `${audit.unsupported.length} of ${total} sentences are supported by none of ${audit.sources.length} sources`,
      audit.unsourced_quotes.length ? `; ${audit.unsourced_quotes.length} quotes appear in no source.` : "."),
    audit.sources.length
      ? el("p", { class: "muted" }, "Sources compared: ", audit.sources.map((s, i) => [i ? ", " : "", link(s.slice(0, 10), `#/doc/${encodeURIComponent(s)}`)]))
      : muted("No earlier document shares this story: nothing to compare with."),
    el("p", { class: "legend" },
      el("mark", { class: "unsupported" }, "unsupported"), " ", el("mark", { class: "unsourced-quote" }, "quote in no source"), " ",
      el("mark", { class: "supported" }, "supported")),
    audit.unsupported.length
      ? el("ol", { class: "unsupported-list" }, audit.unsupported.map((s) =>
          el("li", {}, el("a", { class: "passage-link", href: passageHref(doc.id, s.start, s.end) }, s.text))))
      : null,
    el("div", { class: "doc-text" }, markedText(doc.text, spans)));
}
