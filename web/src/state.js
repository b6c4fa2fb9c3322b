// What the user is looking at, and its URL: as-of date, filters, size measure, selection
// and tab all live in the query string, so a URL restores the same view.

export const TYPES = [
  "partnership", "investment", "acquisition", "supply", "membership",
  "competition", "litigation", "investigation",
];
export const TABS = ["map", "concentration", "transitions", "exposure"];
export const SIZES = ["degree", "pagerank", "betweenness", "effective_size"];

export const state = {
  asOf: null, // a year ("2019") or null for every date
  types: new Set(TYPES),
  polarity: "all",
  minSources: 1,
  minConfidence: 0,
  sizeBy: "degree",
  org: null, // selected organization
  edge: null, // selected edge: {source, target, type}
  tab: "map",
};

function intIn(value, lo, hi, fallback) {
  const n = Number.parseInt(value, 10);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : fallback;
}

function numIn(value, lo, hi, fallback) {
  const n = Number.parseFloat(value);
  return Number.isFinite(n) && n >= lo && n <= hi ? n : fallback;
}

/** Reads the state from the URL's query string (unknown values fall back to defaults). */
export function readUrl(search = window.location.search) {
  const q = new URLSearchParams(search);
  const asOf = q.get("as_of");
  state.asOf = asOf && /^\d{4}(-\d{2}(-\d{2})?)?$/.test(asOf) ? asOf : null;
  const types = (q.get("types") || "").split(",").filter((t) => TYPES.includes(t));
  state.types = new Set(types.length ? types : TYPES);
  const polarity = q.get("polarity");
  state.polarity = ["cooperative", "adversarial"].includes(polarity) ? polarity : "all";
  state.minSources = intIn(q.get("min_sources"), 1, 1000, 1);
  state.minConfidence = numIn(q.get("min_confidence"), 0, 1, 0);
  state.sizeBy = SIZES.includes(q.get("size")) ? q.get("size") : "degree";
  state.org = q.get("org") || null;
  const src = q.get("edge_source");
  const dst = q.get("edge_target");
  const type = q.get("edge_type");
  state.edge = src && dst && TYPES.includes(type) ? { source: src, target: dst, type } : null;
  if (state.edge) state.org = null;
  state.tab = TABS.includes(q.get("tab")) ? q.get("tab") : "map";
}

/** The view's filters as API query parameters (defaults left out). */
export function viewQuery({ withDate = true } = {}) {
  const q = {};
  if (withDate && state.asOf) q.as_of = state.asOf;
  if (state.types.size !== TYPES.length) q.types = TYPES.filter((t) => state.types.has(t)).join(",");
  if (state.polarity !== "all") q.polarity = state.polarity;
  if (state.minSources > 1) q.min_sources = String(state.minSources);
  if (state.minConfidence > 0) q.min_confidence = String(state.minConfidence);
  return q;
}

/** The query string for the current state. */
export function urlSearch() {
  const q = new URLSearchParams(viewQuery());
  if (state.sizeBy !== "degree") q.set("size", state.sizeBy);
  if (state.org) q.set("org", state.org);
  if (state.edge) {
    q.set("edge_source", state.edge.source);
    q.set("edge_target", state.edge.target);
    q.set("edge_type", state.edge.type);
  }
  if (state.tab !== "map") q.set("tab", state.tab);
  const text = q.toString();
  return text ? `?${text}` : "";
}

/** Writes the state into the address bar (no new history entry). */
export function writeUrl() {
  const target = `${window.location.pathname}${urlSearch()}`;
  if (target !== `${window.location.pathname}${window.location.search}`) {
    window.history.replaceState(null, "", target);
  }
}
