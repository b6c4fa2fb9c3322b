"""Inserts that tolerate rows already stored, and entities/aliases found or created by name.

This is the one place that knows the SQL dialects apart for writing. Every insert of a keyed
row is INSERT ... ON CONFLICT DO NOTHING, so two writers racing on PostgreSQL (READ COMMITTED)
never fail on, nor duplicate, a document, entity, alias or claim: the loser waits for the
winner's commit and skips the row. Rows go in key order, so racing writers take their locks
in the same order and do not deadlock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from sqlalchemy import Column, Connection, Row, Table
from sqlalchemy.dialects import postgresql, sqlite

from alliancemap.normalize import normalize_name
from alliancemap.store.engine import is_postgres
from alliancemap.store.schema import aliases, entities
from alliancemap.store.sqlutil import rows_where_in

_NUL, _REPLACEMENT = "\x00", "\ufffd"


def _pg_text(rows: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows with NUL characters (which PostgreSQL text cannot hold) replaced, offsets kept."""
    return [
        {
            k: v.replace(_NUL, _REPLACEMENT) if isinstance(v, str) and _NUL in v else v
            for k, v in r.items()
        }
        for r in rows
    ]


def insert_new(
    conn: Connection,
    table: Table,
    rows: Sequence[Mapping[str, Any]],
    key: str | None,
    returning: Sequence[Column[Any]] = (),
) -> list[Row[Any]]:
    """Insert `rows` (in `key` order, if given), skipping any whose unique key is taken, even by
    a writer committing meanwhile; returns `returning` of the rows this call inserted.

    Rows only this transaction can write (a new document's claims) may keep their order.
    """
    if not rows:
        return []
    ordered = [dict(r) for r in rows]
    if key is not None:
        ordered.sort(key=lambda r: (r[key] is None, r[key]))
    if is_postgres(conn):
        stmt = postgresql.insert(table).on_conflict_do_nothing()
        ordered = _pg_text(ordered)
    else:
        stmt = sqlite.insert(table).on_conflict_do_nothing()
    if not returning:
        conn.execute(stmt, ordered)
        return []
    return list(conn.execute(stmt.returning(*returning), ordered))


def entity_ids(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of the stored entities among `names`."""
    return {name: eid for name, eid in rows_where_in(conn, entities.c.name, names, entities.c.id)}


def ensure_entities(conn: Connection, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Ids for every name in `rows`, inserting the missing entities (existing ones untouched).

    New entities also get their normalised name as an alias, unless that alias is taken.
    An entity another writer created meanwhile is used as it is.
    """
    ids = entity_ids(conn, rows)
    missing = [row for name, row in rows.items() if name not in ids]
    created = insert_new(conn, entities, missing, "name", (entities.c.name, entities.c.id))
    ids.update({name: eid for name, eid in created})
    raced = [row["name"] for row in missing if row["name"] not in ids]
    if raced:  # committed by a concurrent writer after our first look
        ids.update(entity_ids(conn, raced))
    add_missing_aliases(conn, ((normalize_name(name), eid, name) for name, eid in created))
    return ids


def add_missing_aliases(conn: Connection, triples: Iterable[tuple[str, int, str]]) -> int:
    """Insert (alias, entity id, surface) rows whose alias is not stored yet; returns the count."""
    wanted: dict[str, tuple[int, str]] = {}
    for alias, eid, surface in triples:
        if alias:
            wanted.setdefault(alias, (eid, surface))
    taken = {row[0] for row in rows_where_in(conn, aliases.c.alias, wanted)}
    new = [
        {"alias": a, "entity_id": eid, "surface": surface}
        for a, (eid, surface) in wanted.items()
        if a not in taken
    ]
    return len(insert_new(conn, aliases, new, "alias", (aliases.c.alias,)))
