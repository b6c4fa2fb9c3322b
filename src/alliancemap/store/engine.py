"""Where the store lives: turn a path or URL into a configured engine and open transactions.

SQLite connections get WAL, foreign keys, a busy timeout and synchronous=NORMAL on every
connect; SQLAlchemy (not the sqlite3 driver) emits BEGIN so DDL is transactional too, and
write transactions use BEGIN IMMEDIATE so concurrent writers wait instead of failing.
PostgreSQL URLs (postgresql://, postgres://) use the psycopg 3 driver; its writers run
concurrently under READ COMMITTED and rely on unique keys (see upsert.py), with a
transaction-scoped advisory lock where a step must run alone (schema, KB sync).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, SQLAlchemyError

from alliancemap.errors import StoreError

DEFAULT_DB = "alliancemap.db"
PG_DRIVER = "postgresql+psycopg"
_PG_SCHEMES = ("postgresql", "postgres")
ENV_VAR = "ALLIANCEMAP_DB"
BUSY_TIMEOUT_MS = 30_000
_WRITE_OPTION = "alliancemap_write"
_TRANSIENT = {"40P01", "40001"}  # PostgreSQL: deadlock detected, serialization failure
_SQLITE_PRAGMAS = (
    f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}",
    "PRAGMA journal_mode = WAL",
    "PRAGMA synchronous = NORMAL",
    "PRAGMA foreign_keys = ON",
)


def database_url(db: str | os.PathLike[str] | None = None) -> URL:
    """The store's URL: `db` as a URL or SQLite path, else $ALLIANCEMAP_DB, else ./alliancemap.db."""
    if db is None:
        db = os.environ.get(ENV_VAR) or DEFAULT_DB
    where = os.fspath(db)
    if "://" in where:
        try:
            url = make_url(where)
        except ArgumentError as err:
            raise StoreError(f"{where}: not a database URL ({err})") from None
        if url.drivername in _PG_SCHEMES:  # the bare scheme would mean psycopg2
            url = url.set(drivername=PG_DRIVER)
        return url
    return URL.create("sqlite+pysqlite", database=where)


def is_postgres(conn: Connection | Engine) -> bool:
    """Whether `conn` talks to PostgreSQL (else SQLite)."""
    return conn.dialect.name == "postgresql"


def lock_for_transaction(conn: Connection, name: str) -> None:
    """Hold the lock called `name` until `conn`'s transaction ends, so a step runs alone.

    PostgreSQL: a transaction-scoped advisory lock. SQLite needs none: a write transaction
    (BEGIN IMMEDIATE) already excludes every other writer.
    """
    if is_postgres(conn):
        key = int.from_bytes(hashlib.sha256(name.encode()).digest()[:8], "big", signed=True)
        conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


def is_transient(err: SQLAlchemyError) -> bool:
    """Whether `err` is a conflict between transactions that running it again resolves."""
    return getattr(getattr(err, "orig", None), "sqlstate", None) in _TRANSIENT


def describe(url: URL) -> str:
    """How to name the store in messages: the file path for SQLite, the URL without password."""
    if url.get_backend_name() == "sqlite" and url.database:
        return url.database
    return url.render_as_string(hide_password=True)


def error_text(err: BaseException) -> str:
    """The first line of a database error's message, without SQLAlchemy's decorations."""
    orig = getattr(err, "orig", None) or err
    message = str(orig).strip()
    return message.splitlines()[0] if message else type(orig).__name__


def _check_sqlite_path(url: URL) -> None:
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        return
    path = Path(url.database)
    if path.is_dir():
        raise StoreError(f"{path}: is a directory, not a store file")
    parent = path.parent
    if not parent.is_dir():
        raise StoreError(f"{path}: directory {parent} does not exist")


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record) -> None:
        dbapi_conn.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_conn.cursor()
        try:
            for pragma in _SQLITE_PRAGMAS:
                cursor.execute(pragma)
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        write = conn.get_execution_options().get(_WRITE_OPTION, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def make_engine(url: URL) -> Engine:
    """An engine for `url`, with the SQLite settings applied to each new connection."""
    backend = url.get_backend_name()
    if backend == "sqlite":
        _check_sqlite_path(url)
    options = {"pool_pre_ping": True} if backend == "postgresql" else {}
    try:
        engine = create_engine(url, **options)
    except (ArgumentError, ImportError) as err:
        raise StoreError(f"{describe(url)}: cannot use this database ({err})") from None
    if backend == "sqlite":
        _configure_sqlite(engine)
    return engine


@contextmanager
def write_transaction(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed on success, rolled back on any exception (even ^C)."""
    with engine.connect() as conn:
        conn.execution_options(**{_WRITE_OPTION: True})
        with conn.begin():
            yield conn


@contextmanager
def read_connection(engine: Engine) -> Iterator[Connection]:
    """A connection for reads; its implicit transaction is rolled back on close."""
    with engine.connect() as conn:
        yield conn
