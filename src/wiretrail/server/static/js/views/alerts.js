// Alerts raised while polling, newest first; each cited passage opens in its document, highlighted.

import { getJSON } from "../api.js";
import { el, muted, passageHref, shortId, sourceName } from "../dom.js";

const KINDS = ["", "new-story", "figure-conflict", "entity", "figure-edit"];

function ruleText(rule) {
  if (!rule) return "rule removed";
  const entities = rule.entities.length ? ` (${rule.entities.join(", ")})` : "";
  return `rule ${rule.id}: ${rule.kinds.join(", ")}${entities}`;
}

function passageItem(passage, documents) {
  const doc = documents[passage.doc_id];
  const label = doc ? `${doc.title || "(no title)"} · ${sourceName(doc.outlet)}` : shortId(passage.doc_id);
  return el("li", { class: "cited" },
    el("a", { class: "passage-link", href: passageHref(passage.doc_id, passage.start, passage.end) }, label),
    el("p", { class: "excerpt" }, passage.text));
}

export function alertRows(alerts, documents) {
  return el("ol", { class: "alerts" }, alerts.map((a) =>
    el("li", { class: "alert", "data-id": a.id },
      el("div", { class: "meta" },
        el("span", { class: `type alert-${a.kind}` }, a.kind), " ",
        el("time", { datetime: a.at }, a.at.slice(0, 19).replace("T", " ")), " · ",
        el("span", { class: "rule muted" }, ruleText(a.rule)),
        a.delivery ? el("span", { class: "delivery muted" }, ` · delivery: ${a.delivery}`) : null),
      el("p", { class: "summary" }, a.summary),
      el("ol", { class: "passages" }, a.passages.map((p) => passageItem(p, documents))))));
}

export async function alertsView(query) {
  const params = Object.fromEntries(["since", "until", "kind", "rule"].map((k) => [k, query.get(k) || ""]));
  const page = await getJSON("/api/alerts", { ...params, limit: 200 });
  const form = el("form", { class: "filters" },
    el("label", {}, "Since ", el("input", { type: "date", name: "since", value: params.since })),
    el("label", {}, "Until ", el("input", { type: "date", name: "until", value: params.until })),
    el("label", {}, "Kind ", el("select", { name: "kind" }, KINDS.map((k) => el("option", { value: k, selected: k === params.kind }, k || "any")))),
    el("label", {}, "Rule ", el("input", { type: "number", name: "rule", min: 1, value: params.rule })),
    el("button", {}, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) data.set(k, v);
    window.location.hash = `#/alerts?${data}`;
  });
  return el("section", {},
    el("h1", {}, "Alerts"),
    form,
    el("p", { class: "muted" }, `${page.items.length}${page.next_offset ? "+" : ""} alert${page.items.length === 1 && !page.next_offset ? "" : "s"}, newest first (times in UTC). Add rules with \`wiretrail alerts add\`; \`wiretrail watch\` raises them.`),
    page.items.length ? alertRows(page.items, page.documents || {}) : muted("No alerts match."));
}
