// The page: a hash router over the views. Each view is an async function (params) -> Node.

import { ApiError, setToken } from "./api.js";
import { el } from "./dom.js";
import { alertsView } from "./views/alerts.js";
import { auditView } from "./views/audit.js";
import { documentsView, documentView } from "./views/documents.js";
import { figuresView } from "./views/figures.js";
import { mapView } from "./views/map.js";
import { provenanceView } from "./views/provenance.js";
import { searchView } from "./views/search.js";
import { storiesView, storyView } from "./views/stories.js";
import { timelineView } from "./views/timeline.js";

const ROUTES = {
  stories: (id) => (id ? storyView(id) : storiesView()),
  story: (id) => storyView(id),
  timeline: (_id, query) => timelineView(query),
  map: () => mapView(),
  figures: (_id, query) => figuresView(query),
  docs: () => documentsView(),
  doc: (id, query) => documentView(id, query),
  provenance: (id) => provenanceView(id),
  audit: (id) => auditView(id),
  search: (_id, query) => searchView(query),
  alerts: (_id, query) => alertsView(query),
};

function parseHash() {
  const hash = window.location.hash.replace(/^#\/?/, "");
  const [path, queryString = ""] = hash.split("?");
  const [name = "stories", ...rest] = path.split("/").filter(Boolean);
  const id = rest.length ? decodeURIComponent(rest.join("/")) : null;
  return { name, id, query: new URLSearchParams(queryString) };
}

let rendering = 0;

async function render() {
  const view = document.getElementById("view");
  const { name, id, query } = parseHash();
  const route = ROUTES[name];
  const ticket = ++rendering;
  for (const a of document.querySelectorAll("nav a")) {
    a.toggleAttribute("aria-current", a.dataset.view === name || (name === "story" && a.dataset.view === "stories"));
  }
  view.setAttribute("aria-busy", "true");
  let node;
  try {
    node = route ? await route(id, query) : el("p", { class: "error" }, `No such view: ${name}`);
  } catch (error) {
    node = errorNode(error);
  }
  if (ticket !== rendering) return; // a newer navigation won
  view.replaceChildren(node);
  view.removeAttribute("aria-busy");
  view.dataset.view = name;
  const target = document.getElementById("passage");
  if (target) target.scrollIntoView({ block: "center" });
  else window.scrollTo(0, 0);
}

function errorNode(error) {
  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) { // no token, or a wrong one
    const input = el("input", { type: "password", name: "token", "aria-label": "API token", autocomplete: "off" });
    const form = el("form", { class: "token-form" }, el("label", {}, "This record needs a token to read: ", input), el("button", {}, "Use token"));
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      setToken(input.value.trim());
      render();
    });
    return el("section", {}, el("p", { class: "error" }, error.message), form);
  }
  return el("p", { class: "error" }, error instanceof Error ? error.message : String(error));
}

document.getElementById("quick-search").addEventListener("submit", (event) => {
  event.preventDefault();
  const q = new FormData(event.target).get("q");
  window.location.hash = `#/search?q=${encodeURIComponent(q || "")}`;
});
window.addEventListener("hashchange", render);
render();
