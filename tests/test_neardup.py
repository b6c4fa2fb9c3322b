"""Near-duplicates: syndicated copies are linked to the first copy and count as one source."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from alliancemap.dedupe import load_index, regroup
from alliancemap.export import graph_from_store
from alliancemap.ingest.neardup import (
    DEFAULT_THRESHOLD,
    NearDupIndex,
    signature,
    similarity,
    to_bytes,
)
from alliancemap.model import Document
from alliancemap.pipeline import ingest
from alliancemap.store import open_store
from newsserver import ARTICLES, COPY_OF_ACME, run_main

ORIGINAL = " ".join(ARTICLES["acme-foo"][3])
COPY = "Robot maker Acme snaps up Foo Labs. By Wire Staff. " + " ".join(COPY_OF_ACME[3])
OTHER = " ".join(ARTICLES["globex-initech"][3])
THIRD = " ".join(ARTICLES["umbrella-hooli"][3])


def sig(text: str):
    found = signature(text)
    assert found is not None
    return found


def test_copies_with_small_edits_are_similar_and_unrelated_texts_are_not() -> None:
    assert similarity(sig(ORIGINAL), sig(COPY)) >= DEFAULT_THRESHOLD
    assert similarity(sig(ORIGINAL), sig(OTHER)) < 0.2
    assert similarity(sig(OTHER), sig(THIRD)) < 0.2
    assert signature("Acme bought Foo.") is None  # too short to judge


def test_signatures_are_the_same_in_every_process() -> None:
    code = (
        "from alliancemap.ingest.neardup import signature, to_bytes; import sys; "
        "sys.stdout.write(to_bytes(signature(sys.stdin.read())).hex())"
    )
    env = {**os.environ, "PYTHONHASHSEED": "123"}
    out = subprocess.run(
        [sys.executable, "-c", code], input=ORIGINAL, capture_output=True, text=True, env=env
    )
    assert out.stdout == to_bytes(sig(ORIGINAL)).hex()


def test_the_index_links_each_copy_to_the_first_of_its_group() -> None:
    index = NearDupIndex()
    assert index.link("a", sig(ORIGINAL)) is None
    assert index.link("other", sig(OTHER)) is None
    found = index.link("b", sig(COPY))
    assert found is not None and (found.root, found.nearest) == ("a", "a")
    copy_of_copy = COPY.replace("merged team", "joint team")
    found = index.link("c", sig(copy_of_copy))
    assert found is not None and found.root == "a"
    with pytest.raises(ValueError, match="threshold"):
        NearDupIndex(1.5)


def write_jsonl(path: Path, texts: list[tuple[str, str]]) -> Path:
    path.write_text(
        "".join(json.dumps({"id": i, "text": t, "year": 2021}) + "\n" for i, t in texts),
        encoding="utf-8",
    )
    return path


@pytest.fixture
def store(store_url: str):
    with open_store(store_url) as s:
        yield s


def test_ingested_copies_are_linked_and_count_as_one_source(store, tmp_path: Path) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", [("orig", ORIGINAL), ("other", OTHER)])
    first = ingest([news], store, extractor_name="rules")
    wire = write_jsonl(tmp_path / "wire.jsonl", [("copy", COPY), ("third", THIRD)])
    second = ingest([wire], store, extractor_name="rules")
    assert (first.near_duplicates, second.near_duplicates) == (0, 1)
    (group,) = store.near_duplicate_groups()
    assert (group.first.doc_id, [c.doc_id for c in group.copies]) == ("orig", ["copy"])
    groups = store.source_groups()
    assert groups[group.first.hash] == groups[group.copies[0].hash] == group.first.hash
    claims = [c for c in store.iter_claims() if {c.subject, c.object} >= {"Acme Robotics"}]
    assert {c.doc_id for c in claims} == {"orig", "copy"}
    assert {c.source_group for c in claims} == {group.first.hash}
    edge = next(
        e for e in graph_from_store(store).edges if "Acme Robotics" in (e.subject, e.object)
    )
    assert (edge.n_claims, edge.n_sources) == (2, 1)
    (partner,) = [p for p in store.partners("Acme Robotics") if p.partner == "Foo Labs Inc"]
    assert partner.n_claims == 2 and partner.n_documents == 1


def test_documents_stored_without_signatures_are_signed_and_linked_later(
    store, tmp_path: Path
) -> None:
    news = write_jsonl(tmp_path / "n.jsonl", [("orig", ORIGINAL), ("copy", COPY), ("o", OTHER)])
    ingest([news], store, near_duplicates=False, extractor_name="rules")
    assert store.near_duplicate_groups() == [] and store.unsigned_documents("x") != []
    progress: list[tuple[int, int | None]] = []
    index = load_index(store, on_progress=lambda d, t: progress.append((d, t)))
    assert len(index) == 3 and progress[-1] == (3, 3)
    (group,) = store.near_duplicate_groups()
    assert (group.first.doc_id, [c.doc_id for c in group.copies]) == ("orig", ["copy"])
    assert load_index(store) is not None and progress[-1] == (3, 3)  # nothing left to sign


def test_regrouping_at_another_threshold_and_dry_runs(store, tmp_path: Path) -> None:
    news = write_jsonl(tmp_path / "n.jsonl", [("orig", ORIGINAL), ("copy", COPY), ("o", OTHER)])
    ingest([news], store, extractor_name="rules")
    dry = regroup(store, threshold=0.99, write=False)
    assert (dry.groups, dry.changed, dry.written) == ([], 1, False)
    assert len(store.near_duplicate_groups()) == 1  # a dry run writes nothing
    strict = regroup(store, threshold=0.99)
    assert (strict.groups, strict.changed) == ([], 1)
    assert store.source_groups() == {}
    loose = regroup(store)
    assert (len(loose.groups), loose.copies, loose.documents) == (1, 1, 3)


def test_the_dedupe_command_reports_groups(tmp_path: Path, capsys) -> None:
    db = tmp_path / "map.db"
    with open_store(db) as s:
        news = write_jsonl(tmp_path / "n.jsonl", [("orig", ORIGINAL), ("copy", COPY)])
        ingest([news], s, extractor_name="rules")
    code, out, _ = run_main(capsys, "dedupe", "--db", db)
    assert code == 0
    assert "1 near-duplicate groups among 2 documents: 1 linked to an earlier copy" in out
    code, out, _ = run_main(capsys, "dedupe", "--db", db, "--json")
    data = json.loads(out)
    assert data["copies"] == 1 and data["groups"][0]["first"]["doc_id"] == "orig"
    assert Document(text=COPY).hash == data["groups"][0]["copies"][0]["hash"]
