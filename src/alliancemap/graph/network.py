"""A view's ties as a simple undirected weighted igraph graph, the input of every measure.

Several typed edges between two organizations become one tie whose weight is the sum of
their independent sources (how strongly the news attests the relationship). Direction is
dropped: brokerage, blocs and centrality here are about who is tied to whom. The conversion
is cached on the view, so a suite of measures converts once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import igraph as ig
import numpy as np

from alliancemap.graph.view import GraphView
from alliancemap.model import Polarity, RelationType

COOPERATIVE = Polarity.COOPERATIVE


@dataclass(frozen=True, slots=True)
class Network:
    """An undirected simple igraph graph with weights, and its vertex names both ways."""

    graph: ig.Graph
    names: list[str]
    index: dict[str, int]
    extra: dict[Any, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def n(self) -> int:
        return self.graph.vcount()

    @property
    def m(self) -> int:
        return self.graph.ecount()


def from_pairs(pairs: dict[tuple[str, str], float], nodes: Iterable[str] = ()) -> Network:
    """A network from {(a, b): weight} (order-free) plus optional isolated nodes."""
    names = sorted({*nodes, *(n for pair in pairs for n in pair)})
    index = {n: i for i, n in enumerate(names)}
    edges = [(index[a], index[b]) for a, b in pairs]
    g = ig.Graph(n=len(names), edges=edges, directed=False)
    g.vs["name"] = names
    g.es["weight"] = [float(w) for w in pairs.values()]
    return Network(g, names, index)


def from_igraph(graph: ig.Graph) -> Network:
    """Wrap an igraph graph (made undirected, simple, weights summed, default weight 1)."""
    g = graph.copy()
    if g.is_directed():
        g.to_undirected(mode="collapse", combine_edges={"weight": "sum"})
    if "weight" not in g.es.attributes():
        g.es["weight"] = [1.0] * g.ecount()
    if not g.is_simple():
        g.simplify(multiple=True, loops=True, combine_edges={"weight": "sum"})
    if "name" not in g.vs.attributes():
        g.vs["name"] = [str(i) for i in range(g.vcount())]
    names = [str(n) for n in g.vs["name"]]
    return Network(g, names, {n: i for i, n in enumerate(names)})


def from_networkx(graph: Any, weight: str = "weight") -> Network:
    """A network from a NetworkX graph (directions dropped, missing weights count 1)."""
    pairs: dict[tuple[str, str], float] = {}
    for u, v, data in graph.edges(data=True):
        a, b = sorted((str(u), str(v)))
        if a != b:
            pairs[(a, b)] = pairs.get((a, b), 0.0) + float(data.get(weight, 1.0))
    return from_pairs(pairs, (str(n) for n in graph.nodes))


def from_codes(names: list[str], a: np.ndarray, b: np.ndarray, weights: np.ndarray) -> Network:
    """A network from endpoint indices into `names` (pairs may repeat: weights are summed);
    only organizations with a tie are kept, in `names` order."""
    n = len(names)
    code = np.minimum(a, b) * n + np.maximum(a, b)
    pairs, inverse = np.unique(code, return_inverse=True)
    summed = np.bincount(inverse.ravel(), weights=weights, minlength=len(pairs))
    lo, hi = pairs // n, pairs % n
    used = np.unique(np.concatenate([lo, hi]))
    kept = [names[i] for i in used]
    edges = np.column_stack([np.searchsorted(used, lo), np.searchsorted(used, hi)])
    g = ig.Graph(n=len(kept), edges=edges.tolist(), directed=False)
    g.vs["name"] = kept
    g.es["weight"] = summed.tolist()
    return Network(g, kept, {name: i for i, name in enumerate(kept)})


def _polarity(polarity: Polarity | str | None) -> Polarity | None:
    return None if polarity in (None, "all") else Polarity(polarity)


def network(
    graph: GraphView | Network | ig.Graph | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    types: Iterable[RelationType | str] | None = None,
) -> Network:
    """The ties of one polarity (None or "all": every tie) or some types, as a Network.

    A Network, igraph or NetworkX graph is taken as it is (polarity and types then ignored).
    """
    if isinstance(graph, Network):
        return graph
    if isinstance(graph, ig.Graph):
        return from_igraph(graph)
    if not isinstance(graph, GraphView):
        return from_networkx(graph)
    from alliancemap.graph.table import edge_table

    pol = _polarity(polarity)
    wanted = {RelationType(str(t)) for t in types} if types else None
    key = ("network", pol, tuple(sorted(t.value for t in wanted)) if wanted else None)
    cached = graph.cache.get(key)
    if cached is None:
        t = edge_table(graph)
        rows = t.mask(pol, wanted)
        weights = t.sources[rows].astype(float)
        cached = graph.cache[key] = from_codes(t.names, t.src[rows], t.dst[rows], weights)
    return cached


def network_at(
    view: GraphView, year: int, polarity: Polarity | str | None = COOPERATIVE
) -> Network:
    """`network(view.at(as_of=str(year)), polarity)`, from the view's claim table: the ties
    standing then are picked out of one network of every pair the pool ever held."""
    from alliancemap.graph.table import COOPERATIVE_CODES, claim_table, keys_at

    pol = _polarity(polarity)
    key = ("network_at", year, pol)
    if key in view.cache:
        return view.cache[key]
    t = claim_table(view)
    full = view.cache.get("pool_network")
    if full is None:
        g = ig.Graph(n=len(t.names), edges=np.column_stack([t.pair_a, t.pair_b]).tolist())
        g.vs["name"] = t.names
        full = view.cache["pool_network"] = g
    cut = keys_at(view, year)
    keys, weights = cut.keys, cut.sources.astype(float)
    if pol is not None:
        coop = COOPERATIVE_CODES[t.key_type[keys]]
        keep = coop if pol == Polarity.COOPERATIVE else ~coop
        keys, weights = keys[keep], weights[keep]
    summed = np.bincount(t.key_pair[keys], weights=weights, minlength=len(t.pair_a))
    present = np.nonzero(summed)[0]
    g = full.subgraph_edges(present.tolist(), delete_vertices=True)  # pair i is edge i
    g.es["weight"] = summed[present].tolist()
    names = g.vs["name"]
    net = view.cache[key] = Network(g, names, {n: i for i, n in enumerate(names)})
    return net


def name_values(net: Network, values: Iterable[Any]) -> dict[str, Any]:
    """Vertex-ordered values as {name: value}."""
    return dict(zip(net.names, values, strict=True))
