"""Entity resolution: map a surface form to one canonical entity.

Known names and aliases resolve to the knowledge base's canonical names through the
spec's normalisation (case, punctuation, legal suffixes, possessives). Organizations
that are not in the knowledge base keep a cleaned form of their own name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import Entity
from alliancemap.normalize import normalize_name

_TRAILING_RE = re.compile(r"(?:['\u2019]s?|[\s,.;:])+$")
_LEADING_THE_RE = re.compile(r"^(?:the|The)\s+")


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a surface form resolved to; `entity` is None for names outside the KB."""

    name: str
    entity: Entity | None


class Resolver:
    """Resolves names against a knowledge base's names and aliases."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or default_kb()
        self._index: dict[str, Entity] = {}
        for ent in list(self.kb.organizations.values()) + list(self.kb.products.values()):
            for form in (ent.name, *ent.aliases):
                self._index.setdefault(normalize_name(form), ent)

    def lookup(self, surface: str) -> Entity | None:
        """The KB entity a surface form names, or None."""
        return self._index.get(normalize_name(surface))

    def resolve(self, surface: str) -> Resolution:
        """Canonical name for a surface form: the KB's name, else the cleaned surface."""
        ent = self.lookup(surface)
        if ent is not None:
            return Resolution(ent.name, ent)
        return Resolution(clean_name(surface), None)

    def canonical(self, surface: str) -> str:
        return self.resolve(surface).name


def clean_name(surface: str) -> str:
    """Tidy an unknown organization's surface form: no possessive, no leading 'the'."""
    s = surface.strip().replace("\u2019", "'")
    s = _TRAILING_RE.sub("", s)
    s = _LEADING_THE_RE.sub("", s) if len(s.split()) > 1 else s
    return s.strip()
