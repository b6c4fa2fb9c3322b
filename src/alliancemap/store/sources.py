"""Fetched sources between passes: each source's state and each URL fetched from it.

Both tables are keyed by the sha256 of the URL, so URLs of any length fit every database.
Writes update the rows already stored, then insert the others (a row another writer inserted
meanwhile is left as it is), in the caller's transaction.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from sqlalchemy import Connection, bindparam, select

from alliancemap.store.records import FetchRecord, SourceState
from alliancemap.store.schema import fetched, source_state
from alliancemap.store.sqlutil import rows_where_in
from alliancemap.store.upsert import insert_new


def url_key(url: str) -> str:
    """The key a URL is stored under (sha256 hex of the URL)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def fetch_records(conn: Connection, urls: Iterable[str]) -> dict[str, FetchRecord]:
    """What is known of each of `urls` already fetched, by URL."""
    keys = {url_key(u): u for u in urls}
    cols = (
        fetched.c.url,
        fetched.c.status,
        fetched.c.document_hash,
        fetched.c.entry_id,
        fetched.c.lastmod,
        fetched.c.error,
        fetched.c.attempts,
        fetched.c.fetched_at,
    )
    found = {}
    for row in rows_where_in(conn, fetched.c.key, keys, *cols):
        _, url, status, doc_hash, entry_id, lastmod, error, attempts, at = row
        found[url] = FetchRecord(
            url=url,
            status=status,
            document_hash=doc_hash,
            entry_id=entry_id,
            lastmod=lastmod,
            error=error,
            attempts=attempts,
            fetched_at=at,
        )
    return found


def source_states(conn: Connection, urls: Iterable[str] | None = None) -> dict[str, SourceState]:
    """The stored state of each source among `urls` (None: every source), by URL."""
    columns = [c for c in source_state.c if c.name != "key"]
    if urls is None:
        rows: Iterable[Sequence[Any]] = (
            (None, *r) for r in conn.execute(select(*columns).order_by(source_state.c.url))
        )
    else:
        rows = rows_where_in(conn, source_state.c.key, [url_key(u) for u in urls], *columns)
    states = {}
    for row in rows:
        values = dict(zip((c.name for c in columns), row[1:], strict=True))
        states[values["url"]] = SourceState(**values)
    return states


def save_fetched(conn: Connection, records: Sequence[FetchRecord], now: str) -> None:
    """Insert or update one row per URL; `attempts` counts every attempt so far."""
    latest = {r.url: r for r in records}  # the last outcome of a URL listed twice wins
    rows = {
        url_key(url): {
            "status": r.status,
            "document_hash": r.document_hash,
            "fetched_at": now,
            "lastmod": r.lastmod,
            "error": r.error,
        }
        for url, r in latest.items()
    }
    known = {row[0] for row in rows_where_in(conn, fetched.c.key, rows)}
    updates = [{"k": key, **row} for key, row in rows.items() if key in known]
    if updates:
        values = {name: bindparam(name) for name in updates[0] if name != "k"}
        stmt = (
            fetched.update()
            .where(fetched.c.key == bindparam("k"))
            .values(**values, attempts=fetched.c.attempts + 1)
        )
        conn.execute(stmt, updates)
    inserts = [
        {
            "key": key,
            "url": latest_url,
            "source_key": url_key(r.source_url) if r.source_url else None,
            "entry_id": r.entry_id,
            "attempts": 1,
            **rows[key],
        }
        for latest_url, r in latest.items()
        if (key := url_key(latest_url)) not in known
    ]
    insert_new(conn, fetched, inserts, "key")


def save_sources(conn: Connection, states: Sequence[SourceState]) -> None:
    """Insert or replace the state of each source."""
    latest = {s.url: s for s in states}
    rows = {url_key(url): asdict(s) for url, s in latest.items()}
    known = {row[0] for row in rows_where_in(conn, source_state.c.key, rows)}
    updates = [{"k": key, **row} for key, row in rows.items() if key in known]
    if updates:
        stmt = (
            source_state.update()
            .where(source_state.c.key == bindparam("k"))
            .values({name: bindparam(name) for name in updates[0] if name != "k"})
        )
        conn.execute(stmt, updates)
    inserts = [{"key": key, **row} for key, row in rows.items() if key not in known]
    insert_new(conn, source_state, inserts, "key")
