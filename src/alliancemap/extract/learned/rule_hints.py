"""The `rules` extractor's verdicts as hints for the classifier.

The classifier learns from the training passages how far to trust a pattern match, so the
hand-written rules add what they know without deciding alone: a hint is the type and
direction `rules` claimed for a pair in a sentence.
"""

from __future__ import annotations

from alliancemap.extract.learned.mentions import DocMention, SentenceView
from alliancemap.model import Document
from alliancemap.normalize import normalize_name

HintIndex = dict[tuple[int, str, str], set[str]]


def _sentence_of(views: list[SentenceView], offset: int | None) -> int:
    if offset is None:
        return -1
    for i, v in enumerate(views):
        if v.sentence.start <= offset < v.sentence.end:
            return i
    return -1


def rule_hints(document: Document, views: list[SentenceView], rules: object) -> HintIndex:
    """(sentence, subject, object) -> the relation types `rules` claims there."""
    hints: HintIndex = {}
    for claim in rules.extract(document).claims:  # type: ignore[attr-defined]
        s = _sentence_of(views, claim.evidence_start)
        if s < 0:
            continue
        key = (s, normalize_name(claim.subject), normalize_name(claim.object))
        hints.setdefault(key, set()).add(claim.type.value)
    return hints


def _names(m: DocMention) -> set[str]:
    return {normalize_name(m.canonical), normalize_name(m.surface)}


def hint_features(hints: HintIndex, sentence: int, a: DocMention, b: DocMention) -> list[str]:
    """Hint features of a pair: `rule>T` when `rules` made `a` the subject, `rule<T` for `b`."""
    if not hints:
        return []
    feats = []
    for x in _names(a):
        for y in _names(b):
            feats.extend(f"rule>{t}" for t in hints.get((sentence, x, y), ()))
            feats.extend(f"rule<{t}" for t in hints.get((sentence, y, x), ()))
    return sorted(set(feats))
