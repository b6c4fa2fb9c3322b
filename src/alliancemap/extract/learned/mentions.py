"""A document's organization mentions: the tagger's spans merged with knowledge-base hits.

Each mention gets a canonical name: the KB's name where the span is a KB form, otherwise
the fullest form the document uses for it ("Quanta" after "Quanta Computer"), so later
steps count one organization once.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from alliancemap.extract.gazetteer import Gazetteer, GazetteerHit
from alliancemap.extract.learned.tagger import NameTagger, TaggedSpan
from alliancemap.extract.learned.tokens import Token, tokenize
from alliancemap.extract.sentences import Sentence, split_sentences
from alliancemap.normalize import normalize_name

_KB_LABEL = {"organization": "ORG", "product": "PRODUCT"}
_LEADING_NOISE = frozenset({"the", "The"})


@dataclass(frozen=True, slots=True)
class DocMention:
    start: int
    end: int
    surface: str
    label: str  # ORG or PRODUCT
    canonical: str  # who the mention stands for (a product's owner, when known)
    in_kb: bool
    kind: str | None  # KB organization kind, when known
    sentence: int  # index into the document's sentences
    confidence: float
    product: str | None = None  # the product named, when the mention stands for its owner


@dataclass(slots=True)
class SentenceView:
    sentence: Sentence
    tokens: list[Token]
    kb_tags: list[str]


def kb_tags(tokens: list[Token], hits: list[GazetteerHit]) -> list[str]:
    """Per-token knowledge-base tag: ORG, PRODUCT, AMB (ordinary word) or O."""
    tags = ["O"] * len(tokens)
    j = 0
    for i, tok in enumerate(tokens):
        while j < len(hits) and hits[j].end <= tok.start:
            j += 1
        if j < len(hits) and hits[j].start <= tok.start and tok.end <= hits[j].end:
            hit = hits[j]
            tags[i] = "AMB" if hit.ambiguous else _KB_LABEL.get(hit.type.value, "O")
    return tags


def sentence_views(text: str, gazetteer: Gazetteer) -> list[SentenceView]:
    """Sentences with tokens and KB tags, the tagger's input."""
    views = []
    for sent in split_sentences(text):
        tokens = tokenize(sent.text, sent.start)
        hits = [
            GazetteerHit(h.start + sent.start, h.end + sent.start, *_rest(h))
            for h in gazetteer.find(sent.text)
        ]
        views.append(SentenceView(sent, tokens, kb_tags(tokens, hits)))
    return views


def _rest(h: GazetteerHit) -> tuple:
    return (h.surface, h.name, h.type, h.kind, h.owner, h.ambiguous)


def find_mentions(
    text: str,
    views: list[SentenceView],
    tagger: NameTagger,
    gazetteer: Gazetteer,
    *,
    only: set[int] | None = None,
) -> list[DocMention]:
    """Organization (and owned product) mentions of the sentences (all, or those in `only`)."""
    raw: list[tuple[TaggedSpan, int, GazetteerHit | None]] = []
    covered: dict[int, list[tuple[int, int]]] = {}  # every span the tagger or KB gave
    for idx, view in enumerate(views):
        if only is not None and idx not in only:
            continue
        spans = tagger.tag(view.tokens, view.kb_tags)
        covered[idx] = [(sp.start, sp.end) for sp in spans]
        hits = {
            (h.start + view.sentence.start, h.end + view.sentence.start): h
            for h in gazetteer.find(view.sentence.text)
        }
        taken: list[tuple[int, int]] = []
        for span in spans:
            span = _trim(text, span)
            if span is None:
                continue
            hit = hits.get((span.start, span.end))
            if span.label in ("ORG", "PRODUCT"):
                raw.append((span, idx, hit))
                taken.append((span.start, span.end))
        # A KB organization the tagger left out, when it is not an ordinary word.
        for (a, b), hit in hits.items():
            if hit.ambiguous or any(a < y and x < b for x, y in taken):
                continue
            label = _KB_LABEL.get(hit.type.value)
            if label:
                raw.append((TaggedSpan(a, b, label, 0.5), idx, hit))
                covered[idx].append((a, b))
    raw.extend(_propagate(text, views, raw, covered))
    raw.sort(key=lambda r: r[0].start)
    return _canonicalise(text, raw, gazetteer)


PROPAGATE_CONFIDENCE = 0.8


def _propagate(
    text: str,
    views: list[SentenceView],
    raw: list[tuple[TaggedSpan, int, GazetteerHit | None]],
    covered: dict[int, list[tuple[int, int]]],
) -> list[tuple[TaggedSpan, int, None]]:
    """A name the tagger is sure of in one place is that name wherever else the document
    writes it, where nothing else was found. (Measured on a held-out fold: recall of names
    not in the KB 0.776 -> 0.785 at the same precision.)"""
    sure: dict[str, float] = {}
    for span, _, hit in raw:
        surface = text[span.start : span.end]
        if (
            hit is None
            and span.label == "ORG"
            and span.confidence >= PROPAGATE_CONFIDENCE
            and any(c.isupper() for c in surface)
        ):
            sure[surface] = max(sure.get(surface, 0.0), span.confidence)
    out: list[tuple[TaggedSpan, int, None]] = []
    for surface, conf in sorted(sure.items()):
        pattern = re.compile(r"(?<!\w)" + re.escape(surface) + r"(?!\w)")
        for idx, spans in covered.items():
            sent = views[idx].sentence
            for m in pattern.finditer(sent.text):
                a, b = m.start() + sent.start, m.end() + sent.start
                if not any(a < y and x < b for x, y in spans):
                    spans.append((a, b))
                    out.append((TaggedSpan(a, b, "ORG", conf), idx, None))
    return out


def _trim(text: str, span: TaggedSpan) -> TaggedSpan | None:
    surface = text[span.start : span.end]
    first = surface.split(" ", 1)[0]
    if first in _LEADING_NOISE and " " in surface:
        cut = len(first) + 1
        return TaggedSpan(span.start + cut, span.end, span.label, span.confidence)
    if len(surface.strip()) < 2 or not any(c.isalpha() for c in surface):
        return None
    return span


def _canonicalise(
    text: str, raw: list[tuple[TaggedSpan, int, GazetteerHit | None]], gazetteer: Gazetteer
) -> list[DocMention]:
    kb = gazetteer.kb
    # Non-KB names: a name whose words start a longer name of the document is that name.
    forms = {normalize_name(text[s.start : s.end]) for s, _, h in raw if h is None}
    longest: dict[str, str] = {}
    for form in sorted(forms, key=lambda f: (-len(f), f)):  # stable across processes
        target = next((f for f in longest.values() if f.startswith(form + " ")), None)
        longest[form] = target or form
    surface_of: dict[str, Counter] = {}
    out: list[DocMention] = []
    for span, idx, hit in raw:
        surface = text[span.start : span.end]
        if hit is not None:
            product = hit.name if hit.type.value == "product" else None
            canonical = hit.owner if product else hit.name
            if canonical is None:
                continue
            org = kb.organizations.get(canonical)
            kind = org.kind if org else None
            out.append(
                DocMention(
                    span.start,
                    span.end,
                    surface,
                    "PRODUCT" if product else "ORG",
                    canonical,
                    True,
                    kind,
                    idx,
                    span.confidence,
                    product,
                )
            )
            continue
        if span.label != "ORG":
            continue
        key = longest.get(normalize_name(surface), normalize_name(surface))
        surface_of.setdefault(key, Counter())[surface] += 1
        out.append(
            DocMention(span.start, span.end, surface, "ORG", key, False, None, idx, span.confidence)
        )
    # A non-KB organization is called by the fullest surface form the document uses.
    names = {k: max(c, key=lambda s: (len(s), c[s])) for k, c in surface_of.items()}
    return [
        m if m.in_kb else DocMention(**{**_fields(m), "canonical": names[m.canonical]}) for m in out
    ]


def _fields(m: DocMention) -> dict:
    return {f: getattr(m, f) for f in DocMention.__dataclass_fields__}
