"""The measure commands, run for real (`python -m alliancemap ...`) against a small store.

The invocations are independent, so they run side by side in threads to keep this quick.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from graphkit import shared_store_path

STACK = """\
name: Test stack
components:
  - product: Azure OpenAI Service
    weight: 2
  - product: Amazon Bedrock
    with: Claude
  - vendor: Nvidia
"""

CALLS = {
    "rank": ["rank", "--by", "pagerank", "--top", "5", "--json"],
    "rank_table": ["rank", "--by", "constraint", "--as-of", "2021", "--top", "5"],
    "blocs_year": ["blocs", "--by", "year", "--min-ties", "1"],
    "concentration": ["concentration", "--by", "year-type", "--min-ties", "1", "--json"],
    "transitions": ["transitions", "--json"],
    "exposure": ["exposure", "{stack}", "--json"],
    "exposure_table": ["exposure", "{stack}"],
    "whatif": ["whatif", "--add", "Apple acquisition Mistral AI", "--org", "OpenAI"],
    "report": ["report", "-o", "{root}/report.html", "--min-ties", "5"],
    # mistakes: one clear line, exit 1, before any heavy work
    "bad_date": ["rank", "--as-of", "2023-13"],
    "bad_since": ["concentration", "--since", "someday"],
    "bad_by": ["rank", "--by", "magic"],
    "bad_type": ["blocs", "--type", "alliance"],
    "not_yaml": ["exposure", "{root}/notyaml.yaml"],
    "unknown_product": ["exposure", "{root}/unknown.yaml"],
    "missing_stack": ["exposure", "{root}/missing.yaml"],
    "malformed_add": ["whatif", "--add", "Apple Mistral AI"],
    "unknown_org": ["whatif", "--add", "Nobody Ltd acquisition Mistral AI"],
    "no_edit": ["whatif"],
}


def run(args: list[str], db: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "200", "ALLIANCEMAP_DB": db}
    env.pop("ALLIANCEMAP_DEBUG", None)
    return subprocess.run(
        [sys.executable, "-m", "alliancemap", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
    )


@pytest.fixture(scope="module")
def results(tmp_path_factory):
    root = tmp_path_factory.mktemp("measures")
    shutil.copy(shared_store_path(), root / "map.db")
    (root / "stack.yaml").write_text(STACK, encoding="utf-8")
    (root / "notyaml.yaml").write_text("components: [Azure OpenAI\n  - {oops", encoding="utf-8")
    (root / "unknown.yaml").write_text("components:\n  - product: Flux Capacitor\n", "utf-8")
    where = {"root": str(root), "stack": str(root / "stack.yaml")}
    jobs = {k: [a.format(**where) for a in args] for k, args in CALLS.items()}
    with ThreadPoolExecutor(max_workers=4) as pool:
        futures = {k: pool.submit(run, args, str(root / "map.db")) for k, args in jobs.items()}
        done = {k: f.result() for k, f in futures.items()}
    done["root"] = root
    return done


def ok(results, key):
    proc = results[key]
    assert proc.returncode == 0, proc.stderr
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc


def loaded(results, key):
    return json.loads(ok(results, key).stdout)


def test_rank_json_and_table(results):
    data = loaded(results, "rank")
    assert data["by"] == "pagerank" and len(data["rows"]) == 5
    scores = [r["pagerank"] for r in data["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert data["rows"][0]["top_ties"][0]["claim_ids"]  # traceable to claims
    assert "exact" in data["betweenness"]
    assert "Organizations by constraint" in ok(results, "rank_table").stdout


def test_blocs_year_by_year(results):
    out = ok(results, "blocs_year").stdout
    assert "Blocs year by year" in out and "2019" in out  # the first year news covers


def test_concentration(results):
    data = loaded(results, "concentration")
    assert data["by"] == "year-type" and data["rows"]
    assert all(r["period"].isdigit() for r in data["rows"])
    assert {"cooperative", "investment"} <= {r["scope"] for r in data["rows"]}
    assert data["trend"].startswith("HHI")


def test_transitions_show_the_turn_with_dates_and_evidence(results):
    data = loaded(results, "transitions")
    pair = next(p for p in data["pairs"] if {p["a"], p["b"]} == {"Cohere", "Mistral AI"})
    assert pair["before"]["type"] == "competition" and pair["before"]["date"] == "2020-03-02"
    assert pair["after"]["type"] == "partnership" and pair["after"]["date"] == "2021-06"
    assert "announced a partnership" in pair["after"]["evidence"]


def test_exposure(results):
    data = loaded(results, "exposure")
    assert data["stack"] == "Test stack" and data["total_weight"] == 4
    assert sum(p["share"] for p in data["providers"]) == pytest.approx(1.0)
    assert data["providers"][0]["organization"] == "Microsoft"
    assert [c["label"] for c in data["components"]][0] == "Azure OpenAI Service"
    assert "single points of failure" in ok(results, "exposure_table").stdout


def test_whatif(results):
    out = ok(results, "whatif").stdout
    assert "Concentration: + Apple acquisition Mistral AI" in out
    assert "Mistral AI folded into Apple" in out
    for name in ("Apple", "Mistral AI", "OpenAI"):
        assert f"{name}: bloc " in out  # each named organization's bloc, before and after


def test_report_command(results):
    proc = ok(results, "report")
    assert "report written to" in proc.stdout and "Top 5 orchestrators" in proc.stdout
    assert (results["root"] / "report.html").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("key", "fragment"),
    [
        ("bad_date", "bad --as-of date '2023-13'"),
        ("bad_since", "bad --since date 'someday'"),
        ("bad_by", "bad --by 'magic'"),
        ("bad_type", "unknown relation type 'alliance'"),
        ("not_yaml", "notyaml.yaml: not valid YAML at line"),
        ("unknown_product", "unknown product or organization 'Flux Capacitor'"),
        ("missing_stack", "missing.yaml: no such file or directory"),
        ("malformed_add", "malformed relation 'Apple Mistral AI'"),
        ("unknown_org", "unknown organization 'Nobody Ltd'"),
        ("no_edit", "nothing to change"),
    ],
)
def test_mistakes_give_one_error_line(results, key, fragment):
    proc = results[key]
    assert proc.returncode == 1, (proc.stdout, proc.stderr)
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), proc.stderr
    assert fragment in lines[0]
