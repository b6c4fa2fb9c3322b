"""Entities and aliases: find them by canonical name, create the missing ones."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import Connection

from alliancemap.normalize import normalize_name
from alliancemap.store.schema import aliases, entities
from alliancemap.store.sqlutil import rows_where_in


def entity_ids(conn: Connection, names: Iterable[str]) -> dict[str, int]:
    """Ids of the stored entities among `names`."""
    return {name: eid for name, eid in rows_where_in(conn, entities.c.name, names, entities.c.id)}


def ensure_entities(conn: Connection, rows: Mapping[str, Mapping[str, Any]]) -> dict[str, int]:
    """Ids for every name in `rows`, inserting the missing entities (existing ones untouched).

    New entities also get their normalised name as an alias, unless that alias is taken.
    """
    ids = entity_ids(conn, rows)
    missing = [dict(row) for name, row in rows.items() if name not in ids]
    if missing:
        conn.execute(entities.insert(), missing)
        ids.update(entity_ids(conn, [row["name"] for row in missing]))
        add_missing_aliases(
            conn, ((normalize_name(r["name"]), ids[r["name"]], r["name"]) for r in missing)
        )
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
    if new:
        conn.execute(aliases.insert(), new)
    return len(new)
