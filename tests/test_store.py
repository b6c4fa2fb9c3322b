"""The store on real SQLite files and a real PostgreSQL server: schema, migrations, writes,
KB sync and queries."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import Connection, inspect, text

from alliancemap.errors import StoreError
from alliancemap.kb import KnowledgeBase, LandmarkRelation, default_kb
from alliancemap.model import (
    Claim,
    Document,
    Entity,
    EntityType,
    Extraction,
    Mention,
    RelationType,
)
from alliancemap.store import SCHEMA_VERSION, open_store
from alliancemap.store.engine import database_url, make_engine, write_transaction
from alliancemap.store.migrations import migrate, stored_version

INV, PART, ACQ = RelationType.INVESTMENT, RelationType.PARTNERSHIP, RelationType.ACQUISITION


def org(name: str, *aliases: str, kind: str = "bigtech", parent: str | None = None) -> Entity:
    return Entity(name, EntityType.ORGANIZATION, aliases, kind=kind, parent=parent, in_kb=True)


def small_kb(relations: tuple[LandmarkRelation, ...] | None = None) -> KnowledgeBase:
    orgs = {
        e.name: e
        for e in (
            org("Microsoft", "Microsoft Corporation", "MSFT"),
            org("OpenAI", "Open AI", kind="lab"),
            org("Alphabet"),
            org("Google", "Google LLC", parent="Alphabet"),
            org("DeepMind", "Google DeepMind", kind="lab", parent="Alphabet"),
        )
    }
    products = {
        "GPT-4": Entity(
            "GPT-4", EntityType.PRODUCT, ("GPT4",), kind="model", owner="OpenAI", in_kb=True
        )
    }
    if relations is None:
        relations = (
            LandmarkRelation("Microsoft", "OpenAI", INV, "2019-07", "The New York Times"),
            LandmarkRelation(
                "Google",
                "DeepMind",
                ACQ,
                "2014-01",
                "Reuters",
                value_usd=5e8,
                url="https://x.test/a",
            ),
            LandmarkRelation(
                "Google", "OpenAI", PART, "2016", "Wired", ended=True, end_date="2018-03"
            ),
        )
    return KnowledgeBase(orgs, products, relations)


def claim(s: str, o: str, t: RelationType, text_: str, evidence: str, **kw) -> Claim:
    start = text_.index(evidence)
    return Claim(s, o, t, evidence, evidence_start=start, evidence_end=start + len(evidence), **kw)


def extraction(text_: str, published: str | None, *claims: tuple, doc_id: str = "d") -> Extraction:
    doc = Document(text=text_, id=doc_id, url=f"https://news.test/{doc_id}", published=published)
    made = [claim(s, o, t, text_, ev, **kw) for s, o, t, ev, kw in claims]
    return Extraction(doc, claims=made)


def counts(store) -> tuple:
    st = store.stats()
    return st["documents"], st["entities"], st["mentions"], st["claims"], st["kb_claims"]


@pytest.fixture
def store(store_url: str):
    """A new store on each backend (tests taking a file path are SQLite's own)."""
    with open_store(store_url) as s:
        yield s


# -- opening, schema and migrations --------------------------------------------------------


def test_new_store_has_the_schema_the_version_and_wal(tmp_path: Path) -> None:
    path = tmp_path / "map.db"
    open_store(path).close()
    raw = sqlite3.connect(path)
    try:
        tables = {r[0] for r in raw.execute("select name from sqlite_master where type='table'")}
        assert {"meta", "documents", "entities", "aliases", "mentions", "claims"} <= tables
        indexes = {r[0] for r in raw.execute("select name from sqlite_master where type='index'")}
        for name in ("ix_claims_subject", "ix_claims_object", "ix_claims_type", "ix_claims_date"):
            assert name in indexes
        assert "ix_mentions_entity" in indexes
        version = raw.execute("select value from meta where key='schema_version'").fetchone()
        assert version == (str(SCHEMA_VERSION),)
        assert raw.execute("pragma journal_mode").fetchone() == ("wal",)
    finally:
        raw.close()


def test_every_connection_gets_the_sqlite_settings(tmp_path: Path) -> None:
    with open_store(tmp_path / "map.db") as store, store.engine.connect() as conn:
        assert conn.exec_driver_sql("pragma foreign_keys").scalar() == 1
        assert conn.exec_driver_sql("pragma busy_timeout").scalar() >= 1000
        assert conn.exec_driver_sql("pragma synchronous").scalar() == 1  # NORMAL
        assert conn.exec_driver_sql("pragma journal_mode").scalar() == "wal"


def test_store_is_reopened_with_its_data(tmp_path: Path) -> None:
    path = tmp_path / "map.db"
    with open_store(path) as s:
        s.add_extractions(
            [
                extraction(
                    "Microsoft invests in OpenAI.",
                    "2023",
                    ("Microsoft", "OpenAI", INV, "Microsoft invests in OpenAI.", {}),
                )
            ]
        )
    with open_store(path) as s:
        assert counts(s)[:4] == (1, 2, 0, 1)


def test_path_url_env_var_and_default_location(tmp_path: Path, monkeypatch) -> None:
    open_store(f"sqlite:///{tmp_path / 'by-url.db'}").close()
    assert (tmp_path / "by-url.db").is_file()
    monkeypatch.setenv("ALLIANCEMAP_DB", str(tmp_path / "from-env.db"))
    open_store().close()
    assert (tmp_path / "from-env.db").is_file()
    monkeypatch.delenv("ALLIANCEMAP_DB")
    monkeypatch.chdir(tmp_path)
    open_store(None).close()
    assert (tmp_path / "alliancemap.db").is_file()


def test_unopenable_paths_raise_store_error_naming_the_path(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory") as err:
        open_store(tmp_path)
    assert str(tmp_path) in str(err.value)
    junk = tmp_path / "notes.db"
    junk.write_text("this is not a database at all, just words\n" * 200)
    with pytest.raises(StoreError, match="not an alliancemap store") as err:
        open_store(junk)
    assert str(junk) in str(err.value)
    with pytest.raises(StoreError, match="does not exist"):
        open_store(tmp_path / "missing-dir" / "map.db")


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    raw = sqlite3.connect(path)
    raw.execute("create table invoices (id integer)")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError, match="not an alliancemap store.*invoices"):
        open_store(path)


def test_a_store_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "map.db"
    open_store(path).close()
    raw = sqlite3.connect(path)
    raw.execute("update meta set value = '99' where key = 'schema_version'")
    raw.commit()
    raw.close()
    with pytest.raises(StoreError) as err:
        open_store(path)
    message = str(err.value)
    assert str(path) in message and "99" in message and "newer" in message


def _add_notes_column(conn: Connection) -> None:
    conn.execute(text("ALTER TABLE claims ADD COLUMN notes TEXT"))


def as_version_1(path: Path) -> None:
    """Turn a store into the version-1 schema (before near-duplicates and fetched sources)."""
    raw = sqlite3.connect(path)
    try:
        for table in ("signatures", "source_state", "fetched", "llm_responses"):
            raw.execute(f"drop table {table}")
        raw.execute("drop index ix_documents_duplicate_of")
        raw.execute("alter table documents drop column duplicate_of")
        raw.execute("update meta set value = '1' where key = 'schema_version'")
        raw.commit()
    finally:
        raw.close()


def test_a_v1_store_is_upgraded_in_order_and_a_failed_upgrade_rolls_back(tmp_path: Path) -> None:
    path = tmp_path / "map.db"
    with open_store(path) as s:  # a version-1 store with data in it
        s.add_extractions(
            [
                extraction(
                    "Microsoft invests in OpenAI.",
                    "2023",
                    ("Microsoft", "OpenAI", INV, "Microsoft invests in OpenAI.", {}),
                )
            ]
        )
    as_version_1(path)
    engine = make_engine(database_url(path))
    try:
        calls: list[int] = []

        def v2(conn: Connection) -> None:
            calls.append(2)
            _add_notes_column(conn)

        def v3_broken(conn: Connection) -> None:
            calls.append(3)
            conn.execute(text("CREATE TABLE half_done (id INTEGER)"))
            raise RuntimeError("step 3 failed")

        with pytest.raises(RuntimeError), write_transaction(engine) as conn:
            migrate(conn, upgrades=[v2, v3_broken])
        with engine.connect() as conn:  # everything rolled back, DDL included
            assert stored_version(conn) == 1
            assert "half_done" not in inspect(conn).get_table_names()
            assert "notes" not in {c["name"] for c in inspect(conn).get_columns("claims")}

        calls.clear()
        with write_transaction(engine) as conn:
            assert migrate(conn, upgrades=[v2]) == 2
        with write_transaction(engine) as conn:
            assert migrate(conn, upgrades=[v2]) == 2  # nothing pending: no step runs
        assert calls == [2]
        with engine.connect() as conn:
            assert stored_version(conn) == 2
            assert "notes" in {c["name"] for c in inspect(conn).get_columns("claims")}
            assert conn.execute(text("select count(*) from claims")).scalar() == 1
    finally:
        engine.dispose()
    # This version of alliancemap knows only version 1, so the upgraded store is refused.
    if SCHEMA_VERSION == 1:
        with pytest.raises(StoreError, match="newer"):
            open_store(path)


def test_version_2_adds_near_duplicate_links_and_fetch_state_keeping_the_data(
    tmp_path: Path,
) -> None:
    path = tmp_path / "map.db"
    with open_store(path) as s:
        s.add_extractions(batch_ab())
    as_version_1(path)
    with open_store(path) as s:
        assert s.stats()["schema_version"] == SCHEMA_VERSION == 3
        assert counts(s)[:4] == (2, 4, 0, 4)
        assert s.source_groups() == {} and s.source_states() == {}
        with s.engine.connect() as conn:
            tables = set(inspect(conn).get_table_names())
            columns = {c["name"] for c in inspect(conn).get_columns("documents")}
        assert {"signatures", "source_state", "fetched"} <= tables
        assert "duplicate_of" in columns
        assert {c.source_group for c in s.iter_claims()} == {
            c.document_hash for c in s.iter_claims()
        }


# -- writing -------------------------------------------------------------------------------

TEXT_A = "Microsoft invests in OpenAI. Google and DeepMind partner on research."
TEXT_B = "Google acquired DeepMind in 2014. OpenAI and Microsoft compete in search."


def batch_ab() -> list[Extraction]:
    return [
        extraction(
            TEXT_A,
            "2023-01-23",
            ("Microsoft", "OpenAI", INV, "Microsoft invests in OpenAI.", {"date": "2023-01"}),
            ("Google", "DeepMind", PART, "Google and DeepMind partner on research.", {}),
            doc_id="a",
        ),
        extraction(
            TEXT_B,
            "2023-02",
            ("Google", "DeepMind", ACQ, "Google acquired DeepMind in 2014.", {"date": "2014"}),
            (
                "OpenAI",
                "Microsoft",
                RelationType.COMPETITION,
                "OpenAI and Microsoft compete in search.",
                {"confidence": 0.7},
            ),
            doc_id="b",
        ),
    ]


def test_adding_twice_stores_once(store) -> None:
    first = store.add_extractions(batch_ab())
    assert (first.new_documents, first.skipped_documents, first.claims_added) == (2, 0, 4)
    before = counts(store)
    again = store.add_extractions(batch_ab())
    assert (again.new_documents, again.skipped_documents, again.claims_added) == (0, 2, 0)
    assert counts(store) == before
    assert store.known_hashes([Document(TEXT_A).hash, Document("never seen").hash]) == {
        Document(TEXT_A).hash
    }


def test_duplicates_within_a_batch_count_once(store) -> None:
    ext = batch_ab()[0]
    dup_claims = ext.claims + [
        ext.claims[0],  # the very same claim twice
        Claim(  # a symmetric claim with its endpoints swapped, same evidence
            "DeepMind",
            "Google",
            PART,
            ext.claims[1].evidence,
            evidence_start=ext.claims[1].evidence_start,
        ),
    ]
    doubled = Extraction(ext.document, claims=dup_claims)
    result = store.add_extractions([doubled, Extraction(Document(TEXT_A, id="again"))])
    assert (result.new_documents, result.skipped_documents, result.claims_added) == (1, 1, 2)


def test_unknown_names_become_entities_and_mentions_are_stored(store) -> None:
    text_ = "Acme Robotics uses GPT-4 from OpenAI."
    doc = Document(text_, id="m")
    ext = Extraction(
        doc,
        mentions=[
            Mention(0, 13, "Acme Robotics", "Acme Robotics"),
            Mention(19, 24, "GPT-4", "GPT-4", EntityType.PRODUCT, owner="OpenAI"),
            Mention(19, 24, "GPT-4", "GPT-4", EntityType.PRODUCT, owner="OpenAI"),  # repeated
        ],
        claims=[claim("OpenAI", "Acme Robotics", RelationType.SUPPLY, text_, text_)],
    )
    result = store.add_extractions([ext])
    assert result.mentions_added == 2
    ents = {e.name: e for e in store.entities()}
    assert ents["Acme Robotics"].type is EntityType.ORGANIZATION and not ents["Acme Robotics"].in_kb
    assert ents["GPT-4"].type is EntityType.PRODUCT and ents["GPT-4"].owner == "OpenAI"
    assert store.resolve("acme robotics inc.") == "Acme Robotics"


@pytest.mark.parametrize("bad", ["subject", "evidence"])
def test_a_failing_batch_leaves_the_store_unchanged(store, bad: str) -> None:
    store.add_extractions(batch_ab()[:1])
    before = counts(store)
    good = extraction(
        "Nvidia supplies chips to OpenAI.",
        "2023",
        ("Nvidia", "OpenAI", RelationType.SUPPLY, "Nvidia supplies chips to OpenAI.", {}),
        doc_id="good",
    )
    broken_claim = Claim("Amazon", "Anthropic", INV, "Amazon invests in Anthropic.")
    if bad == "subject":
        broken_claim = Claim(None, "Anthropic", INV, "Amazon invests in Anthropic.")  # type: ignore[arg-type]
    else:
        broken_claim = Claim("Amazon", "Anthropic", INV, None)  # type: ignore[arg-type]
    broken = Extraction(Document("Amazon invests in Anthropic.", id="bad"), claims=[broken_claim])
    with pytest.raises(StoreError, match="rolled back"):
        store.add_extractions([good, broken, batch_ab()[1]])
    assert counts(store) == before
    assert store.known_hashes([good.document.hash, broken.document.hash]) == set()
    assert store.resolve("Nvidia") is None
    assert [c.evidence for c in store.claims("Microsoft")] == ["Microsoft invests in OpenAI."]


# -- the knowledge base --------------------------------------------------------------------


def test_kb_sync_is_idempotent_and_writes_facts_with_their_source(store) -> None:
    kb = small_kb()
    assert store.sync_kb(kb) > 0
    before = counts(store)
    assert store.sync_kb(kb) == 0
    assert counts(store) == before
    assert before[4] == 3  # three KB claims
    (fact,) = store.claims("Microsoft", other="OpenAI", type="investment")
    assert (
        fact.evidence == "Microsoft investment in OpenAI (2019-07), reported by The New York Times."
    )
    assert (fact.extractor, fact.confidence, fact.source_name) == ("kb", 1.0, "The New York Times")
    assert fact.document_hash is None and fact.from_kb
    (acq,) = store.claims("DeepMind", type=ACQ)
    assert acq.value_usd == 5e8 and acq.url == "https://x.test/a"
    assert "worth $500 million" in acq.evidence
    (ended,) = store.claims("Google", other="OpenAI")
    assert ended.ended and ended.end_date == "2018-03"
    ents = {e.name: e for e in store.entities()}
    assert ents["Google"].parent == "Alphabet" and ents["Google"].in_kb
    assert ents["GPT-4"].owner == "OpenAI" and ents["GPT-4"].type is EntityType.PRODUCT
    assert "MSFT" in ents["Microsoft"].aliases


def test_kb_sync_follows_changes_to_the_kb(store) -> None:
    store.sync_kb(small_kb())
    fewer = small_kb(
        (LandmarkRelation("Microsoft", "OpenAI", INV, "2019-07", "Bloomberg", value_usd=1e9),)
    )
    store.sync_kb(fewer)
    facts = store.claims(type=INV)
    assert [(f.subject, f.object, f.source_name, f.value_usd) for f in facts] == [
        ("Microsoft", "OpenAI", "Bloomberg", 1e9)
    ]
    assert store.stats()["kb_claims"] == 1


def test_resolve_by_name_alias_and_normalised_form(store) -> None:
    store.sync_kb(small_kb())
    assert store.resolve("Microsoft") == "Microsoft"
    assert store.resolve("MSFT") == "Microsoft"
    assert store.resolve("microsoft corporation") == "Microsoft"
    assert store.resolve("Microsoft Corp.") == "Microsoft"
    assert store.resolve("Google DeepMind") == "DeepMind"
    assert store.resolve("gpt4") == "GPT-4"
    assert store.resolve("Initech") is None
    assert store.resolve("  ") is None


def test_resolve_prefers_the_kb_over_names_guessed_from_news(store) -> None:
    store.add_extractions(
        [
            extraction(
                "Google DeepMind and Acme Inc partner.",
                "2023",
                ("Google DeepMind", "Acme Inc", PART, "Google DeepMind and Acme Inc partner.", {}),
            )
        ]
    )
    assert store.resolve("Google DeepMind") == "Google DeepMind"  # before the KB is loaded
    store.sync_kb(small_kb())
    assert store.resolve("Google DeepMind") == "DeepMind"
    assert store.resolve("ACME") == "Acme Inc"  # news-only entities resolve by normalised name


def test_an_entity_seen_in_news_first_becomes_a_kb_entity(store) -> None:
    store.add_extractions(batch_ab())
    assert not {e.name: e for e in store.entities()}["Microsoft"].in_kb
    store.sync_kb(small_kb())
    assert {e.name: e for e in store.entities()}["Microsoft"].in_kb
    assert len(store.claims("MSFT")) == 3  # 2 from news + 1 KB fact, under one entity


def test_the_bundled_kb_syncs_idempotently(store) -> None:
    kb = default_kb()
    store.sync_kb(kb)
    before = counts(store)
    assert store.sync_kb(kb) == 0
    assert counts(store) == before
    assert store.stats()["kb_entities"] == len(kb.organizations) + len(kb.products)


# -- queries -------------------------------------------------------------------------------


@pytest.fixture
def mapped(store):
    store.sync_kb(small_kb())
    store.add_extractions(batch_ab())
    store.add_extractions(
        [
            extraction(
                "DeepMind and OpenAI team up. Google invests in OpenAI.",
                "2022-03-10",
                ("DeepMind", "OpenAI", PART, "DeepMind and OpenAI team up.", {}),  # undated
                ("Google", "OpenAI", INV, "Google invests in OpenAI.", {"date": "2021-06-20"}),
                doc_id="c",
            ),
            extraction(
                "Microsoft and OpenAI partner.",
                None,
                (
                    "Microsoft",
                    "OpenAI",
                    PART,
                    "Microsoft and OpenAI partner.",
                    {},
                ),  # no date at all
                doc_id="d",
            ),
        ]
    )
    return store


def _pairs(records) -> list[tuple[str, str, str, str | None]]:
    return [(r.subject, r.object, r.type.value, r.date) for r in records]


def test_partners_group_by_partner_type_and_direction(mapped) -> None:
    summary = {(p.partner, p.type.value, p.direction): p for p in mapped.partners("Open AI")}
    assert set(summary) == {
        ("DeepMind", "partnership", "both"),
        ("Google", "partnership", "both"),
        ("Microsoft", "partnership", "both"),
        ("Google", "investment", "in"),
        ("Microsoft", "investment", "in"),
        ("Microsoft", "competition", "both"),
    }
    ms = summary[("Microsoft", "investment", "in")]
    assert (ms.n_claims, ms.n_documents) == (2, 2)  # the KB fact and document a
    assert (ms.first_date, ms.last_date) == ("2019-07", "2023-01")
    kinds = [p.type for p in mapped.partners("OpenAI")]
    assert kinds == sorted(kinds, key=list(RelationType).index)
    out = mapped.partners("Google", type="acquisition")
    assert [(p.partner, p.direction, p.n_claims, p.n_documents) for p in out] == [
        ("DeepMind", "out", 2, 2)
    ]


def test_as_of_keeps_what_was_known_then(mapped) -> None:
    def at(day: str) -> set[tuple]:
        return set(_pairs(mapped.claims("OpenAI", as_of=day)))

    in_2020 = at("2020")
    assert ("Microsoft", "OpenAI", "investment", "2019-07") in in_2020
    assert ("Microsoft", "OpenAI", "investment", "2023-01") not in in_2020
    assert ("Google", "OpenAI", "investment", "2021-06-20") not in in_2020
    # Ended relation: KB partnership 2016, ended 2018-03.
    assert ("Google", "OpenAI", "partnership", "2016") in at("2017")
    assert ("Google", "OpenAI", "partnership", "2016") in at("2018")  # same year: not yet before
    assert ("Google", "OpenAI", "partnership", "2016") in at("2018-03-31")
    assert ("Google", "OpenAI", "partnership", "2016") not in at("2018-04")
    # Date prefixes: a day inside the month counts as that month.
    assert ("Google", "OpenAI", "investment", "2021-06-20") in at("2021-06")
    assert ("Google", "OpenAI", "investment", "2021-06-20") in at("2021")
    assert ("Google", "OpenAI", "investment", "2021-06-20") not in at("2021-05")
    assert ("Google", "OpenAI", "investment", "2021-06-20") not in at("2021-06-19")
    # Undated claims count from their document's publication; without one they are excluded.
    assert ("DeepMind", "OpenAI", "partnership", None) not in at("2022-02")
    assert ("DeepMind", "OpenAI", "partnership", None) in at("2022-03")
    assert ("Microsoft", "OpenAI", "partnership", None) not in at("2030")
    assert ("Microsoft", "OpenAI", "partnership", None) in set(_pairs(mapped.claims("OpenAI")))
    assert [p.partner for p in mapped.partners("OpenAI", as_of="2015")] == []


def test_timeline_is_in_date_order_with_undated_last(mapped) -> None:
    dates = [r.date for r in mapped.timeline("OpenAI")]
    known = [d for d in dates if d is not None]
    assert known == sorted(known) and known[0] == "2016"
    assert dates[len(known) :] == [None, None, None]


def test_evidence_covers_both_directions_and_points_into_the_text(mapped) -> None:
    records = mapped.evidence("OpenAI", "Microsoft")
    assert {(r.subject, r.type.value) for r in records} == {
        ("Microsoft", "investment"),
        ("OpenAI", "competition"),
        ("Microsoft", "partnership"),
    }
    assert len(records) == 4
    for r in records:
        if r.document_hash:
            doc = mapped.document(r.document_hash)
            assert doc.text[r.evidence_start : r.evidence_end] == r.evidence
            assert r.url == f"https://news.test/{r.doc_id}"


def test_filters_limits_and_unknown_organizations(mapped) -> None:
    assert {r.type for r in mapped.claims("OpenAI", type="Investment")} == {INV}
    assert len(mapped.claims("OpenAI", limit=2)) == 2
    assert mapped.claims("Initech") == []
    assert mapped.partners("Initech") == []
    assert mapped.timeline("Initech") == []
    assert mapped.evidence("OpenAI", "Initech") == []
    with pytest.raises(ValueError, match="unknown relation type"):
        mapped.claims("OpenAI", type="friendship")
    with pytest.raises(ValueError, match="YYYY"):
        mapped.claims("OpenAI", as_of="June 2020")


def test_iter_claims_pages_through_everything_in_order(mapped) -> None:
    every = mapped.claims()
    paged = list(mapped.iter_claims(batch=2))
    assert sorted(r.id for r in every) == [r.id for r in paged]
    assert len(paged) == mapped.stats()["claims"] == 10


def test_stats(mapped) -> None:
    st = mapped.stats()
    assert st["documents"] == 4
    assert st["kb_claims"] == 3
    assert st["claims_by_type"]["investment"] == 3
    assert st["claims_by_type"]["partnership"] == 4
    assert st["organizations"] == 5 and st["products"] == 1
    assert st["entities"] == 6
    assert st["schema_version"] == SCHEMA_VERSION
