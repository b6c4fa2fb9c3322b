"""The graph package's measures, computed once per view and kept on it for the web app.

Thin adapters: every figure comes from `alliancemap.graph`; this module only caches them on
the view and turns them into plain, JSON-safe values (NaN becomes None). `rank_rows` is the
table of the `rank` command, shared here until the graph package offers one.
"""

from __future__ import annotations

import math
from typing import Any

from alliancemap.graph.blocs import BlocPartition, detect_blocs
from alliancemap.graph.brokerage import Broker, brokerage
from alliancemap.graph.centrality import betweenness, degree_by_polarity, pagerank, top
from alliancemap.graph.network import network
from alliancemap.graph.view import GraphView
from alliancemap.web.data import MapData

SIZE_MEASURES = ("degree", "pagerank", "betweenness", "effective_size")
RANK_BY = ("pagerank", "betweenness", "effective_size", "constraint", "degree")


def finite(x: Any) -> Any:
    """`x`, or None for NaN and infinities (JSON has neither)."""
    if isinstance(x, float) and not math.isfinite(x):
        return None
    return x


def blocs(data: MapData, view: GraphView) -> BlocPartition:
    """Leiden blocs of the view's cooperative ties (seeded)."""
    return data.cached(view, ("web", "blocs"), lambda: detect_blocs(view, seed=data.seed))


def degrees(data: MapData, view: GraphView) -> dict[str, dict[str, int]]:
    """Distinct partners of each organization, by polarity and in all."""
    return data.cached(view, ("web", "degree"), lambda: degree_by_polarity(view))


def ranks(data: MapData, view: GraphView) -> dict[str, float]:
    """Weighted PageRank of the cooperative ties."""
    return data.cached(view, ("web", "pagerank"), lambda: pagerank(view))


def between(data: MapData, view: GraphView) -> dict[str, float]:
    """Betweenness of the cooperative ties (exact, or sampled on huge maps)."""
    return data.cached(view, ("web", "betweenness"), lambda: betweenness(view, seed=data.seed))


def brokers(data: MapData, view: GraphView) -> dict[str, Broker]:
    """Burt's effective size and constraint of each organization with cooperative ties."""
    return data.cached(view, ("web", "brokerage"), lambda: brokerage(view))


def size_values(data: MapData, view: GraphView, measure: str) -> dict[str, float]:
    """The measure that sizes the nodes: {organization: value}, missing ones count 0."""
    if measure == "degree":
        return {n: float(d["all"]) for n, d in degrees(data, view).items()}
    if measure == "pagerank":
        return ranks(data, view)
    if measure == "betweenness":
        return between(data, view)
    if measure == "effective_size":
        return {n: b.effective_size for n, b in brokers(data, view).items()}
    raise ValueError(f"unknown measure {measure!r} (use {', '.join(SIZE_MEASURES)})")


def organization_measures(data: MapData, view: GraphView, name: str) -> dict[str, Any]:
    """One organization's figures in the view: partners, PageRank (and rank), brokerage, bloc."""
    deg = degrees(data, view).get(name, {})
    pr = ranks(data, view)
    order = data.cached(view, ("web", "pagerank-order"), lambda: [n for n, _ in top(pr, len(pr))])
    position = data.cached(
        view, ("web", "pagerank-pos"), lambda: {n: i for i, n in enumerate(order)}
    )
    broker = brokers(data, view).get(name)
    part = blocs(data, view)
    bloc = part.bloc_of(name)
    return {
        "partners": {k: deg.get(k, 0) for k in ("all", "cooperative", "adversarial")},
        "partners_by_type": {
            k: v for k, v in deg.items() if k not in ("all", "cooperative", "adversarial")
        },
        "pagerank": finite(pr.get(name)),
        "pagerank_rank": position[name] + 1 if name in position else None,
        "ranked": len(order),
        "betweenness": finite(between(data, view).get(name)),
        "effective_size": finite(broker.effective_size) if broker else None,
        "efficiency": finite(broker.efficiency) if broker else None,
        "constraint": finite(broker.constraint) if broker else None,
        "bloc": {"id": bloc.id, "label": bloc.label, "size": bloc.size} if bloc else None,
    }


def rank_rows(
    data: MapData, view: GraphView, by: str = "pagerank", n: int = 20, min_degree: int = 2
) -> list[dict[str, Any]]:
    """The `n` first organizations by a measure of the cooperative ties, with all the others."""
    if by not in RANK_BY:
        raise ValueError(f"unknown measure {by!r} (use {', '.join(RANK_BY)})")
    pr, bw, bk = ranks(data, view), between(data, view), brokers(data, view)
    score = {
        "pagerank": pr,
        "betweenness": bw,
        "constraint": {k: b.constraint for k, b in bk.items() if b.degree >= min_degree},
        "effective_size": {k: b.effective_size for k, b in bk.items()},
        "degree": {k: float(b.degree) for k, b in bk.items()},
    }[by]
    rows = []
    for i, (name, _) in enumerate(top(score, n, ascending=by == "constraint"), 1):
        b = bk.get(name)
        node = view.nodes.get(name)
        rows.append(
            {
                "rank": i,
                "organization": name,
                "kind": node.kind if node else None,
                "partners": b.degree if b else 0,
                "pagerank": finite(pr.get(name)),
                "betweenness": finite(bw.get(name)),
                "constraint": finite(b.constraint) if b else None,
                "effective_size": finite(b.effective_size) if b else None,
            }
        )
    return rows


def ties(view: GraphView) -> int:
    """Cooperative ties (organization pairs) of the view."""
    return network(view).m
