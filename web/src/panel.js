// The side panel: an organization's profile, partners, measures and timeline, or every claim
// behind an edge. Every string from the server is written as text (see dom.js).

import { blocColor, typeColor } from "./colors.js";
import { button, fmt, h, outLink, plural } from "./dom.js";

const FIRST_PARTNERS = 12; // partners shown per relation type before "show all"
const FIRST_CLAIMS = 40; // timeline claims shown before "show more"
const ARROWS = { out: "→", in: "←", both: "↔" };

function swatch(color, dashed = false) {
  const el = h("span", { class: dashed ? "swatch dashed" : "swatch", "aria-hidden": "true" });
  el.style.setProperty("--swatch", color);
  return el;
}

function years(first, last) {
  if (!first && !last) return "undated";
  const a = (first || "").slice(0, 4);
  const b = (last || "").slice(0, 4);
  return a === b ? a : `${a}–${b}`;
}

function orgButton(name, onOrg) {
  return button({ class: "link org-link", title: `Show ${name}` }, name, () => onOrg(name));
}

function sourceLine(claim) {
  const parts = [];
  const label = claim.title || claim.source || (claim.from_kb ? "knowledge base" : "unknown source");
  parts.push(claim.link ? outLink(claim.link, label, { class: "source-link" }) : h("span", {}, label));
  if (claim.published && claim.published !== claim.effective_date) {
    parts.push(h("span", { class: "muted" }, ` · published ${claim.published}`));
  }
  return h("div", { class: "claim-source" }, parts);
}

/** One claim: date, relation, the evidence sentence, its source, extractor and confidence. */
export function claimItem(claim, onOrg) {
  const head = h(
    "div",
    { class: "claim-head" },
    h("span", { class: "claim-date", "data-testid": "claim-date" }, claim.effective_date || "undated"),
    " ",
    orgButton(claim.subject, onOrg),
    h("span", { class: "claim-type" }, swatch(typeColor(claim.type), claim.polarity === "adversarial"), ` ${claim.type} `),
    orgButton(claim.object, onOrg),
    claim.ended ? h("span", { class: "badge" }, claim.end_date ? `ended ${claim.end_date}` : "ended") : null,
    claim.value_text ? h("span", { class: "badge" }, claim.value_text) : null,
  );
  return h(
    "li",
    { class: "claim", "data-claim": String(claim.id) },
    head,
    h("blockquote", { class: "evidence", "data-testid": "evidence" }, claim.evidence),
    sourceLine(claim),
    h(
      "div",
      { class: "claim-meta muted", "data-testid": "claim-meta" },
      `extractor ${claim.extractor} · confidence ${fmt(claim.confidence, 2)}`,
      claim.from_kb ? " · curated fact" : "",
    ),
  );
}

function measureRows(m) {
  const rows = [
    ["Partners", `${m.partners.all} (${m.partners.cooperative} cooperative, ${m.partners.adversarial} adversarial)`],
    ["PageRank", m.pagerank === null ? "–" : `${fmt(m.pagerank, 4)}${m.pagerank_rank ? ` (#${m.pagerank_rank} of ${m.ranked})` : ""}`],
    ["Betweenness", fmt(m.betweenness, 4)],
    ["Effective size", fmt(m.effective_size, 1)],
    ["Constraint", fmt(m.constraint, 3)],
  ];
  const dl = h("dl", { class: "measures", "data-testid": "measures" });
  for (const [k, v] of rows) dl.append(h("dt", {}, k), h("dd", {}, v));
  dl.append(
    h("dt", {}, "Bloc"),
    h("dd", {}, m.bloc ? [swatch(blocColor(m.bloc.id)), ` ${m.bloc.label} bloc (${m.bloc.size})`] : "none"),
  );
  return dl;
}

function partnerGroup(group, onOrg, onEdge, self) {
  const list = h("ul", { class: "partners" });
  const rows = group.partners;
  const show = (n) => {
    list.replaceChildren();
    for (const p of rows.slice(0, n)) {
      const edge = p.direction === "in"
        ? { source: p.partner, target: self, type: group.type }
        : { source: self, target: p.partner, type: group.type };
      list.append(
        h(
          "li",
          {},
          h("span", { class: "dir", title: p.direction }, ARROWS[p.direction] || ""),
          " ",
          orgButton(p.partner, onOrg),
          " ",
          button(
            { class: "link muted", title: "Show the claims behind this edge" },
            `${plural(p.n_sources, "source")} · ${years(p.first_date, p.last_date)}`,
            () => onEdge(edge),
          ),
        ),
      );
    }
    if (rows.length > n) {
      list.append(h("li", {}, button({ class: "link" }, `show all ${rows.length}`, () => show(rows.length))));
    }
  };
  show(FIRST_PARTNERS);
  return h(
    "section",
    { class: "group" },
    h("h4", {}, swatch(typeColor(group.type), group.polarity === "adversarial"), ` ${group.type} `, h("span", { class: "muted" }, `(${rows.length}; ${group.direction})`)),
    list,
  );
}

/** An organization's panel. handlers: onOrg(name), onEdge({source, target, type}). */
export function orgPanel(org, handlers) {
  const facts = [org.kind, org.country, org.in_kb ? "in the knowledge base" : null].filter(Boolean);
  const timeline = h("ol", { class: "claims timeline" });
  const claims = [...org.timeline].reverse(); // latest first
  const showClaims = (n) => {
    timeline.replaceChildren(...claims.slice(0, n).map((c) => claimItem(c, handlers.onOrg)));
    if (claims.length > n) {
      timeline.append(h("li", {}, button({ class: "link" }, `show ${Math.min(claims.length - n, 100)} more`, () => showClaims(n + 100))));
    }
  };
  showClaims(FIRST_CLAIMS);
  return h(
    "article",
    { class: "org" },
    h("h2", { "data-testid": "panel-title" }, org.name),
    h("p", { class: "facts" }, facts.join(" · ")),
    org.parent ? h("p", {}, "Part of ", orgButton(org.parent, handlers.onOrg)) : null,
    org.aliases.length ? h("p", { class: "muted aliases" }, `Also: ${org.aliases.slice(0, 8).join(", ")}`) : null,
    org.on_map ? null : h("p", { class: "note" }, "No relation in this view: change the date or the filters."),
    h("h3", {}, "Measures"),
    measureRows(org.measures),
    h("h3", {}, "Partners by relation"),
    org.partners.length
      ? org.partners.map((g) => partnerGroup(g, handlers.onOrg, handlers.onEdge, org.name))
      : h("p", { class: "muted" }, "none in this view"),
    h("h3", {}, "Timeline ", h("span", { class: "muted" }, `(${plural(org.timeline_total, "claim")}${org.timeline_total > org.timeline.length ? `, latest ${org.timeline.length}` : ""})`)),
    timeline,
  );
}

/** An edge's panel: every claim behind it, oldest first. */
export function edgePanel(edge, handlers) {
  const arrow = edge.directed ? "→" : "↔";
  return h(
    "article",
    { class: "edge" },
    h(
      "h2",
      { "data-testid": "panel-title" },
      orgButton(edge.source, handlers.onOrg),
      ` ${arrow} `,
      orgButton(edge.target, handlers.onOrg),
    ),
    h(
      "p",
      { class: "facts" },
      swatch(typeColor(edge.type), edge.polarity === "adversarial"),
      ` ${edge.type} (${edge.polarity}) · ${plural(edge.n_sources, "independent source")} · ${plural(edge.n_claims, "claim")} · ${years(edge.first_date, edge.last_date)}`,
      edge.ended ? " · ended" : "",
    ),
    h("h3", {}, "Evidence"),
    h("ol", { class: "claims", "data-testid": "edge-claims" }, edge.claims.map((c) => claimItem(c, handlers.onOrg))),
  );
}
