"""Small helpers for portable bulk SQL: IN queries split into chunks the database accepts."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, TypeVar

from sqlalchemy import Column, Connection, select

T = TypeVar("T")

CHUNK = 500  # well under SQLite's and PostgreSQL's bound-parameter limits


def chunked(items: Iterable[T], size: int = CHUNK) -> Iterator[list[T]]:
    """Consecutive lists of at most `size` items."""
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


def rows_where_in(
    conn: Connection, key: Column[Any], values: Iterable[Any], *columns: Column[Any]
) -> Iterator[Sequence[Any]]:
    """Rows (key, *columns) of key's table whose key is one of `values`, in chunked IN queries."""
    unique = list(dict.fromkeys(values))
    for chunk in chunked(unique):
        yield from conn.execute(select(key, *columns).where(key.in_(chunk)))
