"""What an LLM run did and cost, counted across threads: tokens, requests, cache hits, and
what was dropped by reason."""

from __future__ import annotations

import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import Any


@dataclass
class LLMStats:
    """Running totals of one run (shared by the extractor and whoever shows progress)."""

    documents: int = 0  # documents finished (kept or dropped)
    requests: int = 0  # answers received from the server
    retries: int = 0  # attempts repeated after a 429, a 5xx, a timeout or a lost connection
    cache_hits: int = 0  # answers taken from the cache instead
    tokens_in: int = 0  # paid for in this run (cache hits cost nothing)
    tokens_out: int = 0
    relations: int = 0  # relations kept after verification and merging
    merged: int = 0  # duplicates merged (across chunks, or repeated by the model)
    documents_dropped: Counter[str] = field(default_factory=Counter)
    relations_dropped: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    @property
    def tokens(self) -> int:
        return self.tokens_in + self.tokens_out

    def add(self, **counts: int) -> None:
        """Add to counters by name, atomically."""
        with self._lock:
            for name, n in counts.items():
                setattr(self, name, getattr(self, name) + n)

    def drop(self, what: str, reasons: Counter[str] | dict[str, int]) -> None:
        """Count dropped documents or relations by reason."""
        with self._lock:
            getattr(self, f"{what}_dropped").update(reasons)

    def to_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "documents": self.documents,
                "requests": self.requests,
                "retries": self.retries,
                "cache_hits": self.cache_hits,
                "tokens_in": self.tokens_in,
                "tokens_out": self.tokens_out,
                "relations": self.relations,
                "merged": self.merged,
                "documents_dropped": dict(self.documents_dropped),
                "relations_dropped": dict(self.relations_dropped),
            }

    def progress_text(self) -> str:
        """A short line for a progress bar."""
        return f"{self.tokens:,} tokens, {self.cache_hits:,} cached"
