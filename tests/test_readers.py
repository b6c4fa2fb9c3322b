"""Readers on real files, good and bad: every bad input gives one clear message, no traceback."""

from __future__ import annotations

import gzip
import json
import random
import string
from pathlib import Path

import pytest

from alliancemap.errors import InputError
from alliancemap.ingest import SUPPORTED_SUFFIXES, read_documents
from alliancemap.ingest.text import MAX_TEXT_BYTES

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
CORPUS = SHARED / "corpus" / "ai-tech-articles.jsonl.gz"


def read(path: Path) -> tuple[list, list[str]]:
    warnings: list[str] = []
    docs = list(read_documents(path, warnings.append))
    return docs, warnings


def write_jsonl(path: Path, records: list, gz: bool = False) -> Path:
    lines = "".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in records)
    if gz:
        path.write_bytes(gzip.compress(lines.encode("utf-8")))
    else:
        path.write_text(lines, encoding="utf-8")
    return path


# -- text files ----------------------------------------------------------------------------


def test_a_text_file_is_one_document(tmp_path: Path) -> None:
    path = tmp_path / "deal-notes.txt"
    path.write_bytes(b"Microsoft invests in OpenAI.\r\nSecond line.\r\n")
    (doc,), warnings = read(path)
    assert doc.text == "Microsoft invests in OpenAI.\nSecond line.\n"
    assert (doc.id, doc.title, doc.source) == ("deal-notes", "deal-notes", str(path))
    assert warnings == []


def test_markdown_title_is_its_first_heading(tmp_path: Path) -> None:
    titled = tmp_path / "a.md"
    titled.write_text("\n# Rivals to allies\n\nBody text.\n", encoding="utf-8")
    plain = tmp_path / "b.md"
    plain.write_text("Just a paragraph.\n# Later heading\n", encoding="utf-8")
    assert read(titled)[0][0].title == "Rivals to allies"
    assert read(plain)[0][0].title == "b"


def test_utf8_bom_and_utf16_are_decoded(tmp_path: Path) -> None:
    bom = tmp_path / "bom.txt"
    bom.write_bytes(b"\xef\xbb\xbfNvidia \xe2\x80\x94 chips")
    wide = tmp_path / "wide.txt"
    wide.write_bytes("Nvidia \u2014 chips".encode("utf-16"))
    for path in (bom, wide):
        (doc,), warnings = read(path)
        assert doc.text == "Nvidia \u2014 chips" and warnings == []


def test_invalid_utf8_falls_back_to_cp1252_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "legacy.txt"
    path.write_bytes(b"Caf\xe9 deal: \x93quoted\x94")
    (doc,), warnings = read(path)
    assert doc.text == "Café deal: “quoted”"
    assert len(warnings) == 1
    assert warnings[0].startswith(f"{path}: not valid UTF-8") and "cp1252" in warnings[0]


def test_a_binary_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "image.txt"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: binary file, not text"


def test_an_oversized_text_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "huge.txt"
    with open(path, "wb") as fh:
        fh.truncate(MAX_TEXT_BYTES + 1)  # sparse: no disk used
    with pytest.raises(InputError, match="too large") as err:
        read(path)
    assert str(err.value).startswith(f"{path}: ")


def test_an_empty_text_file_is_skipped_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "empty.txt"
    path.write_text("  \n\n", encoding="utf-8")
    assert read(path) == ([], [f"{path}: empty file, skipped"])


# -- JSON lines ----------------------------------------------------------------------------


def test_jsonl_fields_and_dates(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "news.jsonl",
        [
            {"id": 7, "text": "A", "url": "https://x.test/7", "title": "T", "year": 2021},
            {"text": "B", "published": "2023-01-23T10:00:00Z", "author": "Ada"},
            {"text": "C", "date": "2022-05"},
            {"text": "D", "published": None, "year": 2019.0},
            {"text": "E", "published": "last Tuesday"},
        ],
    )
    docs, warnings = read(path)
    assert [(d.text, d.published) for d in docs] == [
        ("A", "2021"),
        ("B", "2023-01-23"),
        ("C", "2022-05"),
        ("D", "2019"),
        ("E", None),
    ]
    assert (docs[0].id, docs[0].url, docs[0].title, docs[0].source) == (
        "7",
        "https://x.test/7",
        "T",
        str(path),
    )
    assert docs[1].author == "Ada" and docs[1].id is None
    assert warnings == [f"{path}:5: unrecognised date 'last Tuesday', ignored"]


def test_bad_jsonl_lines_are_skipped_with_warnings_naming_file_and_line(tmp_path: Path) -> None:
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        [
            {"text": "first"},
            '{"text": "broken", ',
            "",
            {"id": "x"},
            {"text": "   "},
            {"text": 42},
            "[1, 2, 3]",
            '"just a string"',
            {"text": "last"},
        ],
    )
    docs, warnings = read(path)
    assert [d.text for d in docs] == ["first", "last"]
    assert len(warnings) == 6
    assert warnings[0].startswith(f"{path}:2: malformed JSON")
    assert warnings[1:4] == [f"{path}:{n}: no text, line skipped" for n in (4, 5, 6)]
    assert warnings[4:] == [f"{path}:{n}: not a JSON object, line skipped" for n in (7, 8)]


def test_invalid_utf8_in_a_jsonl_line_is_replaced_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"text": "Caf\xe9 deal"}\n{"text": "ok"}\n')
    docs, warnings = read(path)
    assert [d.text for d in docs] == ["Caf\ufffd deal", "ok"]
    assert warnings == [f"{path}:1: not valid UTF-8, bad bytes replaced"]


def test_gzip_jsonl_is_read(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "n.jsonl.gz", [{"text": f"doc {i}"} for i in range(5)], gz=True)
    docs, warnings = read(path)
    assert [d.text for d in docs] == [f"doc {i}" for i in range(5)] and warnings == []


def _noise(rng: random.Random, n: int) -> str:
    return "".join(rng.choice(string.ascii_letters + " ") for _ in range(n))


def test_a_truncated_gzip_keeps_the_lines_before_the_cut(tmp_path: Path) -> None:
    rng = random.Random(0)
    records = [{"id": str(i), "text": _noise(rng, 400)} for i in range(300)]
    whole = write_jsonl(tmp_path / "whole.jsonl.gz", records, gz=True)
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size // 2])
    docs, warnings = read(cut)
    assert 50 < len(docs) < 250
    assert [d.id for d in docs] == [str(i) for i in range(len(docs))]
    assert [d.text for d in docs] == [r["text"] for r in records[: len(docs)]]
    assert warnings[-1] == f"{cut}: truncated gzip after line {len(docs)}"


def test_reading_is_streamed(tmp_path: Path) -> None:
    rng = random.Random(1)
    whole = write_jsonl(
        tmp_path / "w.jsonl.gz", [{"text": _noise(rng, 400)} for _ in range(300)], gz=True
    )
    cut = tmp_path / "cut.jsonl.gz"
    cut.write_bytes(whole.read_bytes()[:-200])
    warnings: list[str] = []
    docs = read_documents(cut, warnings.append)
    next(docs)
    assert warnings == []  # the cut at the end has not been reached yet
    rest = list(docs)
    assert rest and "truncated gzip" in warnings[-1]


@pytest.mark.skipif(not CORPUS.is_file(), reason=f"shared corpus not found at {CORPUS}")
def test_a_cut_copy_of_the_real_corpus_keeps_its_first_articles(tmp_path: Path) -> None:
    cut = tmp_path / "corpus-cut.jsonl.gz"
    with open(CORPUS, "rb") as src:
        cut.write_bytes(src.read(400_000))
    docs, warnings = read(cut)
    assert len(docs) > 10
    assert docs[0].id == "tc-0" and docs[0].published == "2016"
    assert warnings == [f"{cut}: truncated gzip after line {len(docs)}"]


def test_a_file_that_is_not_gzip_is_refused(tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "plain.jsonl.gz", [{"text": "a"}])
    with pytest.raises(InputError, match="not a gzip file") as err:
        read(path)
    assert str(err.value).startswith(f"{path}: ")


def test_a_binary_jsonl_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "blob.jsonl"
    path.write_bytes(bytes(range(256)) * 4)
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == f"{path}: binary file, not text"


# -- paths ---------------------------------------------------------------------------------


def test_missing_path_and_unsupported_type_are_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError) as err:
        read_documents(tmp_path / "nope.txt")  # refused on the call, before iterating
    assert str(err.value) == f"{tmp_path / 'nope.txt'}: no such file or directory"
    odd = tmp_path / "data.xyz"
    odd.write_text("hello", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read_documents(odd)
    assert str(err.value) == (
        f"{odd}: unsupported file type .xyz (supported: {', '.join(SUPPORTED_SUFFIXES)})"
    )
    assert SUPPORTED_SUFFIXES == (
        ".atom", ".csv", ".csv.gz", ".htm", ".html", ".jsonl", ".jsonl.gz", ".md", ".rss",
        ".tsv", ".tsv.gz", ".txt", ".xml",
    )  # fmt: skip


def test_directories_are_read_recursively_in_sorted_order(tmp_path: Path) -> None:
    (tmp_path / "b").mkdir()
    (tmp_path / "a" / "deep").mkdir(parents=True)
    (tmp_path / ".git").mkdir()
    (tmp_path / "z.txt").write_text("z text", encoding="utf-8")
    (tmp_path / "b" / "one.md").write_text("# One\nbody", encoding="utf-8")
    write_jsonl(tmp_path / "a" / "deep" / "lines.jsonl", [{"text": "l1"}, {"text": "l2"}])
    write_jsonl(tmp_path / "a" / "g.jsonl.gz", [{"text": "g1"}], gz=True)
    (tmp_path / "a" / "photo.jpg").write_bytes(b"\xff\xd8\xff\x00")  # ignored: not ours
    (tmp_path / ".git" / "HEAD.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / ".notes.txt").write_text("hidden", encoding="utf-8")
    (tmp_path / "b" / "bad.txt").write_bytes(b"\x00\x01\x02")
    docs, warnings = read(tmp_path)
    assert [d.text for d in docs] == ["l1", "l2", "g1", "# One\nbody", "z text"]
    assert warnings == [f"{tmp_path / 'b' / 'bad.txt'}: binary file, not text; file skipped"]


def test_a_directory_without_readable_files_is_refused(tmp_path: Path) -> None:
    (tmp_path / "x.dat").write_text("a,b", encoding="utf-8")
    with pytest.raises(InputError, match="no files to read"):
        read_documents(tmp_path)
