"""Where a gold record's entities and evidence sit in its text.

Gold files name entities (with aliases) and quote evidence, but give no offsets; training
needs spans, so each form is located on word boundaries, longest forms first.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliancemap.normalize import normalize_name


@dataclass(frozen=True, slots=True)
class GoldSpan:
    start: int
    end: int
    label: str  # ORG, PRODUCT or PERSON
    entity: int  # index into the record's entities


_LABELS = {"organization": "ORG", "product": "PRODUCT", "person": "PERSON"}


def entity_forms(entity: dict) -> list[str]:
    """An entity's name and aliases, without blanks or duplicates."""
    forms = [entity.get("name") or ""] + list(entity.get("aliases") or [])
    seen: dict[str, None] = {}
    for form in forms:
        form = str(form).strip()
        if len(form) >= 2:
            seen.setdefault(form, None)
    return list(seen)


def gold_spans(record: dict) -> list[GoldSpan]:
    """Non-overlapping spans of every gold entity form in the record's text, longest first."""
    text = record["text"]
    found: list[tuple[int, int, str, int]] = []
    for idx, ent in enumerate(record.get("entities") or []):
        label = _LABELS.get(str(ent.get("type", "")).lower())
        if label is None:
            continue
        for form in entity_forms(ent):
            pattern = r"(?<!\w)" + re.escape(form) + r"(?!\w)"
            for m in re.finditer(pattern, text):
                found.append((m.start(), m.end(), label, idx))
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken: list[tuple[int, int]] = []
    spans: list[GoldSpan] = []
    for start, end, label, idx in found:
        if any(start < b and a < end for a, b in taken):
            continue
        taken.append((start, end))
        spans.append(GoldSpan(start, end, label, idx))
    spans.sort(key=lambda s: s.start)
    return spans


def entity_index(record: dict) -> dict[str, int]:
    """Normalised form -> entity index, so a name in a relation finds its entity."""
    index: dict[str, int] = {}
    for idx, ent in enumerate(record.get("entities") or []):
        for form in entity_forms(ent):
            index.setdefault(normalize_name(form), idx)
    return index


def locate_evidence(text: str, evidence: str) -> tuple[int, int] | None:
    """The character span of a quoted evidence in the text (whitespace-tolerant)."""
    i = text.find(evidence)
    if i >= 0:
        return i, i + len(evidence)
    words = evidence.split()
    if not words:
        return None
    pattern = r"\s+".join(re.escape(w) for w in words)
    m = re.search(pattern, text)
    return (m.start(), m.end()) if m else None
