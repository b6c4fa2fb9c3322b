"""Writing extractions: documents, the entities they name, their mentions and claims."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection

from alliancemap.model import Entity, EntityType, Extraction, RelationType
from alliancemap.store import neardups, sources
from alliancemap.store.keys import document_claim_key
from alliancemap.store.records import BatchResult, BatchState
from alliancemap.store.schema import claims, documents, mentions
from alliancemap.store.sqlutil import rows_where_in
from alliancemap.store.upsert import ensure_entities, insert_new


def known_hashes(conn: Connection, hashes: Sequence[str]) -> set[str]:
    """The document hashes among `hashes` that are already stored."""
    return {row[0] for row in rows_where_in(conn, documents.c.hash, hashes)}


def _entity_row(name: str, type_: EntityType | str, **extra: Any) -> dict[str, Any]:
    row = {"name": name, "type": EntityType(type_).value, "kind": None, "country": None}
    row |= {"parent": None, "owner": None, "in_kb": False}
    row.update(extra)
    return row


def _entity_rows(extractions: Sequence[Extraction]) -> dict[str, dict[str, Any]]:
    """What to create for each name the extractions use; the most specific description wins."""
    rows: dict[str, dict[str, Any]] = {}
    for ext in extractions:
        for ent in ext.entities:
            rows.setdefault(ent.name, _from_entity(ent))
        for m in ext.mentions:
            rows.setdefault(m.entity, _entity_row(m.entity, m.type, owner=m.owner))
        for c in ext.claims:
            for name in (c.subject, c.object):
                rows.setdefault(name, _entity_row(name, EntityType.ORGANIZATION))
    return rows


def _from_entity(ent: Entity) -> dict[str, Any]:
    return _entity_row(
        ent.name, ent.type, kind=ent.kind, country=ent.country, parent=ent.parent, owner=ent.owner
    )


def _document_row(ext: Extraction, doc_hash: str, now: str) -> dict[str, Any]:
    doc = ext.document
    return {
        "hash": doc_hash,
        "doc_id": doc.id,
        "source": doc.source,
        "url": doc.url,
        "title": doc.title,
        "published": None if doc.published is None else str(doc.published),
        "author": doc.author,
        "ingested_at": now,
        "n_chars": len(doc.text),
        "text": doc.text,
    }


def add_extractions(conn: Connection, extractions: Sequence[Extraction]) -> BatchResult:
    """Store new documents with their entities, mentions and claims, inside `conn`'s transaction.

    Documents already stored (or repeated in the batch) are skipped together with their claims.
    """
    hashes = [ext.document.hash for ext in extractions]
    stored = known_hashes(conn, hashes)
    fresh: list[tuple[str, Extraction]] = []
    for doc_hash, ext in zip(hashes, extractions, strict=True):
        if doc_hash not in stored:
            stored.add(doc_hash)
            fresh.append((doc_hash, ext))
    skipped = len(extractions) - len(fresh)
    if not fresh:
        return BatchResult(skipped_documents=skipped)

    now = datetime.now(UTC).isoformat(timespec="seconds")
    rows = [_document_row(ext, h, now) for h, ext in fresh]
    ours = {h for (h,) in insert_new(conn, documents, rows, "hash", (documents.c.hash,))}
    if len(ours) < len(fresh):  # a concurrent writer stored some first: theirs, with claims
        skipped += len(fresh) - len(ours)
        fresh = [(h, ext) for h, ext in fresh if h in ours]
        if not fresh:
            return BatchResult(skipped_documents=skipped)
    ids = ensure_entities(conn, _entity_rows([ext for _, ext in fresh]))

    mention_rows: dict[tuple[str, int, int, int], dict[str, Any]] = {}
    claim_rows: dict[str, dict[str, Any]] = {}
    for doc_hash, ext in fresh:
        for m in ext.mentions:
            eid = ids[m.entity]
            mention_rows.setdefault(
                (doc_hash, m.start, m.end, eid),
                {
                    "document_hash": doc_hash,
                    "start": m.start,
                    "end": m.end,
                    "surface": m.surface,
                    "entity_id": eid,
                },
            )
        for c in ext.claims:
            rtype = RelationType(c.type)
            key = document_claim_key(
                doc_hash, c.subject, c.object, rtype, c.extractor, c.evidence_start, c.evidence
            )
            claim_rows.setdefault(
                key,
                {
                    "claim_key": key,
                    "document_hash": doc_hash,
                    "subject_id": ids[c.subject],
                    "object_id": ids[c.object],
                    "type": rtype.value,
                    "date": c.date,
                    "evidence": c.evidence,
                    "evidence_start": c.evidence_start,
                    "evidence_end": c.evidence_end,
                    "extractor": c.extractor,
                    "confidence": float(c.confidence),
                    "ended": bool(c.ended),
                    "end_date": None,
                    "value_usd": c.value_usd,
                    "value_text": c.value_text,
                    "source_name": None,
                    "url": None,
                },
            )
    insert_new(conn, mentions, list(mention_rows.values()), None)
    insert_new(conn, claims, list(claim_rows.values()), None)
    return BatchResult(
        new_documents=len(fresh),
        skipped_documents=skipped,
        claims_added=len(claim_rows),
        mentions_added=len(mention_rows),
    )


def add_batch(
    conn: Connection, extractions: Sequence[Extraction], state: BatchState
) -> BatchResult:
    """Store extractions and what the batch records beside them (signatures, near-duplicate
    links, fetched URLs, source states) in `conn`'s one transaction."""
    result = add_extractions(conn, extractions) if extractions else BatchResult()
    if state.signatures:
        written = neardups.save_signatures(conn, state.signatures, state.scheme)
        neardups.set_duplicates(
            conn, {h: root for h, root in state.duplicate_of.items() if h in written}
        )
    now = datetime.now(UTC).isoformat(timespec="seconds")
    if state.fetched:
        sources.save_fetched(conn, state.fetched, now)
    if state.sources:
        sources.save_sources(conn, state.sources)
    return result
