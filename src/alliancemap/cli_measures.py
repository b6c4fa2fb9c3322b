"""The measure commands: rank, blocs, concentration, transitions, exposure, whatif, report.

Registered on the main `app` when `alliancemap.cli` loads; each command builds a view of the
store with the usual filters and prints a Rich table, or JSON with `--json`. Bad input
(dates, types, stack files, relations) raises ValueError or AllianceMapError, which the main
entry point turns into one `error:` line and exit code 1.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from alliancemap import cli_output as show
from alliancemap.atomic import is_stdout
from alliancemap.cli import DbOption, JsonOption, app, opened_store, parse_as_of

AsOf = Annotated[str | None, typer.Option("--as-of", help="The map as known on YYYY[-MM[-DD]].")]
Since = Annotated[
    str | None, typer.Option("--since", help="Only claims dated from YYYY[-MM[-DD]] on.")
]
Types = Annotated[
    list[str] | None,
    typer.Option("--type", help="Only this relation type (repeatable).", show_default=False),
]
MinSources = Annotated[
    int, typer.Option("--min-sources", min=1, help="Least independent sources per tie.")
]
MinConfidence = Annotated[
    float,
    typer.Option("--min-confidence", min=0.0, max=1.0, help="Least confidence per claim."),
]
Seed = Annotated[int, typer.Option("--seed", help="Seed of Leiden and of sampling.")]
Top = Annotated[int, typer.Option("--top", min=1, help="How many rows to show.")]

RANK_BY = ("pagerank", "betweenness", "constraint", "effective-size", "degree")


def _view(
    db: str | None,
    as_of: str | None,
    since: str | None,
    types: list[str] | None,
    min_sources: int,
    min_confidence: float,
    **extra: Any,
) -> Any:
    from alliancemap.graph.view import build_view

    when = parse_as_of(as_of)
    since = _since(since)
    with opened_store(db) as store:
        return build_view(
            store,
            as_of=when,
            since=since,
            types=types or None,
            min_sources=min_sources,
            min_confidence=min_confidence,
            **extra,
        )


def _since(value: str | None) -> str | None:
    """Check a --since date like --as-of."""
    from alliancemap.graph.dates import check_date

    return check_date(value, "--since date") if value is not None else None


def _choice(value: str, valid: tuple[str, ...], option: str) -> str:
    text = value.strip().lower()
    if text not in valid:
        raise ValueError(f"bad {option} {value!r} (use {', '.join(valid)})")
    return text


def _f(x: float | None, digits: int = 4) -> str:
    if isinstance(x, int):
        return str(x)
    return "" if x is None or x != x else f"{x:.{digits}f}"


def _pct(x: float | None) -> str:
    return "" if x is None else f"{x * 100:.1f}%"


def _ties(view: Any, name: str, n: int = 3) -> list[dict[str, Any]]:
    """An organization's strongest cooperative ties, with evidence (for --json)."""
    from alliancemap.model import Polarity

    mine = [e for e in view.select(Polarity.COOPERATIVE) if name in (e.source, e.target)]
    mine.sort(key=lambda e: (-e.n_sources, -e.confidence, e.pair))
    return [e.summary() for e in mine[:n]]


@app.command()
def rank(
    by: Annotated[
        str,
        typer.Option("--by", help="pagerank, betweenness, constraint, effective-size or degree."),
    ] = "pagerank",
    as_of: AsOf = None,
    since: Since = None,
    rtype: Types = None,
    polarity: Annotated[
        str, typer.Option("--polarity", help="Ties: cooperative, adversarial or all.")
    ] = "cooperative",
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    min_degree: Annotated[
        int, typer.Option("--min-degree", min=1, help="For constraint: least partners.")
    ] = 2,
    k: Annotated[
        int | None, typer.Option("--k", min=1, help="Betweenness: sampled sources.")
    ] = None,
    seed: Seed = 0,
    top: Top = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rank organizations by PageRank, betweenness, constraint (brokers first) or effective size."""
    key = _choice(by, RANK_BY, "--by")
    pol = _choice(polarity, ("cooperative", "adversarial", "all"), "--polarity")
    view = _view(db, as_of, since, rtype, min_sources, min_confidence)
    from alliancemap.graph.brokerage import brokerage  # igraph: only once the input is good
    from alliancemap.graph.centrality import betweenness, betweenness_method, pagerank
    from alliancemap.graph.centrality import top as best
    from alliancemap.graph.network import network

    net = network(view, pol)
    pr = pagerank(net)
    bw = betweenness(net, k=k, seed=seed)
    method = betweenness_method(net.n, net.m, k, seed).describe()
    brokers = brokerage(net)
    score = {
        "pagerank": pr,
        "betweenness": bw,
        "constraint": {n: b.constraint for n, b in brokers.items() if b.degree >= min_degree},
        "effective-size": {n: b.effective_size for n, b in brokers.items()},
        "degree": {n: float(b.degree) for n, b in brokers.items()},
    }[key]
    ranked = best(score, top, ascending=key == "constraint")
    rows = []
    for i, (name, _) in enumerate(ranked, 1):
        b = brokers.get(name)
        rows.append(
            {
                "rank": i,
                "organization": name,
                "kind": view.nodes[name].kind if name in view.nodes else None,
                "degree": b.degree if b else 0,
                "pagerank": pr.get(name),
                "betweenness": bw.get(name),
                "constraint": b.constraint if b else None,
                "effective_size": b.effective_size if b else None,
                "efficiency": b.efficiency if b else None,
            }
        )
    if as_json:
        for r in rows:
            r["top_ties"] = _ties(view, r["organization"])
        show.print_json(
            {
                "view": view.summary(),
                "by": key,
                "polarity": pol,
                "betweenness": method,
                "rows": rows,
            }
        )
        return
    cols = ["#", "organization", "partners", "PageRank", "betweenness", "constraint", "eff. size"]
    table_rows = [
        [
            r["rank"],
            r["organization"],
            r["degree"],
            _f(r["pagerank"]),
            _f(r["betweenness"]),
            _f(r["constraint"]),
            _f(r["effective_size"], 1),
        ]
        for r in rows
    ]
    title = f"Organizations by {key} ({pol} ties)"
    show.out.print(show.table(title, cols, table_rows, wrap="organization"))
    show.print_plain(f"{len(view.nodes)} organizations, {net.m} ties; betweenness {method}")


@app.command()
def blocs(
    by: Annotated[
        str | None, typer.Option("--by", help="'year': how the blocs changed year by year.")
    ] = None,
    as_of: AsOf = None,
    since: Since = None,
    rtype: Types = None,
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    seed: Seed = 0,
    resolution: Annotated[
        float, typer.Option("--resolution", min=0.0, help="Leiden resolution (higher: smaller).")
    ] = 1.0,
    min_ties: Annotated[
        int, typer.Option("--min-ties", min=1, help="With --by year: least new ties a year.")
    ] = 20,
    members: Annotated[int, typer.Option("--members", min=1, help="Members listed per bloc.")] = 8,
    top: Top = 15,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Blocs of cooperative ties (Leiden, seeded), now or year by year."""
    mode = _choice(by, ("year",), "--by") if by is not None else None
    view = _view(db, as_of, since, rtype, min_sources, min_confidence)
    from alliancemap.graph.blocs import bloc_history, detect_blocs

    if mode == "year":
        history = bloc_history(view, seed=seed, resolution=resolution, min_ties=min_ties)
        if as_json:
            show.print_json(
                {"view": view.summary(), "years": [y.to_dict(members) for y in history]}
            )
            return
        rows = [
            [
                y.year,
                len(y.partition.blocs),
                _f(y.partition.modularity, 3),
                _f(y.nmi_previous, 3),
                ", ".join(f"{b.label} {b.size}" for b in y.partition.blocs[:5]),
            ]
            for y in history
        ]
        cols = ["year", "blocs", "modularity", "NMI", "largest blocs"]
        show.out.print(show.table("Blocs year by year", cols, rows, wrap="largest blocs"))
        for y in history[1:]:
            changes = [
                f"{e['event']} {e['bloc']}"
                + (f" into {e['into']}" if "into" in e else "")
                + (f" from {e['from']}" if "from" in e else "")
                for e in y.events
            ]
            changes += [f"{m['organization']} moved {m['from']} -> {m['to']}" for m in y.movers]
            if changes:
                show.print_plain(f"{y.year}: " + "; ".join(changes))
        return
    part = detect_blocs(view, seed=seed, resolution=resolution)
    if as_json:
        show.print_json({"view": view.summary(), **part.to_dict(members)})
        return
    rows = [
        [
            b.id + 1,
            b.label,
            b.size,
            b.internal_ties,
            b.external_ties,
            ", ".join(b.members[1:members]),
        ]
        for b in part.blocs[:top]
    ]
    cols = ["#", "bloc", "members", "ties in", "ties out", "next members"]
    show.out.print(show.table("Blocs of cooperative ties", cols, rows, wrap="next members"))
    show.print_plain(
        f"{len(part.blocs)} blocs of 3+ organizations, {part.small_blocs} smaller groups; "
        f"modularity {part.modularity:.3f}, seed {seed}"
    )


@app.command("concentration")
def concentration_cmd(
    by: Annotated[str | None, typer.Option("--by", help="year, type or year-type.")] = None,
    basis: Annotated[
        str, typer.Option("--basis", help="Per year: 'new' ties formed, or 'stock' standing.")
    ] = "new",
    as_of: AsOf = None,
    since: Since = None,
    rtype: Types = None,
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    min_ties: Annotated[
        int, typer.Option("--min-ties", min=1, help="Least ties for a row (years: new ties).")
    ] = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """HHI, CR4 and top-5 reach of cooperative ties (and of disclosed deal value)."""
    from alliancemap.graph.concentration import concentration, trend

    mode = _choice(by, ("year", "type", "year-type"), "--by") if by is not None else None
    base = _choice(basis, ("new", "stock"), "--basis")
    view = _view(db, as_of, since, rtype, min_sources, min_confidence)
    rows = concentration(view, by=mode, basis=base, min_ties=min_ties)
    coop = [r for r in rows if r.scope == "cooperative"]
    found = trend(coop, "hhi", name="HHI") if mode in ("year", "year-type") else None
    if as_json:
        show.print_json(
            {
                "view": view.summary(),
                "by": mode,
                "basis": base,
                "rows": [r.to_dict() for r in rows],
                "trend": found.describe(10000, 0) if found else None,
            }
        )
        return
    cols = [
        "period",
        "scope",
        "ties",
        "orgs",
        "HHI",
        "1/HHI",
        "CR4",
        "top-5 reach",
        "leaders",
        "value",
    ]
    table_rows = [
        [
            r.period,
            r.scope,
            r.n_ties,
            r.n_organizations,
            f"{r.hhi * 10000:.0f}",
            f"{r.equivalent_n:.0f}",
            _pct(r.cr4),
            _pct(r.top5_reach),
            ", ".join(f"{n} {_pct(s)}" for n, s in r.leaders[:3]),
            f"${r.value_usd / 1e9:,.1f}B" if r.value_usd else "",
        ]
        for r in rows
    ]
    show.out.print(
        show.table(
            "Concentration of cooperative ties (HHI in points of 10,000)",
            cols,
            table_rows,
            wrap="leaders",
        )
    )
    if found:
        show.print_plain(found.describe(10000, 0))


@app.command("transitions")
def transitions_cmd(
    reverse: Annotated[
        bool, typer.Option("--reverse", help="Allies who became rivals instead.")
    ] = False,
    as_of: AsOf = None,
    since: Since = None,
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    top: Top = 20,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Rivals who became allies (or the reverse), with both dated claims and their evidence."""
    from alliancemap.graph.transitions import ALLIES_TO_RIVALS, RIVALS_TO_ALLIES, transitions

    kind = ALLIES_TO_RIVALS if reverse else RIVALS_TO_ALLIES
    view = _view(db, as_of, since, None, min_sources, min_confidence, keep_ended=True)
    found = transitions(view, kind)
    if as_json:
        show.print_json(
            {
                "view": view.summary(),
                "kind": kind,
                "total": len(found),
                "pairs": [t.to_dict() for t in found[:top]],
            }
        )
        return
    title = "Allies who became rivals" if reverse else "Rivals who became allies"
    show.out.print(f"[bold]{title}[/bold] ({len(found)} pairs, strongest evidence first)")
    for t in found[:top]:
        show.print_plain(
            f"{t.a} and {t.b}: {t.before.type} {t.before.date} -> {t.after.type} "
            f"{t.after.date} ({t.gap_days / 365.25:.1f} years; {t.n_before} / {t.n_after} claims)"
        )
        for ref in (t.before, t.after):
            src = f" [{ref.source}]" if ref.source else ""
            show.print_plain(
                f"    {ref.date} {ref.type} (#{ref.id}, {ref.extractor} {ref.confidence:.2f}): "
                f"{ref.evidence}{src}"
            )


@app.command("exposure")
def exposure_cmd(
    stack: Annotated[Path, typer.Argument(help="Stack file (YAML): components, weights.")],
    as_of: AsOf = None,
    min_confidence: MinConfidence = 0.0,
    min_sources: Annotated[
        int, typer.Option("--min-sources", min=1, help="Least sources for a dependency tie.")
    ] = 2,
    retain: Annotated[
        float, typer.Option("--retain", min=0.01, max=1.0, help="Share kept at each step.")
    ] = 0.5,
    depth: Annotated[int, typer.Option("--depth", min=0, help="Upstream steps at most.")] = 2,
    seed: Seed = 0,
    top: Top = 15,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """Which ultimate providers and blocs a stack depends on; HHI; single points of failure."""
    from alliancemap.graph.names import Names
    from alliancemap.graph.stack import read_stack
    from alliancemap.graph.view import build_view

    when = parse_as_of(as_of)
    with opened_store(db) as store:
        names = Names(store)
        parsed = read_stack(stack, names)  # a bad stack fails before any heavy work
        view = build_view(store, as_of=when, min_confidence=min_confidence)
    from alliancemap.graph.exposure import exposure

    result = exposure(
        view, parsed, names, retain=retain, depth=depth, seed=seed, min_sources=min_sources
    )
    if as_json:
        show.print_json({"view": view.summary(), **result.to_dict()})
        return
    rows = [
        [
            p["organization"],
            _pct(p["share"]),
            _pct(p["through"]),
            _pct(p["affected"]),
            p["bloc"] or "",
        ]
        for p in result.providers[:top]
    ]
    show.out.print(
        show.table(
            f"{result.stack}: ultimate providers",
            ["provider", "share", "passes through", "components depending", "bloc"],
            rows,
        )
    )
    comp_rows = [
        [
            c.label,
            f"{c.weight:g}",
            ", ".join(f"{i['entity']} ({i['owner']})" for i in c.items),
            ", ".join(f"{p['organization']} {_pct(p['share'])}" for p in c.providers[:3]),
            "; ".join(f"{a['alternative']} ({a['owner']})" for a in c.alternatives),
        ]
        for c in result.components
    ]
    show.out.print(
        show.table(
            "Components",
            ["component", "weight", "uses (owner)", "providers", "alternatives in other blocs"],
            comp_rows,
            wrap="alternatives in other blocs",
        )
    )
    spof = ", ".join(
        f"{s['organization']} ({_pct(s['affected'])} of the stack)"
        for s in result.single_points_of_failure
    )
    blocs_line = ", ".join(f"{b['bloc']} {_pct(b['share'])}" for b in result.blocs[:5])
    show.print_plain(
        f"stack HHI {result.hhi * 10000:.0f} (like {result.equivalent_n:.1f} equal providers)"
    )
    show.print_plain(f"blocs: {blocs_line}")
    show.print_plain(f"single points of failure: {spof or 'none'}")


@app.command("whatif")
def whatif_cmd(
    add: Annotated[
        list[str] | None,
        typer.Option("--add", help='A relation to add: "Apple acquisition Mistral AI".'),
    ] = None,
    remove: Annotated[
        list[str] | None, typer.Option("--remove", help="A relation to remove (same form).")
    ] = None,
    org: Annotated[
        list[str] | None, typer.Option("--org", help="Also report this organization.")
    ] = None,
    no_merge: Annotated[
        bool, typer.Option("--no-merge", help="Keep an acquired organization separate.")
    ] = False,
    as_of: AsOf = None,
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    seed: Seed = 0,
    db: DbOption = None,
    as_json: JsonOption = False,
) -> None:
    """What if relations were added or removed: concentration, blocs, brokerage, before/after."""
    from alliancemap.graph.edits import parse_edit
    from alliancemap.graph.names import Names
    from alliancemap.graph.view import build_view

    if not add and not remove:
        raise ValueError("nothing to change: give --add or --remove")
    when = parse_as_of(as_of)
    with opened_store(db) as store:
        names = Names(store)
        adds = [parse_edit(a, names) for a in add or ()]
        removes = [parse_edit(r, names) for r in remove or ()]
        focus = [names.organization(o) for o in org or ()]
        view = build_view(store, as_of=when, min_sources=min_sources, min_confidence=min_confidence)
    from alliancemap.graph.whatif import whatif

    result = whatif(view, adds, removes, focus=focus, seed=seed, merge_acquired=not no_merge)
    if as_json:
        show.print_json({"view": view.summary(), **result.to_dict()})
        return
    c = result.concentration
    rows = [
        [k, _f(c["before"][k], 5), _f(c["after"][k], 5), f"{c['delta'][k]:+.5f}"]
        for k in ("hhi", "cr4", "top5_reach", "equivalent_n")
    ]
    changes = "; ".join([*(f"+ {a}" for a in result.added), *(f"- {r}" for r in result.removed)])
    show.out.print(show.table(f"Concentration: {changes}", ["", "before", "after", "change"], rows))
    b = result.blocs
    show.print_plain(
        f"blocs: {b['before']['blocs']} -> {b['after']['blocs']}, modularity "
        f"{b['before']['modularity']:.4f} -> {b['after']['modularity']:.4f}, NMI {_f(b['nmi'], 4)}"
    )
    for m in b["organizations"]:
        show.print_plain(
            f"  {m['organization']}: bloc {m['before']} ({m['before_size']}) -> "
            f"{m['after']} ({m['after_size']})"
        )
    brows = []
    for r in result.brokerage:
        for k in ("degree", "effective_size", "constraint", "pagerank", "betweenness"):
            old, new = r["before"].get(k), r["after"].get(k)
            brows.append(
                [
                    r["organization"] if k == "degree" else "",
                    k,
                    _f(old),
                    _f(new),
                    _f(r["delta"].get(k)),
                ]
            )
    show.out.print(
        show.table("Brokerage", ["organization", "measure", "before", "after", "change"], brows)
    )
    for m in result.merged:
        show.print_plain(
            f"{m['absorbed']} folded into {m['into']} (its ties are now the acquirer's)"
        )


@app.command()
def report(
    out: Annotated[Path, typer.Option("-o", "--out", help="Output HTML file.")],
    stack: Annotated[
        Path | None,
        typer.Option("--stack", help="Stack file for the exposure section [default: the example]."),
    ] = None,
    as_of: AsOf = None,
    since: Since = None,
    min_sources: MinSources = 1,
    min_confidence: MinConfidence = 0.0,
    min_ties: Annotated[
        int, typer.Option("--min-ties", min=1, help="Least new ties for a year to be shown.")
    ] = 50,
    seed: Seed = 0,
    db: DbOption = None,
) -> None:
    """Write one self-contained HTML report: plots, tables, evidence, closing note."""
    from alliancemap.graph.report import example_stack_path, write_report

    when = parse_as_of(as_of)
    start = _since(since)
    with opened_store(db) as store:
        findings = write_report(
            store,
            out,
            stack=stack or example_stack_path(),
            as_of=when,
            since=start,
            min_sources=min_sources,
            min_confidence=min_confidence,
            min_ties=min_ties,
            seed=seed,
        )
    (show.err if is_stdout(out) else show.out).print(
        f"report written to {out}", markup=False, soft_wrap=True
    )
    for line in findings.lines():
        if is_stdout(out):  # the page itself is on standard output
            show.err.print(line, markup=False, soft_wrap=True)
        else:
            show.print_plain(line)
