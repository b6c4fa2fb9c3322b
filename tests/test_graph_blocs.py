"""Blocs: Leiden on graphs with known communities, seeded, and their year-by-year lineage."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from alliancemap.graph.blocs import bloc_history, detect_blocs, nmi
from alliancemap.graph.network import from_networkx
from graphkit import claim, ties, view

LEFT = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
RIGHT = ["Kappa", "Lambda", "Mu", "Nu", "Omicron"]


def two_cliques(date: str = "2020"):
    pairs = list(itertools.combinations(LEFT, 2)) + list(itertools.combinations(RIGHT, 2))
    return ties(pairs, date=date) + [claim("Alpha", "Kappa", "partnership", date)]


def test_two_cliques_give_two_blocs():
    part = detect_blocs(view(two_cliques()), seed=1)
    assert {frozenset(b.members) for b in part.blocs} == {frozenset(LEFT), frozenset(RIGHT)}
    # modularity by hand: m = 21 ties; each bloc has 10 inside, degree sum 21
    assert part.modularity == pytest.approx(2 * (10 / 21 - (21 / 42) ** 2))
    for b in part.blocs:
        assert b.internal_ties == 10 and b.external_ties == 1
        assert b.label in ("Alpha", "Kappa")  # the member with the most tie weight


def test_same_seed_same_blocs():
    g = nx.planted_partition_graph(6, 20, 0.5, 0.02, seed=3)
    net = from_networkx(g)
    first = detect_blocs(net, seed=5).membership
    assert detect_blocs(net, seed=5).membership == first


def test_small_groups_are_counted_not_listed():
    part = detect_blocs(view(two_cliques() + ties([("Solo", "Pair")])), seed=0)
    assert len(part.blocs) == 2
    assert (part.small_blocs, part.in_small_blocs) == (1, 2)
    assert part.bloc_of("Solo") is None


def test_planted_partition_recovered_and_as_good_as_networkx_louvain():
    g = nx.planted_partition_graph(8, 25, 0.4, 0.01, seed=7)
    truth = {str(n): n // 25 for n in g}
    part = detect_blocs(from_networkx(g), seed=0)
    assert nmi(part.membership, truth) > 0.95
    ours = [
        {n for n, b in part.membership.items() if b == i} for i in set(part.membership.values())
    ]
    assert part.modularity == pytest.approx(nx.community.modularity(nx.relabel_nodes(g, str), ours))
    louvain = nx.community.louvain_communities(g, seed=0)
    assert part.modularity >= nx.community.modularity(g, louvain) - 0.01


def test_history_follows_a_bloc_and_sees_a_merger():
    """2019: two cliques apart. 2020: many ties between them, so they merge into one bloc."""
    claims = two_cliques("2019")[:-1]
    claims += [claim(a, b, "partnership", "2020") for a in LEFT for b in RIGHT]
    years = bloc_history(view(claims), years=[2019, 2020], seed=0, notable=1)
    assert [len(y.partition.blocs) for y in years] == [2, 1]
    assert {e["event"] for e in years[0].events} == {"born"}
    assert [e["event"] for e in years[1].events] == ["merged"]
    merged = years[1].partition.blocs[0]
    assert merged.lineage in {b.lineage for b in years[0].partition.blocs}  # an heir, not new
    assert years[1].nmi_previous is not None
