// Building DOM from data. Article text is hostile input: it only ever becomes text nodes or
// attribute values set one by one; nothing here parses markup (no innerHTML).

const SVG_NS = "http://www.w3.org/2000/svg";

// Only links inside this page, or http(s) links out of it; `javascript:` and friends are refused.
export function safeHref(value) {
  const text = String(value ?? "");
  if (text.startsWith("#/")) return text;
  try {
    const url = new URL(text, window.location.href);
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  } catch {
    return null;
  }
}

function apply(node, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") node.setAttribute("class", value);
    else if (key === "text") node.textContent = String(value);
    else if (key === "href") {
      const href = safeHref(value);
      if (href) node.setAttribute("href", href);
    } else if (key.startsWith("on")) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, String(value));
  }
}

function append(node, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

// el("a", {href: "#/x", class: "c"}, "text", otherNode)
export function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  apply(node, attrs);
  return append(node, children);
}

export function svg(tag, attrs = {}, ...children) {
  const node = document.createElementNS(SVG_NS, tag);
  apply(node, attrs);
  return append(node, children);
}

export function link(text, hash, attrs = {}) {
  return el("a", { ...attrs, href: hash }, text);
}

// The hash route of a document with a passage highlighted.
export function passageHref(docId, start, end) {
  const query = start === undefined || start === null ? "" : `?start=${Number(start)}&end=${Number(end)}`;
  return `#/doc/${encodeURIComponent(docId)}${query}`;
}

export function shortId(id) {
  return String(id).slice(0, 10);
}

export function table(headers, rows, attrs = {}) {
  return el("table", attrs,
    el("thead", {}, el("tr", {}, headers.map((h) => el("th", { scope: "col" }, h)))),
    el("tbody", {}, rows));
}

export function muted(text) {
  return el("p", { class: "muted" }, text);
}

// An outlet's name, or for a document known only by its file path, the file's name.
export function sourceName(source) {
  const text = String(source ?? "");
  return /^(\.{0,2}\/|[A-Za-z]:\\)/.test(text) ? text.split(/[\\/]/).pop() : text;
}
