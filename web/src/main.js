// The web map's entry point: reads the view from the URL, draws the map, wires the filters,
// the timeline, search, the side panel and the other views, and keeps the URL in step.

import "./style.css";
import * as api from "./api.js";
import { blocColor, typeColor } from "./colors.js";
import { button, byId, h, plural } from "./dom.js";
import { MapView } from "./map.js";
import { edgePanel, orgPanel } from "./panel.js";
import { TYPES, readUrl, state, viewQuery, writeUrl } from "./state.js";
import { concentrationView, exposureView, showError, transitionsView } from "./views.js";

const PLAY_STEP_MS = 800; // how long each year stays on screen while playing
const ADVERSARIAL = new Set(["competition", "litigation", "investigation"]);

let map;
let years = [];
let playing = false;
let panelToken = 0;

const status = byId("status");

function setStatus(kind, text) {
  status.dataset.state = kind;
  status.textContent = text;
  status.classList.toggle("error", kind === "error");
}

function debounce(fn, ms) {
  let timer;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

// -- the map ---------------------------------------------------------------------------------

function graphQuery() {
  return { ...viewQuery(), size_by: state.sizeBy };
}

/** Fetches the map for the current state and shows it; `pending` is a request already sent. */
async function loadGraph(pending = null) {
  setStatus("loading", "loading…");
  try {
    const payload = await (pending || api.get("/api/graph", graphQuery(), "graph"));
    performance.mark("graph-received");
    map.setData(payload);
    performance.mark("graph-set");
    const { nodes, edges } = map.counts();
    status.dataset.nodes = String(nodes);
    status.dataset.edges = String(edges);
    status.dataset.asOf = state.asOf || "";
    setStatus("ready", `${plural(nodes, "organization")}, ${plural(edges, "edge")}${state.asOf ? ` as of ${state.asOf}` : ""}`);
    blocLegend(payload.blocs);
    refreshPanel();
    return true;
  } catch (err) {
    if (api.isAbort(err)) return false;
    setStatus("error", err.message);
    return false;
  }
}

const reload = debounce(() => {
  writeUrl();
  loadGraph();
  refreshOverlay();
}, 150);

function blocLegend(blocs) {
  const list = byId("bloc-legend");
  list.replaceChildren(
    ...blocs.slice(0, 12).map((b) => {
      const sw = h("span", { class: "swatch dot", "aria-hidden": "true" });
      sw.style.setProperty("--swatch", blocColor(b.id));
      return h("li", {}, button({ class: "link", title: `Show ${b.label}` }, [sw, ` ${b.label} (${b.size})`], () => selectOrg(b.label, { focus: true })));
    }),
  );
  if (blocs.length > 12) list.append(h("li", { class: "muted" }, `and ${blocs.length - 12} smaller blocs (grey)`));
  if (!blocs.length) list.append(h("li", { class: "muted" }, "none in this view"));
}

// -- selection and the side panel -------------------------------------------------------------

function openPanel(content) {
  byId("panel-body").replaceChildren(content);
  byId("panel").hidden = false;
}

async function showOrg(name) {
  const token = ++panelToken;
  try {
    const org = await api.get("/api/org", { ...viewQuery(), name }, "panel");
    if (token !== panelToken) return;
    state.org = org.name;
    writeUrl();
    openPanel(orgPanel(org, { onOrg: (n) => selectOrg(n, { focus: true }), onEdge: selectEdge }));
  } catch (err) {
    if (!api.isAbort(err) && token === panelToken) openPanel(h("p", { class: "error", role: "alert" }, err.message));
  }
}

async function showEdge(edge) {
  const token = ++panelToken;
  try {
    const data = await api.get("/api/edge", { ...viewQuery(), ...edge }, "panel");
    if (token !== panelToken) return;
    openPanel(edgePanel(data, { onOrg: (n) => selectOrg(n, { focus: true }) }));
  } catch (err) {
    if (!api.isAbort(err) && token === panelToken) openPanel(h("p", { class: "error", role: "alert" }, err.message));
  }
}

function selectOrg(name, { focus = false } = {}) {
  state.org = name;
  state.edge = null;
  writeUrl();
  map.selectNode(name);
  if (focus) map.focusNode(name);
  if (state.tab !== "map") showTab("map");
  showOrg(name);
}

function selectEdge(edge, { focus = false } = {}) {
  state.edge = { source: edge.source, target: edge.target, type: edge.type };
  state.org = null;
  writeUrl();
  map.selectEdge(edge.source, edge.target, edge.type);
  if (focus) map.focusEdge(edge.source, edge.target);
  showEdge(state.edge);
}

function clearSelection() {
  state.org = null;
  state.edge = null;
  panelToken++;
  writeUrl();
  map.clearSelection();
  byId("panel").hidden = true;
}

function refreshPanel() {
  if (state.org) showOrg(state.org);
  else if (state.edge) showEdge(state.edge);
}

// -- filters -----------------------------------------------------------------------------------

function buildFilters() {
  const list = byId("type-filters");
  for (const type of TYPES) {
    const box = h("input", { type: "checkbox", id: `type-${type}`, "data-type": type });
    box.checked = state.types.has(type);
    box.addEventListener("change", () => {
      if (!box.checked && state.types.size === 1) {
        box.checked = true; // at least one type stays on
        return;
      }
      if (box.checked) state.types.add(type);
      else state.types.delete(type);
      reload();
    });
    const sw = h("span", { class: ADVERSARIAL.has(type) ? "swatch line dashed" : "swatch line", "aria-hidden": "true" });
    sw.style.setProperty("--swatch", typeColor(type));
    list.append(h("li", {}, box, h("label", { for: `type-${type}` }, sw, ` ${type}`)));
  }
  const polarity = byId("polarity");
  polarity.value = state.polarity;
  polarity.addEventListener("change", () => {
    state.polarity = polarity.value;
    reload();
  });
  const sources = byId("min-sources");
  sources.value = String(state.minSources);
  sources.addEventListener("change", () => {
    const n = Number.parseInt(sources.value, 10);
    state.minSources = Number.isFinite(n) && n >= 1 ? n : 1;
    sources.value = String(state.minSources);
    reload();
  });
  const conf = byId("min-confidence");
  const confLabel = byId("min-confidence-value");
  conf.value = String(state.minConfidence);
  confLabel.textContent = state.minConfidence.toFixed(2);
  conf.addEventListener("input", () => {
    state.minConfidence = Number(conf.value);
    confLabel.textContent = state.minConfidence.toFixed(2);
    reload();
  });
  const size = byId("size-by");
  size.value = state.sizeBy;
  size.addEventListener("change", () => {
    state.sizeBy = size.value;
    reload();
  });
}

// -- the timeline ------------------------------------------------------------------------------

function sliderIndex() {
  if (!state.asOf) return years.length;
  const y = Number(state.asOf.slice(0, 4));
  const i = years.findIndex((x) => x >= y);
  return i < 0 ? years.length : i;
}

function showAsOf() {
  byId("as-of-label").textContent = state.asOf ? `as of ${state.asOf}` : "all dates";
}

function buildTimeline() {
  const slider = byId("as-of");
  slider.max = String(years.length);
  slider.value = String(sliderIndex());
  slider.disabled = years.length === 0;
  showAsOf();
  slider.addEventListener("input", () => {
    stopPlaying();
    const i = Number(slider.value);
    state.asOf = i < years.length ? String(years[i]) : null;
    showAsOf();
    reload();
  });
  byId("play").addEventListener("click", () => (playing ? stopPlaying() : play()));
}

function stopPlaying() {
  playing = false;
  const b = byId("play");
  b.textContent = "▶";
  b.setAttribute("aria-label", "Play the years");
}

async function play() {
  if (!years.length) return;
  playing = true;
  const b = byId("play");
  b.textContent = "⏸";
  b.setAttribute("aria-label", "Pause");
  const slider = byId("as-of");
  let i = Number(slider.value) >= years.length ? 0 : Number(slider.value);
  while (playing && i <= years.length) {
    slider.value = String(i);
    state.asOf = i < years.length ? String(years[i]) : null;
    showAsOf();
    writeUrl();
    const started = performance.now();
    await loadGraph();
    const left = PLAY_STEP_MS - (performance.now() - started);
    if (left > 0) await new Promise((resolve) => setTimeout(resolve, left));
    i += 1;
  }
  stopPlaying();
}

// -- search ------------------------------------------------------------------------------------

function buildSearch() {
  const input = byId("search");
  const list = byId("search-results");
  let hits = [];
  let active = -1;
  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    active = -1;
  };
  const choose = (hit) => {
    close();
    input.value = hit.name;
    selectOrg(hit.name, { focus: true });
  };
  const render = () => {
    list.replaceChildren(
      ...hits.map((hit, i) => {
        const item = h(
          "li",
          { role: "option", class: i === active ? "active" : "", "aria-selected": String(i === active), "data-name": hit.name },
          h("span", { class: "hit-name" }, hit.name),
          hit.matched !== hit.name ? h("span", { class: "muted" }, ` (${hit.via === "product" ? "product " : ""}${hit.matched})`) : null,
          h("span", { class: "muted hit-meta" }, hit.on_map ? ` ${plural(hit.partners, "partner")}` : " not on the map"),
        );
        item.addEventListener("mousedown", (ev) => {
          ev.preventDefault();
          choose(hit);
        });
        return item;
      }),
    );
    list.hidden = hits.length === 0;
    input.setAttribute("aria-expanded", String(!list.hidden));
  };
  const lookup = debounce(async () => {
    const q = input.value.trim();
    if (!q) {
      hits = [];
      render();
      return;
    }
    try {
      const data = await api.get("/api/search", { q, limit: 10 }, "search");
      hits = data.results;
      active = hits.length ? 0 : -1;
      render();
    } catch (err) {
      if (!api.isAbort(err)) setStatus("error", err.message);
    }
  }, 120);
  input.addEventListener("input", lookup);
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "ArrowDown" || ev.key === "ArrowUp") {
      if (!hits.length) return;
      ev.preventDefault();
      active = (active + (ev.key === "ArrowDown" ? 1 : hits.length - 1)) % hits.length;
      render();
    } else if (ev.key === "Enter") {
      ev.preventDefault();
      if (hits[active]) choose(hits[active]);
    } else if (ev.key === "Escape") {
      close();
    }
  });
  input.addEventListener("blur", () => setTimeout(close, 150));
}

// -- tabs and the other views ------------------------------------------------------------------

const OVERLAYS = {
  concentration: (root) => concentrationView(root, viewQuery({ withDate: false }), Number(status.dataset.edges || 0)),
  transitions: (root) => transitionsView(root, viewQuery(), (name) => selectOrg(name, { focus: true })),
  exposure: (root) => exposureView(root, () => state.asOf),
};

function showTab(tab) {
  state.tab = tab;
  writeUrl();
  for (const b of document.querySelectorAll(".tab")) {
    const on = b.dataset.tab === tab;
    b.classList.toggle("on", on);
    b.setAttribute("aria-selected", String(on));
  }
  for (const name of Object.keys(OVERLAYS)) byId(`view-${name}`).hidden = name !== tab;
  refreshOverlay();
}

function refreshOverlay() {
  const render = OVERLAYS[state.tab];
  if (!render) return;
  const root = byId(`view-${state.tab}`);
  render(root).catch((err) => {
    if (!api.isAbort(err)) showError(root, err);
  });
}

function buildTabs() {
  for (const b of document.querySelectorAll(".tab")) {
    b.addEventListener("click", () => showTab(b.dataset.tab));
  }
  byId("panel-close").addEventListener("click", clearSelection);
  byId("share").addEventListener("click", async () => {
    writeUrl();
    const link = window.location.href;
    try {
      await navigator.clipboard.writeText(link);
      setStatus(status.dataset.state, "link copied");
    } catch {
      window.prompt("Copy this link", link);
    }
  });
  window.addEventListener("resize", () => map.resize());
}

// -- start -------------------------------------------------------------------------------------

async function boot() {
  readUrl();
  // Ask for the map and the store's facts first: the server answers while sigma starts.
  const firstGraph = api.get("/api/graph", graphQuery(), "graph");
  const metaLoaded = api.get("/api/meta");
  map = new MapView(byId("graph"), {
    onNode: (name) => selectOrg(name),
    onEdge: selectEdge,
    onStage: clearSelection,
  });
  // For the browser tests: what is drawn, and where on the page (for real mouse clicks).
  const onPage = (p) => {
    if (!p) return null;
    const box = byId("graph").getBoundingClientRect();
    return { x: box.left + p.x, y: box.top + p.y };
  };
  window.__alliancemap = {
    counts: () => map.counts(),
    edgeTypes: () => {
      const types = {};
      map.graph.forEachEdge((_, a) => {
        types[a.type] = (types[a.type] || 0) + 1;
      });
      return types;
    },
    nodePoint: (name) => onPage(map.nodePoint(name)),
    edgePoint: (source, target, type, t) => onPage(map.edgePoint(source, target, type, t)),
    selected: () => map.selected,
  };
  await loadGraph(firstGraph);
  const meta = await metaLoaded;
  years = meta.years;
  buildFilters();
  buildTimeline();
  buildSearch();
  buildTabs();
  if (state.edge) selectEdge(state.edge, { focus: true });
  else if (state.org) selectOrg(state.org, { focus: true });
  showTab(state.tab);
  document.body.dataset.app = "ready";
}

boot().catch((err) => setStatus("error", err.message || String(err)));
