"""Training material from gold records: tagger sentences and labelled candidate pairs.

A candidate takes the label of the gold relation joining its two entities whose evidence
covers its sentence; a pair related elsewhere in the passage but not here is left out of
training (neither a positive nor a clean negative). Every other candidate is a negative,
hedged statements included, since the annotators did not mark them.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from alliancemap.extract.gazetteer import Gazetteer
from alliancemap.extract.learned.candidates import Candidate, candidates
from alliancemap.extract.learned.goldspans import (
    entity_index,
    gold_spans,
    locate_evidence,
)
from alliancemap.extract.learned.labels import NONE, SYMMETRIC, encode
from alliancemap.extract.learned.mentions import DocMention, SentenceView, sentence_views
from alliancemap.extract.learned.pair_features import pair_features
from alliancemap.extract.learned.rule_hints import HintIndex, hint_features, rule_hints
from alliancemap.extract.learned.tagger import bio_labels, token_features
from alliancemap.extract.learned.windows import marked_window
from alliancemap.extract.learned.wordclusters import WordClusters
from alliancemap.extract.values import find_money
from alliancemap.extract_io import record_document
from alliancemap.normalize import normalize_name


@dataclass(slots=True)
class PairExample:
    features: list[str]
    label: str
    weight: float = 1.0
    text: str = ""  # the pair as marked text (windows.marked_window)


@dataclass(slots=True)
class RecordExamples:
    sentences: list[tuple[list[list[str]], list[str]]] = field(default_factory=list)
    pairs: list[PairExample] = field(default_factory=list)
    gold_relations: int = 0
    reachable: int = 0  # gold relations some candidate carries


def _sentence_index(views: list[SentenceView], start: int) -> int:
    for i, v in enumerate(views):
        if v.sentence.start <= start < v.sentence.end:
            return i
    return -1


def gold_mentions(
    record: dict, views: list[SentenceView], gazetteer: Gazetteer
) -> list[DocMention]:
    """Mentions from the gold spans: organizations, and KB products standing for their owner."""
    ents = record.get("entities") or []
    kb = gazetteer.kb
    out = []
    for span in gold_spans(record):
        ent = ents[span.entity]
        name = str(ent.get("name"))
        product = None
        if span.label == "PRODUCT":
            kb_product = kb.products.get(name)
            if kb_product is None or not kb_product.owner:
                continue
            product, name = name, kb_product.owner
        elif span.label != "ORG":
            continue
        org = kb.organizations.get(name)
        s = _sentence_index(views, span.start)
        if s < 0:
            continue
        surface = record["text"][span.start : span.end]
        out.append(
            DocMention(
                span.start,
                span.end,
                surface,
                "PRODUCT" if product else "ORG",
                name,
                org is not None,
                org.kind if org else None,
                s,
                1.0,
                product,
            )
        )
    return out


def pair_rows(
    cands: list[Candidate],
    views: list[SentenceView],
    mentions: list[DocMention],
    hints: HintIndex | None = None,
) -> list[list[str]]:
    """Feature rows of candidates (with `rules` hints when given), sentence context once."""
    by_sentence: dict[int, list[DocMention]] = {}
    for m in mentions:
        by_sentence.setdefault(m.sentence, []).append(m)
    money: dict[int, bool] = {}
    rows = []
    for c in cands:
        if c.sentence not in money:
            money[c.sentence] = bool(find_money(views[c.sentence].sentence.text))
        feats = pair_features(
            c, views[c.sentence], by_sentence.get(c.sentence, []), money[c.sentence]
        )
        if hints:
            feats.extend(hint_features(hints, c.sentence, c.a, c.b))
        rows.append(feats)
    return rows


def record_examples(
    record: dict,
    gazetteer: Gazetteer,
    weight: float = 1.0,
    rules: object | None = None,
    clusters: WordClusters | None = None,
) -> RecordExamples:
    """Tagger sentences and labelled pairs of one gold record (`rules`: hint extractor,
    `clusters`: word clusters for the tagger's features)."""
    text = record["text"]
    views = sentence_views(text, gazetteer)
    hints = rule_hints(record_document(record), views, rules) if rules is not None else None
    out = RecordExamples()
    spans = [(s.start, s.end, s.label) for s in gold_spans(record)]
    for v in views:
        labels = bio_labels(
            v.tokens, [sp for sp in spans if v.sentence.start <= sp[0] < v.sentence.end]
        )
        out.sentences.append((token_features(v.tokens, v.kb_tags, clusters), labels))
    mentions = gold_mentions(record, views, gazetteer)
    index = entity_index(record)
    ents = record.get("entities") or []
    canon_idx = {normalize_name(str(e.get("name"))): i for i, e in enumerate(ents)}

    def idx_of(name: str) -> int | None:
        key = normalize_name(name)
        return canon_idx.get(key, index.get(key))

    rels = []
    for rel in record.get("relations") or []:
        s, o = idx_of(str(rel["subject"])), idx_of(str(rel["object"]))
        where = locate_evidence(text, str(rel.get("evidence") or ""))
        if s is None or o is None or where is None:
            continue
        rels.append((s, o, str(rel["type"]).lower(), where))
    out.gold_relations = len(record.get("relations") or [])
    cands = candidates(mentions)
    rows = pair_rows(cands, views, mentions, hints)
    reached: set[int] = set()
    for cand, feats in zip(cands, rows, strict=True):
        ia, ib = idx_of(cand.a.canonical), idx_of(cand.b.canonical)
        sent = views[cand.sentence].sentence
        label = NONE
        skip = False
        for k, (s, o, rtype, (e0, e1)) in enumerate(rels):
            if {s, o} != {ia, ib}:
                continue
            if e0 < sent.end and sent.start < e1:
                label = encode(rtype, rtype in SYMMETRIC or s == ia)
                reached.add(k)
                break
            skip = True
        if label == NONE and skip:
            continue
        out.pairs.append(
            PairExample(feats, label, weight, marked_window(cand, views[cand.sentence]))
        )
    out.reachable = len(reached)
    return out
