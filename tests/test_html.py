"""HTML pages and CSV files: main text and metadata, charsets, column mappings."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from alliancemap.errors import InputError
from alliancemap.ingest import read_documents
from alliancemap.ingest.charset import decode_page
from alliancemap.ingest.csvfile import parse_columns, parse_date
from alliancemap.ingest.fetch import Fetcher, FetchOptions
from alliancemap.ingest.html import NoText, html_document
from alliancemap.ingest.web import page_document
from alliancemap.store import open_store
from newsserver import ARTICLES, NewsSite, article_html, build_site, run_main

TITLE, DATE, AUTHOR, PARAS = ARTICLES["acme-foo"]


def read(path: Path, **kw) -> tuple[list, list[str]]:
    warnings: list[str] = []
    return list(read_documents(path, warnings.append, **kw)), warnings


# -- HTML ----------------------------------------------------------------------------------


def test_main_text_and_metadata_without_navigation_comments_or_footer() -> None:
    doc = html_document(article_html(TITLE, DATE, AUTHOR, PARAS), url="https://news.test/a")
    for para in PARAS:
        assert para in doc.text
    for boilerplate in ("Markets", "About us", "Subscribe to our", "All rights reserved"):
        assert boilerplate not in doc.text
    assert (doc.title, doc.author, doc.published) == (TITLE, AUTHOR, DATE)
    assert doc.url == "https://news.test/a"


def test_a_page_without_an_article_gives_no_document() -> None:
    page = "<html><body><nav><a href='/'>Home</a> <a href='/x'>Sign in</a></nav></body></html>"
    with pytest.raises(NoText, match="no article text found"):
        html_document(page)


def test_html_files_in_a_directory_are_read_recursively(tmp_path: Path) -> None:
    (tmp_path / "deep").mkdir()
    (tmp_path / "a.html").write_text(article_html(TITLE, DATE, AUTHOR, PARAS), encoding="utf-8")
    title2, date2, author2, paras2 = ARTICLES["globex-initech"]
    (tmp_path / "deep" / "b.htm").write_bytes(
        article_html(title2, date2, author2, paras2).encode("utf-8")
    )
    (tmp_path / "menu.html").write_text("<html><body><nav>Home</nav></body></html>")
    docs, warnings = read(tmp_path)
    assert [(d.id, d.title, d.published) for d in docs] == [
        ("a", TITLE, DATE),
        ("b", title2, date2),
    ]
    assert warnings == [
        f"{tmp_path / 'menu.html'}: no article text found (1 words of main text), skipped"
    ]


# -- charsets ------------------------------------------------------------------------------

LEGACY = "Café Robotics joins the “open” alliance, says Zoë."


def decoded(data: bytes, header: str | None) -> tuple[str, list[str]]:
    warnings: list[str] = []
    return decode_page(data, header, "page", warnings.append), warnings


def test_a_wrong_declared_charset_falls_back_to_detection_with_one_warning() -> None:
    text, warnings = decoded(LEGACY.encode("cp1252"), "utf-8")
    assert text == LEGACY
    assert warnings == [
        "page: declared charset utf-8 does not match the content, decoded as cp1252"
    ]


def test_utf8_declared_as_latin1_is_read_as_utf8_with_a_warning() -> None:
    text, warnings = decoded("Café and Zoë".encode(), "iso-8859-1")  # valid, but mojibake
    assert text == "Café and Zoë"
    assert warnings == [
        "page: declared charset iso-8859-1 but the content is UTF-8, decoded as utf-8"
    ]
    text, warnings = decoded(LEGACY.encode("utf-8"), "iso-8859-1")  # ” is invalid cp1252
    assert text == LEGACY
    assert warnings == [
        "page: declared charset iso-8859-1 does not match the content, decoded as utf-8"
    ]


def test_correct_and_missing_declarations_need_no_warning() -> None:
    meta = b'<html><head><meta charset="windows-1252"></head><body>' + LEGACY.encode("cp1252")
    assert decoded(meta, None) == (meta.decode("cp1252"), [])
    assert decoded(LEGACY.encode("cp1252"), None) == (LEGACY, [])
    assert decoded("\ufeff".encode() + LEGACY.encode(), "latin-1") == (LEGACY, [])
    text, warnings = decoded(LEGACY.encode("utf-8"), "x-no-such-charset")
    assert text == LEGACY and warnings == [
        "page: unknown charset 'x-no-such-charset' declared, decoded as utf-8 (detected)"
    ]


def test_a_fetched_page_in_the_wrong_encoding_is_read_with_one_warning() -> None:
    site: NewsSite = build_site().start()
    try:
        warnings: list[str] = []
        options = FetchOptions(timeout=1.0, retries=0, host_interval=0.0)
        with Fetcher(options) as fetcher:
            doc = page_document(fetcher.fetch(site.url("/latin.html")), warnings.append)
    finally:
        site.stop()
    assert "Café Robotics joined the Initech alliance for “open” robot controllers" in doc.text
    assert doc.author == "Zoë Martin"
    assert warnings == [
        f"{site.url('/latin.html')}: declared charset utf-8 does not match the content, "
        "decoded as cp1252"
    ]


# -- CSV -----------------------------------------------------------------------------------


def test_csv_columns_are_found_by_their_usual_names(tmp_path: Path) -> None:
    path = tmp_path / "news.csv"
    path.write_text(
        "ID,Headline,Body,Date,Link,Byline\n"
        '1,Deal,"Acme Robotics acquired Foo Labs Inc. in 2021.\nMore text.",2021-03-04,'
        "https://n.test/1,Jane Doe\n"
        '2,Pact,Globex and Initech partnered.,"March 4, 2022",,\n'
        "3,Empty,,2020,,\n",
        encoding="utf-8",
    )
    docs, warnings = read(path)
    assert [(d.id, d.title, d.published, d.url, d.author) for d in docs] == [
        ("1", "Deal", "2021-03-04", "https://n.test/1", "Jane Doe"),
        ("2", "Pact", "2022-03-04", None, None),
    ]
    assert docs[0].text == "Acme Robotics acquired Foo Labs Inc. in 2021.\nMore text."
    assert warnings == [f"{path}:5: no text, row skipped"]


def test_a_column_mapping_names_other_columns(tmp_path: Path) -> None:
    path = tmp_path / "export.tsv.gz"
    rows = "story\theadline\twhen\nUmbrella invested in Hooli.\tMoney\t15 Jan 2023\n"
    path.write_bytes(gzip.compress(rows.encode("utf-8")))
    columns = parse_columns("text=story, title=headline,published=when")
    docs, warnings = read(path, columns=columns)
    assert [(d.text, d.title, d.published) for d in docs] == [
        ("Umbrella invested in Hooli.", "Money", "2023-01-15")
    ]
    assert warnings == []


def test_csv_problems_are_one_clear_message(tmp_path: Path) -> None:
    path = tmp_path / "odd.csv"
    path.write_text("name;notes\nAcme;bought Foo\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        read(path)
    assert str(err.value) == (
        f"{path}: no text column (columns: name, notes); name one with --columns text=COLUMN"
    )
    with pytest.raises(InputError, match="no column 'body' for text"):
        read(path, columns={"text": "body"})
    docs, _ = read(path, columns={"text": "notes", "title": "name"})
    assert [(d.text, d.title) for d in docs] == [("bought Foo", "Acme")]
    with pytest.raises(ValueError, match="unknown field 'headline'"):
        parse_columns("headline=title")
    with pytest.raises(ValueError, match="use FIELD=COLUMN"):
        parse_columns("text")


def test_csv_bad_dates_and_bytes_are_warnings(tmp_path: Path) -> None:
    path = tmp_path / "legacy.csv"
    path.write_bytes(b"text,date\nCaf\xe9 deal,someday\nAcme bought Foo,2021\n")
    docs, warnings = read(path)
    assert [(d.text, d.published) for d in docs] == [
        ("Café deal", None),
        ("Acme bought Foo", "2021"),
    ]
    assert warnings == [
        f"{path}:2: not valid UTF-8, read as cp1252",
        f"{path}:2: unrecognised date 'someday', ignored",
    ]
    assert parse_date("Thu, 04 Mar 2021 10:00:00 GMT") == "2021-03-04"


def test_the_ingest_command_takes_html_and_csv_with_a_column_mapping(
    tmp_path: Path, capsys
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "page.html").write_text(
        article_html(TITLE, DATE, AUTHOR, PARAS), encoding="utf-8"
    )
    (tmp_path / "in" / "rows.csv").write_text(
        "story,headline\nGlobex and Initech announced a partnership.,Pact\n", encoding="utf-8"
    )
    db = tmp_path / "map.db"
    args = ["ingest", tmp_path / "in", "--db", db]
    code, out, _ = run_main(capsys, *args, "--columns", "text=story,title=headline")
    assert code == 0 and "new documents" in out
    with open_store(db) as store:
        assert store.stats()["documents"] == 2
    code, _, err = run_main(capsys, *args, "--columns", "body=story")
    assert code == 1
    assert err.strip().splitlines() == [
        "error: unknown field 'body' in --columns (fields: text, id, title, published, url, author)"
    ]
