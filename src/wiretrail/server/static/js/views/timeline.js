// The timeline: one row per event, by when it happened; each links to its earliest report.

import { getJSON } from "../api.js";
import { el, muted, passageHref } from "../dom.js";

const TYPES = ["", "ATTACK", "DEPLOY", "VISIT", "MEET", "AID", "AGREE", "SANCTION", "ACCUSE", "THREATEN", "CAPTURE", "PROTEST", "LEGAL", "EXERCISE"];

export function timelineRows(rows) {
  const list = el("ol", { class: "timeline" });
  let day;
  for (const row of rows) {
    const date = row.date || "undated";
    if (date !== day) {
      list.append(el("li", { class: "day" }, el("h3", {}, date)));
      day = date;
    }
    const evidence = row.first_report.evidence[0];
    const href = evidence ? passageHref(evidence.doc_id, evidence.start, evidence.end) : passageHref(row.first_report.doc_id);
    list.append(
      el("li", { class: "event" },
        el("span", { class: `type type-${row.type.toLowerCase()}` }, row.type),
        row.place ? el("span", { class: "place" }, row.place) : null,
        el("a", { class: "passage-link", href }, row.summary),
        el("span", { class: "sources muted" },
          ` ${row.reports} report${row.reports === 1 ? "" : "s"}, ${row.independent_sources} independent source${row.independent_sources === 1 ? "" : "s"}`,
          row.first_report.at ? `, first ${row.first_report.at}` : "")));
  }
  return list;
}

export async function timelineView(query) {
  const params = Object.fromEntries(["since", "until", "type", "entity", "place"].map((k) => [k, query.get(k) || ""]));
  const page = await getJSON("/api/timeline", { ...params, limit: 500 });
  const form = el("form", { class: "filters" },
    el("label", {}, "Since ", el("input", { type: "date", name: "since", value: params.since })),
    el("label", {}, "Until ", el("input", { type: "date", name: "until", value: params.until })),
    el("label", {}, "Type ", el("select", { name: "type" }, TYPES.map((t) => el("option", { value: t, selected: t === params.type }, t || "any")))),
    el("label", {}, "Who ", el("input", { type: "text", name: "entity", value: params.entity, placeholder: "Rutte" })),
    el("label", {}, "Where ", el("input", { type: "text", name: "place", value: params.place, placeholder: "Kursk" })),
    el("button", {}, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new URLSearchParams();
    for (const [k, v] of new FormData(form)) if (v) data.set(k, v);
    window.location.hash = `#/timeline?${data}`;
  });
  return el("section", {},
    el("h1", {}, "Timeline"),
    form,
    el("p", { class: "muted" }, `${page.items.length}${page.next_offset ? "+" : ""} events, dated by when they happened; undated ones last.`),
    page.items.length ? timelineRows(page.items) : muted("No events match."));
}
