"""Reads and writes of the `llm_responses` table (the `llm` extractor's answer cache)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import Connection, select

from alliancemap.store.schema import llm_responses as t


def get(conn: Connection, key: str) -> tuple[str, int, int] | None:
    """(content, tokens_in, tokens_out) of the answer cached under `key`, or None."""
    row = conn.execute(
        select(t.c.content, t.c.tokens_in, t.c.tokens_out).where(t.c.key == key)
    ).first()
    return (row[0], int(row[1]), int(row[2])) if row else None


def put(
    conn: Connection,
    key: str,
    model: str,
    prompt_version: str,
    content: str,
    tokens_in: int,
    tokens_out: int,
) -> None:
    """Insert the answer unless one is cached under `key` already (first answer wins)."""
    if conn.execute(select(t.c.key).where(t.c.key == key)).first():
        return
    conn.execute(
        t.insert().values(
            key=key,
            model=model,
            prompt_version=prompt_version,
            content=content,
            tokens_in=tokens_in,
            tokens_out=tokens_out,
            created_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
    )
