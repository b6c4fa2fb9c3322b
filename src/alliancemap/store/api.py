"""The Store: the one object the pipeline, CLI and web app use to write and query the map."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from sqlalchemy import Connection, Engine, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from alliancemap.errors import StoreError
from alliancemap.kb import KnowledgeBase
from alliancemap.model import Document, Entity, EntityType, Extraction, RelationType
from alliancemap.normalize import normalize_name
from alliancemap.store import kbsync, llm_cache, neardups, sources, write
from alliancemap.store.engine import (
    error_text,
    is_transient,
    read_connection,
    write_transaction,
)
from alliancemap.store.migrations import stored_version
from alliancemap.store.query import (
    as_of_filter,
    by_date,
    claim_select,
    parse_type,
    to_record,
)
from alliancemap.store.records import (
    BatchResult,
    BatchState,
    ClaimRecord,
    FetchRecord,
    NearDuplicateGroup,
    PartnerSummary,
    SourceState,
)
from alliancemap.store.schema import aliases, claims, documents, entities, mentions

_WRITE_ATTEMPTS = 5  # PostgreSQL may pick a transaction to abort in a deadlock
_TYPE_ORDER = {t: i for i, t in enumerate(RelationType)}


class Store:
    """A store of documents, entities and claims; open it with `open_store()`."""

    def __init__(self, engine: Engine, location: str) -> None:
        self._engine = engine
        self.location = location

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine, for read-only analyses that need their own queries."""
        return self._engine

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Store({self.location!r})"

    def close(self) -> None:
        """Release the store's connections."""
        self._engine.dispose()

    # -- writing ---------------------------------------------------------------------------

    def _write(self, what: str, fn: Any, *args: Any) -> Any:
        """Run fn(conn, *args) in one write transaction, run again after a deadlock (the
        writes are idempotent); any other database error is a StoreError."""
        for attempt in range(1, _WRITE_ATTEMPTS + 1):
            try:
                with write_transaction(self._engine) as conn:
                    return fn(conn, *args)
            except SQLAlchemyError as err:
                if attempt < _WRITE_ATTEMPTS and is_transient(err):
                    continue
                raise StoreError(
                    f"{self.location}: {what} failed, rolled back: {error_text(err)}"
                ) from err
        raise AssertionError("unreachable")

    def known_hashes(self, hashes: Iterable[str]) -> set[str]:
        """The document hashes among `hashes` already in the store (to skip them cheaply)."""
        with read_connection(self._engine) as conn:
            return write.known_hashes(conn, list(hashes))

    def add_extractions(
        self, extractions: Sequence[Extraction], state: BatchState | None = None
    ) -> BatchResult:
        """Store a batch in ONE transaction; documents already present are skipped with their
        claims. `state` (signatures, near-duplicate links, fetched URLs, source states) is
        written in the same transaction. On any error nothing of the batch is kept."""
        if state:
            return self._write("writing a batch", write.add_batch, extractions, state)
        if not extractions:
            return BatchResult()
        return self._write("writing a batch", write.add_extractions, extractions)

    def sync_kb(self, kb: KnowledgeBase) -> int:
        """Load the KB's entities, aliases and landmark facts; returns rows added (0 if in sync)."""
        return self._write("syncing the knowledge base", kbsync.sync_kb, kb)

    # -- fetched sources and near-duplicates ------------------------------------------------

    def fetch_records(self, urls: Iterable[str]) -> dict[str, FetchRecord]:
        """What is known of each URL already fetched (status, document, attempts), by URL."""
        with read_connection(self._engine) as conn:
            return sources.fetch_records(conn, list(urls))

    def source_states(self, urls: Iterable[str] | None = None) -> dict[str, SourceState]:
        """The state each source was left in by the last pass (None: every source), by URL."""
        with read_connection(self._engine) as conn:
            return sources.source_states(conn, None if urls is None else list(urls))

    def signatures(self, scheme: str) -> list[tuple[str, bytes | None, str | None]]:
        """(hash, MinHash signature or None, first copy or None) of every signed document,
        in the order the signatures were stored."""
        with read_connection(self._engine) as conn:
            return neardups.signature_rows(conn, scheme)

    def unsigned_documents(self, scheme: str) -> list[str]:
        """Hashes of the documents that have no `scheme` signature yet, in stored order."""
        with read_connection(self._engine) as conn:
            return neardups.unsigned_hashes(conn, scheme)

    def texts(self, hashes: Iterable[str]) -> dict[str, str]:
        """The text of each stored document among `hashes`, by hash."""
        with read_connection(self._engine) as conn:
            return neardups.texts(conn, list(hashes))

    # -- the LLM answer cache ---------------------------------------------------------------

    def llm_response(self, key: str) -> tuple[str, int, int] | None:
        """A cached answer (content, tokens in, tokens out) by its cache key, or None."""
        with read_connection(self._engine) as conn:
            return llm_cache.get(conn, key)

    def put_llm_response(
        self,
        key: str,
        model: str,
        prompt_version: str,
        content: str,
        tokens_in: int,
        tokens_out: int,
    ) -> None:
        """Keep one answer, in a transaction of its own (so a killed run keeps it)."""
        row = (key, model, prompt_version, content, tokens_in, tokens_out)
        self._write("caching an LLM answer", llm_cache.put, *row)

    def set_duplicates(self, links: dict[str, str | None], *, reset: bool = False) -> None:
        """Link documents to their group's first copy (None: unlink) in one transaction; with
        `reset`, every other link is dropped first."""

        def run(conn: Connection) -> None:
            if reset:
                neardups.clear_duplicates(conn)
            neardups.set_duplicates(conn, links)

        self._write("linking near-duplicates", run)

    def source_groups(self) -> dict[str, str]:
        """Document hash -> first copy of its near-duplicate group, for documents in a group.

        Documents absent from the mapping are their own source. ClaimRecord.source_group gives
        the same per claim: count an edge's independent sources by it."""
        with read_connection(self._engine) as conn:
            return neardups.source_groups(conn)

    def near_duplicate_groups(self) -> list[NearDuplicateGroup]:
        """Every group of near-duplicate documents, largest first."""
        with read_connection(self._engine) as conn:
            return neardups.groups(conn)

    # -- entities --------------------------------------------------------------------------

    def resolve(self, name: str) -> str | None:
        """Canonical entity name for a canonical name or any alias (normalised), else None."""
        if not name or not name.strip():
            return None
        with read_connection(self._engine) as conn:
            return _resolve(conn, name)

    def entities(self) -> list[Entity]:
        """Every stored entity with its alias surface forms, sorted by name."""
        with read_connection(self._engine) as conn:
            forms: dict[int, list[str]] = {}
            for eid, surface in conn.execute(
                select(aliases.c.entity_id, aliases.c.surface).order_by(aliases.c.surface)
            ):
                forms.setdefault(eid, []).append(surface)
            rows = conn.execute(select(entities).order_by(entities.c.name)).all()
        return [
            Entity(
                name=r.name,
                type=EntityType(r.type),
                aliases=tuple(f for f in forms.get(r.id, ()) if f != r.name),
                kind=r.kind,
                country=r.country,
                parent=r.parent,
                owner=r.owner,
                in_kb=bool(r.in_kb),
            )
            for r in rows
        ]

    def document(self, doc_hash: str) -> Document | None:
        """The stored document with this hash (for showing evidence in context), else None."""
        with read_connection(self._engine) as conn:
            row = conn.execute(select(documents).where(documents.c.hash == doc_hash)).first()
        if row is None:
            return None
        return Document(
            text=row.text,
            id=row.doc_id,
            source=row.source,
            url=row.url,
            title=row.title,
            published=row.published,
            author=row.author,
        )

    # -- claims ----------------------------------------------------------------------------

    def claims(
        self,
        org: str | None = None,
        other: str | None = None,
        type: RelationType | str | None = None,
        as_of: str | None = None,
        limit: int | None = None,
    ) -> list[ClaimRecord]:
        """Claims involving `org` (and `other`, either direction), by date, undated last.

        Unknown organizations give an empty list. `as_of` keeps what was known on that date.
        """
        stmt = claim_select()
        if type is not None:
            stmt = stmt.where(claims.c.type == parse_type(type).value)
        if as_of is not None:
            stmt = stmt.where(as_of_filter(as_of))
        if limit is not None:
            stmt = stmt.limit(limit)
        with read_connection(self._engine) as conn:
            for name in (org, other):
                if name is None:
                    continue
                eid = _entity_id(conn, name)
                if eid is None:
                    return []
                stmt = stmt.where(or_(claims.c.subject_id == eid, claims.c.object_id == eid))
            return [to_record(row) for row in conn.execute(by_date(stmt))]

    def partners(
        self,
        org: str,
        as_of: str | None = None,
        type: RelationType | str | None = None,
    ) -> list[PartnerSummary]:
        """`org`'s claims grouped by (partner, type, direction); by type, then most claims."""
        canonical = self.resolve(org) or org
        groups: dict[tuple[str, RelationType, str], list[ClaimRecord]] = {}
        for rec in self.claims(org=canonical, type=type, as_of=as_of):
            if rec.type.symmetric:
                direction = "both"
                partner = rec.object if rec.subject == canonical else rec.subject
            elif rec.subject == canonical:
                direction, partner = "out", rec.object
            else:
                direction, partner = "in", rec.subject
            groups.setdefault((partner, rec.type, direction), []).append(rec)
        summaries = [_summary(key, recs) for key, recs in groups.items()]
        summaries.sort(
            key=lambda s: (_TYPE_ORDER[s.type], -s.n_claims, s.partner.casefold(), s.direction)
        )
        return summaries

    def timeline(self, org: str) -> list[ClaimRecord]:
        """All of `org`'s claims in date order, undated last."""
        return self.claims(org=org)

    def evidence(self, a: str, b: str) -> list[ClaimRecord]:
        """Every claim between `a` and `b`, in either direction, by date."""
        return self.claims(org=a, other=b)

    def iter_claims(self, batch: int = 10000) -> Iterator[ClaimRecord]:
        """Every claim in insertion order, read `batch` rows at a time (for exports)."""
        last = 0
        while True:
            stmt = claim_select().where(claims.c.id > last).order_by(claims.c.id).limit(batch)
            with read_connection(self._engine) as conn:
                rows = [to_record(row) for row in conn.execute(stmt)]
            yield from rows
            if len(rows) < batch:
                return
            last = rows[-1].id

    def stats(self) -> dict[str, Any]:
        """Counts of documents, entities, organizations, products, mentions and claims."""
        count = func.count()
        with read_connection(self._engine) as conn:
            by_kind = dict(
                conn.execute(select(entities.c.type, count).group_by(entities.c.type)).all()
            )
            by_type = dict(conn.execute(select(claims.c.type, count).group_by(claims.c.type)).all())
            kb_claims = conn.execute(
                select(count).select_from(claims).where(claims.c.document_hash.is_(None))
            ).scalar_one()
            return {
                "documents": conn.execute(select(count).select_from(documents)).scalar_one(),
                "entities": sum(by_kind.values()),
                "organizations": by_kind.get(EntityType.ORGANIZATION.value, 0),
                "products": by_kind.get(EntityType.PRODUCT.value, 0),
                "kb_entities": conn.execute(
                    select(count).select_from(entities).where(entities.c.in_kb.is_(True))
                ).scalar_one(),
                "mentions": conn.execute(select(count).select_from(mentions)).scalar_one(),
                "claims": sum(by_type.values()),
                "claims_by_type": {t.value: by_type.get(t.value, 0) for t in RelationType},
                "kb_claims": kb_claims,
                "near_duplicates": neardups.count_linked(conn)[1],
                "schema_version": stored_version(conn, self.location),
            }


def _resolve(conn: Connection, name: str) -> str | None:
    """Exact KB name, else the alias's entity if in the KB, else any exact name or alias."""
    exact = conn.execute(
        select(entities.c.name, entities.c.in_kb).where(entities.c.name == name)
    ).first()
    if exact is not None and exact.in_kb:
        return exact.name
    stmt = (
        select(entities.c.name, entities.c.in_kb)
        .select_from(aliases.join(entities, aliases.c.entity_id == entities.c.id))
        .where(aliases.c.alias == normalize_name(name))
    )
    alias = conn.execute(stmt).first()
    if alias is not None and alias.in_kb:
        return alias.name
    hit = exact or alias
    return hit.name if hit is not None else None


def _entity_id(conn: Connection, name: str) -> int | None:
    """Id of the entity `name` resolves to (or is literally called), else None."""
    canonical = _resolve(conn, name) or name
    return conn.execute(select(entities.c.id).where(entities.c.name == canonical)).scalar()


def _summary(key: tuple[str, RelationType, str], recs: list[ClaimRecord]) -> PartnerSummary:
    partner, rtype, direction = key
    dates = sorted(r.date for r in recs if r.date)
    sources = {r.source_group or r.document_hash or f"kb:{r.source_name or r.id}" for r in recs}
    return PartnerSummary(
        partner=partner,
        type=rtype,
        direction=direction,
        n_claims=len(recs),
        n_documents=len(sources),
        first_date=dates[0] if dates else None,
        last_date=dates[-1] if dates else None,
        claims=tuple(recs),
    )
