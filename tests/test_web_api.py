"""The web app's JSON API, against a real server on 127.0.0.1 over a real store.

Figures are checked against the graph package computed on the same store, so the API is
shown to be a faithful, thin layer; the store file is unchanged after every request.
"""

from __future__ import annotations

import hashlib
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from alliancemap.cli_web import is_loopback
from alliancemap.graph.centrality import pagerank
from alliancemap.graph.view import build_view
from alliancemap.store import open_store
from alliancemap.web.security import CSP
from web_support import HOSTILE_SENTENCE, IMG, SCRIPT, UNSAFE_URL, LiveServer, build_store


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_store(tmp_path_factory.mktemp("webapi"))


@pytest.fixture(scope="module")
def server(db: Path) -> Iterator[LiveServer]:
    before = _digest(db)
    with LiveServer(db) as live:
        yield live
    assert _digest(db) == before, "the read-only app changed the store"


@pytest.fixture(scope="module")
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as c:
        yield c


@pytest.fixture(scope="module")
def store(db: Path) -> Iterator:
    with open_store(db) as s:
        yield s


def test_meta_describes_the_store(client: httpx.Client, store) -> None:
    data = client.get("/api/meta").json()
    stats = store.stats()
    assert data["store"]["claims"] == stats["claims"]
    assert data["store"]["documents"] == stats["documents"] == 9
    assert [t["name"] for t in data["types"]][:2] == ["partnership", "investment"]
    assert {t["name"]: t["polarity"] for t in data["types"]}["litigation"] == "adversarial"
    assert data["years"] == sorted(data["years"]) and 2019 in data["years"]
    assert data["ui"] in (True, False)


def test_graph_is_the_graph_packages_view(client: httpx.Client, store) -> None:
    data = client.get("/api/graph").json()
    view = build_view(store)
    assert data["view"]["organizations"] == len(view.nodes) == len(data["nodes"])
    assert data["view"]["edges"] == len(view.edges) == len(data["edges"])
    names = {n["id"] for n in data["nodes"]}
    assert all(e["source"] in names and e["target"] in names for e in data["edges"])
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    edge = next(
        e
        for e in data["edges"]
        if (e["source"], e["target"], e["type"]) == ("Microsoft", "OpenAI", "partnership")
    )
    assert edge["polarity"] == "cooperative" and edge["directed"] is False
    assert edge["first_date"] == "2019-07-22"
    competition = [e for e in data["edges"] if e["type"] == "competition"]
    assert competition and all(e["polarity"] == "adversarial" for e in competition)
    assert {b["id"] for b in data["blocs"]} >= {n["bloc"] for n in data["nodes"]} - {None}


def test_positions_do_not_move_with_the_date(client: httpx.Client) -> None:
    now = {n["id"]: (n["x"], n["y"]) for n in client.get("/api/graph").json()["nodes"]}
    then = {n["id"]: (n["x"], n["y"]) for n in client.get("/api/graph?as_of=2019").json()["nodes"]}
    assert then and len(then) < len(now)  # (some ties of 2019 have ended since)
    assert all(now[name] == xy for name, xy in then.items() if name in now)


def test_as_of_filters_by_date(client: httpx.Client, store) -> None:
    early = client.get("/api/graph", params={"as_of": "2016"}).json()
    full = client.get("/api/graph").json()
    assert early["view"]["as_of"] == "2016"
    assert len(early["edges"]) == len(build_view(store, as_of="2016").edges)
    assert len(early["edges"]) < len(full["edges"])
    assert all(e["first_date"] is None or e["first_date"][:4] <= "2016" for e in early["edges"])
    pairs = {(e["source"], e["target"], e["type"]) for e in early["edges"]}
    assert ("Google", "Microsoft", "competition") in pairs  # 2016
    assert ("Microsoft", "OpenAI", "partnership") not in pairs  # 2019


def test_filters_types_polarity_sources_confidence(client: httpx.Client, store) -> None:
    only = client.get("/api/graph", params={"types": "investment,acquisition"}).json()
    assert {e["type"] for e in only["edges"]} == {"investment", "acquisition"}
    adversarial = client.get("/api/graph", params={"polarity": "adversarial"}).json()
    assert {e["polarity"] for e in adversarial["edges"]} == {"adversarial"}
    sourced = client.get("/api/graph", params={"min_sources": 2}).json()
    assert all(e["n_sources"] >= 2 for e in sourced["edges"])
    assert len(sourced["edges"]) == len(build_view(store, min_sources=2).edges)
    sure = client.get("/api/graph", params={"min_confidence": 0.92}).json()
    assert len(sure["edges"]) == len(build_view(store, min_confidence=0.92).edges)


def test_size_by_a_measure(client: httpx.Client, store) -> None:
    data = client.get("/api/graph", params={"size_by": "pagerank"}).json()
    expected = pagerank(build_view(store))
    sizes = {n["id"]: n["size"] for n in data["nodes"]}
    assert sizes["Microsoft"] == pytest.approx(expected["Microsoft"])
    assert max(sizes, key=sizes.get) == max(expected, key=expected.get)
    degree = client.get("/api/graph").json()
    assert {n["id"]: n["size"] for n in degree["nodes"]}["Microsoft"] == next(
        n["partners"] for n in degree["nodes"] if n["id"] == "Microsoft"
    )


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"as_of": "2015-13"}, "bad as-of date '2015-13'"),
        ({"types": "friendship"}, "unknown relation type 'friendship'"),
        ({"polarity": "neutral"}, "unknown polarity 'neutral'"),
        ({"size_by": "charisma"}, "unknown measure 'charisma'"),
    ],
)
def test_bad_parameters_are_400s_that_say_why(
    client: httpx.Client, query: dict, message: str
) -> None:
    r = client.get("/api/graph", params=query)
    assert r.status_code == 400
    assert message in r.json()["detail"]
    assert client.get("/api/graph", params={"min_sources": 0}).status_code == 422


def test_edge_claims_carry_evidence_source_date_extractor(client: httpx.Client) -> None:
    r = client.get(
        "/api/edge", params={"source": "OpenAI", "target": "Microsoft", "type": "Partnership"}
    )
    assert r.status_code == 200
    data = r.json()
    assert (data["source"], data["target"], data["type"]) == ("Microsoft", "OpenAI", "partnership")
    news = [c for c in data["claims"] if not c["from_kb"]]
    assert news, data["claims"]
    claim = news[0]
    assert claim["evidence"] == "Microsoft announced a partnership with OpenAI on Monday."
    assert claim["link"] == "https://news.example.com/a1"
    assert claim["title"] == "Story a1"
    assert claim["effective_date"] == "2019-07-22"
    assert claim["extractor"] == "rules"
    assert 0 < claim["confidence"] <= 1
    assert len(data["claims"]) == data["n_claims"]


def test_edge_outside_the_view_is_404(client: httpx.Client) -> None:
    r = client.get(
        "/api/edge",
        params={"source": "Microsoft", "target": "OpenAI", "type": "partnership", "as_of": "2018"},
    )
    assert r.status_code == 404
    assert "no partnership edge" in r.json()["detail"]
    bad = client.get("/api/edge", params={"source": "A", "target": "B", "type": "hug"})
    assert bad.status_code == 400


def test_hostile_evidence_is_returned_as_plain_text(client: httpx.Client) -> None:
    r = client.get(
        "/api/edge", params={"source": "Microsoft", "target": "Meta", "type": "partnership"}
    )
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    evidence = [c["evidence"] for c in r.json()["claims"]]
    assert HOSTILE_SENTENCE in evidence
    assert SCRIPT in HOSTILE_SENTENCE and IMG in HOSTILE_SENTENCE


def test_unsafe_source_urls_never_become_links(client: httpx.Client) -> None:
    data = client.get(
        "/api/edge", params={"source": "Oracle", "target": "Cohere", "type": "partnership"}
    ).json()
    (claim,) = data["claims"]
    assert claim["source"] == UNSAFE_URL
    assert claim["link"] is None


def test_organization_profile(client: httpx.Client, store) -> None:
    data = client.get("/api/org", params={"name": "Microsoft"}).json()
    assert data["name"] == "Microsoft" and data["on_map"] is True
    groups = {g["type"]: g for g in data["partners"]}
    partners = {p["partner"]: p for p in groups["partnership"]["partners"]}
    assert {"OpenAI", "Meta", "Nvidia", "Mistral AI"} <= set(partners)
    assert partners["OpenAI"]["direction"] == "both"
    invested = {p["partner"]: p for p in groups["investment"]["partners"]}
    assert invested["OpenAI"]["direction"] == "out"
    assert groups["competition"]["polarity"] == "adversarial"
    m = data["measures"]
    assert m["partners"]["all"] == len(
        {p["partner"] for g in data["partners"] for p in g["partners"]}
    )
    assert m["pagerank"] == pytest.approx(pagerank(build_view(store))["Microsoft"])
    assert m["bloc"] is not None and m["pagerank_rank"] >= 1
    assert data["timeline_total"] == len(store.timeline("Microsoft"))
    dates = [c["effective_date"] for c in data["timeline"] if c["effective_date"]]
    assert dates == sorted(dates)
    assert HOSTILE_SENTENCE in {c["evidence"] for c in data["timeline"]}


def test_profile_follows_the_view_and_aliases(client: httpx.Client) -> None:
    early = client.get("/api/org", params={"name": "Microsoft", "as_of": "2016"}).json()
    assert all(c["effective_date"][:4] <= "2016" for c in early["timeline"])
    assert "OpenAI" not in {p["partner"] for g in early["partners"] for p in g["partners"]}
    alias = client.get("/api/org", params={"name": "DeepMind"}).json()
    assert alias["name"] == "Google DeepMind"
    missing = client.get("/api/org", params={"name": "Nobody Corp"})
    assert missing.status_code == 404
    assert missing.json()["detail"] == "unknown organization 'Nobody Corp'"


def test_search_autocomplete(client: httpx.Client) -> None:
    hits = client.get("/api/search", params={"q": "micro"}).json()["results"]
    assert hits[0]["name"] == "Microsoft" and hits[0]["on_map"]
    by_alias = client.get("/api/search", params={"q": "deepmind"}).json()["results"]
    assert by_alias[0]["name"] == "Google DeepMind"
    product = client.get("/api/search", params={"q": "ChatGPT"}).json()["results"]
    assert product[0]["name"] == "OpenAI" and product[0]["via"] == "product"
    assert client.get("/api/search", params={"q": "  "}).json()["results"] == []
    assert len(client.get("/api/search", params={"q": "a", "limit": 3}).json()["results"]) == 3


def test_measures_ranks_blocs_concentration_transitions(client: httpx.Client) -> None:
    ranks = client.get("/api/measures/ranks", params={"by": "pagerank", "top": 5}).json()
    assert [r["rank"] for r in ranks["rows"]] == [1, 2, 3, 4, 5]
    scores = [r["pagerank"] for r in ranks["rows"]]
    assert scores == sorted(scores, reverse=True)
    brokers = client.get("/api/measures/ranks", params={"by": "constraint"}).json()
    cons = [r["constraint"] for r in brokers["rows"]]
    assert cons == sorted(cons)
    assert client.get("/api/measures/ranks", params={"by": "fame"}).status_code == 400
    blocs = client.get("/api/measures/blocs", params={"members": 3}).json()
    assert blocs["blocs"] and all(len(b["members"]) <= 3 for b in blocs["blocs"])
    conc = client.get("/api/measures/concentration", params={"min_ties": 1}).json()
    years = [r["period"] for r in conc["rows"] if r["scope"] == "cooperative"]
    assert years == sorted(years) and all(p.isdigit() for p in years)
    assert all(0 < r["hhi"] <= 1 for r in conc["rows"])
    overall = client.get("/api/measures/concentration", params={"by": ""}).json()
    assert overall["rows"][0]["period"] == "all"
    turns = client.get("/api/measures/transitions").json()
    assert turns["kind"] == "rivals-to-allies"
    for t in turns["pairs"]:
        assert t["before"]["date"] < t["after"]["date"] or len(t["before"]["date"]) != len(
            t["after"]["date"]
        )


def test_exposure_of_a_posted_stack(client: httpx.Client) -> None:
    example = client.get("/api/exposure/example").json()
    assert "components:" in example["stack"]
    r = client.post("/api/exposure", json={"stack": example["stack"]})
    assert r.status_code == 200, r.text
    data = r.json()
    assert data["stack"] == "Example enterprise AI stack"
    assert sum(p["share"] for p in data["providers"]) == pytest.approx(1.0)
    assert 0 < data["hhi"] <= 1
    small = client.post(
        "/api/exposure", json={"stack": "components:\n  - vendor: Nvidia\n", "depth": 0}
    ).json()
    assert small["providers"][0]["organization"] == "Nvidia"


@pytest.mark.parametrize(
    ("stack", "status", "message"),
    [
        ("components: [", 400, "not valid YAML"),
        ("components:\n  - product: Nonexistent Thing\n", 400, "unknown product or organization"),
        ("name: empty\n", 400, "expected a mapping with a 'components' list"),
        ("x" * (65 * 1024), 413, "too large"),
    ],
)
def test_exposure_errors(client: httpx.Client, stack: str, status: int, message: str) -> None:
    r = client.post("/api/exposure", json={"stack": stack})
    assert r.status_code == status
    assert message in r.json()["detail"]


def test_read_only_and_secure_headers(client: httpx.Client) -> None:
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        assert client.request(method, "/api/graph").status_code == 405
    page = client.get("/")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert page.headers["content-security-policy"] == CSP
    assert "script-src 'self'" in CSP and "unsafe-inline" not in CSP
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert " on" not in page.text.lower().replace("\n", " ").split("<body>")[1].split("=")[0]
    assert client.head("/").status_code == 200


def test_openapi_documents_the_api(client: httpx.Client) -> None:
    spec = client.get("/api/openapi.json").json()
    paths = set(spec["paths"])
    assert {
        "/api/graph",
        "/api/org",
        "/api/edge",
        "/api/search",
        "/api/meta",
        "/api/measures/ranks",
        "/api/measures/blocs",
        "/api/measures/concentration",
        "/api/measures/transitions",
        "/api/exposure",
    } <= paths
    graph = spec["paths"]["/api/graph"]["get"]
    assert {p["name"] for p in graph["parameters"]} >= {"as_of", "types", "min_sources"}
    assert "GraphOut" in str(graph["responses"]["200"])


def test_large_answers_are_gzipped(client: httpx.Client) -> None:
    r = client.get("/api/graph", headers={"Accept-Encoding": "gzip"})
    assert r.headers["content-encoding"] == "gzip"
    assert r.json()["nodes"]


def _serve(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "alliancemap", "serve", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_serve_refuses_a_missing_store_and_a_busy_port(db: Path, tmp_path: Path) -> None:
    missing = _serve("--db", str(tmp_path / "none.db"))
    _, err = missing.communicate(timeout=60)
    assert missing.returncode == 1
    assert err.strip() == (
        f"error: {tmp_path / 'none.db'}: no store there (build one with `alliancemap demo` "
        "or `alliancemap ingest`, or give --db)"
    )
    assert not (tmp_path / "none.db").exists()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        busy = _serve("--db", str(db), "--port", str(port))
        _, err = busy.communicate(timeout=60)
    assert busy.returncode == 1
    assert err.strip().endswith(f"cannot listen on 127.0.0.1:{port}: address already in use")


def test_serve_runs_on_loopback(db: Path) -> None:
    proc = _serve("--db", str(db), "--port", "0")
    try:
        line = proc.stdout.readline()
        assert line.startswith(f"serving {db} at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        assert httpx.get(f"{url}api/meta", timeout=30).json()["store"]["documents"] == 9
    finally:
        proc.terminate()
        proc.communicate(timeout=30)
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
