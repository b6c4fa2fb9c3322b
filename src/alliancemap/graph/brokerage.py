"""Brokerage: the orchestrators who convene otherwise unconnected parties (Burt, 1992).

- constraint c_i = sum_j (p_ij + sum_q p_iq p_qj)^2, where p_ij is the share of i's tie
  weight that goes to j: low constraint means i's partners are not tied to each other;
- effective size e_i = sum_j (1 - sum_q p_iq m_jq), m_jq = w_jq / max_k w_jk: the number of
  non-redundant partners (Burt's formula as NetworkX writes it; for unit weights it is
  Borgatti's n - 2t/n, t the ties among the n partners);
- efficiency = effective size / degree.

Both follow from the triangles of the tie graph, so they are computed from igraph's triangle
list with numpy (constraint by igraph's own C routine), on cooperative ties weighted by
independent sources. Orchestrators rank by effective size, then by low constraint.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from alliancemap.graph.network import COOPERATIVE, Network, name_values, network
from alliancemap.graph.view import GraphView
from alliancemap.model import Polarity

EGO_LIMIT = 50  # organizations: below, effective size from ego networks, not all triangles


@dataclass(frozen=True, slots=True)
class Broker:
    """One organization's brokerage figures."""

    name: str
    degree: int
    effective_size: float
    efficiency: float
    constraint: float

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _vertex_ids(net: Network, nodes: Iterable[str] | None) -> list[int] | None:
    if nodes is None:
        return None
    return [net.index[n] for n in nodes if n in net.index]


def constraint(
    graph: GraphView | Network | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    nodes: Iterable[str] | None = None,
    weighted: bool = True,
) -> dict[str, float]:
    """Burt's constraint of each organization (NaN for one without ties)."""
    net = network(graph, polarity)
    ids = _vertex_ids(net, nodes)
    if net.n == 0 or ids == []:
        return {}
    values = net.graph.constraint(ids, weights="weight" if weighted else None)
    names = net.names if ids is None else [net.names[i] for i in ids]
    return dict(zip(names, values, strict=True))


def _edge_lookup(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """Sorted pair keys (min * n + max) and their weights, for vectorised weight look-ups."""
    pairs = np.asarray(net.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    lo, hi = pairs.min(axis=1), pairs.max(axis=1)
    keys = lo * net.n + hi
    order = np.argsort(keys)
    weights = np.asarray(net.graph.es["weight"], dtype=float) if net.m else np.zeros(0)
    return keys[order], weights[order]


def _weight_of(keys: np.ndarray, weights: np.ndarray, n: int, a: np.ndarray, b: np.ndarray):
    want = np.minimum(a, b) * n + np.maximum(a, b)
    return weights[np.searchsorted(keys, want)]


def effective_size_array(net: Network, weighted: bool = True) -> np.ndarray:
    """Effective size of every vertex, in vertex order (NaN for isolated vertices)."""
    g, n = net.graph, net.n
    degree = np.asarray(g.degree(), dtype=float)
    keys, weights = _edge_lookup(net)
    pairs = np.asarray(g.get_edgelist(), dtype=np.int64).reshape(-1, 2)
    edge_w = np.asarray(g.es["weight"], dtype=float) if net.m else np.zeros(0)
    if not weighted:
        weights, edge_w = np.ones_like(weights), np.ones_like(edge_w)
    strength, biggest = np.zeros(n), np.zeros(n)
    for col in (0, 1):
        np.add.at(strength, pairs[:, col], edge_w)
        np.maximum.at(biggest, pairs[:, col], edge_w)
    redundancy = np.zeros(n)
    tri = np.asarray(g.list_triangles(), dtype=np.int64).reshape(-1, 3)
    if len(tri):
        # For a triangle (v, u, x) centred on v: v's partners u and x are tied, so each is
        # partly redundant: p_vx * m_ux + p_vu * m_xu.
        for v, u, x in ((0, 1, 2), (1, 0, 2), (2, 0, 1)):
            cv, cu, cx = tri[:, v], tri[:, u], tri[:, x]
            w_vu = _weight_of(keys, weights, n, cv, cu)
            w_vx = _weight_of(keys, weights, n, cv, cx)
            w_ux = _weight_of(keys, weights, n, cu, cx)
            share = (w_vx * w_ux / biggest[cu] + w_vu * w_ux / biggest[cx]) / strength[cv]
            np.add.at(redundancy, cv, share)
    with np.errstate(invalid="ignore"):
        return np.where(degree > 0, degree - redundancy, np.nan)


def effective_size(
    graph: GraphView | Network | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    nodes: Iterable[str] | None = None,
    weighted: bool = True,
) -> dict[str, float]:
    """Burt's effective size of each organization: its non-redundant partners."""
    net = network(graph, polarity)
    if net.n == 0:
        return {}
    ids = _vertex_ids(net, nodes)
    if ids is not None and len(ids) <= EGO_LIMIT:
        return {net.names[v]: _ego_effective_size(net, v, weighted) for v in ids}
    values = name_values(net, effective_size_array(net, weighted).tolist())
    if nodes is None:
        return values
    return {n: values[n] for n in nodes if n in values}


def _biggest(net: Network, weighted: bool) -> np.ndarray:
    """Each vertex's largest tie weight (cached per network)."""
    key = ("biggest", weighted)
    if key not in net.extra:
        pairs = np.asarray(net.graph.get_edgelist(), dtype=np.int64).reshape(-1, 2)
        w = np.asarray(net.graph.es["weight"], dtype=float) if weighted else np.ones(net.m)
        biggest = np.zeros(net.n)
        for col in (0, 1):
            np.maximum.at(biggest, pairs[:, col], w)
        net.extra[key] = biggest
    return net.extra[key]


def _ego_effective_size(net: Network, v: int, weighted: bool) -> float:
    """Effective size of one vertex from its ego network (for a few named organizations)."""
    g = net.graph
    partners = g.neighbors(v)
    if not partners:
        return float("nan")
    incident = g.incident(v)
    ends = np.asarray([g.es[e].tuple for e in incident], dtype=np.int64).reshape(-1, 2)
    other = np.where(ends[:, 0] == v, ends[:, 1], ends[:, 0])
    w_v = np.asarray(g.es[incident]["weight"], dtype=float) if weighted else np.ones(len(other))
    w_to = np.zeros(net.n)
    w_to[other] = w_v
    biggest = _biggest(net, weighted)
    sub = g.induced_subgraph(partners)
    if sub.ecount() == 0:
        return float(len(partners))
    ids = np.asarray([net.index[n] for n in sub.vs["name"]], dtype=np.int64)
    pairs = ids[np.asarray(sub.get_edgelist(), dtype=np.int64)]
    x, y = pairs[:, 0], pairs[:, 1]
    w = np.asarray(sub.es["weight"], dtype=float) if weighted else np.ones(len(x))
    redundancy = (w_to[y] * w / biggest[x] + w_to[x] * w / biggest[y]).sum() / w_v.sum()
    return float(len(partners) - redundancy)


def brokerage(
    graph: GraphView | Network | Any,
    polarity: Polarity | str | None = COOPERATIVE,
    nodes: Iterable[str] | None = None,
) -> dict[str, Broker]:
    """Degree, effective size, efficiency and constraint of each (or the named) organization."""
    net = network(graph, polarity)
    if net.n == 0:
        return {}
    wanted = list(nodes) if nodes is not None else None
    esize = effective_size(net, nodes=wanted)
    cons = constraint(net, nodes=wanted)
    degree = name_values(net, net.graph.degree())
    out = {}
    for name, e in esize.items():
        d = degree[name]
        out[name] = Broker(name, d, e, e / d if d else float("nan"), cons[name])
    return out


def orchestrators(
    graph: GraphView | Network | Any,
    n: int = 10,
    polarity: Polarity | str | None = COOPERATIVE,
    min_degree: int = 2,
) -> list[Broker]:
    """The `n` top brokers: largest effective size, then lowest constraint, then name."""
    found = [b for b in brokerage(graph, polarity).values() if b.degree >= min_degree]
    found.sort(key=lambda b: (-b.effective_size, b.constraint, b.name))
    return found[:n]
