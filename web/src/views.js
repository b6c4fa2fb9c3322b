// The other views: concentration over time (SVG chart and table), the rivals-to-allies
// table, and the exposure calculator (paste or upload a stack file, see its report).

import * as api from "./api.js";
import { typeColor } from "./colors.js";
import { append, button, fmt, h, outLink, pct, plural, s, thousands } from "./dom.js";

// -- a small line chart ----------------------------------------------------------------------

/** The smallest of 1, 2, 2.5, 5 times a power of ten that is at least `x` (axis tops). */
function niceCeiling(x) {
  if (!(x > 0)) return 1;
  const power = 10 ** Math.floor(Math.log10(x));
  return [1, 2, 2.5, 5, 10].map((m) => m * power).find((v) => v >= x);
}

/** An SVG line chart. series: [{label, color, points: [[x, y], ...]}]; x are years. */
export function lineChart(series, { yFormat = (v) => v, yMax = null, title = "" } = {}) {
  const W = 720;
  const H = 280;
  const M = { top: 16, right: 16, bottom: 32, left: 56 };
  const xs = series.flatMap((se) => se.points.map((p) => p[0]));
  const ys = series.flatMap((se) => se.points.map((p) => p[1]));
  const svg = s("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title });
  if (!xs.length) return svg;
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const top = yMax ?? niceCeiling(Math.max(...ys));
  const sx = (x) => M.left + ((x - x0) / Math.max(1, x1 - x0)) * (W - M.left - M.right);
  const sy = (y) => H - M.bottom - (y / (top || 1)) * (H - M.top - M.bottom);
  for (let i = 0; i <= 4; i++) {
    const v = (top * i) / 4;
    svg.append(
      s("line", { x1: M.left, x2: W - M.right, y1: sy(v), y2: sy(v), class: "grid" }),
      s("text", { x: M.left - 6, y: sy(v), "text-anchor": "end", "dominant-baseline": "middle", class: "tick" }, yFormat(v)),
    );
  }
  const step = Math.max(1, Math.ceil((x1 - x0) / 12));
  for (let x = x0; x <= x1; x += step) {
    svg.append(s("text", { x: sx(x), y: H - M.bottom + 18, "text-anchor": "middle", class: "tick" }, String(x)));
  }
  for (const se of series) {
    const pts = se.points.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(" ");
    svg.append(s("polyline", { points: pts, fill: "none", stroke: se.color, "stroke-width": 2 }));
    for (const [x, y] of se.points) {
      svg.append(
        s("circle", { cx: sx(x), cy: sy(y), r: 3, fill: se.color }, s("title", {}, `${se.label} ${x}: ${yFormat(y)}`)),
      );
    }
  }
  return svg;
}

function legend(series) {
  return h(
    "div",
    { class: "legend-row" },
    series.map((se) => {
      const sw = h("span", { class: "swatch", "aria-hidden": "true" });
      sw.style.setProperty("--swatch", se.color);
      return h("span", { class: "legend-item" }, sw, ` ${se.label}`);
    }),
  );
}

// -- concentration ---------------------------------------------------------------------------

/** Fills `root` with the concentration view for the current filters. */
export async function concentrationView(root, query, edges = 0) {
  const basis = root.dataset.basis || "new";
  // Years with too few ties say little: at least 20 on a map the corpus's size, fewer on small ones
  const minTies = Math.max(1, Math.min(20, Math.round(edges / 300)));
  root.replaceChildren(h("p", { class: "muted" }, "computing…"));
  const data = await api.get("/api/measures/concentration", { ...query, by: "year", basis, min_ties: minTies }, "concentration");
  const rows = data.rows.filter((r) => r.scope === "cooperative");
  const byYear = rows.map((r) => [Number(r.period), r]);
  const shares = [
    { label: "CR4 (four largest shares)", color: "#4e79a7", points: byYear.map(([y, r]) => [y, r.cr4]) },
    { label: "Top-5 reach (ties touching the five most tied)", color: "#f28e2b", points: byYear.map(([y, r]) => [y, r.top5_reach]) },
  ];
  const hhi = [{ label: "HHI (points of 10,000)", color: "#e15759", points: byYear.map(([y, r]) => [y, r.hhi * 10000]) }];
  const toggle = h("div", { class: "toggle" });
  for (const [value, label] of [["new", "ties formed each year"], ["stock", "ties standing at each year's end"]]) {
    toggle.append(
      button({ class: value === basis ? "chip on" : "chip", "aria-pressed": String(value === basis) }, label, () => {
        root.dataset.basis = value;
        concentrationView(root, query, edges).catch((err) => showError(root, err));
      }),
    );
  }
  const table = h(
    "table",
    { class: "data" },
    h("thead", {}, h("tr", {}, ["year", "ties", "organizations", "HHI", "1/HHI", "CR4", "top-5 reach", "leaders"].map((c) => h("th", {}, c)))),
    h(
      "tbody",
      {},
      rows.map((r) =>
        h(
          "tr",
          {},
          h("td", {}, r.period),
          h("td", {}, thousands(r.n_ties)),
          h("td", {}, thousands(r.n_organizations)),
          h("td", {}, (r.hhi * 10000).toFixed(0)),
          h("td", {}, r.equivalent_n.toFixed(0)),
          h("td", {}, pct(r.cr4)),
          h("td", {}, pct(r.top5_reach)),
          h("td", {}, r.leaders.slice(0, 3).map((l) => `${l.organization} ${pct(l.share)}`).join(", ")),
        ),
      ),
    ),
  );
  root.replaceChildren();
  append(
    root,
    h("h2", {}, "Concentration of cooperative ties over time"),
    h("p", { class: "muted" }, `Each organization's share of the year's cooperative ties (partnerships, investments, acquisitions, supply, membership). Years with at least ${plural(minTies, "tie")}.`),
    toggle,
    rows.length ? null : h("p", { class: "note" }, "Too few ties per year in this view to measure."),
    legend(shares),
    lineChart(shares, { yFormat: (v) => pct(v, 0), yMax: 1, title: "CR4 and top-5 reach by year" }),
    legend(hhi),
    lineChart(hhi, { yFormat: (v) => v.toFixed(0), title: "HHI by year" }),
    data.trend ? h("p", { class: "trend" }, data.trend) : null,
    table,
  );
}

// -- transitions -----------------------------------------------------------------------------

function refCell(ref, onOrg) {
  const sw = h("span", { class: "swatch", "aria-hidden": "true" });
  sw.style.setProperty("--swatch", typeColor(ref.type));
  return h(
    "td",
    { class: "ref" },
    h("div", {}, h("strong", {}, ref.date), " ", sw, ` ${ref.type}`),
    h("blockquote", { class: "evidence", "data-testid": "evidence" }, ref.evidence),
    h("div", { class: "muted" }, ref.source ? outLink(ref.source, ref.source, { class: "source-link" }) : "", ` · ${ref.extractor} ${fmt(ref.confidence, 2)}`),
  );
}

/** Fills `root` with the rivals-to-allies (or reverse) table; onOrg(name) opens the map. */
export async function transitionsView(root, query, onOrg) {
  const kind = root.dataset.kind || "rivals-to-allies";
  root.replaceChildren(h("p", { class: "muted" }, "computing…"));
  const data = await api.get("/api/measures/transitions", { ...query, kind, top: 200 }, "transitions");
  const toggle = h("div", { class: "toggle" });
  for (const [value, label] of [["rivals-to-allies", "rivals who became allies"], ["allies-to-rivals", "allies who became rivals"]]) {
    toggle.append(
      button({ class: value === kind ? "chip on" : "chip", "aria-pressed": String(value === kind) }, label, () => {
        root.dataset.kind = value;
        transitionsView(root, query, onOrg).catch((err) => showError(root, err));
      }),
    );
  }
  const org = (name) => button({ class: "link org-link" }, name, () => onOrg(name));
  root.replaceChildren(
    h("h2", {}, kind === "rivals-to-allies" ? "Rivals who became allies" : "Allies who became rivals"),
    h("p", { class: "muted" }, `${plural(data.total, "pair")}, strongest evidence first; each with the earlier and the later claim.`),
    toggle,
    h(
      "table",
      { class: "data transitions", "data-testid": "transitions" },
      h("thead", {}, h("tr", {}, ["pair", "before", "after", "gap", "claims"].map((c) => h("th", {}, c)))),
      h(
        "tbody",
        {},
        data.pairs.map((t) =>
          h(
            "tr",
            {},
            h("td", {}, org(t.a), h("br"), org(t.b)),
            refCell(t.before, onOrg),
            refCell(t.after, onOrg),
            h("td", {}, `${(t.gap_days / 365.25).toFixed(1)} y`),
            h("td", {}, `${t.n_before} / ${t.n_after}`),
          ),
        ),
      ),
    ),
  );
}

// -- exposure --------------------------------------------------------------------------------

function table(columns, rows) {
  return h(
    "table",
    { class: "data" },
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", {}, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, v))))),
  );
}

function report(result) {
  const spof = result.single_points_of_failure;
  return h(
    "div",
    { class: "report", "data-testid": "exposure-report" },
    h("h3", {}, result.stack),
    h(
      "p",
      { class: "trend" },
      `Stack HHI ${(result.hhi * 10000).toFixed(0)} (like ${result.equivalent_n.toFixed(1)} equal providers). `,
      spof.length
        ? `Single points of failure: ${spof.map((x) => `${x.organization} (${pct(x.affected)} of the stack)`).join(", ")}.`
        : "No single point of failure.",
    ),
    h("h4", {}, "Ultimate providers"),
    table(
      ["provider", "share", "passes through", "components depending", "bloc"],
      result.providers.slice(0, 25).map((p) => [p.organization, pct(p.share), pct(p.through), pct(p.affected), p.bloc || "–"]),
    ),
    h("h4", {}, "Blocs"),
    table(["bloc", "share"], result.blocs.map((b) => [b.bloc, pct(b.share)])),
    h("h4", {}, "Components"),
    table(
      ["component", "weight", "uses (owner)", "providers", "alternatives in other blocs"],
      result.components.map((c) => [
        c.label,
        String(c.weight),
        c.items.map((i) => `${i.entity} (${i.owner})`).join(", "),
        c.providers.slice(0, 3).map((p) => `${p.organization} ${pct(p.share)}`).join(", "),
        c.alternatives.map((a) => `${a.alternative} (${a.owner}, ${a.bloc})`).join("; ") || "–",
      ]),
    ),
  );
}

/** Builds the exposure calculator in `root` (once); `getAsOf()` gives the map's date. */
export async function exposureView(root, getAsOf) {
  if (root.dataset.ready) return;
  root.dataset.ready = "1";
  const text = h("textarea", { id: "stack-text", rows: 14, spellcheck: "false", "aria-label": "Stack file (YAML)" });
  const file = h("input", { type: "file", id: "stack-file", accept: ".yaml,.yml,.json,.txt" });
  const minSources = h("input", { type: "number", id: "exp-min-sources", min: 1, max: 20, value: 2 });
  const depth = h("input", { type: "number", id: "exp-depth", min: 0, max: 6, value: 2 });
  const retain = h("input", { type: "number", id: "exp-retain", min: 0.05, max: 1, step: 0.05, value: 0.5 });
  const out = h("div", { class: "exposure-out", "aria-live": "polite" });
  file.addEventListener("change", async () => {
    const f = file.files && file.files[0];
    if (!f) return;
    if (f.size > 64 * 1024) {
      out.replaceChildren(h("p", { class: "error" }, "That file is over 64 KB: a stack file is a short list."));
      return;
    }
    text.value = await f.text();
  });
  const run = async () => {
    out.replaceChildren(h("p", { class: "muted" }, "computing…"));
    try {
      const asOf = getAsOf();
      const result = await api.post("/api/exposure", {
        stack: text.value,
        as_of: asOf || null,
        min_sources: Number(minSources.value) || 2,
        depth: Number(depth.value) || 0,
        retain: Number(retain.value) || 0.5,
      });
      out.replaceChildren(h("p", { class: "muted" }, asOf ? `The map as of ${asOf}.` : "The map as known today."), report(result));
    } catch (err) {
      out.replaceChildren(h("p", { class: "error", role: "alert" }, err.message));
    }
  };
  const example = await api.get("/api/exposure/example");
  text.value = example.stack;
  append(
    root,
    h("h2", {}, "Exposure of an AI stack"),
    h("p", { class: "muted" }, "Paste or upload a stack file (YAML: components, each a product or vendor with a weight). Each component's weight flows to its owners and upstream providers over well-attested ties; see which providers and blocs the stack depends on."),
    h("div", { class: "exposure-form" }, text, h("div", { class: "exposure-options" },
      h("label", { for: "stack-file" }, "Upload a stack file "), file,
      h("label", { for: "exp-min-sources" }, "least sources per dependency "), minSources,
      h("label", { for: "exp-depth" }, "upstream steps "), depth,
      h("label", { for: "exp-retain" }, "share kept at each step "), retain,
      button({ class: "primary", id: "exposure-run" }, "Assess the stack", run),
    )),
    out,
  );
}

export function showError(root, err) {
  root.replaceChildren(h("p", { class: "error", role: "alert" }, err.message || String(err)));
}
