// Provenance of a document: who copied whom (a graph of the documents linked to it, earliest
// on the left), then each of its sentences that other documents also carry.

import { getAll, getJSON } from "../api.js";
import { el, link, muted, passageHref, shortId, sourceName, svg, table } from "../dom.js";
import { documentHeader } from "./documents.js";

const MAX_NODES = 24; // a wire story republished everywhere: the graph shows this many documents
const STEP_X = 230; // room for each document's title under its node
const ROW_Y = [60, 210];

async function linkComponent(docId) {
  // the documents reachable from docId through links, with every link among them
  const links = [];
  const documents = {};
  let offset = 0;
  while (offset !== null) {
    const page = await getJSON("/api/links", { limit: 500, offset });
    links.push(...page.items);
    Object.assign(documents, page.documents);
    offset = page.next_offset;
  }
  const seen = new Set([docId]);
  let frontier = [docId];
  while (frontier.length && seen.size < MAX_NODES) {
    const next = [];
    for (const l of links) {
      for (const [a, b] of [[l.from_doc, l.to_doc], [l.to_doc, l.from_doc]]) {
        if (frontier.includes(a) && !seen.has(b) && seen.size < MAX_NODES) {
          seen.add(b);
          next.push(b);
        }
      }
    }
    frontier = next;
  }
  return { nodes: [...seen], links: links.filter((l) => seen.has(l.from_doc) && seen.has(l.to_doc)), documents };
}

function label(meta, id) {
  const title = (meta && meta.title) || id;
  return title.length > 30 ? `${title.slice(0, 29)}…` : title;
}

function graph(docId, component) {
  const { nodes, links, documents } = component;
  const order = [...nodes].sort((a, b) => {
    const pa = (documents[a] && documents[a].published) || null;
    const pb = (documents[b] && documents[b].published) || null;
    if (pa === pb) return a < b ? -1 : 1;
    if (pa === null || pb === null) return pa === null ? 1 : -1; // undated last
    return pa < pb ? -1 : 1;
  });
  const pos = new Map(order.map((id, i) => [id, { x: 100 + i * STEP_X, y: ROW_Y[i % 2] }]));
  const width = 200 + (order.length - 1) * STEP_X;
  const edges = links.map((l) => {
    const from = pos.get(l.to_doc); // the source ...
    const to = pos.get(l.from_doc); // ... and its copy: the arrow runs the way the text travelled
    const bend = from.y === to.y ? -50 : 0;
    const mx = (from.x + to.x) / 2;
    const my = (from.y + to.y) / 2 + bend;
    const firstKnown = l.first !== null;
    return svg("g", { class: `edge relation-${l.relation}${firstKnown ? "" : " order-unknown"}` },
      svg("path", { d: `M${from.x},${from.y} Q${mx},${my} ${to.x},${to.y}`, "marker-end": "url(#arrow)" }),
      svg("text", { x: mx, y: my - 4, "text-anchor": "middle" }, `${l.relation} ${l.score.toFixed(2)}`),
      svg("title", {}, `${label(documents[l.from_doc], l.from_doc)} ${l.relation} ${label(documents[l.to_doc], l.to_doc)}; first: ${firstKnown ? label(documents[l.first], l.first) : "unknown"}`));
  });
  const firsts = new Set(links.map((l) => l.first).filter(Boolean));
  const later = new Set(links.filter((l) => l.first).map((l) => (l.first === l.from_doc ? l.to_doc : l.from_doc)));
  const nodeEls = order.map((id) => {
    const { x, y } = pos.get(id);
    const meta = documents[id] || {};
    const cls = ["node", id === docId ? "current" : "", firsts.has(id) && !later.has(id) ? "first" : ""].join(" ").trim();
    return svg("a", { href: `#/provenance/${encodeURIComponent(id)}`, class: cls, "data-id": id },
      svg("circle", { cx: x, cy: y, r: 14 }),
      svg("text", { x, y: y + 32, "text-anchor": "middle", class: "title" }, label(meta, id)),
      svg("text", { x, y: y + 47, "text-anchor": "middle", class: "meta" }, `${meta.outlet ? label({ title: sourceName(meta.outlet) }) : shortId(id)} · ${meta.published || "undated"}`),
      svg("title", {}, `${meta.title || id}${firsts.has(id) && !later.has(id) ? " (first)" : ""}`));
  });
  return svg("svg", { class: "provenance-graph", viewBox: `0 0 ${Math.max(width, 400)} 280`, role: "img", "aria-label": "Which copy came first and who copied whom" },
    svg("defs", {}, svg("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 24, refY: 5, markerWidth: 8, markerHeight: 8, orient: "auto" },
      svg("path", { d: "M0,0L10,5L0,10z" }))),
    svg("g", { class: "edges" }, edges), svg("g", { class: "nodes" }, nodeEls));
}

function linkList(docId, component) {
  const { links, documents } = component;
  const mine = links.filter((l) => l.from_doc === docId || l.to_doc === docId);
  if (!mine.length) return muted("No other document copies, repeats or rewrites this one, nor it them.");
  return el("ul", { class: "links" }, mine.map((l) => {
    const span = l.shared[0];
    const name = (id) => link(label(documents[id], id), `#/provenance/${encodeURIComponent(id)}`);
    return el("li", {},
      name(l.from_doc), ` ${l.relation === "rewrite-of" ? "rewrites" : l.relation === "duplicate" ? "duplicates" : "shares passages with"} `, name(l.to_doc),
      ` (score ${l.score.toFixed(2)}; first: ${l.first ? label(documents[l.first], l.first) : "unknown"})`,
      span ? [" — shared passage: ", link("here", passageHref(l.from_doc, span.from_start, span.from_end)), " / ", link("there", passageHref(l.to_doc, span.to_start, span.to_end))] : null);
  }));
}

function sentenceTable(docId, traces) {
  const carried = traces.filter((t) => t.copies.length);
  if (!carried.length) return muted("No sentence of this document appears anywhere else.");
  return table(["Sentence", "First seen", "Copies", "Independent sources"], carried.map((t) =>
    el("tr", {},
      el("td", {}, el("a", { class: "passage-link", href: passageHref(docId, t.start, t.end) }, t.text)),
      el("td", { class: "nowrap" }, t.first_seen ? [link(shortId(t.first_seen.doc_id), `#/doc/${encodeURIComponent(t.first_seen.doc_id)}`), ` ${t.first_seen.at}`] : "unknown"),
      el("td", { class: "num" }, t.copies.length),
      el("td", { class: "num" }, t.independent_sources))), { class: "traces" });
}

export async function provenanceView(id) {
  if (!id) return el("section", {}, el("h1", {}, "Provenance"), muted("Choose a document in "), link("Documents", "#/docs"));
  const doc = await getJSON(`/api/documents/${encodeURIComponent(id)}`);
  const [component, traces] = await Promise.all([linkComponent(doc.id), getAll(`/api/documents/${encodeURIComponent(doc.id)}/provenance`)]);
  return el("article", { class: "provenance" },
    documentHeader(doc),
    el("h2", {}, "Who copied whom"),
    el("p", { class: "muted" }, "Arrows run from a source to its copy or rewrite; earliest published on the left; dashed when the dates cannot tell which came first."),
    el("div", { class: "graph-frame" }, graph(doc.id, component)),
    linkList(doc.id, component),
    el("h2", {}, "Sentences carried elsewhere"),
    sentenceTable(doc.id, traces));
}
