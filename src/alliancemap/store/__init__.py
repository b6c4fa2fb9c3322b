"""The store: documents, entities, mentions and claims in SQLite (default) or PostgreSQL.

`open_store()` is the way in; it creates or upgrades the schema and returns a `Store`.
"""

from __future__ import annotations

import os

from sqlalchemy.exc import SQLAlchemyError

from alliancemap.errors import StoreError
from alliancemap.store.api import Store
from alliancemap.store.engine import (
    database_url,
    describe,
    error_text,
    make_engine,
    read_connection,
    write_transaction,
)
from alliancemap.store.migrations import SCHEMA_VERSION, migrate, stored_version
from alliancemap.store.records import (
    BatchResult,
    BatchState,
    ClaimRecord,
    FetchRecord,
    NearDuplicateGroup,
    PartnerSummary,
    SourceState,
)

__all__ = [
    "SCHEMA_VERSION",
    "BatchResult",
    "BatchState",
    "ClaimRecord",
    "FetchRecord",
    "NearDuplicateGroup",
    "PartnerSummary",
    "SourceState",
    "Store",
    "open_store",
]


def _reason(err: SQLAlchemyError) -> str:
    text = error_text(err)
    if "file is not a database" in text:
        return "not an alliancemap store (the file is not a database)"
    return f"cannot open store ({text})"


def open_store(db: str | os.PathLike[str] | None = None) -> Store:
    """Open (creating or upgrading) the store at a path or SQLAlchemy URL.

    None means $ALLIANCEMAP_DB, else ./alliancemap.db. Raises StoreError naming the store.
    """
    url = database_url(db)
    where = describe(url)
    engine = make_engine(url)
    try:
        with read_connection(engine) as conn:
            current = stored_version(conn, where) == SCHEMA_VERSION
        if not current:
            with write_transaction(engine) as conn:
                migrate(conn, where=where)
    except SQLAlchemyError as err:
        engine.dispose()
        raise StoreError(f"{where}: {_reason(err)}") from None
    except StoreError:
        engine.dispose()
        raise
    return Store(engine, where)
