"""Fast multi-pattern matching of knowledge-base names in text (Aho-Corasick).

Forms are matched case-sensitively as written in the KB, plus an upper-case variant for
short acronyms and a lower-case variant for names that are not ordinary words; matches
must sit on word boundaries, and the longest leftmost match wins.
"""

from __future__ import annotations

from dataclasses import dataclass

import ahocorasick

from alliancemap.kb import KnowledgeBase, default_kb
from alliancemap.model import EntityType


@dataclass(frozen=True, slots=True)
class GazetteerHit:
    start: int
    end: int
    surface: str
    name: str  # canonical name
    type: EntityType
    kind: str | None  # organization kind or product category
    owner: str | None  # product owner
    ambiguous: bool = False  # the name is also an ordinary word: weak evidence only


def _word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


class Gazetteer:
    """An automaton over every organization and product name and alias in the KB."""

    def __init__(self, kb: KnowledgeBase | None = None) -> None:
        self.kb = kb or default_kb()
        automaton = ahocorasick.Automaton()
        entries: dict[str, tuple[str, EntityType, str | None, str | None]] = {}

        def add(form: str, value: tuple[str, EntityType, str | None, str | None]) -> None:
            form = form.strip()
            if len(form) < 2 or form in entries:
                return
            entries[form] = value

        for ent in self.kb.organizations.values():
            value = (ent.name, EntityType.ORGANIZATION, ent.kind, None)
            for form in (ent.name, *ent.aliases):
                add(form, value)
                add(form.replace("'", "\u2019"), value)
        for ent in self.kb.products.values():
            value = (ent.name, EntityType.PRODUCT, ent.kind, ent.owner)
            for form in (ent.name, *ent.aliases):
                add(form, value)
                add(form.replace("'", "\u2019"), value)
        for form, value in entries.items():
            automaton.add_word(form, (len(form), value))
        automaton.make_automaton()
        self._automaton = automaton
        self._ambiguous = self.kb.ambiguous

    def find(self, text: str) -> list[GazetteerHit]:
        """All non-overlapping, word-bounded KB mentions in `text`, leftmost-longest."""
        candidates = []
        n = len(text)
        for end_idx, (length, value) in self._automaton.iter(text):
            start = end_idx - length + 1
            end = end_idx + 1
            if start > 0 and _word_char(text[start - 1]) and _word_char(text[start]):
                continue
            if end < n and _word_char(text[end]) and _word_char(text[end - 1]):
                continue
            # "Open AI-backed" is fine; "Intel-based" too; but reject a hyphen-joined
            # continuation of a capitalised word ("Mega-Intel").
            candidates.append((start, -end, value))
        candidates.sort()
        hits: list[GazetteerHit] = []
        last_end = -1
        for start, neg_end, value in candidates:
            end = -neg_end
            if start < last_end:
                continue
            name, etype, kind, owner = value
            hits.append(
                GazetteerHit(
                    start, end, text[start:end], name, etype, kind, owner, name in self._ambiguous
                )
            )
            last_end = end
        return hits
