// DOM helpers. Text from the server (names, evidence, titles) is internet text: it only
// ever enters the page as text nodes (textContent) or as the value of a harmless attribute
// (title, data-*, aria-*) from an allow-list. No innerHTML, no event-handler attributes,
// no style attribute; links only for absolute http(s) URLs.

const ATTRIBUTES = new Set([
  "class", "id", "title", "type", "value", "min", "max", "step", "name", "for", "placeholder",
  "role", "tabindex", "colspan", "rows", "accept", "checked", "disabled", "hidden", "selected",
  "autocomplete", "spellcheck", "viewBox", "width", "height", "x", "y", "x1", "x2", "y1", "y2",
  "cx", "cy", "r", "d", "points", "fill", "stroke", "stroke-width", "stroke-dasharray",
  "text-anchor", "dominant-baseline", "transform", "preserveAspectRatio",
]);

function setAttributes(el, attrs) {
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    const allowed = ATTRIBUTES.has(key) || key.startsWith("data-") || key.startsWith("aria-");
    if (!allowed || key.toLowerCase().startsWith("on")) {
      throw new Error(`attribute not allowed: ${key}`);
    }
    el.setAttribute(key, value === true ? "" : String(value));
  }
}

/** Appends children: nodes as they are, anything else as a text node. */
export function append(el, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** An HTML element with allowed attributes and text or element children. */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  setAttributes(el, attrs);
  return append(el, ...children);
}

const SVG = "http://www.w3.org/2000/svg";

/** An SVG element, same rules as h(). */
export function s(tag, attrs, ...children) {
  const el = document.createElementNS(SVG, tag);
  setAttributes(el, attrs);
  return append(el, ...children);
}

/** The URL when it is an absolute http(s) URL, else null. */
export function safeUrl(url) {
  if (typeof url !== "string" || !url) return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" || parsed.protocol === "https:" ? parsed.href : null;
  } catch {
    return null;
  }
}

/** A link to an outside page (new tab, no referrer), or plain text when the URL is unsafe. */
export function outLink(url, text, attrs) {
  const safe = safeUrl(url);
  if (!safe) return h("span", attrs, text || url || "");
  const a = h("a", attrs, text || safe);
  a.href = safe;
  a.target = "_blank";
  a.rel = "noopener noreferrer nofollow";
  return a;
}

/** A button running `onClick` (a function of ours, never built from data). */
export function button(attrs, label, onClick) {
  const b = h("button", { type: "button", ...attrs }, label);
  if (onClick) b.addEventListener("click", onClick);
  return b;
}

export function byId(id) {
  return document.getElementById(id);
}

export function fmt(x, digits = 3) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return Number(x).toFixed(digits);
}

export function pct(x, digits = 1) {
  if (x === null || x === undefined || Number.isNaN(x)) return "–";
  return `${(x * 100).toFixed(digits)}%`;
}

/** 12345 -> "12,345" (without Intl: its data loads slowly on a cold start). */
export function thousands(n) {
  const text = String(Math.trunc(n));
  return text.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

export function plural(n, word) {
  return `${thousands(n)} ${word}${n === 1 ? "" : "s"}`;
}
