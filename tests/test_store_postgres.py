"""PostgreSQL as a shared store: URLs, a schema created once by racing processes, and writers
racing on the same documents, entities and KB rows without failing or duplicating anything."""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from alliancemap.errors import StoreError
from alliancemap.kb import default_kb
from alliancemap.model import Claim, Document, Extraction, Mention, RelationType
from alliancemap.store import SCHEMA_VERSION, Store, open_store
from alliancemap.store.engine import database_url, describe

pytestmark = pytest.mark.postgres

KB_NAMES = ["Microsoft", "OpenAI", "Google", "Nvidia", "Amazon", "Anthropic"]


def test_postgres_urls_use_psycopg_3_and_messages_hide_the_password() -> None:
    for given in ("postgresql://me:s3cret@db.example:5433/map", "postgres://me:s3cret@db/map"):
        url = database_url(given)
        assert url.drivername == "postgresql+psycopg"
        assert "s3cret" not in describe(url) and "me:***@" in describe(url)
    assert database_url("postgresql+psycopg2://h/db").drivername == "postgresql+psycopg2"


def _race(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """Run fn(0..n-1) in n threads released at the same moment; re-raises the first error."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        return fn(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))


def test_processes_opening_a_new_database_at_once_create_the_schema_once(pg_url: str) -> None:
    def open_and_count(_: int) -> int:
        with open_store(pg_url) as s:
            return s.stats()["schema_version"]

    assert _race(6, open_and_count) == [SCHEMA_VERSION] * 6
    engine = create_engine(database_url(pg_url))
    try:
        with engine.connect() as conn:
            assert "claims" in inspect(conn).get_table_names()
            assert conn.execute(text("select count(*) from meta")).scalar() == 1
    finally:
        engine.dispose()


def test_a_foreign_or_newer_database_is_refused(pg_url: str) -> None:
    open_store(pg_url).close()
    engine = create_engine(database_url(pg_url))
    try:
        with engine.begin() as conn:
            conn.execute(text("update meta set value = '99' where key = 'schema_version'"))
        with pytest.raises(StoreError, match="99.*newer"):
            open_store(pg_url)
        with engine.begin() as conn:
            conn.execute(text("drop table meta"))
        with pytest.raises(StoreError, match="not an alliancemap store"):
            open_store(pg_url)
    finally:
        engine.dispose()


def _article(i: int) -> Extraction:
    """A small document naming KB organizations and a news-only one shared across documents."""
    a, b = KB_NAMES[i % len(KB_NAMES)], KB_NAMES[(i + 1) % len(KB_NAMES)]
    startup = f"Startup {i % 4}"
    sentence = f"{a} invests in {startup}."
    text_ = f"{sentence} {a} and {b} partner, report {i}."
    part = text_.index(f"{a} and {b}")
    return Extraction(
        Document(text_, id=f"r{i}", url=f"https://news.test/{i}", published="2024"),
        mentions=[
            Mention(0, len(a), a, a),
            Mention(len(a) + 12, len(sentence) - 1, startup, startup),
        ],
        claims=[
            Claim(a, startup, RelationType.INVESTMENT, sentence, evidence_start=0),
            Claim(a, b, RelationType.PARTNERSHIP, f"{a} and {b} partner", evidence_start=part),
        ],
    )


def _snapshot(store: Store) -> tuple:
    claims = sorted(
        (c.document_hash or "", c.subject, c.object, c.type.value, c.evidence)
        for c in store.iter_claims()
    )
    ents = sorted((e.name, e.type.value, e.in_kb, e.aliases) for e in store.entities())
    st = store.stats()
    return claims, ents, st["documents"], st["mentions"], st["kb_claims"]


def test_writers_racing_on_the_same_documents_store_each_once(pg_url: str, tmp_path) -> None:
    articles = [_article(i) for i in range(40)]

    def write_all(seed: int) -> int:
        order = articles[:]
        random.Random(seed).shuffle(order)
        with open_store(pg_url) as s:
            if seed % 2:  # half the writers also load the KB while the others write news
                s.sync_kb(default_kb())
            return sum(s.add_extractions(order[k : k + 5]).new_documents for k in range(0, 40, 5))

    assert sum(_race(4, write_all)) == 40  # each document written by exactly one writer
    with open_store(tmp_path / "serial.db") as serial:
        serial.sync_kb(default_kb())
        serial.add_extractions(articles)
        expected = _snapshot(serial)
    with open_store(pg_url) as s:
        assert _snapshot(s) == expected
        assert s.stats()["claims"] == 80 + s.stats()["kb_claims"]


def test_nul_characters_are_stored_as_replacement_characters(pg_url: str) -> None:
    text_ = "Acme\x00 invests in Initech."
    claim = Claim("Acme", "Initech", RelationType.INVESTMENT, text_, evidence_start=0)
    ext = Extraction(Document(text_, id="nul"), claims=[claim])
    with open_store(pg_url) as s:
        assert s.add_extractions([ext]).new_documents == 1
        assert s.known_hashes([ext.document.hash]) == {ext.document.hash}  # hash of the original
        assert s.document(ext.document.hash).text == "Acme\ufffd invests in Initech."
        assert [c.evidence for c in s.claims("Acme")] == ["Acme\ufffd invests in Initech."]
