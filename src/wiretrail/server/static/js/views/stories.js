// Stories: the list, and one story with its segments and its timeline.

import { getAll, getJSON } from "../api.js";
import { el, link, muted, passageHref, sourceName, table } from "../dom.js";
import { timelineRows } from "./timeline.js";

export async function storiesView() {
  const items = await getAll("/api/stories");
  if (!items.length) return el("section", {}, el("h1", {}, "Stories"), muted("No stories yet: ingest some documents."));
  const rows = items.map((s) =>
    el("tr", { class: "story" },
      el("td", {}, link(s.title || "(untitled story)", `#/story/${encodeURIComponent(s.id)}`)),
      el("td", { class: "nowrap" }, s.first_seen || "—", s.last_seen && s.last_seen !== s.first_seen ? ` – ${s.last_seen}` : ""),
      el("td", { class: "num" }, s.segments),
      el("td", { class: "num" }, s.documents),
      el("td", { class: "num" }, s.independent_sources),
      el("td", { class: "sources" }, s.sources.map(sourceName).join(", "))));
  return el("section", {},
    el("h1", {}, "Stories"),
    el("p", { class: "muted" }, `${items.length} stories, most independent sources first. Copies of one text count as one source.`),
    table(["Story", "Reported", "Segments", "Documents", "Independent sources", "Sources"], rows, { class: "stories" }));
}

export async function storyView(id) {
  const [story, timeline] = await Promise.all([
    getJSON(`/api/stories/${encodeURIComponent(id)}`),
    getJSON("/api/timeline", { story: id, limit: 500 }),
  ]);
  // the timeline's story filter keeps events of the story's documents; a live blog covers many
  // stories, so keep the events whose first report lies in one of this story's segments
  const inStory = (row) => row.first_report.evidence.some((e) =>
    story.segment_details.some((seg) => seg.doc_id === e.doc_id && seg.start <= e.start && e.start < seg.end));
  const events = timeline.items.filter(inStory);
  const segments = story.segment_details.map((seg) =>
    el("li", { class: "segment" },
      el("div", { class: "meta" }, seg.posted_at || seg.reference_date || "undated", " · ", seg.outlet || seg.title || seg.doc_id),
      el("a", { class: "passage-link", href: passageHref(seg.doc_id, seg.start, seg.end) }, seg.headline || seg.title || "(no headline)"),
      el("p", { class: "excerpt" }, seg.excerpt, seg.end - seg.start > seg.excerpt.length ? "…" : "")));
  return el("section", {},
    el("p", {}, link("← all stories", "#/stories")),
    el("h1", {}, story.title || "(untitled story)"),
    el("p", { class: "muted" },
      `${story.first_seen || "undated"}${story.last_seen ? ` – ${story.last_seen}` : ""} · ${story.segments} segments in ${story.documents} documents · ${story.independent_sources} independent sources`),
    el("h2", {}, "What happened"),
    events.length ? timelineRows(events) : muted("No events were read from this story's segments."),
    el("h2", {}, "Segments"),
    el("ol", { class: "segments" }, segments));
}
