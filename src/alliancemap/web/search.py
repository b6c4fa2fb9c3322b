"""Autocomplete over organization names, their aliases and products (found as their owner).

A query matches a name when it is the whole name, its start, the start of one of its words,
or anywhere in it, in that order of preference (case, accents of width and punctuation
ignored). Organizations on the map come before those without ties; then the better match,
then the one with more partners, then the shorter name.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from alliancemap.model import Entity, EntityType

_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
MAX_QUERY = 100


def fold(text: str) -> str:
    """Comparison form of a name or a query: NFKC, casefolded, punctuation as single spaces."""
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


@dataclass(frozen=True, slots=True)
class Hit:
    """One suggestion: the organization to show, and the name or alias that matched."""

    name: str
    matched: str
    via: str  # "name", "alias" or "product"
    kind: str | None
    partners: int

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "matched": self.matched,
            "via": self.via,
            "kind": self.kind,
            "partners": self.partners,
            "on_map": self.partners > 0,
        }


class SearchIndex:
    """Every searchable surface form of the store's organizations and products."""

    def __init__(self, entities: Iterable[Entity], partners: Mapping[str, int]) -> None:
        self._partners = partners
        self._rows: list[tuple[str, str, str, str, str | None]] = []  # folded, surface, ...
        for e in entities:
            if e.type == EntityType.PRODUCT:
                if e.owner:
                    for surface in (e.name, *e.aliases):
                        self._add(surface, e.owner, "product", e.kind)
                continue
            self._add(e.name, e.name, "name", e.kind)
            for alias in e.aliases:
                self._add(alias, e.name, "alias", e.kind)

    def _add(self, surface: str, target: str, via: str, kind: str | None) -> None:
        key = fold(surface)
        if key:
            self._rows.append((key, surface, target, via, kind))

    def search(self, query: str, limit: int = 10) -> list[Hit]:
        """The best `limit` organizations for `query` (empty for an empty query)."""
        q = fold(query[:MAX_QUERY])
        if not q:
            return []
        word_start = " " + q
        best: dict[str, tuple[tuple[Any, ...], Hit]] = {}
        for key, surface, target, via, kind in self._rows:
            if key == q:
                rank = 0
            elif key.startswith(q):
                rank = 1
            elif word_start in key:
                rank = 2
            elif q in key:
                rank = 3
            else:
                continue
            partners = self._partners.get(target, 0)
            order = (partners == 0, rank, via != "name", -partners, len(target), target.casefold())
            seen = best.get(target)
            if seen is None or order < seen[0]:
                best[target] = (order, Hit(target, surface, via, kind, partners))
        ranked = sorted(best.values(), key=lambda item: item[0])
        return [hit for _, hit in ranked[: max(1, limit)]]
