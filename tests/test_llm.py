"""The `llm` extractor and `label` against a local chat-completions server (tests/llmserver.py).

Everything runs for real: HTTP on 127.0.0.1, the openai client, SQLite files, CLI
subprocesses. The server counts requests, so cache hits, retries and the budget are checked
by what reached it.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from alliancemap.extract.llm.answer import parse_answer
from alliancemap.extract.llm.chunks import chunks
from alliancemap.extract.llm.locate import find_quote, fold
from alliancemap.extract.llm.prompt import PROMPT_VERSION
from alliancemap.store import open_store
from clirun import run_cli
from llmserver import Fixture, LLMServer

pytest.importorskip("openai")

KEY = "sk-test-7f3Q9zKEYthatMustNeverLeak"
MODEL = "fixture-model"
SHARED = Path(__file__).resolve().parents[2] / "shared"
TRAIN = SHARED / "eval" / "train.jsonl"

GOOD = (
    "Microsoft said on Monday it will invest $10 billion in OpenAI. The deal was signed in Redmond."
)
PROSE = "Nvidia supplies its H100 chips to Oracle for its cloud, the companies said."
INVALID = "Anthropic and Google announced a partnership on cloud computing."
BAD_EVIDENCE = "IBM has joined the AI Alliance, a group of technology companies."
UNKNOWN = "Samsung and Apple remain fierce rivals in the smartphone market."
RATE = "Amazon has acquired the robotics startup Kiva Systems for $775 million."
ERROR = "The European Commission opened an investigation into Microsoft over Teams."
SLOW = "Meta and Microsoft formed a partnership to offer Llama on Azure."


def rel(subject, obj, rtype, evidence, date=None, **kw):
    return {
        "subject": subject,
        "object": obj,
        "type": rtype,
        "date": date,
        "evidence": evidence,
        **kw,
    }


def org(name, *aliases):
    return {"name": name, "type": "organization", "aliases": list(aliases)}


def install_fixtures(srv: LLMServer) -> None:
    srv.fixtures[GOOD] = Fixture(
        {
            "entities": [org("Microsoft"), org("OpenAI")],
            "relations": [
                # quotes and whitespace differ from the text: still found, stored as the text has it
                rel("Microsoft", "OpenAI", "investment", "Microsoft said on  Monday it will invest\n$10 billion in OpenAI.", "2023-01", confidence=0.95),
                rel("Microsoft", "OpenAI", "investment", "it will invest $10 billion in OpenAI"),  # a duplicate
            ],
        }
    )  # fmt: skip
    body = json.dumps(
        {
            "entities": [org("Nvidia"), org("Oracle")],
            "relations": [rel("Nvidia", "Oracle", "supply", PROSE)],
        }
    )
    srv.fixtures[PROSE] = Fixture(
        f"Sure! Here are the relations:\n```json\n{body}\n```\nAnything else?"
    )
    srv.fixtures[INVALID] = Fixture('{"entities": [{"name": "Anthropic"], "relations": [')
    srv.fixtures[BAD_EVIDENCE] = Fixture(
        {
            "entities": [org("IBM"), org("AI Alliance")],
            "relations": [
                rel("IBM", "AI Alliance", "membership", "IBM is a founding member of the AI Alliance."),
                rel("IBM", "AI Alliance", "membership", "IBM has joined the AI Alliance"),
                rel("IBM", "Red Hat", "acquisition", "IBM has joined the AI Alliance"),  # Red Hat is not in the text
            ],
        }
    )  # fmt: skip
    srv.fixtures[UNKNOWN] = Fixture(
        {
            "entities": [org("Samsung"), org("Apple")],
            "relations": [rel("Samsung", "Apple", "friendship", UNKNOWN)],
        }
    )
    acq = {
        "entities": [org("Amazon"), org("Kiva Systems")],
        "relations": [rel("Amazon", "Kiva Systems", "acquisition", RATE)],
    }
    srv.fixtures[RATE] = Fixture(acq, fail=1, status=429, retry_after="1")
    inv = {
        "entities": [org("European Commission"), org("Microsoft")],
        "relations": [rel("European Commission", "Microsoft", "investigation", ERROR)],
    }
    srv.fixtures[ERROR] = Fixture(inv, fail=1, status=500)
    part = {
        "entities": [org("Meta"), org("Microsoft")],
        "relations": [rel("Meta", "Microsoft", "partnership", SLOW)],
    }
    srv.fixtures[SLOW] = Fixture(part, fail=1, delay=2.0)


TEXTS = [GOOD, PROSE, INVALID, BAD_EVIDENCE, UNKNOWN, RATE, ERROR, SLOW]


def write_docs(path: Path, texts: list[str], published: str = "2023") -> Path:
    with path.open("w", encoding="utf-8") as fh:
        for i, text in enumerate(texts):
            fh.write(json.dumps({"id": f"d{i}", "text": text, "published": published}) + "\n")
    return path


def llm_env(srv: LLMServer, tmp: Path, **extra: str) -> dict[str, str]:
    return {
        "ALLIANCEMAP_LLM_URL": srv.url,
        "ALLIANCEMAP_LLM_MODEL": MODEL,
        "ALLIANCEMAP_LLM_API_KEY": KEY,
        "ALLIANCEMAP_LLM_BACKOFF": "0.05",
        "XDG_CACHE_HOME": str(tmp / "xdg"),
        **extra,
    }


def no_key(*texts: str) -> None:
    for t in texts:
        assert KEY not in t and KEY[8:] not in t


@pytest.fixture()
def server():
    with LLMServer() as srv:
        install_fixtures(srv)
        yield srv


def test_extract_verifies_repairs_retries_and_caches(server: LLMServer, tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs.jsonl", TEXTS)
    cache = tmp_path / "cache.sqlite"
    out = tmp_path / "out.jsonl"
    env = llm_env(server, tmp_path)
    args = (
        "extract",
        docs,
        "--extractor",
        "llm",
        "-o",
        out,
        "--cache",
        cache,
        "--llm-timeout",
        "0.7",
    )
    proc = run_cli(*args, env=env)
    assert proc.returncode == 0, proc.stderr
    no_key(proc.stdout, proc.stderr)
    assert all(a == f"Bearer {KEY}" for a in server.auth)  # the key is sent, and only there
    recs = {r["id"]: r for r in map(json.loads, out.read_text().splitlines())}
    assert list(recs) == [f"d{i}" for i in range(len(TEXTS))]

    good = recs["d0"]["relations"]
    assert len(good) == 1  # the duplicate merged
    assert good[0]["evidence"] == "Microsoft said on Monday it will invest $10 billion in OpenAI."
    assert good[0]["evidence"] in GOOD and good[0]["date"] == "2023-01"
    assert good[0]["value_usd"] == 10e9 and good[0]["confidence"] == 0.95
    assert [(r["subject"], r["object"], r["type"]) for r in recs["d1"]["relations"]] == [
        ("Nvidia", "Oracle", "supply")
    ]  # JSON found inside prose and a code fence
    assert recs["d2"]["relations"] == [] and recs["d2"]["dropped"] is True
    assert [r["evidence"] for r in recs["d3"]["relations"]] == ["IBM has joined the AI Alliance"]
    assert recs["d4"]["relations"] == []
    for i, rtype in ((5, "acquisition"), (6, "investigation"), (7, "partnership")):
        assert [r["type"] for r in recs[f"d{i}"]["relations"]] == [rtype]  # after a retry

    assert server.count(429) == 1 and server.count(500) == 1
    first, again = [r["time"] for r in server.requests if r["passage"] == RATE]
    assert again - first >= 0.95  # Retry-After: 1 was honoured
    assert server.attempts[SLOW] == 2  # timed out once
    err = proc.stderr
    assert "dropped documents: invalid_answer 1" in err
    assert "evidence_not_in_text 1" in err and "unknown_type 1" in err
    assert "endpoint_not_in_text 1" in err and "3 retries" in err

    # A second run asks the server nothing: every answer, the invalid one too, is cached.
    before = server.total()
    out2 = tmp_path / "out2.jsonl"
    proc = run_cli(*args[:5], out2, *args[6:], env=env)
    assert proc.returncode == 0, proc.stderr
    assert server.total() == before
    assert "0 requests" in proc.stderr and "8 cache hits" in proc.stderr
    assert out2.read_text() == out.read_text()
    no_key(cache.read_bytes().decode("latin-1"))
    rows = (
        sqlite3.connect(cache).execute("select model, prompt_version from llm_responses").fetchall()
    )
    assert set(rows) == {(MODEL, PROMPT_VERSION)} and len(rows) == 8


def test_ingest_stores_only_verified_claims_and_caches_in_the_store(
    server: LLMServer, tmp_path: Path
) -> None:
    docs = write_docs(tmp_path / "docs.jsonl", [GOOD, PROSE, INVALID, BAD_EVIDENCE, UNKNOWN])
    db = tmp_path / "map.db"
    env = llm_env(server, tmp_path)
    proc = run_cli("ingest", docs, "--db", db, "--extractor", "llm", env=env)
    assert proc.returncode == 0, proc.stderr
    no_key(proc.stdout, proc.stderr)
    assert "1 documents could not be read and were not stored" in proc.stderr
    with open_store(db) as store:
        claims = [c for c in store.iter_claims() if c.extractor.startswith("llm:")]
        texts = {d: store.document(d).text for d in {c.document_hash for c in claims}}
        assert len(store.known_hashes([]) | store.known_hashes(_hashes(docs))) == 4
    assert {(c.subject, c.object, c.type.value) for c in claims} == {
        ("Microsoft", "OpenAI", "investment"),
        ("Nvidia", "Oracle", "supply"),
        ("IBM", "AI Alliance", "membership"),
    }
    for c in claims:
        assert c.extractor == f"llm:{MODEL}:{PROMPT_VERSION}"
        assert texts[c.document_hash][c.evidence_start : c.evidence_end] == c.evidence
    # The answers are in the store: re-running reads the unreadable one from there.
    before = server.total()
    proc = run_cli("ingest", docs, "--db", db, "--extractor", "llm", env=env)
    assert proc.returncode == 0 and server.total() == before, proc.stderr
    assert "1 cache hits" in proc.stderr
    for path in db.parent.glob("map.db*"):
        no_key(path.read_bytes().decode("latin-1"))
    assert not (tmp_path / "xdg").exists()  # the store holds the cache, not a file


def _hashes(path: Path) -> list[str]:
    from alliancemap.model import content_hash

    return [content_hash(json.loads(line)["text"]) for line in path.read_text().splitlines()]


def test_budget_stops_cleanly_and_a_rerun_pays_only_for_the_rest(tmp_path: Path) -> None:
    texts = [
        f"Company{i} Labs signed a partnership with Partner{i} Inc. in 2023." for i in range(12)
    ]
    docs = write_docs(tmp_path / "docs.jsonl", texts)
    with LLMServer() as srv:
        env = llm_env(srv, tmp_path)
        cache, out = tmp_path / "c.sqlite", tmp_path / "out.jsonl"
        base = ("extract", docs, "--extractor", "llm", "-o", out, "--cache", cache)
        # each answer costs ~520 tokens; one request at a time
        proc = run_cli(*base, "--max-tokens-total", "2000", "--llm-concurrency", "1", env=env)
        assert proc.returncode == 0, proc.stderr
        assert "stopped: token budget reached" in proc.stderr
        paid = srv.total()
        assert 2 <= paid <= 5
        assert len(out.read_text().splitlines()) < len(texts)
        proc = run_cli(*base, env=env)
        assert proc.returncode == 0, proc.stderr
        assert srv.total() == len(texts)  # nothing asked twice
        assert f"{paid} cache hits" in proc.stderr
        assert len(out.read_text().splitlines()) == len(texts)


def test_a_killed_ingest_resumes_without_paying_twice(tmp_path: Path) -> None:
    texts = [f"Alpha{i} Corp invested in Beta{i} AI, the companies said." for i in range(10)]
    docs = write_docs(tmp_path / "docs.jsonl", texts)
    db = tmp_path / "map.db"
    with LLMServer(delay=0.3) as srv:
        env = {**os.environ, **llm_env(srv, tmp_path)}
        cmd = [sys.executable, "-m", "alliancemap", "ingest", str(docs), "--db", str(db)]
        cmd += ["--extractor", "llm", "--llm-concurrency", "1", "--batch-size", "100"]
        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 60
        while srv.count() < 4 and time.monotonic() < deadline:
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.communicate()
        con = sqlite3.connect(db)
        cached = con.execute("select count(*) from llm_responses").fetchone()[0]
        stored = con.execute("select count(*) from documents").fetchone()[0]
        con.close()
        assert cached >= 3 and stored == 0  # the batch never committed; its answers did
        before = srv.total()
        done = run_cli(*cmd[3:], env=llm_env(srv, tmp_path))
        assert done.returncode == 0, done.stderr
        assert srv.total() - before == len(texts) - cached
        assert f"{cached} cache hits" in done.stderr
    with open_store(db) as store:
        assert store.stats()["documents"] == len(texts)


def test_server_without_json_schema_gets_plain_json(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs.jsonl", [GOOD, PROSE])
    with LLMServer(schema=False) as srv:
        install_fixtures(srv)
        out = tmp_path / "out.jsonl"
        proc = run_cli(
            "extract",
            docs,
            "--extractor",
            "llm",
            "-o",
            out,
            "--cache",
            tmp_path / "c",
            env=llm_env(srv, tmp_path),
        )
        assert proc.returncode == 0, proc.stderr
        formats = [r["format"] for r in srv.requests]
        assert formats.count(None) == 2  # each passage answered in plain JSON after a 400
        assert formats.count("json_schema") <= 2  # refused at most once per request in flight
        assert sum(len(json.loads(line)["relations"]) for line in out.read_text().splitlines()) == 2


def test_long_documents_are_chunked_and_merged(tmp_path: Path) -> None:
    filler = " ".join(f"Sentence number {i} says nothing about any deal." for i in range(60))
    text = f"{GOOD} {filler} Microsoft will invest $10 billion in OpenAI, it said. {filler}"
    docs = write_docs(tmp_path / "docs.jsonl", [text])
    with LLMServer() as srv:
        answer = {"entities": [org("Microsoft"), org("OpenAI")],
                  "relations": [rel("Microsoft", "OpenAI", "investment", "Microsoft will invest $10 billion in OpenAI, it said.")]}  # fmt: skip
        out = tmp_path / "out.jsonl"
        env = llm_env(srv, tmp_path, ALLIANCEMAP_LLM_CHUNK_CHARS="1200")
        pieces = chunks(text, 1200)
        for piece in pieces:
            srv.fixtures[piece.text] = Fixture(answer)
        proc = run_cli(
            "extract", docs, "--extractor", "llm", "-o", out, "--cache", tmp_path / "c", env=env
        )
        assert proc.returncode == 0, proc.stderr
        assert srv.total() == len(pieces) >= 5
    rels = json.loads(out.read_text())["relations"]
    assert len(rels) == 1  # found in every chunk, verified once there, merged
    assert all(len(p.text) <= 1200 for p in pieces)
    assert all(a.end > b.start for a, b in zip(pieces, pieces[1:], strict=False))  # overlapping


def test_bad_settings_fail_in_one_line_without_the_key(tmp_path: Path) -> None:
    docs = write_docs(tmp_path / "docs.jsonl", [GOOD])
    env = {
        "ALLIANCEMAP_LLM_API_KEY": KEY,
        "ALLIANCEMAP_LLM_MODEL": "",
        "XDG_CACHE_HOME": str(tmp_path),
    }
    proc = run_cli("extract", docs, "--extractor", "llm", "-o", tmp_path / "o.jsonl", env=env)
    assert proc.returncode == 1 and "needs a model name" in proc.stderr
    proc = run_cli("extract", docs, "-o", tmp_path / "o.jsonl", "--llm-model", "x", env=env)
    assert proc.returncode == 1 and "--llm-model: only for --extractor llm" in proc.stderr
    with LLMServer() as srv:
        srv.fixtures[GOOD] = Fixture({}, fail=5, status=401)
        proc = run_cli(
            "extract",
            docs,
            "--extractor",
            "llm",
            "-o",
            tmp_path / "o.jsonl",
            "--cache",
            tmp_path / "c",
            env=llm_env(srv, tmp_path),
        )
    assert proc.returncode == 1 and "refused the API key (HTTP 401" in proc.stderr
    no_key(proc.stdout, proc.stderr)
    assert not (tmp_path / "o.jsonl").exists()


def test_repair_and_quote_matching() -> None:
    assert parse_answer('```json\n{"entities": [], "relations": [],}\n```') == {
        "entities": [],
        "relations": [],
    }
    assert parse_answer("no JSON here") is None and parse_answer('{"relations": 3}') is None
    text = "He said \u201cOpenAI\u2019s   model\u201d powers\nCopilot today."
    doc = fold(text)
    start, end = find_quote(doc, '"OpenAI\'s model" powers Copilot')
    assert text[start:end] == "OpenAI\u2019s   model\u201d powers\nCopilot"
    start, end = find_quote(doc, "he said ... powers copilot")
    assert text[start:end].startswith("He said") and text[start:end].endswith("Copilot")
    assert find_quote(doc, "Microsoft powers Copilot") is None


@pytest.mark.skipif(not TRAIN.exists(), reason="../shared/eval/train.jsonl is absent")
def test_label_writes_silver_gold_that_train_takes(tmp_path: Path) -> None:
    lines = TRAIN.read_text(encoding="utf-8").splitlines()
    gold = [json.loads(line) for line in lines[:80]]
    corpus = tmp_path / "corpus.jsonl"
    corpus.write_text(
        "".join(
            json.dumps({k: g[k] for k in ("id", "text", "published")}) + "\n" for g in gold[50:]
        )
    )
    train = tmp_path / "train.jsonl"
    train.write_text("\n".join(lines[:50]) + "\n")
    silver = tmp_path / "silver.jsonl"
    with LLMServer(gold=gold) as srv:  # a teacher that answers as the annotators did
        proc = run_cli(
            "label",
            corpus,
            "--limit",
            "30",
            "-o",
            silver,
            "--cache",
            tmp_path / "c",
            env=llm_env(srv, tmp_path),
        )
        assert proc.returncode == 0, proc.stderr
        assert srv.total() == 30
    records = [json.loads(line) for line in silver.read_text().splitlines()]
    assert len(records) == 30
    kept = sum(len(r["relations"]) for r in records)
    given = sum(len(g["relations"]) for g in gold[50:80])
    assert kept >= 0.8 * given  # verification keeps what the text supports
    for r in records:
        names = {e["name"] for e in r["entities"] if e["type"] == "organization"}
        for x in r["relations"]:
            assert x["evidence"] in r["text"] and {x["subject"], x["object"]} <= names
    model = tmp_path / "model"
    proc = run_cli(
        "train", train, f"{silver}:0.5", "-o", model, "--cv", "0", "--iterations", "3", "--json"
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads(proc.stdout)
    assert [s.get("weight") for s in meta["sources"]] == [1.0, 0.5]
    assert (model / "meta.json").is_file()


DEV = SHARED / "eval" / "dev.jsonl"


@pytest.mark.skipif(not DEV.exists(), reason="../shared/eval/dev.jsonl is absent")
def test_extract_dev_against_a_gold_teacher_scores_as_gold(tmp_path: Path) -> None:
    gold = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines()]
    out = tmp_path / "out.jsonl"
    with LLMServer(gold=gold) as srv:
        proc = run_cli(
            "extract",
            DEV,
            "--extractor",
            "llm",
            "-o",
            out,
            "--cache",
            tmp_path / "c",
            env=llm_env(srv, tmp_path),
        )
        assert proc.returncode == 0, proc.stderr
        assert srv.total() == len(gold)
    proc = run_cli("evaluate", DEV, "--pred", out, "--json")
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["precision"] == 1.0 and report["f1"] >= 0.95  # verification keeps gold


def test_update_extracts_fetched_pages_with_the_llm(server: LLMServer, tmp_path: Path) -> None:
    from alliancemap.extract.llm.settings import resolve_settings
    from alliancemap.extract.llm.stats import LLMStats
    from alliancemap.ingest.fetch import FetchOptions
    from alliancemap.sourcelist import parse_source
    from alliancemap.update import UpdateOptions, update
    from newsserver import NewsSite, Response, article_html

    site = NewsSite()
    page = article_html("Deal", "2023-01-23", "A. Writer", [GOOD])
    site.route("/news/deal.html", Response(200, page.encode(), {"Content-Type": "text/html"}))
    site.start()
    try:
        os.environ.update(llm_env(server, tmp_path))
        stats = LLMStats()
        options = UpdateOptions(
            fetch=FetchOptions(timeout=2.0, retries=0, host_interval=0.0),
            extractor="llm",
            extractor_options={"settings": resolve_settings(), "stats": stats},
        )
        with open_store(tmp_path / "map.db") as store:
            summary = update(
                [parse_source({"url": site.url("/news/deal.html"), "kind": "page"})], store, options
            )
            claims = [c for c in store.iter_claims() if c.extractor.startswith("llm:")]
    finally:
        site.stop()
        for k in llm_env(server, tmp_path):
            os.environ.pop(k, None)
    assert summary.new_documents == 1 and summary.claims_added >= 1
    assert [(c.subject, c.object, c.type.value) for c in claims] == [
        ("Microsoft", "OpenAI", "investment")
    ]
    assert stats.requests == 1 and server.total() == 1
    con = sqlite3.connect(tmp_path / "map.db")  # the answer is cached in the store
    assert con.execute("select model from llm_responses").fetchall() == [(MODEL,)]
    con.close()
