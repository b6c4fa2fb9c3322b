"""The ingest pipeline end to end: real files, the real "rules" extractor, real SQLite and
PostgreSQL."""

from __future__ import annotations

import gzip
import json
from itertools import islice
from pathlib import Path

import pytest

from alliancemap.errors import InputError
from alliancemap.pipeline import IngestSummary, ingest
from alliancemap.store import open_store

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"
needs_corpus = pytest.mark.skipif(not CORPUS.is_file(), reason=f"shared corpus not at {CORPUS}")

ARTICLES = [
    "Microsoft said on Monday it will invest $10 billion in OpenAI, deepening a partnership.",
    "Google acquired DeepMind in 2014 for more than $500 million.",
    "Nvidia will supply thousands of H100 chips to Oracle for its cloud.",
    "The Federal Trade Commission opened an investigation into Microsoft's deal.",
    "Amazon invested $4 billion in Anthropic, the companies said.",
    "IBM and Meta founded the AI Alliance with dozens of members.",
    "The New York Times sued OpenAI and Microsoft over copyright.",
]


def write_jsonl(path: Path, texts: list[str], published: str = "2023-09-25") -> Path:
    rows = [{"id": f"n{i}", "text": t, "published": published} for i, t in enumerate(texts)]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return path


def snapshot(store) -> tuple:
    """Everything an ingest stores, minus row ids and timestamps."""
    claims = sorted(
        (
            c.document_hash or "",
            c.subject,
            c.object,
            c.type.value,
            c.date or "",
            c.evidence,
            c.evidence_start or -1,
            c.extractor,
            c.confidence,
        )
        for c in store.iter_claims()
    )
    ents = sorted((e.name, e.type.value, e.in_kb) for e in store.entities())
    st = store.stats()
    return claims, ents, st["documents"], st["mentions"]


def corpus_slice(tmp_path: Path, n: int = 200) -> Path:
    out = tmp_path / f"slice-{n}.jsonl.gz"
    with gzip.open(CORPUS, "rt", encoding="utf-8") as src, gzip.open(out, "wt") as dst:
        dst.writelines(islice(src, n))
    return out


@pytest.fixture
def store(store_url: str):
    """A new store on each backend, SQLite and PostgreSQL."""
    with open_store(store_url) as s:
        yield s


def test_ingest_jsonl_and_text_then_a_second_run_adds_nothing(tmp_path: Path, store) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES)
    note = tmp_path / "note.txt"
    note.write_text("Apple and Google have partnered on Gemini for Siri.\n", encoding="utf-8")
    progress: list[tuple[int, int | None]] = []
    first = ingest(
        [news, note], store, batch_size=3, on_progress=lambda d, t: progress.append((d, t))
    )
    assert isinstance(first, IngestSummary)
    assert (first.files, first.documents_read, first.new_documents) == (2, 8, 8)
    assert first.skipped_documents == 0 and first.warnings == [] and not first.interrupted
    assert first.claims_added >= 3  # the rules extractor finds the plain deals
    assert progress[0] == (0, 8) and progress[-1] == (8, 8)
    assert [d for d, _ in progress] == sorted(d for d, _ in progress)
    before = snapshot(store)
    assert before[2] == 8 and len(before[0]) == first.claims_added + store.stats()["kb_claims"]
    second = ingest([news, note], store, batch_size=3)
    assert (second.new_documents, second.skipped_documents, second.claims_added) == (0, 8, 0)
    assert snapshot(store) == before
    investors = {p.partner for p in store.partners("OpenAI", type="investment")}
    assert "Microsoft" in investors


def test_duplicate_texts_in_one_run_count_once(tmp_path: Path, store) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:3] + ARTICLES[:2])
    summary = ingest([news], store, batch_size=2, sync_kb=False)
    assert (summary.documents_read, summary.new_documents, summary.skipped_documents) == (5, 3, 2)
    assert store.stats()["documents"] == 3


def test_bad_lines_become_warnings_and_the_rest_is_ingested(tmp_path: Path, store) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:2])
    with open(news, "a", encoding="utf-8") as fh:
        fh.write('{"text": oops}\n{"title": "no text"}\n')
    seen: list[str] = []
    summary = ingest([news], store, on_warning=seen.append, sync_kb=False)
    assert summary.new_documents == 2
    assert seen == summary.warnings and len(seen) == 2
    assert seen[0].startswith(f"{news}:3: malformed JSON")


def test_a_failure_midway_keeps_earlier_batches_and_nothing_of_the_open_one(
    tmp_path: Path, store
) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:5])
    broken = tmp_path / "broken.txt"  # read after batch 1 (3 docs) and 2 docs of batch 2
    broken.write_bytes(b"GIF89a\x00\x00\x01")
    with pytest.raises(InputError, match="binary file"):
        ingest([news, broken], store, batch_size=3, sync_kb=False)
    hashes = {c.document_hash for c in store.iter_claims()}
    assert store.stats()["documents"] == 3
    rerun = ingest([news], store, batch_size=3, sync_kb=False)
    assert (rerun.new_documents, rerun.skipped_documents) == (2, 3)
    assert hashes <= {c.document_hash for c in store.iter_claims()}


def test_ctrl_c_stops_cleanly_after_the_committed_batches(tmp_path: Path, store) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:4])
    with open(news, "a", encoding="utf-8") as fh:  # line 5, inside the second batch
        fh.write("not json\n" + json.dumps({"text": ARTICLES[4]}) + "\n")

    def interrupt(message: str) -> None:
        raise KeyboardInterrupt

    summary = ingest([news], store, batch_size=3, on_warning=interrupt, sync_kb=False)
    assert summary.interrupted and summary.new_documents == 3
    assert store.stats()["documents"] == 3  # batch 2 (line 4 read, line 5 pending) rolled back


def test_bad_paths_and_unknown_extractors_fail_before_any_work(tmp_path: Path, store) -> None:
    news = write_jsonl(tmp_path / "news.jsonl", ARTICLES[:2])
    with pytest.raises(InputError, match="no such file"):
        ingest([news, tmp_path / "missing.jsonl"], store)
    with pytest.raises(KeyError, match="no-such-extractor"):
        ingest([news], store, extractor_name="no-such-extractor")
    assert store.stats()["documents"] == 0 and store.stats()["entities"] == 0


@needs_corpus
def test_200_corpus_articles_twice(tmp_path: Path, store) -> None:
    path = corpus_slice(tmp_path)
    first = ingest([path], store, batch_size=50)
    assert (first.documents_read, first.new_documents) == (200, 200)
    assert first.claims_added > 0
    stats = store.stats()
    second = ingest([path], store, batch_size=50)
    assert (second.documents_read, second.new_documents, second.skipped_documents) == (200, 0, 200)
    assert second.claims_added == 0
    assert store.stats() == stats
    # Known documents are skipped before extraction: a re-run only reads and hashes.
    assert second.seconds < first.seconds / 3
    for rec in islice(store.iter_claims(), 50):  # evidence offsets point into the stored text
        if rec.document_hash and rec.evidence_start is not None:
            doc = store.document(rec.document_hash)
            assert doc.text[rec.evidence_start : rec.evidence_end] == rec.evidence


@needs_corpus
def test_two_workers_store_the_same_as_one(tmp_path: Path) -> None:
    path = corpus_slice(tmp_path, 120)
    results = []
    for workers in (1, 2):
        with open_store(tmp_path / f"w{workers}.db") as s:
            summary = ingest([path], s, batch_size=10, workers=workers)
            results.append((summary.new_documents, summary.claims_added, snapshot(s)))
    assert results[0] == results[1]
    assert results[0][0] == 120 and results[0][1] > 0
