"""The as-of view on a real SQLite store filled by the real pipeline and "rules" extractor."""

from __future__ import annotations

import json

import pytest

from alliancemap.graph.view import build_view
from alliancemap.model import Polarity, RelationType
from alliancemap.pipeline import ingest
from alliancemap.store import open_store

ARTICLES = [
    ("2019-07-22", "Microsoft invested $1 billion in OpenAI in July 2019."),
    ("2023-01-23", "Microsoft invested $10 billion in OpenAI in January 2023."),
    ("2014-01-27", "Google acquired DeepMind in January 2014."),
    ("2022-05-01", "Nvidia supplies GPUs to Meta."),  # undated: holds from publication
    ("2020-03-02", "Google competes with Microsoft in cloud computing."),
    ("2021-06-01", "Google and Microsoft announced a partnership on cloud security in June 2021."),
]


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("view")
    path = root / "news.jsonl"
    rows = [{"id": f"n{i}", "published": p, "text": t} for i, (p, t) in enumerate(ARTICLES)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    st = open_store(root / "map.db")
    # Syncs the knowledge base too: landmark facts with end dates.
    ingest([path], st, extractor_name="rules")
    yield st
    st.close()


def edge(v, a, b, rtype):
    found = [e for e in v.between(a, b) if e.type == RelationType(rtype)]
    return found[0] if found else None


def news(v, a, b, rtype):
    """The claims the extractor found for an edge (the KB may hold landmark facts too)."""
    e = edge(v, a, b, rtype)
    return [c for c in e.claims if c.extractor == "rules"] if e else []


def test_edges_aggregate_claims_with_sources_dates_and_evidence(store):
    v = build_view(store, types=["investment"])
    e = edge(v, "Microsoft", "OpenAI", "investment")
    rules = news(v, "Microsoft", "OpenAI", "investment")
    assert [c.date for c in rules] == ["2019-07", "2023-01"]
    assert rules[1].evidence == ARTICLES[1][1]
    kb = {c.source_name for c in e.claims if c.extractor == "kb"}  # one source per publication
    assert e.n_sources == 2 + len(kb)
    dates = sorted(c.date for c in e.claims)
    assert (e.first_date, e.last_date) == (dates[0], dates[-1])
    assert e.confidence == max(c.confidence for c in e.claims)
    assert set(e.claim_ids) == {c.id for c in e.claims}
    assert {x.type for x in v.edges} == {RelationType.INVESTMENT}


def test_as_of_keeps_what_was_known_then(store):
    assert news(build_view(store, as_of="2019-06"), "Microsoft", "OpenAI", "investment") == []
    mid = build_view(store, as_of="2019-07")
    assert [c.date for c in news(mid, "Microsoft", "OpenAI", "investment")] == ["2019-07"]
    assert all(
        c.date[:7] <= "2019-07" for c in edge(mid, "Microsoft", "OpenAI", "investment").claims
    )


def test_undated_claims_hold_from_their_publication(store):
    assert news(build_view(store, as_of="2022-04"), "Nvidia", "Meta", "supply") == []
    found = news(build_view(store, as_of="2022-05"), "Nvidia", "Meta", "supply")
    assert [(c.date, c.published) for c in found] == [(None, "2022-05-01")]


def test_ended_relations_drop_after_their_end(store):
    def motorola(**kw):
        return edge(build_view(store, **kw), "Google", "Motorola Mobility", "acquisition")

    assert motorola(as_of="2013") is not None
    assert motorola(as_of="2014-10") is not None  # ends in October 2014: still held then
    assert motorola(as_of="2015") is None
    assert motorola() is None  # as of today
    kept = motorola(keep_ended=True)
    assert kept is not None and kept.ended and kept.end_date == "2014-10"


def test_window_and_filters(store):
    since = build_view(store, since="2020")
    assert all(c.date >= "2020" for c in edge(since, "Microsoft", "OpenAI", "investment").claims)
    assert [c.date for c in news(since, "Microsoft", "OpenAI", "investment")] == ["2023-01"]
    coop = build_view(store, polarity="cooperative")
    assert all(x.polarity == Polarity.COOPERATIVE for x in coop.edges)
    assert edge(coop, "Google", "Microsoft", "competition") is None
    assert edge(build_view(store), "Google", "Microsoft", "competition") is not None
    strong = build_view(store, min_sources=2)
    assert strong.edges and all(x.n_sources >= 2 for x in strong.edges)
    confident = build_view(store, min_confidence=0.95)
    assert all(c.confidence >= 0.95 for x in confident.edges for c in x.claims)
    assert news(confident, "Nvidia", "Meta", "supply") == []  # found with confidence 0.86


@pytest.mark.parametrize("as_of", ["2014", "2019-07", "2021-06-01", "2023"])
def test_same_claims_as_the_store_as_of_filter(store, as_of):
    """The view's date rules are the store's: same claims (self-ties and media aside)."""
    v = build_view(store, as_of=as_of, exclude_kinds=())
    ours = {c.id for c in v.claims()}
    theirs = {c.id for c in store.claims(as_of=as_of) if c.subject != c.object}
    assert ours == theirs


def test_at_recuts_the_same_view(store):
    full = build_view(store, keep_ended=False)
    again = build_view(store, as_of="2020")
    assert {c.id for c in full.at(as_of="2020").claims()} == {c.id for c in again.claims()}


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"as_of": "2023-13"}, "bad as-of date"),
        ({"as_of": "yesterday"}, "bad as-of date"),
        ({"since": "2023-02-30"}, "bad since date"),
        ({"as_of": "2019", "since": "2020"}, "the window is empty"),
        ({"types": ["alliance"]}, "unknown relation type"),
        ({"polarity": "friendly"}, "unknown polarity"),
        ({"min_sources": 0}, "min_sources"),
    ],
)
def test_bad_parameters(store, kw, message):
    with pytest.raises(ValueError, match=message):
        build_view(store, **kw)


def test_fast_year_cuts_match_the_general_recut(store):
    """`network_at` (claim arrays) gives the same ties and weights as `view.at` (claims)."""
    from alliancemap.graph.network import network, network_at

    for kw in ({}, {"min_sources": 2}, {"keep_ended": True}):
        v = build_view(store, **kw)
        for y in (2012, 2014, 2019, 2022):
            for pol in ("cooperative", "adversarial", None):
                fast, slow = network_at(v, y, pol), network(v.at(as_of=str(y)), pol)
                assert fast.names == slow.names
                ours = {
                    tuple(sorted((fast.names[e.source], fast.names[e.target]))): e["weight"]
                    for e in fast.graph.es
                }
                theirs = {
                    tuple(sorted((slow.names[e.source], slow.names[e.target]))): e["weight"]
                    for e in slow.graph.es
                }
                assert ours == theirs, (kw, y, pol)
