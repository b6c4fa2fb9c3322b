"""Mirror the curated knowledge base into the store: entities, aliases and landmark facts.

Idempotent: a second sync with the same KB adds and changes nothing. KB data wins over what
extraction guessed (an entity first seen in a document becomes in_kb once the KB lists it).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, and_, select

from alliancemap.kb import KnowledgeBase, LandmarkRelation
from alliancemap.model import Entity, RelationType
from alliancemap.normalize import normalize_name
from alliancemap.store.engine import lock_for_transaction
from alliancemap.store.keys import kb_claim_key
from alliancemap.store.schema import aliases, claims, entities
from alliancemap.store.sqlutil import chunked, rows_where_in
from alliancemap.store.upsert import entity_ids, insert_new

KB_EXTRACTOR = "kb"
KB_LOCK = "alliancemap:kb"

_PHRASES = {
    RelationType.PARTNERSHIP: "{s} partnership with {o}",
    RelationType.INVESTMENT: "{s} investment in {o}",
    RelationType.ACQUISITION: "{s} acquisition of {o}",
    RelationType.SUPPLY: "{s} supplying {o}",
    RelationType.MEMBERSHIP: "{s} membership of {o}",
    RelationType.COMPETITION: "{s} competition with {o}",
    RelationType.LITIGATION: "{s} lawsuit against {o}",
    RelationType.INVESTIGATION: "{s} investigation of {o}",
}
_ENTITY_FIELDS = ("type", "kind", "country", "parent", "owner", "in_kb")
_CLAIM_FIELDS = ("evidence", "ended", "end_date", "value_usd", "source_name", "url")


def _money(value: float) -> str:
    for unit, size in (("trillion", 1e12), ("billion", 1e9), ("million", 1e6)):
        if value >= size:
            return f"${value / size:.3g} {unit}"
    return f"${value:,.0f}"


def kb_evidence(rel: LandmarkRelation) -> str:
    """The sentence shown as evidence for a KB fact, e.g.
    "Microsoft investment in OpenAI (2019-07), reported by The New York Times."."""
    text = _PHRASES[rel.type].format(s=rel.subject, o=rel.object)
    if rel.value_usd:
        text += f" worth {_money(rel.value_usd)}"
    when = rel.date
    if rel.ended:
        when += f", ended {rel.end_date}" if rel.end_date else ", since ended"
    return f"{text} ({when}), reported by {rel.source}."


def _entity_row(ent: Entity) -> dict[str, Any]:
    return {
        "name": ent.name,
        "type": ent.type.value,
        "kind": ent.kind,
        "country": ent.country,
        "parent": ent.parent,
        "owner": ent.owner,
        "in_kb": True,
    }


def _sync_entities(conn: Connection, kb: KnowledgeBase) -> int:
    wanted = {e.name: _entity_row(e) for e in (*kb.organizations.values(), *kb.products.values())}
    cols = [entities.c[f] for f in ("id", "name", *_ENTITY_FIELDS)]
    current = {row.name: row for row in conn.execute(select(*cols))}
    new = [row for name, row in wanted.items() if name not in current]
    created = {name for (name,) in insert_new(conn, entities, new, "name", (entities.c.name,))}
    raced = [row["name"] for row in new if row["name"] not in created]
    others = [entities.c[f] for f in ("id", *_ENTITY_FIELDS)]
    current |= {row.name: row for row in rows_where_in(conn, entities.c.name, raced, *others)}
    for name, row in wanted.items():
        old = current.get(name)
        if old is not None and any(getattr(old, f) != row[f] for f in _ENTITY_FIELDS):
            conn.execute(entities.update().where(entities.c.id == old.id).values(**row))
    dropped = [r.id for name, r in current.items() if r.in_kb and name not in wanted]
    for chunk in chunked(dropped):
        conn.execute(entities.update().where(entities.c.id.in_(chunk)).values(in_kb=False))
    return len(created)


def _sync_aliases(conn: Connection, kb: KnowledgeBase) -> int:
    ids = entity_ids(conn, [*kb.organizations, *kb.products])
    wanted: dict[str, tuple[int, str]] = {}
    for ent in (*kb.organizations.values(), *kb.products.values()):
        for form in (ent.name, *ent.aliases):
            key = normalize_name(form)
            if key:
                wanted.setdefault(key, (ids[ent.name], form))
    current = {row.alias: row for row in conn.execute(select(aliases))}
    new = [
        {"alias": a, "entity_id": eid, "surface": form}
        for a, (eid, form) in wanted.items()
        if a not in current
    ]
    created = {a for (a,) in insert_new(conn, aliases, new, "alias", (aliases.c.alias,))}
    raced = [row["alias"] for row in new if row["alias"] not in created]
    cols = (aliases.c.entity_id, aliases.c.surface)
    current |= {row.alias: row for row in rows_where_in(conn, aliases.c.alias, raced, *cols)}
    for a, (eid, form) in wanted.items():
        old = current.get(a)
        if old is not None and (old.entity_id, old.surface) != (eid, form):
            stmt = aliases.update().where(aliases.c.alias == a)
            conn.execute(stmt.values(entity_id=eid, surface=form))
    return len(created)


def _claim_row(rel: LandmarkRelation, ids: dict[str, int]) -> dict[str, Any]:
    return {
        "claim_key": kb_claim_key(rel.subject, rel.object, rel.type, rel.date),
        "document_hash": None,
        "subject_id": ids[rel.subject],
        "object_id": ids[rel.object],
        "type": rel.type.value,
        "date": rel.date,
        "evidence": kb_evidence(rel),
        "evidence_start": None,
        "evidence_end": None,
        "extractor": KB_EXTRACTOR,
        "confidence": 1.0,
        "ended": rel.ended,
        "end_date": rel.end_date,
        "value_usd": rel.value_usd,
        "value_text": _money(rel.value_usd) if rel.value_usd else None,
        "source_name": rel.source,
        "url": rel.url,
    }


def _sync_claims(conn: Connection, kb: KnowledgeBase) -> int:
    ids = entity_ids(conn, kb.organizations)
    wanted: dict[str, dict[str, Any]] = {}
    for rel in kb.relations:
        row = _claim_row(rel, ids)
        wanted.setdefault(row["claim_key"], row)
    is_kb = and_(claims.c.extractor == KB_EXTRACTOR, claims.c.document_hash.is_(None))
    cols = [claims.c[f] for f in ("id", "claim_key", *_CLAIM_FIELDS)]
    current = {row.claim_key: row for row in conn.execute(select(*cols).where(is_kb))}
    new = [row for key, row in wanted.items() if key not in current]
    if new:
        conn.execute(claims.insert(), new)
    for key, row in wanted.items():
        old = current.get(key)
        if old is not None and any(getattr(old, f) != row[f] for f in _CLAIM_FIELDS):
            values = {f: row[f] for f in (*_CLAIM_FIELDS, "value_text")}
            conn.execute(claims.update().where(claims.c.id == old.id).values(**values))
    stale = [row.id for key, row in current.items() if key not in wanted]
    for chunk in chunked(stale):
        conn.execute(claims.delete().where(claims.c.id.in_(chunk)))
    return len(new)


def sync_kb(conn: Connection, kb: KnowledgeBase) -> int:
    """Bring the store in line with `kb` inside `conn`'s transaction; returns rows added.

    Syncs run one at a time (the KB lock); entities and aliases that ingest creates meanwhile
    are taken over, not duplicated.
    """
    lock_for_transaction(conn, KB_LOCK)
    return _sync_entities(conn, kb) + _sync_aliases(conn, kb) + _sync_claims(conn, kb)
