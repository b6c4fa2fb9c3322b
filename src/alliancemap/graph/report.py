"""The report: the map's measures as one self-contained HTML page, every figure with evidence.

One file, no network needed to open it: CSS inline, figures as inline SVG, no scripts, no
external assets (sources are cited as text, not fetched). Every text that comes from the
store (names, evidence sentences, sources) is HTML-escaped. Each figure links to an
evidence section listing the claims behind it, and the marks of a figure (points, lines,
bars) link to their own evidence.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from html import escape
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

from alliancemap import __version__
from alliancemap.atomic import atomic_write
from alliancemap.export import source_label
from alliancemap.graph import plots
from alliancemap.graph.blocs import (
    BlocPartition,
    BlocYear,
    bloc_history,
    detect_blocs,
    year_network,
)
from alliancemap.graph.brokerage import Broker, effective_size, orchestrators
from alliancemap.graph.centrality import betweenness, betweenness_method, pagerank
from alliancemap.graph.concentration import Concentration, Trend, concentration, trend
from alliancemap.graph.dates import effective_date, year
from alliancemap.graph.exposure import Exposure, exposure
from alliancemap.graph.names import Names
from alliancemap.graph.network import network
from alliancemap.graph.stack import read_stack
from alliancemap.graph.transitions import ALLIES_TO_RIVALS, Transition, transitions
from alliancemap.graph.view import GraphView, ViewEdge, active_years, build_view
from alliancemap.model import Polarity

EXAMPLE_STACK = "example_stack.yaml"
TOP = 5  # orchestrators followed over time, and named in the closing note


def example_stack_path() -> Path:
    """The example stack file shipped with the package."""
    return Path(str(resources.files("alliancemap.graph").joinpath("data", EXAMPLE_STACK)))


def esc(value: Any) -> str:
    """HTML-escaped text (quotes too): every string from the store goes through here."""
    return escape("" if value is None else str(value), quote=True)


def anchor(kind: str, name: str) -> str:
    """A stable, safe HTML id for a name (slug plus a short hash, so no two names clash)."""
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:40]
    digest = hashlib.sha1(name.encode("utf-8")).hexdigest()[:6]
    return f"ev-{kind}-{slug}-{digest}"


def pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x * 100:.{digits}f}%"


def usd(x: float | None) -> str:
    if not x:
        return "–"
    for unit, size in (("T", 1e12), ("B", 1e9), ("M", 1e6)):
        if x >= size:
            return f"${x / size:,.1f}{unit}"
    return f"${x:,.0f}"


@dataclass(slots=True)
class Findings:
    """What the closing note says: top orchestrators, the concentration trend, three turns."""

    orchestrators: list[Broker]
    hhi_trend: Trend | None
    reach_trend: Trend | None
    peak: Concentration | None
    low: Concentration | None
    last: Concentration | None
    transitions: list[Transition]

    def lines(self) -> list[str]:
        """The closing note as plain-text lines (the CLI prints them too)."""
        if not self.orchestrators:
            return ["The map has no cooperative ties to measure yet."]
        out = []
        names = ", ".join(
            f"{b.name} ({b.effective_size:.0f} non-redundant partners, "
            f"constraint {b.constraint:.3f})"
            for b in self.orchestrators
        )
        out.append(f"Top {len(self.orchestrators)} orchestrators: {names}.")
        if self.hhi_trend and self.last:
            out.append(
                "Concentration of new cooperative ties (HHI, points of 10,000): "
                + self.hhi_trend.describe(10000, 0)
                + f"; in {self.last.period} the top five took part in "
                f"{pct(self.last.top5_reach)} of new ties (led by "
                f"{', '.join(n for n, _ in self.last.leaders[:3])})."
            )
        if self.reach_trend:
            out.append(self.reach_trend.describe(100, 1, "%") + ".")
        for i, t in enumerate(self.transitions, 1):
            out.append(
                f"Rivals to allies {i}: {t.a} and {t.b}: {t.before.type} {t.before.date} "
                f'("{t.before.evidence}" [{t.before.source or t.before.extractor}]) then '
                f'{t.after.type} {t.after.date} ("{t.after.evidence}" '
                f"[{t.after.source or t.after.extractor}])."
            )
        return out


@dataclass(slots=True)
class ReportData:
    """Everything the page shows, computed once."""

    store: str
    view: GraphView
    history: GraphView
    years: list[int]
    new_rows: list[Concentration]
    stock_rows: list[Concentration]
    type_rows: list[Concentration]
    brokers: list[Broker]
    pagerank: dict[str, float]
    betweenness: dict[str, float]
    betweenness_note: str
    brokerage_by_year: dict[str, list[float | None]]
    blocs: BlocPartition
    bloc_years: list[BlocYear]
    rivals_to_allies: list[Transition]
    allies_to_rivals: list[Transition]
    exposure: Exposure | None
    findings: Findings
    seed: int
    notes: list[str] = field(default_factory=list)


def gather(
    store: Any,
    stack: str | Path | None = None,
    as_of: str | None = None,
    since: str | None = None,
    min_sources: int = 1,
    min_confidence: float = 0.0,
    min_ties: int = 50,
    seed: int = 0,
) -> ReportData:
    """Compute every measure the report shows from the store (and a stack file)."""
    filters = {
        "as_of": as_of,
        "since": since,
        "min_sources": min_sources,
        "min_confidence": min_confidence,
    }
    names = Names(store)
    parsed = read_stack(stack, names) if stack is not None else None  # fail early on a bad file
    view = build_view(store, **filters)
    history = build_view(store, keep_ended=True, **filters)
    years = active_years(view, min_ties)
    new_rows = concentration(view, by="year", years=years)
    stock_rows = concentration(view, by="year", basis="stock", years=years)
    type_rows = concentration(view, by="type")
    brokers = orchestrators(view, n=10)
    top_names = [b.name for b in brokers[:TOP]]
    per_year: dict[str, list[float | None]] = {n: [] for n in top_names}
    for y in years:
        sizes = effective_size(year_network(view, y), nodes=top_names)
        for n in top_names:
            per_year[n].append(sizes.get(n))
    net = network(view)
    rank = pagerank(view)
    between = betweenness(view, seed=seed)
    method = betweenness_method(net.n, net.m, seed=seed).describe()
    blocs = detect_blocs(view, seed=seed)
    bloc_years = bloc_history(view, years=years, seed=seed)
    r2a = transitions(history)
    a2r = transitions(history, kind=ALLIES_TO_RIVALS)
    exp = exposure(view, parsed, names, seed=seed, blocs=blocs) if parsed else None
    findings = _findings(brokers, new_rows, r2a)
    return ReportData(
        store=str(getattr(store, "location", store)),
        view=view,
        history=history,
        years=years,
        new_rows=new_rows,
        stock_rows=stock_rows,
        type_rows=type_rows,
        brokers=brokers,
        pagerank=rank,
        betweenness=between,
        betweenness_note=method,
        brokerage_by_year=per_year,
        blocs=blocs,
        bloc_years=bloc_years,
        rivals_to_allies=r2a,
        allies_to_rivals=a2r,
        exposure=exp,
        findings=findings,
        seed=seed,
    )


def _findings(brokers: list[Broker], rows: list[Concentration], r2a: list[Transition]) -> Findings:
    coop = [r for r in rows if r.scope == "cooperative" and r.n_ties]
    return Findings(
        orchestrators=brokers[:TOP],
        hhi_trend=trend(coop, "hhi", name="HHI"),
        reach_trend=trend(coop, "top5_reach", name="Top-5 reach"),
        peak=max(coop, key=lambda r: r.hhi) if coop else None,
        low=min(coop, key=lambda r: r.hhi) if coop else None,
        last=coop[-1] if coop else None,
        transitions=r2a[:3],
    )


# -- evidence blocks ------------------------------------------------------------------------


def claim_html(claim: Any) -> str:
    """One claim: when, who did what to whom, the sentence, and where it was reported."""
    rtype = getattr(claim.type, "value", claim.type)
    ended = f", ended {claim.end_date}" if claim.ended and claim.end_date else ""
    meta = (
        f"{esc(effective_date(claim) or 'undated')}{esc(ended)} · {esc(claim.subject)} "
        f"—{esc(rtype)}→ {esc(claim.object)} · {esc(claim.extractor)}, confidence "
        f"{float(claim.confidence or 0):.2f} · claim #{esc(claim.id)}"
    )
    src = source_label(claim)
    cite = f'<div class="cite">source: {esc(src)}</div>' if src else ""
    return (
        f'<div class="claim"><div class="meta">{meta}</div>'
        f"<blockquote>{esc(claim.evidence)}</blockquote>{cite}</div>"
    )


def edge_html(edge: ViewEdge, claims: int = 2) -> str:
    """An edge's figures and its best claims (most confident first)."""
    ranked = sorted(
        edge.claims, key=lambda c: (-float(c.confidence or 0), effective_date(c) or "", c.id)
    )
    shown = "".join(claim_html(c) for c in ranked[:claims])
    more = len(ranked) - claims
    rest = (
        f'<div class="cite">and {more} more claims: #'
        + ", #".join(esc(c.id) for c in ranked[claims : claims + 30])
        + (" …" if more > 30 else "")
        + "</div>"
        if more > 0
        else ""
    )
    span = f"{edge.first_date or 'undated'}" + (
        f" to {edge.last_date}" if edge.last_date and edge.last_date != edge.first_date else ""
    )
    head = (
        f"<b>{esc(edge.source)} —{esc(edge.type.value)}→ {esc(edge.target)}</b> "
        f"<span class='cite'>{len(edge.claims)} claims, {edge.n_sources} sources, "
        f"{esc(span)}</span>"
    )
    return f"<div>{head}{shown}{rest}</div>"


def _edges_list(edges: Sequence[ViewEdge], limit: int) -> str:
    ranked = sorted(edges, key=lambda e: (-e.n_sources, -e.confidence, e.pair, e.type.value))
    body = "".join(edge_html(e) for e in ranked[:limit])
    if len(ranked) > limit:
        body += f"<p class='cite'>and {len(ranked) - limit} more ties.</p>"
    return body


# -- sections -------------------------------------------------------------------------------


def _figure(svg: str, caption: str, evidence: str, fig_id: str) -> str:
    return (
        f'<figure id="{fig_id}">{svg}<figcaption>{caption} '
        f'<a href="#{evidence}">Evidence for this figure</a>.</figcaption></figure>'
    )


def _table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Iterable[int] = ()) -> str:
    nums = set(numeric)
    th = "".join(f"<th{' class=num' if i in nums else ''}>{h}</th>" for i, h in enumerate(head))
    body = "".join(
        "<tr>"
        + "".join(f"<td{' class=num' if i in nums else ''}>{c}</td>" for i, c in enumerate(r))
        + "</tr>"
        for r in rows
    )
    return f"<table><thead><tr>{th}</tr></thead><tbody>{body}</tbody></table>"


def _orchestrators(d: ReportData) -> tuple[str, str]:
    rows = []
    for i, b in enumerate(d.brokers, 1):
        link = f'<a href="#{anchor("org", b.name)}">{esc(b.name)}</a>'
        rows.append(
            [
                str(i),
                link,
                f"{b.effective_size:.1f}",
                f"{b.efficiency:.3f}",
                f"{b.constraint:.4f}",
                str(b.degree),
                f"{d.pagerank.get(b.name, 0):.4f}",
                f"{d.betweenness.get(b.name, 0):.4f}",
            ]
        )
    table = _table(
        [
            "#",
            "organization",
            "effective size",
            "efficiency",
            "constraint",
            "partners",
            "PageRank",
            "betweenness",
        ],
        rows,
        numeric=range(2, 8),
    )
    urls = {n: "#" + anchor("org", n) for n in d.brokerage_by_year}
    svg = plots.lines_figure(
        d.years,
        d.brokerage_by_year,
        urls,
        "Effective size (non-redundant partners) of today's top orchestrators, "
        "as known at each year's end",
        "effective size",
        "orchestrators",
    )
    html = (
        '<h2 id="orchestrators">1. The orchestrators</h2>'
        "<p>Organizations that convene partners who are not otherwise tied to each other: "
        "ranked by effective size (Burt), with constraint (low is better for a broker), "
        f"PageRank and betweenness ({esc(d.betweenness_note)}) on cooperative ties.</p>"
        + table
        + _figure(
            svg,
            "Top orchestrators over time; each line links to the organization's ties.",
            "ev-orchestrators",
            "fig-orchestrators",
        )
    )
    evidence = ['<section id="ev-orchestrators"><h3>Evidence: the orchestrators\' ties</h3>']
    coop = d.view.select(Polarity.COOPERATIVE)
    for b in d.brokers:
        mine = [e for e in coop if b.name in (e.source, e.target)]
        evidence.append(
            f'<details id="{anchor("org", b.name)}" open><summary>{esc(b.name)}: '
            f"{len(mine)} cooperative ties</summary>{_edges_list(mine, 12)}</details>"
        )
    evidence.append("</section>")
    return html, "".join(evidence)


def _concentration(d: ReportData) -> tuple[str, str]:
    stock = {r.period: r for r in d.stock_rows if r.scope == "cooperative"}
    rows = [r for r in d.new_rows if r.scope == "cooperative"]
    years = [int(r.period) for r in rows]
    svg = plots.concentration_figure(
        years,
        [r.hhi for r in rows],
        [stock[r.period].hhi if r.period in stock else 0.0 for r in rows],
        [r.cr4 for r in rows],
        [r.top5_reach for r in rows],
        ["#" + anchor("year", r.period) for r in rows],
    )
    table_rows = []
    for r in rows:
        s = stock.get(r.period)
        table_rows.append(
            [
                f'<a href="#{anchor("year", r.period)}">{esc(r.period)}</a>',
                str(r.n_ties),
                str(r.n_organizations),
                f"{r.hhi * 10000:.0f}",
                f"{r.equivalent_n:.0f}",
                pct(r.cr4),
                pct(r.top5_reach),
                esc(", ".join(f"{n} {pct(x)}" for n, x in r.leaders[:3])),
                usd(r.value_usd),
                f"{r.value_hhi * 10000:.0f}" if r.value_hhi is not None else "–",
                f"{s.hhi * 10000:.0f}" if s else "–",
            ]
        )
    table = _table(
        [
            "year",
            "new ties",
            "orgs",
            "HHI",
            "1/HHI",
            "CR4",
            "top-5 reach",
            "leaders",
            "disclosed value",
            "value HHI",
            "HHI, all ties",
        ],
        table_rows,
        numeric=[1, 2, 3, 4, 5, 6, 8, 9, 10],
    )
    type_table = _table(
        ["relation", "ties", "HHI", "CR4", "top-5 reach", "leaders", "disclosed value"],
        [
            [
                esc(r.scope),
                str(r.n_ties),
                f"{r.hhi * 10000:.0f}",
                pct(r.cr4),
                pct(r.top5_reach),
                esc(", ".join(f"{n} {pct(x)}" for n, x in r.leaders[:3])),
                usd(r.value_usd),
            ]
            for r in d.type_rows
        ],
        numeric=[1, 2, 3, 4, 6],
    )
    f = d.findings
    trend_text = esc(f.hhi_trend.describe(10000, 0)) if f.hhi_trend else "too few years"
    reach_text = esc(f.reach_trend.describe(100, 1, "%")) if f.reach_trend else ""
    html = (
        '<h2 id="concentration">2. Concentration</h2>'
        "<p>Each organization's share of cooperative ties (every tie has two parties). "
        "HHI is shown in points of 10,000 (antitrust convention: under 1,500 is "
        "unconcentrated); 1/HHI is the equivalent number of equal organizations; "
        "top-5 reach is the share of ties with one of the five most tied as a party. "
        f"Trend: {trend_text}; {reach_text}.</p>"
        + _figure(
            svg,
            "Concentration of cooperative ties per year (new ties formed that year, and all "
            "ties standing at its end); each point links to that year's leaders and ties.",
            "ev-concentration",
            "fig-concentration",
        )
        + table
        + "<h3>By relation type (all years)</h3>"
        + type_table
    )
    evidence = ['<section id="ev-concentration"><h3>Evidence: the leaders of each year</h3>']
    coop = d.view.select(Polarity.COOPERATIVE)
    for r in rows:
        formed = [e for e in coop if year(e.first_date) == int(r.period)]
        parts = []
        for name, share in r.leaders[:4]:
            mine = [e for e in formed if name in (e.source, e.target)]
            parts.append(
                f"<details><summary>{esc(name)}: {pct(share)} of the year's ties "
                f"({len(mine)} ties)</summary>{_edges_list(mine, 8)}</details>"
            )
        evidence.append(
            f'<div id="{anchor("year", r.period)}"><h3>{esc(r.period)}: {r.n_ties} new '
            f"cooperative ties</h3>{''.join(parts)}</div>"
        )
    evidence.append("</section>")
    return html, "".join(evidence)


def _blocs(d: ReportData) -> tuple[str, str]:
    last = d.bloc_years[-1] if d.bloc_years else None
    lineages: list[tuple[int, str]] = []
    if last:
        lineages = [(b.lineage or 0, b.label) for b in last.partition.blocs[:7]]
    stacks: dict[str, list[int]] = {name: [] for _, name in lineages}
    stacks["other blocs"] = []
    for by in d.bloc_years:
        sizes = {b.lineage: b.size for b in by.partition.blocs}
        for lin, name in lineages:
            stacks[name].append(sizes.pop(lin, 0))
        stacks["other blocs"].append(sum(sizes.values()))
    urls = {name: "#" + anchor("bloc", name) for _, name in lineages}
    svg = plots.stacked_figure(
        [by.year for by in d.bloc_years],
        stacks,
        urls,
        "Organizations in each bloc, as known at each year's end (largest blocs of the last "
        "year, followed back through their lineage)",
        "blocs",
    )
    rows = []
    for b in d.blocs.blocs[:12]:
        rows.append(
            [
                str(b.id + 1),
                esc(b.label),
                str(b.size),
                esc(", ".join(b.members[1:9])),
                str(b.internal_ties),
                str(b.external_ties),
            ]
        )
    table = _table(
        ["#", "bloc (leader)", "members", "next members by tie weight", "ties inside", "ties out"],
        rows,
        numeric=[0, 2, 4, 5],
    )
    events = []
    for by in d.bloc_years[1:]:
        for e in by.events[:4]:
            what = e["event"]
            extra = (
                f" into {e['into']}" if "into" in e else f" from {e['from']}" if "from" in e else ""
            )
            events.append(
                [str(by.year), esc(what), esc(e["bloc"]) + esc(extra), str(e.get("size", ""))]
            )
    ev_table = _table(["year", "event", "bloc", "size"], events[-30:], numeric=[3])
    html = (
        '<h2 id="blocs">3. Blocs</h2>'
        f"<p>Leiden communities (modularity {d.blocs.modularity:.3f}, seed {d.seed}) of the "
        f"cooperative ties: {len(d.blocs.blocs)} blocs of three or more organizations, plus "
        f"{d.blocs.small_blocs} pairs and singletons. A bloc is named after its member with the "
        "most tie weight.</p>"
        + _figure(
            svg,
            "Bloc sizes per year; each segment links to the bloc's ties.",
            "ev-blocs",
            "fig-blocs",
        )
        + "<h3>Blocs today</h3>"
        + table
        + "<h3>Notable changes (blocs of ten or more)</h3>"
        + ev_table
    )
    evidence = ['<section id="ev-blocs"><h3>Evidence: the strongest ties inside each bloc</h3>']
    coop = d.view.select(Polarity.COOPERATIVE)
    shown = {name for _, name in lineages} | {b.label for b in d.blocs.blocs[:7]}
    for name in sorted(shown):
        bloc = d.blocs.bloc_of(name)
        members = set(bloc.members) if bloc else {name}
        inside = [e for e in coop if e.source in members and e.target in members]
        evidence.append(
            f'<details id="{anchor("bloc", name)}"><summary>{esc(name)} bloc: {len(members)} '
            f"members today, {len(inside)} ties inside</summary>{_edges_list(inside, 10)}</details>"
        )
    evidence.append("</section>")
    return html, "".join(evidence)


def _claim_cell(ref: Any) -> str:
    src = f'<div class="cite">{esc(ref.source)}</div>' if ref.source else ""
    return (
        f"<b>{esc(ref.type)}</b> {esc(ref.date)} <span class='cite'>#{esc(ref.id)}, "
        f"{esc(ref.extractor)} {ref.confidence:.2f}</span><blockquote>{esc(ref.evidence)}"
        f"</blockquote>{src}"
    )


def _transition_rows(found: Sequence[Transition], limit: int) -> list[list[str]]:
    return [
        [
            f"<b>{esc(t.a)}</b> and <b>{esc(t.b)}</b>",
            _claim_cell(t.before),
            _claim_cell(t.after),
            f"{t.gap_days / 365.25:.1f} y",
            f"{t.n_before} / {t.n_after}",
        ]
        for t in found[:limit]
    ]


def _transitions(d: ReportData) -> str:
    head = ["pair", "before", "after", "gap", "claims before / after"]
    return (
        '<h2 id="transitions">4. Rivals to allies</h2>'
        f"<p>{len(d.rivals_to_allies)} pairs have an adversarial claim (competition, "
        "litigation, investigation) followed, strictly later, by a cooperative one; "
        f"{len(d.allies_to_rivals)} turned the other way. Strongest evidence first (the "
        "weaker cited claim's confidence, then independent sources). The table is its own "
        'evidence: both sentences are cited.</p><figure id="fig-transitions">'
        + _table(head, _transition_rows(d.rivals_to_allies, 15), numeric=[3, 4])
        + "<figcaption>Rivals who became allies, with both claims. "
        '<a href="#transitions">Evidence: the cited claims above</a>.</figcaption></figure>'
        + "<h3>Allies who became rivals</h3>"
        + _table(head, _transition_rows(d.allies_to_rivals, 10), numeric=[3, 4])
    )


def _exposure(d: ReportData) -> tuple[str, str]:
    exp = d.exposure
    if exp is None:
        return "", ""
    top = exp.providers[:12]
    rest = sum(p["share"] for p in exp.providers[12:])
    names = [p["organization"] for p in top] + (["others"] if rest else [])
    values = [p["share"] for p in top] + ([rest] if rest else [])
    urls = ["#" + anchor("provider", n) for n in names]
    svg = plots.bars_figure(
        names, values, urls, f"{exp.stack}: share per ultimate provider", "exposure"
    )
    spof = (
        ", ".join(
            f"{esc(s['organization'])} ({pct(s['affected'], 0)} of the stack depends on it)"
            for s in exp.single_points_of_failure
        )
        or "none"
    )
    comp_rows = []
    for c in exp.components:
        items = "; ".join(f"{esc(i['entity'])} ({esc(i['owner'])})" for i in c.items)
        provs = ", ".join(f"{esc(p['organization'])} {pct(p['share'])}" for p in c.providers[:4])
        alts = "; ".join(
            f"{esc(a['alternative'])} ({esc(a['owner'])}, {esc(a['bloc'])} bloc)"
            for a in c.alternatives
        )
        comp_rows.append([esc(c.label), f"{c.weight:g}", items, provs, alts or "–"])
    bloc_rows = [[esc(b["bloc"]), pct(b["share"])] for b in exp.blocs[:8]]
    html = (
        '<h2 id="exposure">5. Exposure of an example stack</h2>'
        f"<p>Stack HHI {exp.hhi * 10000:.0f} points (equivalent to {exp.equivalent_n:.1f} equal "
        f"providers). Single points of failure: {spof}. Each component's weight flows to "
        f"its owner, then upstream through trusted supply, investment and partnership ties "
        f"(half kept at each step, {exp.params['depth']} steps at most; ties need a KB fact "
        f"or {exp.params['min_sources']} sources).</p>"
        + _figure(
            svg,
            "Where the stack's weight ends up; each bar links to the dependency paths.",
            "ev-exposure",
            "fig-exposure",
        )
        + _table(
            [
                "component",
                "weight",
                "uses (owner)",
                "ultimate providers",
                "alternatives in other blocs",
            ],
            comp_rows,
            numeric=[1],
        )
        + "<h3>Share per bloc</h3>"
        + _table(["bloc", "share"], bloc_rows, numeric=[1])
    )
    evidence = ['<section id="ev-exposure"><h3>Evidence: dependency paths</h3>']
    by_provider: dict[str, list[str]] = {}
    for c in exp.components:
        for p in (p for p in c.providers[:8] if p["organization"] != "(others)"):
            steps = "".join(_step_html(s) for s in p["path"])
            text = steps or "<li>owner of the component itself</li>"
            by_provider.setdefault(p["organization"], []).append(
                f"<p><b>{esc(c.label)}</b>: {pct(p['share'])} of its weight</p><ol>{text}</ol>"
            )
    for name in names:
        parts = by_provider.get(name, ["<p>small shares over many paths.</p>"])
        evidence.append(
            f'<details id="{anchor("provider", name)}"><summary>{esc(name)}</summary>'
            f"{''.join(parts)}</details>"
        )
    evidence.append("</section>")
    return html, "".join(evidence)


def _step_html(step: dict[str, Any]) -> str:
    """One hop of a dependency path with its claim ids and best evidence."""
    ids = step["claim_ids"][:8]
    cited = " (claims #" + ", #".join(esc(i) for i in ids) + ")" if ids else ""
    return (
        f"<li>{esc(step['frm'])} {esc(step['relation'])} {esc(step['to'])}{cited}"
        f"<blockquote>{esc(step['evidence'])}</blockquote></li>"
    )


def _method(d: ReportData) -> str:
    p = d.view.params
    return (
        '<h2 id="method">Method and caveats</h2><ul>'
        f"<li>Store {esc(d.store)}; view as of {esc(p.as_of or 'today')}"
        f"{', since ' + esc(p.since) if p.since else ''}; claims of confidence ≥ "
        f"{p.min_confidence:g}; ties with ≥ {p.min_sources} independent sources "
        "(documents; knowledge-base facts count by publication); relations ended before the "
        f"view's date dropped; organizations of kind {esc(', '.join(p.exclude_kinds))} left "
        "out (publications are never parties).</li>"
        f"<li>{len(d.view.nodes):,} organizations, {len(d.view.edges):,} ties, "
        f"{sum(len(e.claims) for e in d.view.edges):,} claims. Years shown: those from the "
        "first to the last with enough new ties to measure.</li>"
        "<li>Ties are the view's edges, one per (organization, organization, relation type); "
        "measures on the undirected cooperative ties weighted by independent sources "
        "(betweenness unweighted). Seeds: Leiden and sampling use seed "
        f"{d.seed}, so the page is reproducible.</li>"
        "<li>Claims come from a rules extractor reading news, plus curated landmark facts: "
        "individual claims can be wrong (the evidence is shown so that they can be checked), "
        "and undated claims take their article's publication date.</li></ul>"
    )


def _closing(d: ReportData) -> str:
    items = "".join(f"<li>{esc(line)}</li>" for line in d.findings.lines())
    return f'<h2 id="closing">Closing note</h2><div class="closing"><ul>{items}</ul></div>'


def render(d: ReportData) -> str:
    """The whole page as an HTML string."""
    orch, orch_ev = _orchestrators(d)
    conc, conc_ev = _concentration(d)
    blocs, blocs_ev = _blocs(d)
    expo, expo_ev = _exposure(d)
    toc = [
        ("orchestrators", "The orchestrators"),
        ("concentration", "Concentration"),
        ("blocs", "Blocs"),
        ("transitions", "Rivals to allies"),
        *([("exposure", "Exposure of an example stack")] if expo else []),
        ("evidence", "Evidence"),
        ("method", "Method and caveats"),
        ("closing", "Closing note"),
    ]
    nav = "<nav><ol>" + "".join(f'<li><a href="#{a}">{t}</a></li>' for a, t in toc) + "</ol></nav>"
    as_of = d.view.params.as_of or "today"
    header = (
        "<header><h1>Alliances and rivalries of the AI industry</h1>"
        f'<p class="lead">The map as known {esc(as_of)}: {len(d.view.nodes):,} organizations, '
        f"{len(d.view.edges):,} ties, {sum(len(e.claims) for e in d.view.edges):,} claims "
        f"with their evidence. Generated {date.today().isoformat()} by alliancemap "
        f"{esc(__version__)}.</p></header>"
    )
    evidence = (
        '<h2 id="evidence">Evidence</h2><div class="evidence">'
        + orch_ev
        + conc_ev
        + blocs_ev
        + expo_ev
        + "</div>"
    )
    body = (
        header
        + nav
        + orch
        + conc
        + blocs
        + _transitions(d)
        + expo
        + evidence
        + _method(d)
        + _closing(d)
    )
    template = resources.files("alliancemap.graph").joinpath("templates", "report.html")
    page = Template(template.read_text(encoding="utf-8"))
    return page.substitute(title="alliancemap report", version=esc(__version__), body=body)


def write_report(store: Any, path: str | Path, **options: Any) -> Findings:
    """Compute, render and write the report atomically; returns its findings."""
    data = gather(store, **options)
    html = render(data)
    with atomic_write(path) as fh:
        fh.write(html)
    return data.findings


__all__ = [
    "Findings",
    "ReportData",
    "anchor",
    "claim_html",
    "esc",
    "example_stack_path",
    "gather",
    "render",
    "write_report",
]
