"""Benchmark the measure suite (igraph) against the same measures in NetworkX, same run.

    .venv/bin/python benchmarks/bench_measures.py [--nodes 100000 --edges 1000000] [--db PATH]

Two maps: a generated one (default 100,000 organizations, 1,000,000 ties) and, with --db, a
store (copied to a temporary file first, never modified). Writes benchmarks/results/
measures.json and measures.md.

The generated map is alliance-like: its cooperative ties are --edges distinct pairs with
heavy-tailed degrees (Chung-Lu weights, exponent 2.5) and planted blocs (25% of ties between
blocs), typed, dated over 2010-2023 (more lately), with one to three claims each; 15% of the
pairs also have an adversarial tie, some of them earlier (rivals who became allies). All is
drawn with numpy from --seed.

What is timed:
- the suite: every measure of `alliancemap.graph` on the view (conversion to igraph
  included), as `rank`, `blocs`, `concentration`, `transitions`, `exposure` and `whatif`
  run them, plus bloc history on a few year-end cuts;
- the same measures in NetworkX: conversion to an `nx.Graph`, PageRank (scipy), betweenness
  from the same sampled sources, Burt's constraint, effective size, and Louvain communities
  (NetworkX has no Leiden; Louvain is its nearest). Pure-Python parts shared by both sides
  (degree by polarity, concentration, transitions) are timed once, in the suite only.

Where NetworkX would take too long, it is measured on part of the work and extrapolated,
and the table says so: betweenness on a subset of the sampled sources (its cost is linear
in sources); constraint and effective size, above 20,000 organizations, through NetworkX's
per-node path (its vectorised path builds dense n x n arrays: 75 GiB at 100,000), node by
node in a seeded random order for --sample-budget seconds, the time scaled by all nodes over
the nodes done (a uniform sample; it rarely holds the few hubs, whose cost grows fastest,
so this underestimates NetworkX). Below 20,000, the vectorised path is timed in full; its weighted effective size
is wrong (networkx PR #8906; the fix does not change the cost). Any NetworkX measure still
running after --nx-budget seconds is stopped and reported as a lower bound (">="), so the
ratio is a lower bound too.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import igraph
import networkx as nx
import numpy as np

from alliancemap.graph.blocs import bloc_history, detect_blocs
from alliancemap.graph.brokerage import constraint, effective_size
from alliancemap.graph.centrality import (
    betweenness,
    betweenness_method,
    degree_by_polarity,
    pagerank,
    sample_sources,
)
from alliancemap.graph.concentration import concentration
from alliancemap.graph.edits import Edit
from alliancemap.graph.exposure import exposure
from alliancemap.graph.names import Names
from alliancemap.graph.network import Network, network
from alliancemap.graph.stack import parse_stack
from alliancemap.graph.transitions import transitions
from alliancemap.graph.view import GraphView, ViewParams, active_years, view_from_claims
from alliancemap.graph.whatif import whatif
from alliancemap.model import RelationType
from alliancemap.store.records import ClaimRecord

RESULTS = Path(__file__).resolve().parent / "results"
DENSE_LIMIT = 20_000  # NetworkX's vectorised structural holes need dense n x n float arrays
COOPERATIVE = ["partnership", "investment", "acquisition", "supply", "membership"]
ADVERSARIAL = ["competition", "litigation", "investigation"]


# -- the generated map ----------------------------------------------------------------------


def generate_edges(n: int, m: int, seed: int, blocs: int = 300, mixing: float = 0.25):
    """`m` distinct undirected pairs over `n` nodes: Chung-Lu weights, planted blocs."""
    rng = np.random.default_rng(seed)
    fitness = np.arange(1, n + 1, dtype=float) ** (-1 / 1.5)  # degree exponent 2.5
    rng.shuffle(fitness)
    p_all = fitness / fitness.sum()
    sizes = rng.pareto(1.5, blocs) + 1
    bloc = rng.choice(blocs, size=n, p=sizes / sizes.sum())
    order = np.argsort(bloc, kind="stable")
    starts = np.searchsorted(bloc[order], np.arange(blocs + 1))
    keys = np.zeros(0, dtype=np.int64)
    while keys.size < m:
        need = int((m - keys.size) * 1.3) + 1000
        src = rng.choice(n, size=need, p=p_all)
        dst = rng.choice(n, size=need, p=p_all)  # between blocs, for a share `mixing`
        inside = rng.random(need) >= mixing
        idx = np.nonzero(inside)[0]
        by_bloc = idx[np.argsort(bloc[src[idx]], kind="stable")]
        cuts = np.searchsorted(bloc[src[by_bloc]], np.arange(blocs + 1))
        for b in range(blocs):
            chosen = by_bloc[cuts[b] : cuts[b + 1]]
            members = order[starts[b] : starts[b + 1]]
            if chosen.size and members.size:
                w = fitness[members]
                dst[chosen] = members[rng.choice(members.size, size=chosen.size, p=w / w.sum())]
        a, b_ = np.minimum(src, dst), np.maximum(src, dst)
        fresh = a != b_
        keys = np.unique(np.concatenate([keys, a[fresh].astype(np.int64) * n + b_[fresh]]))
    keys = rng.permutation(keys)[:m]
    return keys // n, keys % n, rng


def generate_view(n: int, m: int, seed: int) -> tuple[GraphView, float]:
    """A view whose cooperative ties are `m` distinct pairs over `n` organizations (typed,
    dated, one to three claims each); 15% of the pairs also have an adversarial tie, dated
    before the cooperative one for a tenth of them (rivals who became allies)."""
    start = time.perf_counter()
    a, b, rng = generate_edges(n, m, seed)
    names = [f"org{i:06d}" for i in range(n)]
    coop_type = rng.choice(len(COOPERATIVE), size=m, p=[0.3, 0.35, 0.1, 0.2, 0.05])
    rival = rng.random(m) < 0.15
    adv_type = rng.choice(len(ADVERSARIAL), size=m, p=[0.7, 0.2, 0.1])
    years = 2023 - np.minimum(13, rng.geometric(0.18, size=m) - 1)  # more ties lately
    months = rng.integers(1, 13, size=m)
    extra = np.minimum(rng.poisson(0.4, size=m), 2)
    earlier = rng.random(m) < 0.1
    claims: list[ClaimRecord] = []
    cid = 0

    def add(s: str, o: str, t: str, date: str, doc: str) -> None:
        nonlocal cid
        cid += 1
        claims.append(
            ClaimRecord(
                cid, s, o, RelationType(t), date, f"{s} {t} {o}.", None, None, "bench", 0.8,
                False, None, None, None, doc, None, None, None, None, date[:4], None,
            )
        )  # fmt: skip

    for i in range(m):
        s, o = names[a[i]], names[b[i]]
        y, mo = int(years[i]), int(months[i])
        for j in range(1 + int(extra[i])):
            add(s, o, COOPERATIVE[coop_type[i]], f"{y}-{mo:02d}", f"d{i}-{j}")
        if rival[i]:
            when = y - 1 if earlier[i] else y + int(rng.integers(0, 2))
            add(s, o, ADVERSARIAL[adv_type[i]], f"{when}-{mo:02d}", f"r{i}")
    view = view_from_claims(claims, (), ViewParams())
    return view, time.perf_counter() - start


# -- timing helpers -------------------------------------------------------------------------


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn()
    return time.perf_counter() - start, out


def _child(fn: Callable[[], Any], conn: Any) -> None:
    start = time.perf_counter()
    fn()
    conn.send(time.perf_counter() - start)


def budgeted(fn: Callable[[], Any], budget: float) -> tuple[float, bool]:
    """Seconds `fn` takes in a forked child; (budget, False) if stopped at the budget."""
    ctx = mp.get_context("fork")
    parent, child = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_child, args=(fn, child))
    proc.start()
    proc.join(budget)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return budget, False
    if proc.exitcode != 0 or not parent.poll():
        raise RuntimeError(f"NetworkX measure failed (exit code {proc.exitcode})")
    return parent.recv(), True


def _per_node(fn: Callable[..., Any], g: nx.Graph, order: list[Any], done: Any) -> None:
    for node in order:
        fn(g, [node], weight="weight")
        with done.get_lock():
            done.value += 1


def per_node_estimate(
    fn: Callable[..., Any], g: nx.Graph, seed: int, budget: float
) -> tuple[float, bool, str]:
    """Time `fn` node by node over the nodes in a seeded random order for at most `budget`
    seconds: the nodes done form a uniform sample; their time is scaled to all nodes."""
    ctx = mp.get_context("fork")
    order = list(g)
    random.Random(seed).shuffle(order)
    done = ctx.Value("q", 0)
    proc = ctx.Process(target=_per_node, args=(fn, g, order, done))
    start = time.perf_counter()
    proc.start()
    proc.join(budget)
    elapsed = time.perf_counter() - start
    finished = not proc.is_alive()
    if not finished:
        proc.terminate()
        proc.join()
    count = max(int(done.value), 1)
    if finished:
        return elapsed, True, "per node, all nodes"
    scale = len(order) / count
    how = f"per node, {count} nodes in {budget:.0f} s (a uniform sample), x{scale:,.0f}"
    return elapsed * scale, True, how


def to_networkx(net: Network) -> nx.Graph:
    g = nx.Graph()
    g.add_nodes_from(net.names)
    names = net.names
    g.add_weighted_edges_from((names[e.source], names[e.target], e["weight"]) for e in net.graph.es)
    return g


# -- the two suites -------------------------------------------------------------------------


def _sample_k(net: Network, k: int) -> int | None:
    """`k` sampled sources where betweenness would be estimated anyway, else exact (None)."""
    return None if betweenness_method(net.n, net.m).exact else k


def igraph_suite(view: GraphView, k: int, seed: int) -> dict[str, Any]:
    """Every measure, on the view; returns seconds per step and a few results."""
    steps: dict[str, float] = {}
    steps["conversion"], net = timed(lambda: network(view))
    steps["degree by polarity"], _ = timed(lambda: degree_by_polarity(view))
    steps["pagerank"], pr = timed(lambda: pagerank(view))
    sampled = _sample_k(net, k)
    steps["betweenness"], _ = timed(lambda: betweenness(view, k=sampled, seed=seed))
    steps["constraint"], _ = timed(lambda: constraint(view))
    steps["effective size"], _ = timed(lambda: effective_size(view))
    steps["blocs"], part = timed(lambda: detect_blocs(view, seed=seed))

    def history() -> None:
        years = active_years(view)
        cuts.extend(years[-9::4] if len(years) > 3 else years)  # a few year-end cuts
        bloc_history(view, years=cuts, seed=seed)

    cuts: list[int] = []
    steps["bloc history"], _ = timed(history)
    steps["concentration"], _ = timed(
        lambda: (concentration(view, by="year-type"), concentration(view, by="type"))
    )
    steps["transitions"], found = timed(lambda: transitions(view))
    hubs = [n for n, _ in sorted(pr.items(), key=lambda kv: -kv[1])[:6]]
    names = Names(organizations=view.nodes)
    stack = parse_stack({"name": "bench", "components": [{"vendor": h} for h in hubs[:5]]}, names)
    steps["exposure"], _ = timed(lambda: exposure(view, stack, names, blocs=part))
    edit = Edit(hubs[0], RelationType.ACQUISITION, hubs[5])
    steps["whatif"], _ = timed(lambda: whatif(view, add=[edit], seed=seed))
    return {
        "steps": steps,
        "total": sum(steps.values()),
        "nodes": net.n,
        "ties": net.m,
        "blocs": len(part.blocs),
        "modularity": part.modularity,
        "transitions": len(found),
        "betweenness": betweenness_method(net.n, net.m, sampled, seed).describe(),
        "history_years": cuts,
    }


COMPARED = {
    "conversion": "conversion",
    "pagerank": "pagerank",
    "betweenness": "betweenness",
    "constraint": "constraint",
    "effective size": "effective size",
    "communities": "blocs",
}


def networkx_suite(
    net: Network, k: int, seed: int, budget: float, sample_budget: float, nx_sources: int
) -> dict[str, Any]:
    """The same measures in NetworkX; seconds per step, with how each was obtained."""
    rows: dict[str, dict[str, Any]] = {}

    def record(name: str, seconds: float, complete: bool, how: str) -> None:
        rows[name] = {"seconds": seconds, "lower_bound": not complete, "how": how}

    secs, g = timed(lambda: to_networkx(net))
    record("conversion", secs, True, "full")
    secs, done = budgeted(lambda: nx.pagerank(g, weight="weight"), budget)
    record("pagerank", secs, done, "full")

    method = betweenness_method(net.n, net.m, _sample_k(net, k), seed)
    if method.exact:
        secs, done = budgeted(lambda: nx.betweenness_centrality(g), budget)
        record("betweenness", secs, done, "exact, full")
    else:
        sources = [net.names[i] for i in sample_sources(net.n, method.k, seed)]
        part = sources[: min(nx_sources, len(sources))]
        secs, done = budgeted(lambda: nx.betweenness_centrality_subset(g, part, list(g)), budget)
        scale = len(sources) / len(part)
        how = f"{len(part)} of the same {len(sources)} sampled sources, x{scale:g}"
        record("betweenness", secs * scale, done, how if scale > 1 else "same sampled sources")

    n = g.number_of_nodes()
    for name, fn in (("constraint", nx.constraint), ("effective size", nx.effective_size)):
        if n <= DENSE_LIMIT:  # the vectorised path builds dense n x n arrays
            secs, done = budgeted(lambda fn=fn: fn(g, weight="weight"), budget)
            record(name, secs, done, "full (vectorised)")
        else:
            secs, done, how = per_node_estimate(fn, g, seed, sample_budget)
            record(name, secs, done, how)

    secs, done = budgeted(
        lambda: nx.community.louvain_communities(g, weight="weight", seed=seed), budget
    )
    record("communities", secs, done, "Louvain, full")
    return rows


def compare(ig: dict[str, Any], nxr: dict[str, dict[str, Any]]) -> dict[str, Any]:
    """Per-measure and total ratios NetworkX / igraph over the compared measures."""
    per = {}
    for name, step in COMPARED.items():
        mine = ig["steps"][step]
        theirs = nxr[name]
        per[name] = {
            "igraph_s": mine,
            "networkx_s": theirs["seconds"],
            "ratio": theirs["seconds"] / mine if mine else None,
            "lower_bound": theirs["lower_bound"],
            "networkx_how": theirs["how"],
        }
    ig_total = sum(p["igraph_s"] for p in per.values())
    nx_total = sum(p["networkx_s"] for p in per.values())
    others = [p for name, p in per.items() if name not in ("constraint", "effective size")]
    return {
        "measures": per,
        "ratio_without_structural_holes": sum(p["networkx_s"] for p in others)
        / sum(p["igraph_s"] for p in others),
        "igraph_total_s": ig_total,
        "networkx_total_s": nx_total,
        "ratio": nx_total / ig_total,
        "ratio_is_lower_bound": any(p["lower_bound"] for p in per.values()),
    }


def run_map(label: str, view: GraphView, build_s: float, args: argparse.Namespace) -> dict:
    print(f"[{label}] {len(view.nodes):,} organizations, {len(view.edges):,} ties", flush=True)
    ig = igraph_suite(view, args.k, args.seed)
    print(f"[{label}] suite {ig['total']:.1f} s: {fmt_steps(ig['steps'])}", flush=True)
    out = {"map": label, "view_build_s": build_s, "history_years": ig["history_years"], "suite": ig}
    if args.no_networkx:
        return out
    nxr = networkx_suite(
        network(view), args.k, args.seed, args.nx_budget, args.sample_budget, args.nx_sources
    )
    print(f"[{label}] networkx: {fmt_steps({k: v['seconds'] for k, v in nxr.items()})}", flush=True)
    return {**out, "networkx": nxr, "comparison": compare(ig, nxr)}


def fmt_steps(steps: dict[str, float]) -> str:
    return ", ".join(f"{k} {v:.2f}" for k, v in steps.items())


# -- output ---------------------------------------------------------------------------------


def markdown(results: dict[str, Any]) -> str:
    env = results["environment"]
    out = [
        "# Measure suite: igraph vs NetworkX",
        "",
        f"{env['date']}, Python {env['python']}, igraph {env['igraph']}, NetworkX "
        f"{env['networkx']}, {env['cpus']} CPUs. Produced by `benchmarks/bench_measures.py`.",
        "",
    ]
    for run in results["runs"]:
        s = run["suite"]
        out += [
            f"## {run['map']}",
            "",
            f"{s['nodes']:,} organizations with cooperative ties, {s['ties']:,} such ties; "
            f"{s['blocs']} blocs (modularity {s['modularity']:.3f}); {s['transitions']:,} "
            f"rivals-to-allies pairs. View built in {run['view_build_s']:.1f} s (not in the "
            "suite).",
            "",
        ]
        c = run.get("comparison")
        if c:
            bound = ">= " if c["ratio_is_lower_bound"] else ""
            out += [
                f"**Whole suite: {s['total']:.1f} s.** Compared measures: igraph "
                f"{c['igraph_total_s']:.1f} s, NetworkX {bound}{c['networkx_total_s']:.1f} s: "
                f"**{bound}{c['ratio']:.1f}x faster**; without constraint and effective size "
                f"(NetworkX's slowest), {c['ratio_without_structural_holes']:.1f}x.",
                "",
            ]
        else:
            out += [f"**Whole suite: {s['total']:.1f} s** (NetworkX not run).", ""]
        out += [
            "| suite step | seconds |",
            "|---|---:|",
            *(f"| {k} | {v:.2f} |" for k, v in s["steps"].items()),
            "",
        ]
        if c:
            out += [
                "| measure | igraph s | NetworkX s | ratio | how NetworkX was timed |",
                "|---|---:|---:|---:|---|",
            ]
            for name, p in c["measures"].items():
                lb = ">= " if p["lower_bound"] else ""
                out.append(
                    f"| {name} | {p['igraph_s']:.2f} | {lb}{p['networkx_s']:.1f} | "
                    f"{lb}{p['ratio']:.1f}x | {p['networkx_how']} |"
                )
            for name, row in run["networkx"].items():
                if name not in c["measures"]:
                    lb = ">= " if row["lower_bound"] else ""
                    out.append(
                        f"| {name} (not in the total) | | {lb}{row['seconds']:.1f} | | "
                        f"{row['how']} |"
                    )
            out.append("")
        out += [
            f"Betweenness: {s['betweenness']}; bloc history on year-end cuts "
            f"{', '.join(map(str, run['history_years']))}.",
            "",
        ]
    out += [
        "Notes: NetworkX communities are Louvain (it has no Leiden). Above 20,000 organizations "
        "NetworkX's structural holes are timed per node on a uniform sample and scaled up (its "
        "vectorised path needs dense n x n arrays); below, the vectorised path is timed, whose "
        "weighted effective size is wrong (networkx PR #8906, same cost once fixed). "
        "A '>=' marks a "
        "NetworkX measure stopped at the time budget: the ratio is then a lower bound. "
        "Extrapolated rows scale a timed part of the work linearly (sources, or uniformly "
        "sampled nodes).",
        "",
    ]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--nodes", type=int, default=100_000)
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--db", help="A store to benchmark too (copied first, never modified).")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--k", type=int, default=100, help="Sampled betweenness sources.")
    parser.add_argument("--nx-budget", type=float, default=300.0, help="Seconds per NX measure.")
    parser.add_argument("--nx-sources", type=int, default=10, help="NX betweenness sources timed.")
    parser.add_argument(
        "--sample-budget",
        type=float,
        default=120.0,
        help="Seconds of NX per-node structural holes timed before scaling up.",
    )
    parser.add_argument("--no-networkx", action="store_true", help="Time the suite only.")
    parser.add_argument("--skip-generated", action="store_true")
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    runs = []
    if not args.skip_generated:
        print(f"generating {args.nodes:,} organizations, {args.edges:,} ties ...", flush=True)
        view, build_s = generate_view(args.nodes, args.edges, args.seed)
        runs.append(run_map(f"generated ({args.nodes:,} x {args.edges:,})", view, build_s, args))
        del view
    if args.db:
        from alliancemap.graph.view import build_view
        from alliancemap.store import open_store

        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "corpus.db"
            shutil.copy(args.db, copy)
            with open_store(copy) as store:
                build_s, view = timed(lambda: build_view(store))
            runs.append(run_map(f"corpus map ({Path(args.db).name})", view, build_s, args))
    results = {
        "environment": {
            "date": time.strftime("%Y-%m-%d"),
            "python": platform.python_version(),
            "igraph": igraph.__version__,
            "networkx": nx.__version__,
            "cpus": os.cpu_count(),
            "args": {k: str(v) for k, v in vars(args).items()},
        },
        "runs": runs,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "measures.json").write_text(json.dumps(results, indent=2) + "\n", "utf-8")
    (args.out / "measures.md").write_text(markdown(results), "utf-8")
    print(markdown(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
