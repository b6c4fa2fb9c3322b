"""The response cache: an answer once paid for is never asked for again.

Keyed by `prompt.cache_key` (model, prompt version, publication date and the text sent).
`FileCache` is a small SQLite file (for `extract` and `label`); the store keeps the same rows
in its `llm_responses` table (for `ingest`, `update` and `watch`), see `StoreCache`.
Only answers are kept: never the server's address or the key.
"""

from __future__ import annotations

import sqlite3
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from alliancemap.errors import AllianceMapError


@dataclass(frozen=True, slots=True)
class CachedAnswer:
    """One stored answer and what it cost when it was paid for."""

    content: str
    tokens_in: int
    tokens_out: int


class ResponseCache(Protocol):
    def get(self, key: str) -> CachedAnswer | None: ...

    def put(self, key: str, model: str, prompt_version: str, answer: CachedAnswer) -> None: ...


_SCHEMA = """
CREATE TABLE IF NOT EXISTS llm_responses (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    content TEXT NOT NULL,
    tokens_in INTEGER NOT NULL,
    tokens_out INTEGER NOT NULL,
    created_at TEXT NOT NULL
)
"""


class FileCache:
    """The cache in a SQLite file of its own; created with its directory on first use."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, timeout=30)
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute(_SCHEMA)
            self._conn.commit()
        except (OSError, sqlite3.Error) as err:
            raise AllianceMapError(f"{self.path}: cannot use as LLM cache ({err})") from None
        self._lock = threading.Lock()

    def get(self, key: str) -> CachedAnswer | None:
        with self._lock:
            row = self._conn.execute(
                "SELECT content, tokens_in, tokens_out FROM llm_responses WHERE key = ?", (key,)
            ).fetchone()
        return CachedAnswer(*row) if row else None

    def put(self, key: str, model: str, prompt_version: str, answer: CachedAnswer) -> None:
        with self._lock:
            self._conn.execute(
                "INSERT OR REPLACE INTO llm_responses VALUES (?, ?, ?, ?, ?, ?, ?)",
                (
                    key,
                    model,
                    prompt_version,
                    answer.content,
                    answer.tokens_in,
                    answer.tokens_out,
                    time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                ),
            )
            self._conn.commit()

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class StoreCache:
    """The cache in the store's `llm_responses` table; each answer is its own transaction,
    so a killed run keeps every answer it received."""

    def __init__(self, store: Any) -> None:
        self.store = store

    def get(self, key: str) -> CachedAnswer | None:
        row = self.store.llm_response(key)
        return CachedAnswer(*row) if row else None

    def put(self, key: str, model: str, prompt_version: str, answer: CachedAnswer) -> None:
        self.store.put_llm_response(
            key, model, prompt_version, answer.content, answer.tokens_in, answer.tokens_out
        )
