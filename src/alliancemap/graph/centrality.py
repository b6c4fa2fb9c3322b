"""Centrality: who sits at the heart of the map (degree by polarity, PageRank, betweenness).

Computed with igraph on the view's ties (see `network.py`): cooperative ties unless another
polarity is asked for, undirected, weighted by independent sources where weights make
sense (PageRank), unweighted hops where they do not (betweenness).

Betweenness is exact while nodes x ties stays under `EXACT_WORK` (Brandes' algorithm costs
about that; the corpus map takes under a second). Above, it is estimated from `k` (default
100) source organizations drawn uniformly with `random.Random(seed)`: the dependencies of the
sampled sources on every node, scaled by n/k (Brandes and Pich, 2007), exactly what
NetworkX's `betweenness_centrality(k=...)` computes, so the two can be compared on the same
sample. Values are normalised by (n-1)(n-2)/2, the number of pairs of other nodes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from alliancemap.graph.network import COOPERATIVE, Network, name_values, network
from alliancemap.graph.view import GraphView
from alliancemap.model import Polarity

EXACT_WORK = 10**8  # nodes x ties; above, betweenness is estimated from sampled sources
DEFAULT_K = 100  # sampled sources for the estimate


@dataclass(frozen=True, slots=True)
class BetweennessMethod:
    """How a betweenness figure was obtained: exact, or estimated from `k` seeded sources."""

    exact: bool
    k: int
    n: int
    seed: int

    def describe(self) -> str:
        if self.exact:
            return f"exact over all {self.n} organizations"
        return (
            f"estimated from {self.k} of {self.n} source organizations sampled uniformly "
            f"(seed {self.seed}), scaled by n/k"
        )


def degree_by_polarity(graph: GraphView | Network | Any) -> dict[str, dict[str, int]]:
    """Distinct partners of each organization: cooperative, adversarial, all, and per type
    (a type appears only where the organization has such partners)."""
    if not isinstance(graph, GraphView):
        net = network(graph)
        return {n: {"all": d} for n, d in zip(net.names, net.graph.degree(), strict=True)}
    from alliancemap.graph.table import TYPES, edge_table

    t = edge_table(graph)
    n = len(t.names)
    coop = t.cooperative

    def partners(rows: np.ndarray) -> np.ndarray:
        codes = np.unique(t.pair_codes(rows))
        return np.bincount(codes // n, minlength=n) + np.bincount(codes % n, minlength=n)

    columns = {
        Polarity.COOPERATIVE.value: partners(coop),
        Polarity.ADVERSARIAL.value: partners(~coop),
        "all": partners(np.ones(len(coop), dtype=bool)),
    }
    per_type = {rt.value: partners(t.rtype == code) for code, rt in enumerate(TYPES)}
    out = {}
    fixed = [(k, v.tolist()) for k, v in columns.items()]
    typed = [(k, v.tolist()) for k, v in per_type.items() if v.any()]
    for i, name in enumerate(t.names):
        row = {k: v[i] for k, v in fixed}
        row.update({k: v[i] for k, v in typed if v[i]})
        out[name] = row
    return out


def pagerank(
    graph: GraphView | Network | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    damping: float = 0.85,
    weighted: bool = True,
) -> dict[str, float]:
    """Weighted PageRank on the undirected ties: importance from ties to important partners."""
    net = network(graph, polarity)
    if net.n == 0:
        return {}
    key = ("pagerank", damping, weighted)
    if key in net.extra:
        return dict(net.extra[key])
    weights = "weight" if weighted else None
    # ARPACK: PRPACK is much slower on maps made of many small components (0.5 s vs 0.02 s)
    values = net.graph.pagerank(
        weights=weights, damping=damping, directed=False, implementation="arpack"
    )
    net.extra[key] = name_values(net, values)
    return dict(net.extra[key])


def sample_sources(n: int, k: int, seed: int = 0) -> list[int]:
    """`k` distinct vertex indices out of `n`, drawn uniformly with `random.Random(seed)`."""
    return sorted(random.Random(seed).sample(range(n), min(k, n)))


def betweenness_method(
    n: int, m: int = 0, k: int | None = None, seed: int = 0, exact_work: int = EXACT_WORK
) -> BetweennessMethod:
    """Whether betweenness on `n` nodes and `m` ties is exact or sampled, from how many sources."""
    if k is None:
        k = n if n * m <= exact_work else DEFAULT_K
    k = max(1, min(k, n)) if n else 0
    return BetweennessMethod(exact=k >= n, k=k, n=n, seed=seed)


def betweenness(
    graph: GraphView | Network | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    k: int | None = None,
    seed: int = 0,
    exact_work: int = EXACT_WORK,
    normalized: bool = True,
    sources: Iterable[int] | None = None,
) -> dict[str, float]:
    """Shortest-path betweenness over unweighted ties: who lies between the others.

    Exact while nodes x ties <= `exact_work` unless `k` is given; else estimated from `k`
    seeded sources (or the given vertex indices `sources`); see the module docstring.
    """
    net = network(graph, polarity)
    n = net.n
    if n == 0:
        return {}
    if sources is not None:
        picked = sorted(set(sources))
    else:
        method = betweenness_method(n, net.m, k, seed, exact_work)
        picked = None if method.exact else sample_sources(n, method.k, seed)
    key = ("betweenness", tuple(picked) if picked is not None else None, normalized)
    if key not in net.extra:
        if picked is None or len(picked) >= n:
            raw = net.graph.betweenness(directed=False)
            scale = 1.0
        else:
            raw = net.graph.betweenness(directed=False, sources=picked)
            scale = n / len(picked)
        if normalized:
            scale *= 2.0 / ((n - 1) * (n - 2)) if n > 2 else 0.0
        net.extra[key] = name_values(net, (v * scale for v in raw))
    return dict(net.extra[key])


def top(scores: dict[str, float], n: int = 10, ascending: bool = False) -> list[tuple[str, float]]:
    """The `n` best (name, score) pairs, ties broken by name; NaN scores last."""

    def key(item: tuple[str, float]) -> tuple[bool, float, str]:
        name, value = item
        bad = value != value  # NaN
        return (bad, 0.0 if bad else (value if ascending else -value), name)

    return sorted(scores.items(), key=key)[:n]
