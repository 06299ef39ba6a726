// Full-text search over segments; each hit opens its segment in the document.

import { getJSON } from "../api.js";
import { el, muted, passageHref } from "../dom.js";

export async function searchView(query) {
  const q = query.get("q") || "";
  const input = el("input", { type: "search", name: "q", value: q, "aria-label": "Words to find", placeholder: "North Korean troops" });
  const form = el("form", { class: "filters" }, input, el("button", {}, "Search"));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    window.location.hash = `#/search?q=${encodeURIComponent(input.value)}`;
  });
  const section = el("section", {}, el("h1", {}, "Search"), form);
  if (!q.trim()) return section;
  const page = await getJSON("/api/search", { q, limit: 50 });
  const hits = page.items.map((hit) =>
    el("li", { class: "hit" },
      el("a", { class: "passage-link", href: `${passageHref(hit.doc_id, hit.start, hit.end)}&q=${encodeURIComponent(q)}` }, hit.title || hit.doc_id),
      el("p", { class: "snippet" }, hit.snippet)));
  section.append(hits.length ? el("ol", { class: "hits" }, hits) : muted(`Nothing matches “${q}”.`));
  return section;
}
