"""Versioned schema: a new store gets the current tables, an older one is upgraded in order.

`schema.py` always describes the newest schema. When it changes, append to `UPGRADES` a
function that turns a store of the previous version into the new one (ALTER TABLE, new
tables, data moves); `migrate` runs the pending ones in a single transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from sqlalchemy import Connection, Table, inspect, select, text
from sqlalchemy.schema import CreateColumn

from alliancemap.errors import StoreError
from alliancemap.store.engine import is_postgres, lock_for_transaction
from alliancemap.store.schema import (
    claims,
    documents,
    fetched,
    llm_responses,
    meta,
    metadata,
    signatures,
    source_state,
)

Migration = Callable[[Connection], None]


def _add_column(conn: Connection, table: Table, name: str) -> None:
    """ALTER TABLE ... ADD COLUMN for `table.c[name]` as schema.py declares it (nullable)."""
    quoted = conn.dialect.identifier_preparer.format_table(table)
    column = CreateColumn(table.c[name]).compile(dialect=conn.dialect)
    conn.execute(text(f"ALTER TABLE {quoted} ADD COLUMN {column}"))


def _v2_sources_and_near_duplicates(conn: Connection) -> None:
    """Version 1 -> 2: near-duplicate links and signatures; state of fetched sources and URLs."""
    _add_column(conn, documents, "duplicate_of")
    for index in documents.indexes:
        if index.name == "ix_documents_duplicate_of":
            index.create(conn)
    for table in (signatures, source_state, fetched):
        table.create(conn)


def _v3_llm_responses(conn: Connection) -> None:
    """Version 2 -> 3: the LLM answer cache; extractor names up to 200 characters
    (PostgreSQL enforces the length, SQLite does not)."""
    llm_responses.create(conn)
    if is_postgres(conn):
        quoted = conn.dialect.identifier_preparer.format_table(claims)
        conn.execute(text(f"ALTER TABLE {quoted} ALTER COLUMN extractor TYPE VARCHAR(200)"))


# UPGRADES[i] upgrades a store of version i + 1 to version i + 2.
UPGRADES: list[Migration] = [_v2_sources_and_near_duplicates, _v3_llm_responses]
SCHEMA_VERSION = len(UPGRADES) + 1

VERSION_KEY = "schema_version"
SCHEMA_LOCK = "alliancemap:schema"


def stored_version(conn: Connection, where: str = "store") -> int | None:
    """The schema version recorded in the store, or None for an empty database."""
    tables = set(inspect(conn).get_table_names())
    if meta.name not in tables:
        if tables:
            shown = ", ".join(sorted(tables)[:5])
            raise StoreError(f"{where}: not an alliancemap store (it holds other tables: {shown})")
        return None
    value = conn.execute(select(meta.c.value).where(meta.c.key == VERSION_KEY)).scalar()
    try:
        return int(value)
    except (TypeError, ValueError):
        raise StoreError(f"{where}: store has no valid schema version ({value!r})") from None


def _set_version(conn: Connection, version: int) -> None:
    updated = conn.execute(
        meta.update().where(meta.c.key == VERSION_KEY).values(value=str(version))
    ).rowcount
    if not updated:
        conn.execute(meta.insert().values(key=VERSION_KEY, value=str(version)))


def migrate(
    conn: Connection, upgrades: Sequence[Migration] = UPGRADES, where: str = "store"
) -> int:
    """Create or upgrade the schema inside `conn`'s open transaction; returns the version.

    Holds the schema lock first, so processes opening a new store at once create it once.
    """
    target = len(upgrades) + 1
    lock_for_transaction(conn, SCHEMA_LOCK)
    version = stored_version(conn, where)
    if version is None:
        metadata.create_all(conn)
        _set_version(conn, target)
        return target
    if version > target:
        raise StoreError(
            f"{where}: store schema version {version} is newer than this alliancemap supports "
            f"({target}); upgrade alliancemap"
        )
    if version < 1:
        raise StoreError(f"{where}: store has an invalid schema version ({version})")
    for step in range(version, target):
        upgrades[step - 1](conn)
    if version != target:
        _set_version(conn, target)
    return target
