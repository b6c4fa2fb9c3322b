"""Centrality and brokerage on graphs small enough to check by hand, then against NetworkX."""

from __future__ import annotations

import math
import random

import networkx as nx
import pytest

from alliancemap.graph.brokerage import brokerage, constraint, effective_size, orchestrators
from alliancemap.graph.centrality import (
    betweenness,
    betweenness_method,
    degree_by_polarity,
    pagerank,
    sample_sources,
    top,
)
from alliancemap.graph.network import from_networkx, network
from graphkit import claim, ties, view

STAR = [("Hub", f"Leaf{i}") for i in range(4)]


def test_star_center_by_hand():
    """Star with 4 leaves: the centre lies on all 6 leaf pairs, its partners are unrelated."""
    v = view(ties(STAR))
    bw = betweenness(v)
    assert bw["Hub"] == pytest.approx(1.0)  # 6 pairs / (4*3/2) normalised
    assert bw["Leaf0"] == 0.0
    cons = constraint(v)
    assert cons["Hub"] == pytest.approx(4 * (1 / 4) ** 2)  # 1/n for a star
    assert cons["Leaf0"] == pytest.approx(1.0)  # one partner: fully constrained
    esize = effective_size(v)
    assert esize["Hub"] == pytest.approx(4.0)  # no redundancy at all
    assert esize["Leaf0"] == pytest.approx(1.0)
    pr = pagerank(v)
    assert sum(pr.values()) == pytest.approx(1.0)
    # undirected star: PR(hub) = (1-d)/5 + d * 4 * PR(leaf), PR(leaf) = (1-d)/5 + d * PR(hub)/4
    d = 0.85
    hub = ((1 - d) / 5 * (1 + 4 * d)) / (1 - d * d)
    assert pr["Hub"] == pytest.approx(hub, rel=1e-6)


def test_triangle_is_fully_redundant():
    """In a triangle each partner is tied to the other: effective size 2 - 2*1/2 = 1, and
    constraint 2 * (1/2 + 1/2*1/2)^2 = 1.125."""
    v = view(ties([("A", "B"), ("B", "C"), ("A", "C")]))
    assert effective_size(v)["A"] == pytest.approx(1.0)
    assert constraint(v)["A"] == pytest.approx(1.125)
    assert betweenness(v)["A"] == 0.0


def test_weights_are_sources_and_shape_constraint():
    """A -> B attested by 3 documents, A -> C by 1: p_AB = 3/4, constraint 9/16 + 1/16."""
    claims = [claim("A", "B", "partnership") for _ in range(3)] + [claim("A", "C", "partnership")]
    v = view(claims)
    net = network(v)
    assert net.graph.es[net.graph.get_eid(net.index["A"], net.index["B"])]["weight"] == 3
    assert constraint(v)["A"] == pytest.approx((3 / 4) ** 2 + (1 / 4) ** 2)
    b = brokerage(v)["A"]
    assert (b.degree, b.effective_size, b.efficiency) == (2, pytest.approx(2.0), 1.0)


def test_degree_by_polarity_counts_distinct_partners():
    claims = [
        claim("A", "B", "partnership"),
        claim("A", "B", "investment"),  # same partner twice: counted once
        claim("A", "C", "competition"),
        claim("D", "A", "litigation"),
    ]
    deg = degree_by_polarity(view(claims))
    assert deg["A"]["cooperative"] == 1
    assert deg["A"]["adversarial"] == 2
    assert deg["A"]["all"] == 3
    assert deg["A"]["investment"] == 1
    assert deg["B"] == {
        "cooperative": 1,
        "adversarial": 0,
        "all": 1,
        "partnership": 1,
        "investment": 1,
    }


def test_measures_follow_polarity():
    claims = ties(STAR) + [claim("Leaf0", "Leaf1", "competition")]
    v = view(claims)
    adv = network(v, "adversarial")
    assert adv.names == ["Leaf0", "Leaf1"]
    assert set(network(v, "all").names) == {"Hub", "Leaf0", "Leaf1", "Leaf2", "Leaf3"}


def test_orchestrators_rank_by_effective_size_then_constraint():
    claims = ties(STAR) + ties([("Other", "X"), ("Other", "Y"), ("X", "Y")])
    found = orchestrators(view(claims), n=3)
    assert found[0].name == "Hub"
    assert all(b.degree >= 2 for b in found)


def test_top_breaks_ties_by_name_and_puts_nan_last():
    scores = {"b": 1.0, "a": 1.0, "c": float("nan"), "d": 0.5}
    assert [n for n, _ in top(scores, 4)] == ["a", "b", "d", "c"]
    assert [n for n, _ in top(scores, 2, ascending=True)] == ["d", "a"]


def test_sampling_is_seeded_and_documented():
    assert sample_sources(100, 10, seed=3) == sample_sources(100, 10, seed=3)
    assert sample_sources(100, 10, seed=3) != sample_sources(100, 10, seed=4)
    assert betweenness_method(10, 20).exact
    method = betweenness_method(100_000, 1_000_000, seed=7)
    assert not method.exact and method.k == 100
    assert "seed 7" in method.describe()


def test_sampled_betweenness_with_all_sources_is_exact():
    g = nx.gnm_random_graph(60, 150, seed=1)
    net = from_networkx(g)
    exact = betweenness(net)
    full = betweenness(net, sources=range(net.n))
    assert full == pytest.approx(exact)


# -- agreement with NetworkX on a mid-sized graph -------------------------------------------


@pytest.fixture(scope="module")
def mid():
    """A clustered, heavy-tailed 500-node graph with integer weights 1..4."""
    g = nx.powerlaw_cluster_graph(500, 4, 0.3, seed=11)
    rnd = random.Random(5)
    for u, v in g.edges:
        g[u][v]["weight"] = rnd.randint(1, 4)
    g = nx.relabel_nodes(g, {n: f"org{n:04d}" for n in g})
    return g, from_networkx(g)


def _close(ours: dict, theirs: dict, tol: float) -> None:
    assert set(ours) == set(theirs)
    worst = max(abs(ours[k] - theirs[k]) for k in theirs if not math.isnan(theirs[k]))
    assert worst < tol, worst


def test_pagerank_agrees_with_networkx(mid):
    g, net = mid
    _close(pagerank(net), nx.pagerank(g, weight="weight", tol=1e-12), 1e-7)


def test_betweenness_agrees_with_networkx(mid):
    g, net = mid
    _close(betweenness(net), nx.betweenness_centrality(g), 1e-9)


def test_sampled_betweenness_is_networkx_estimate_on_the_same_sources(mid):
    g, net = mid
    sources = sample_sources(net.n, 40, seed=2)
    ours = betweenness(net, sources=sources)
    raw = nx.betweenness_centrality_subset(g, [net.names[i] for i in sources], list(g))
    n = net.n
    scale = (n / len(sources)) * 2 / ((n - 1) * (n - 2))
    _close(ours, {k: v * scale for k, v in raw.items()}, 1e-9)


def test_constraint_agrees_with_networkx(mid):
    g, net = mid
    _close(constraint(net), nx.constraint(g, weight="weight"), 1e-9)
    _close(constraint(net, weighted=False), nx.constraint(g), 1e-9)


def test_effective_size_agrees_with_networkx(mid):
    """Weighted: NetworkX's per-node path (its vectorised path, taken when `nodes` is None,
    divides by the wrong row maximum on weighted graphs: networkx PR #8906)."""
    g, net = mid
    some = sorted(random.Random(3).sample(list(g), 100))  # NetworkX's per-node path is slow
    theirs = nx.effective_size(g, weight="weight", nodes=some)
    _close(effective_size(net, nodes=some), theirs, 1e-9)
    _close(effective_size(net, weighted=False), nx.effective_size(g), 1e-9)


def test_effective_size_of_a_few_named_uses_ego_networks_and_agrees(mid):
    g, net = mid
    some = sorted(random.Random(9).sample(list(g), 12))
    full = effective_size(net)
    few = effective_size(net, nodes=some)
    assert few == pytest.approx({n: full[n] for n in some})
    unweighted = effective_size(net, nodes=some, weighted=False)
    assert unweighted == pytest.approx({n: v for n, v in nx.effective_size(g).items() if n in some})
