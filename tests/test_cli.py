"""The `alliancemap` command, run for real in a subprocess against a temporary store."""

import gzip
import inspect
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest

from clirun import run_cli

SHARED = Path(__file__).resolve().parents[1].parent / "shared"

NEWS = """\
Microsoft invested $10 billion in OpenAI in January 2023.
Nvidia supplies GPUs to Meta.
Google and Anthropic announced a strategic partnership in March 2023.
Amazon acquired Zoox in June 2020.
"""


def run(*args, check=True, env=None):
    """Run `python -m alliancemap ARGS`; with `check`, fail on a non-zero exit."""
    proc = run_cli(*args, env=env, timeout=300, columns=200)
    if check:
        assert proc.returncode == 0, proc.stderr
    return proc


def assert_one_error(proc, code=1, *fragments):
    """Exit `code`, exactly one stderr line, starting `error: ` and naming each fragment."""
    assert proc.returncode == code, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith("error: ")
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    """A store filled by `alliancemap ingest` from a text file of our own sentences."""
    root = tmp_path_factory.mktemp("cli")
    news = root / "news.txt"
    news.write_text(NEWS, encoding="utf-8")
    store = root / "map.db"
    proc = run("ingest", news, "--db", store, "--extractor", "rules")
    assert re.search(r"documents read\s*│\s*1\b", proc.stdout), proc.stdout
    assert re.search(r"claims found\s*│\s*[1-9]", proc.stdout), proc.stdout
    return store


def test_ingest_again_skips_the_known_document(db, tmp_path):
    news = tmp_path / "news.txt"
    news.write_text(NEWS, encoding="utf-8")
    proc = run("ingest", news, "--db", db, "--extractor", "rules")
    assert re.search(r"skipped \(already stored\)\s*│\s*1\b", proc.stdout), proc.stdout
    assert re.search(r"new documents\s*│\s*0\b", proc.stdout), proc.stdout


def from_news(claims):
    """The claims found in our own text, not the knowledge base's landmark facts."""
    return [c for c in claims if c["document_hash"] and c["source"].endswith("news.txt")]


def test_partners_table_and_json(db):
    proc = run("partners", "Microsoft", "--db", db)
    assert "OpenAI" in proc.stdout and "investment" in proc.stdout
    data = json.loads(run("partners", "microsoft corp.", "--db", db, "--json").stdout)
    assert data["organization"] == "Microsoft"
    [row] = [p for p in data["partners"] if p["partner"] == "OpenAI" and p["type"] == "investment"]
    assert row["direction"] == "out" and row["n_claims"] == len(row["claims"])
    [claim] = from_news(row["claims"])
    assert claim["evidence"] == "Microsoft invested $10 billion in OpenAI in January 2023."


def test_partners_filters_by_type_and_date(db):
    data = json.loads(
        run("partners", "OpenAI", "--type", "Investment", "--db", db, "--json").stdout
    )
    assert data["partners"] and {p["type"] for p in data["partners"]} == {"investment"}
    full = json.loads(run("partners", "Microsoft", "--db", db, "--json").stdout)
    early = json.loads(run("partners", "Microsoft", "--as-of", "2022", "--db", db, "--json").stdout)
    assert from_news(c for p in full["partners"] for c in p["claims"])
    assert not from_news(c for p in early["partners"] for c in p["claims"])


def test_timeline_and_evidence(db):
    timeline = json.loads(run("timeline", "OpenAI", "--db", db, "--json").stdout)
    assert any(c["subject"] == "Microsoft" for c in from_news(timeline["claims"]))
    assert "Microsoft" in run("timeline", "OpenAI", "--db", db).stdout
    ev = json.loads(run("evidence", "OpenAI", "Microsoft", "--db", db, "--json").stdout)
    [claim] = from_news(ev["claims"])
    assert claim["date"] == "2023-01" and claim["extractor"] == "rules"
    assert 0 < claim["confidence"] <= 1
    text = run("evidence", "Microsoft", "OpenAI", "--db", db).stdout
    assert "Microsoft invested $10 billion in OpenAI in January 2023." in text


def test_export_every_format(db, tmp_path):
    for fmt in ("json", "csv", "graphml", "gexf"):
        out = tmp_path / f"map.{fmt}"
        run("export", "--format", fmt, "-o", out, "--db", db)
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "map.json").read_text(encoding="utf-8"))
    assert any(e["subject"] == "Microsoft" and e["object"] == "OpenAI" for e in data["edges"])
    assert "Microsoft" in nx.read_graphml(tmp_path / "map.graphml")
    assert "OpenAI" in nx.read_gexf(tmp_path / "map.gexf")
    proc = run("export", "--format", "pdf", "-o", tmp_path / "x.pdf", "--db", db, check=False)
    assert_one_error(proc, 1, "pdf", "json")


def test_stats(db):
    data = json.loads(run("stats", "--db", db, "--json").stdout)
    assert data["documents"] == 1 and data["claims"] >= 1
    assert data["claims_by_type"]["investment"] >= 1
    top = list(data["top_organizations"].values())
    assert 0 < len(top) <= 10 and top == sorted(top, reverse=True)
    everyone = json.loads(run("stats", "--db", db, "--json", "--top", "100000").stdout)
    assert "Microsoft" in everyone["top_organizations"]
    assert "claims" in run("stats", "--db", db).stdout


def test_kb_summary():
    data = json.loads(run("kb", "--json").stdout)
    assert data["organizations"] > 0 and data["organizations_by_kind"]
    assert "organizations" in run("kb").stdout


def test_extract_writes_one_record_per_document(tmp_path):
    src = tmp_path / "in.jsonl"
    src.write_text(
        "\n".join(
            json.dumps({"id": f"n{i}", "text": line}) for i, line in enumerate(NEWS.splitlines())
        )
        + "\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    run("extract", src, "-o", out)
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["id"] for r in records] == ["n0", "n1", "n2", "n3"]
    assert {"subject": "Microsoft", "object": "OpenAI", "type": "investment"}.items() <= (
        records[0]["relations"][0].items()
    )
    assert all(set(r) == {"id", "entities", "relations"} for r in records)


def test_malformed_json_line_is_a_warning_naming_file_and_line(tmp_path):
    src = tmp_path / "docs.jsonl"
    lines = [
        json.dumps({"id": "a", "text": NEWS.splitlines()[0]}),
        "{broken",
        json.dumps({"id": "b", "text": NEWS.splitlines()[3]}),
    ]
    src.write_text("\n".join(lines) + "\n", encoding="utf-8")
    proc = run("ingest", src, "--db", tmp_path / "m.db")
    assert f"{src}:2" in proc.stderr and "warning" in proc.stderr
    assert re.search(r"documents read\s*│\s*2\b", proc.stdout), proc.stdout


def test_truncated_gzip_keeps_lines_before_the_cut(tmp_path):
    src = tmp_path / "docs.jsonl.gz"
    body = "".join(
        json.dumps({"id": f"d{i}", "text": f"Document {i}. " + NEWS}) + "\n" for i in range(200)
    )
    data = gzip.compress(body.encode("utf-8"))
    src.write_bytes(data[: len(data) // 2])
    proc = run("ingest", src, "--db", tmp_path / "m.db")
    assert str(src) in proc.stderr and "truncated" in proc.stderr
    read = int(re.search(r"documents read\s*│\s*(\d+)", proc.stdout).group(1))
    assert 0 < read < 200


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["partners", "Microsoft", "--as-of", "2023-13-01"], ["--as-of", "2023-13-01"]),
        (["partners", "Microsoft", "--as-of", "last year"], ["--as-of"]),
        (["partners", "Microsoft", "--type", "friendship"], ["friendship", "partnership"]),
        (["partners", "No Such Company Ltd"], ["unknown organization", "No Such Company Ltd"]),
        (["evidence", "Microsoft", "Nobody Inc"], ["unknown organization", "Nobody Inc"]),
        (["timeline", "Nobody Inc"], ["unknown organization"]),
    ],
)
def test_bad_queries_are_one_error_line(db, args, fragments):
    assert_one_error(run(*args, "--db", db, check=False), 1, *fragments)


def test_bad_inputs_are_one_error_line(tmp_path):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(b"\x00\x01\x02\xff" * 100)
    assert_one_error(
        run("ingest", binary, "--db", tmp_path / "m.db", check=False), 1, str(binary), "binary"
    )
    missing = tmp_path / "absent.jsonl"
    assert_one_error(
        run("ingest", missing, "--db", tmp_path / "m.db", check=False), 1, str(missing)
    )
    assert_one_error(
        run("extract", missing, "-o", tmp_path / "o.jsonl", check=False), 1, str(missing)
    )
    not_db = tmp_path / "notadb.db"
    not_db.write_text("this is not a database " * 100, encoding="utf-8")
    assert_one_error(run("stats", "--db", not_db, check=False), 1, str(not_db))
    gold = tmp_path / "gold.jsonl"
    gold.write_text('{"id": "a", "text": "x", "relations": []}\n{oops\n', encoding="utf-8")
    assert_one_error(run("evaluate", gold, "--pred", gold, check=False), 1, f"{gold}:2")


def test_store_from_environment_variable(db):
    data = json.loads(run("stats", "--json", env={"ALLIANCEMAP_DB": str(db)}).stdout)
    assert data["documents"] == 1


def test_debug_variable_shows_the_traceback(db):
    proc = subprocess.run(
        [sys.executable, "-m", "alliancemap", "partners", "Microsoft", "--as-of", "soon"],
        capture_output=True,
        text=True,
        env={**os.environ, "ALLIANCEMAP_DEBUG": "1", "ALLIANCEMAP_DB": str(db)},
        timeout=300,
    )
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr and "ValueError" in proc.stderr


def test_usage_errors_keep_typer_exit_code():
    proc = run("partners", check=False)
    assert proc.returncode == 2


def test_evaluate_prints_the_three_closing_lines():
    gold = SHARED / "eval" / "seed.jsonl"
    if not gold.is_file():
        pytest.skip(f"shared eval set not found at {gold}")
    proc = run("evaluate", gold)
    last = proc.stdout.strip().splitlines()[-3:]
    assert re.fullmatch(r"precision \d\.\d{3}  recall \d\.\d{3}  f1 \d\.\d{3}", last[0])
    assert re.fullmatch(r"date accuracy \d\.\d{2} \(\d+/\d+\)", last[1])
    assert re.fullmatch(r"relations gold 19 predicted \d+ matched \d+", last[2])
    report = json.loads(run("evaluate", gold, "--json").stdout)
    assert report["gold"] == 19
    errors = run("evaluate", gold, "--errors").stdout
    assert errors.strip().splitlines()[-3:] == last


def test_evaluate_own_predictions_scores_perfectly(tmp_path):
    gold = tmp_path / "gold.jsonl"
    record = {
        "id": "g1",
        "text": NEWS,
        "entities": [
            {"name": "Microsoft Corporation", "type": "organization", "aliases": ["Microsoft"]},
            {"name": "OpenAI", "type": "organization", "aliases": []},
        ],
        "relations": [
            {
                "subject": "Microsoft Corporation",
                "object": "OpenAI",
                "type": "investment",
                "date": "2023",
                "evidence": NEWS.splitlines()[0],
            }
        ],
    }
    gold.write_text(json.dumps(record) + "\n", encoding="utf-8")
    pred = tmp_path / "pred.jsonl"
    pred.write_text(
        json.dumps(
            {
                "id": "g1",
                "entities": [],
                "relations": [
                    {
                        "subject": "Microsoft",
                        "object": "OpenAI",
                        "type": "investment",
                        "date": "2023-01",
                        "evidence": "...",
                        "confidence": 0.9,
                    }
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    last = run("evaluate", gold, "--pred", pred).stdout.strip().splitlines()[-3:]
    assert last == [
        "precision 1.000  recall 1.000  f1 1.000",
        "date accuracy 1.00 (1/1)",
        "relations gold 1 predicted 1 matched 1",
    ]


def test_demo_on_our_own_text(tmp_path):
    news = tmp_path / "news.txt"
    news.write_text(NEWS, encoding="utf-8")
    proc = run("demo", news, "--db", tmp_path / "demo.db")
    assert re.search(r"documents read\s*│\s*1\b", proc.stdout), proc.stdout
    top = proc.stdout.split("Top organizations by number of partners")[1]
    assert "Microsoft" in top and "Claims by type" in top


def test_demo_with_a_limit(tmp_path):
    corpus = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"
    if not corpus.is_file():
        pytest.skip(f"shared corpus not found at {corpus}")
    from alliancemap.pipeline import ingest

    if "limit" not in inspect.signature(ingest).parameters:
        pytest.skip("pipeline.ingest() has no 'limit' parameter yet: demo --limit needs it")
    proc = run("demo", "--limit", "30", "--db", tmp_path / "demo.db")
    assert re.search(r"documents read\s*│\s*30\b", proc.stdout), proc.stdout
    assert "Top organizations by number of partners" in proc.stdout
