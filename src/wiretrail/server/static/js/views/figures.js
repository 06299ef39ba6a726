// The figure table: figures about one thing side by side; values that really disagree are
// highlighted, differences explained by time or scope are marked as such.

import { getAll } from "../api.js";
import { el, muted, passageHref, table } from "../dom.js";

const WHY = {
  disagree: "disagree: sources give different values for the same thing",
  time: "differs by time: reported on different days, or the text says earlier",
  scope: "differs by scope: different places, or an additional amount",
};

function value(f) {
  const n = (x) => Number(x).toLocaleString("en");
  let text;
  if (f.value_low === f.value_high) text = f.value_low === null ? "?" : n(f.value_low);
  else if (f.value_high === null) text = `${n(f.value_low)}+`;
  else if (!f.value_low) text = `up to ${n(f.value_high)}`;
  else text = `${n(f.value_low)}–${n(f.value_high)}`;
  return (f.vague ? "~" : "") + text;
}

function groupNode(group) {
  const why = group.figures.map(() => new Set());
  for (const d of group.differences) {
    why[d.a].add(d.why);
    why[d.b].add(d.why);
  }
  const rows = group.figures.map((f, i) => {
    const reasons = [...why[i]];
    const cls = reasons.includes("disagree") ? "disagree" : reasons.length ? `differs ${reasons.join(" ")}` : "";
    return el("tr", { class: cls, title: reasons.map((r) => WHY[r]).join("; ") || null },
      el("td", { class: "num value" }, value(f)),
      el("td", {}, el("a", { class: "passage-link", href: passageHref(f.doc_id, f.start, f.end) }, f.text)),
      el("td", {}, f.subject),
      el("td", {}, f.attributed_to || ""),
      el("td", { class: "nowrap" }, f.as_of || ""),
      el("td", {}, reasons.map((r) => el("span", { class: `why why-${r}` }, r))));
  });
  const counts = {};
  for (const d of group.differences) counts[d.why] = (counts[d.why] || 0) + 1;
  const summary = Object.entries(counts).map(([w, n]) => `${n} ${w}`).join(", ");
  const disagree = group.differences.some((d) => d.why === "disagree");
  return el("section", { class: `figure-group${disagree ? " disagreement" : group.conflicting ? " conflicting" : ""}` },
    el("h2", {}, group.subject, el("span", { class: "muted" }, ` (${group.unit || "count"})`)),
    summary ? el("p", { class: "muted" }, `Pairs that differ: ${summary}.`) : el("p", { class: "muted" }, "The sources agree."),
    table(["Value", "As written", "Subject", "Says", "As of", "Why it differs"], rows, { class: "figures" }));
}

export async function figuresView(query) {
  const about = query.get("about") || "";
  const groups = await getAll("/api/figures/conflicts", { include_agreeing: true, about });
  groups.sort((a, b) => Number(b.conflicting) - Number(a.conflicting) || b.figures.length - a.figures.length);
  const input = el("input", { type: "text", name: "about", value: about, placeholder: "troops", "aria-label": "Subject" });
  const form = el("form", { class: "filters" }, el("label", {}, "About ", input), el("button", {}, "Filter"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.location.hash = `#/figures${input.value ? `?about=${encodeURIComponent(input.value)}` : ""}`;
  });
  return el("section", {},
    el("h1", {}, "Figures"),
    form,
    el("p", { class: "legend" },
      el("span", { class: "why why-disagree" }, "disagree"), " sources differ on the same thing · ",
      el("span", { class: "why why-time" }, "time"), " reported on different days · ",
      el("span", { class: "why why-scope" }, "scope"), " a different place or an additional amount"),
    groups.length ? groups.map(groupNode) : muted("No figures counted the same thing twice."));
}
