"""Exports of a small store built through the real pipeline, read back with json, csv, networkx."""

import csv
import json

import networkx as nx
import pytest

from alliancemap import registry
from alliancemap.export import build_graph
from alliancemap.model import RelationType
from alliancemap.pipeline import ingest
from alliancemap.store import open_store

NEWS = """\
Microsoft invested $10 billion in OpenAI in January 2023.
Nvidia supplies GPUs to Meta.
Google and Anthropic announced a strategic partnership in March 2023.
Amazon acquired Zoox in June 2020.
The Federal Trade Commission opened an investigation into OpenAI in July 2023.
"""

MORE_NEWS = """\
Microsoft invested in OpenAI in 2019.
Apple acquired Shazam in 2018.
"""


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    root = tmp_path_factory.mktemp("export")
    (root / "news.txt").write_text(NEWS, encoding="utf-8")
    (root / "more.txt").write_text(MORE_NEWS, encoding="utf-8")
    st = open_store(root / "map.db")
    ingest([root / "news.txt", root / "more.txt"], st, sync_kb=False)
    yield st
    st.close()


@pytest.fixture(scope="module")
def claims(store):
    found = list(store.iter_claims())
    assert found, "the rules extractor found no claim in the test sentences"
    return found


def edge_keys(claims):
    keys = set()
    for c in claims:
        a, b = c.subject, c.object
        if c.type.symmetric and b < a:
            a, b = b, a
        keys.add((a, b, c.type.value))
    return keys


def test_builtin_exporters_are_registered_by_name():
    assert {"json", "csv", "graphml", "gexf"} <= set(registry.names("exporters"))
    assert callable(registry.get("exporters", "gexf"))


def test_json_export_has_nodes_edges_and_every_claim_with_evidence(store, claims, tmp_path):
    out = tmp_path / "map.json"
    registry.get("exporters", "json")(store, out)
    data = json.loads(out.read_text(encoding="utf-8"))
    assert {(e["subject"], e["object"], e["type"]) for e in data["edges"]} == edge_keys(claims)
    assert sum(len(e["claims"]) for e in data["edges"]) == len(claims)
    assert sum(e["n_claims"] for e in data["edges"]) == len(claims)
    for edge in data["edges"]:
        rtype = RelationType(edge["type"])
        assert edge["polarity"] == rtype.polarity.value
        assert edge["symmetric"] == rtype.symmetric
        assert edge["n_sources"] >= 1
        for claim in edge["claims"]:
            assert claim["evidence"].strip()
            assert claim["source"].endswith(".txt")
            assert claim["evidence"] in (NEWS + MORE_NEWS)
    names = {n["name"] for n in data["nodes"]}
    assert names == {c.subject for c in claims} | {c.object for c in claims}
    assert all(n["degree"] >= 1 for n in data["nodes"])


def test_microsoft_openai_edge_aggregates_two_documents(store, claims, tmp_path):
    out = tmp_path / "map.json"
    registry.get("exporters", "json")(store, out)
    edges = {
        (e["subject"], e["object"], e["type"]): e for e in json.loads(out.read_text())["edges"]
    }
    edge = edges[("Microsoft", "OpenAI", "investment")]
    assert edge["n_claims"] == 2 and edge["n_sources"] == 2
    assert (edge["first_date"], edge["last_date"]) == ("2019", "2023-01")


def test_csv_export_has_one_row_per_claim_with_all_fields(store, claims, tmp_path):
    out = tmp_path / "claims.csv"
    registry.get("exporters", "csv")(store, out)
    with out.open(newline="", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == len(claims)
    for field in (
        "subject",
        "object",
        "type",
        "date",
        "evidence",
        "extractor",
        "confidence",
        "document_hash",
        "source",
        "polarity",
    ):
        assert field in rows[0]
    assert sorted((r["subject"], r["type"], r["object"], r["evidence"]) for r in rows) == sorted(
        (c.subject, c.type.value, c.object, c.evidence) for c in claims
    )


def test_graphml_loads_with_networkx_and_keeps_attributes(store, claims, tmp_path):
    out = tmp_path / "map.graphml"
    registry.get("exporters", "graphml")(store, out)
    g = nx.read_graphml(out)
    assert set(g.nodes) == {c.subject for c in claims} | {c.object for c in claims}
    assert g.number_of_edges() == len(edge_keys(claims))
    got = {(u, v, d["type"]) for u, v, d in g.edges(data=True)}
    assert got == edge_keys(claims)
    for _, _, d in g.edges(data=True):
        assert isinstance(d["n_claims"], int) and d["n_claims"] >= 1
        assert isinstance(d["confidence"], float)
        assert d["evidence"].strip()
        assert d["polarity"] in ("cooperative", "adversarial")
    for _, d in g.nodes(data=True):
        assert d["degree"] >= 1 and "in_kb" in d


def test_gexf_is_dynamic_with_start_dates(store, claims, tmp_path):
    out = tmp_path / "map.gexf"
    registry.get("exporters", "gexf")(store, out)
    g = nx.read_gexf(out)
    assert g.graph["mode"] == "dynamic"
    assert set(g.nodes) == {c.subject for c in claims} | {c.object for c in claims}
    got = {(u, v, d["relation"]) for u, v, d in g.edges(data=True)}
    assert got == edge_keys(claims)
    dated = [d for _, _, d in g.edges(data=True) if "start" in d]
    assert dated, "no edge carries a start date"
    for d in dated:
        assert len(d["start"]) == 10 and d["start"][4] == "-"  # YYYY-MM-DD for Gephi
    starts = {(u, v, d["relation"]): d.get("start") for u, v, d in g.edges(data=True)}
    assert starts[("Microsoft", "OpenAI", "investment")] == "2019-01-01"
    assert g.nodes["Microsoft"]["start"] <= "2019-01-01"


def test_export_writes_atomically_and_replaces_the_old_file(store, claims, tmp_path):
    out = tmp_path / "map.json"
    out.write_text("old", encoding="utf-8")
    registry.get("exporters", "json")(store, out)
    assert json.loads(out.read_text(encoding="utf-8"))["edges"]
    assert [p.name for p in tmp_path.iterdir()] == ["map.json"]  # no temp file left behind
    with pytest.raises(OSError):
        registry.get("exporters", "csv")(store, tmp_path / "missing-dir" / "x.csv")


def test_as_of_drops_later_claims(store, claims, tmp_path):
    out = tmp_path / "early.json"
    registry.get("exporters", "json")(store, out, as_of="2019-12")
    data = json.loads(out.read_text(encoding="utf-8"))
    dates = [c["date"] for e in data["edges"] for c in e["claims"]]
    assert dates and all(d is not None and d <= "2019-12" for d in dates)


def test_build_graph_merges_symmetric_pairs_in_either_order(claims):
    partnerships = [c for c in claims if c.type is RelationType.PARTNERSHIP]
    assert partnerships, "no partnership found in the test sentences"
    c = partnerships[0]
    flipped = type(c)(
        **{
            **{f: getattr(c, f) for f in c.__dataclass_fields__},
            "subject": c.object,
            "object": c.subject,
        }
    )
    graph = build_graph([c, flipped])
    assert len(graph.edges) == 1 and graph.edges[0].n_claims == 2
    assert all(n.degree == 1 for n in graph.nodes.values())
