"""The store's tables, in portable SQLAlchemy Core (SQLite by default, PostgreSQL too).

Entities are referenced by integer id; documents by the sha256 of their text. Every claim
carries `claim_key`, a hash of its identifying fields, so re-runs and KB syncs never duplicate
(a plain UNIQUE over columns would not catch KB claims, whose document is NULL).

Version 3 adds the language-model answer cache (`llm_responses`) and room for longer
extractor names. Version 2 adds near-duplicate links (`documents.duplicate_of`, `signatures`) and the state of
fetched sources (`source_state`, `fetched`), both keyed by the sha256 of a URL so any URL fits.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

meta = Table(
    "meta",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("value", Text, nullable=False),
)

documents = Table(
    "documents",
    metadata,
    Column("hash", String(64), primary_key=True),  # sha256 hex of text
    Column("doc_id", Text),  # the source's own id (JSONL "id", file stem)
    Column("source", Text),  # file path or URL it was read from
    Column("url", Text),
    Column("title", Text),
    Column("published", String(32)),  # "YYYY", "YYYY-MM" or "YYYY-MM-DD"
    Column("author", Text),
    Column("ingested_at", String(32), nullable=False),  # UTC ISO timestamp
    Column("n_chars", Integer, nullable=False),
    Column("text", Text, nullable=False),  # kept so evidence offsets can be checked and shown
    # hash of the first stored near-duplicate of this text (its group's source); NULL: none
    Column("duplicate_of", String(64)),
    Index("ix_documents_duplicate_of", "duplicate_of"),
)

entities = Table(
    "entities",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("name", String(300), nullable=False, unique=True),  # canonical name
    Column("type", String(20), nullable=False),  # organization, product, person, regulation
    Column("kind", String(40)),
    Column("country", String(40)),
    Column("parent", String(300)),  # canonical name of the parent organization
    Column("owner", String(300)),  # for products: canonical name of the owner
    Column("in_kb", Boolean, nullable=False, default=False),
)

aliases = Table(
    "aliases",
    metadata,
    Column("alias", String(300), primary_key=True),  # normalize_name() of the surface form
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("surface", String(300), nullable=False),
)

mentions = Table(
    "mentions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "document_hash",
        String(64),
        ForeignKey("documents.hash", ondelete="CASCADE"),
        nullable=False,
    ),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("surface", Text, nullable=False),
    Column("entity_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    UniqueConstraint("document_hash", "start", "end", "entity_id", name="uq_mentions_span"),
    Index("ix_mentions_entity", "entity_id"),
)

claims = Table(
    "claims",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("claim_key", String(64), nullable=False, unique=True),
    Column(
        "document_hash",
        String(64),
        ForeignKey("documents.hash", ondelete="CASCADE"),
        nullable=True,  # NULL for knowledge-base facts
    ),
    Column("subject_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("object_id", Integer, ForeignKey("entities.id", ondelete="CASCADE"), nullable=False),
    Column("type", String(20), nullable=False),
    Column("date", String(32)),
    Column("evidence", Text, nullable=False),
    Column("evidence_start", Integer),
    Column("evidence_end", Integer),
    Column("extractor", String(200), nullable=False),  # "llm:MODEL:PROMPT" can be long
    Column("confidence", Float, nullable=False),
    Column("ended", Boolean, nullable=False, default=False),
    Column("end_date", String(32)),
    Column("value_usd", Float),
    Column("value_text", Text),
    Column("source_name", Text),  # the publication, for knowledge-base facts
    Column("url", Text),  # the source article, for knowledge-base facts
    UniqueConstraint(
        "document_hash",
        "subject_id",
        "object_id",
        "type",
        "evidence_start",
        "extractor",
        name="uq_claims_provenance",
    ),
    Index("ix_claims_subject", "subject_id"),
    Index("ix_claims_object", "object_id"),
    Index("ix_claims_type", "type"),
    Index("ix_claims_date", "date"),
    Index("ix_claims_document", "document_hash"),
)

signatures = Table(
    "signatures",
    metadata,
    # the order signatures were added in: a group's "first copy" is its lowest id
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column(
        "document_hash",
        String(64),
        ForeignKey("documents.hash", ondelete="CASCADE"),
        nullable=False,
        unique=True,
    ),
    Column("scheme", String(60), nullable=False),  # the MinHash parameters (neardup.SCHEME)
    Column("minhash", LargeBinary),  # NULL: text too short to compare
)

source_state = Table(
    "source_state",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of the URL
    Column("url", Text, nullable=False),
    Column("kind", String(16), nullable=False),  # feed, sitemap, page
    Column("name", Text),
    Column("last_pass_at", String(32)),  # UTC ISO timestamp of the last attempt
    Column("last_ok_at", String(32)),  # ... and of the last complete success
    Column("etag", Text),  # validators saved only once every entry was stored
    Column("last_modified", Text),
    Column("content_hash", String(64)),  # pages: the text last stored
    Column("failures", Integer, nullable=False, default=0),  # consecutive failed passes
    Column("last_error", Text),
    Column("entries", Integer, nullable=False, default=0),  # entries listed at the last pass
)

fetched = Table(
    "fetched",
    metadata,
    Column("key", String(64), primary_key=True),  # sha256 of the URL
    Column("url", Text, nullable=False),
    Column("source_key", String(64)),  # the source that listed it
    Column("entry_id", Text),  # the feed's id for the entry
    Column("status", String(16), nullable=False),  # ok, failed, blocked
    Column("document_hash", String(64)),  # the stored text (possibly an earlier exact copy)
    Column("attempts", Integer, nullable=False, default=0),
    Column("fetched_at", String(32), nullable=False),  # UTC ISO timestamp of the last attempt
    Column("lastmod", String(32)),  # the sitemap's last-modified date when fetched
    Column("error", Text),
    Index("ix_fetched_source", "source_key"),
    Index("ix_fetched_document", "document_hash"),
)

# Version 3: answers of language-model servers (the `llm` extractor), keyed by
# prompt.cache_key (model, prompt version, the text sent), so no run pays twice for one.
llm_responses = Table(
    "llm_responses",
    metadata,
    Column("key", String(64), primary_key=True),
    Column("model", String(200), nullable=False),
    Column("prompt_version", String(40), nullable=False),
    Column("content", Text, nullable=False),
    Column("tokens_in", Integer, nullable=False),
    Column("tokens_out", Integer, nullable=False),
    Column("created_at", String(32), nullable=False),  # UTC ISO timestamp
)
