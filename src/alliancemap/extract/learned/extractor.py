"""The `learned` extractor: tagger finds organizations, the classifier reads each pair."""

from __future__ import annotations

import os
from pathlib import Path

from alliancemap.extract.dates import find_dates, parse_published
from alliancemap.extract.gazetteer import Gazetteer
from alliancemap.extract.learned.calibration import calibrate as calibrated
from alliancemap.extract.learned.candidates import candidates
from alliancemap.extract.learned.examples import pair_rows
from alliancemap.extract.learned.labels import CLASSES, decode
from alliancemap.extract.learned.mentions import find_mentions, sentence_views
from alliancemap.extract.learned.model_dir import (
    DEFAULT_MODEL_DIR,
    RELATIONS_FILE,
    TAGGER_FILE,
    read_meta,
)
from alliancemap.extract.learned.relation_model import RelationModel
from alliancemap.extract.learned.rule_hints import rule_hints
from alliancemap.extract.learned.tagger import NameTagger
from alliancemap.extract.learned.wordclusters import CLUSTERS_FILE, WordClusters
from alliancemap.extract.values import find_money
from alliancemap.kb import KnowledgeBase
from alliancemap.model import Claim, Document, Entity, EntityType, Extraction, Mention
from alliancemap.model import RelationType as RT
from alliancemap.registry import register_extractor

_VALUED = frozenset({RT.INVESTMENT, RT.ACQUISITION})


class LearnedExtractor:
    """Extractor trained on annotated passages (see `alliancemap train`)."""

    name = "learned"

    def __init__(
        self,
        model_dir: str | Path | None = None,
        kb: KnowledgeBase | None = None,
        threshold: float | None = None,
        calibrate: bool = True,
    ) -> None:
        env = os.environ.get("ALLIANCEMAP_LEARNED_MODEL")
        self.model_dir = Path(model_dir or env or DEFAULT_MODEL_DIR)
        self.meta = read_meta(self.model_dir)
        clusters_path = self.model_dir / CLUSTERS_FILE
        clusters = WordClusters.load(clusters_path) if clusters_path.is_file() else None
        self.tagger = NameTagger(self.model_dir / TAGGER_FILE, clusters)
        self.relations = RelationModel.load(self.model_dir / RELATIONS_FILE)
        self.gazetteer = Gazetteer(kb)
        self.threshold = float(threshold if threshold is not None else self.meta["threshold"])
        self.curve = self.meta.get("calibration") if calibrate else None
        self.rules = None
        if self.meta.get("rule_hints"):
            from alliancemap.extract.rules import RulesExtractor

            self.rules = RulesExtractor(self.gazetteer.kb)

    def extract(self, document: Document) -> Extraction:
        text = document.text
        published = parse_published(document.published)
        views = sentence_views(text, self.gazetteer)
        mentions = find_mentions(text, views, self.tagger, self.gazetteer)
        cands = candidates(mentions)
        hints = rule_hints(document, views, self.rules) if self.rules and cands else None
        probs = self.relations.proba(pair_rows(cands, views, mentions, hints))
        best: dict[tuple, Claim] = {}
        for cand, p in zip(cands, probs, strict=True):
            k = int(p[1:].argmax()) + 1
            if p[k] < self.threshold:
                continue
            rtype, a_subject = decode(CLASSES[k])
            subj, obj = (cand.a, cand.b) if a_subject else (cand.b, cand.a)
            if subj.canonical == obj.canonical:
                continue
            sent = views[cand.sentence].sentence
            claim = Claim(
                subject=subj.canonical,
                object=obj.canonical,
                type=rtype,
                evidence=sent.text,
                date=_date(sent.text, published),
                evidence_start=sent.start,
                evidence_end=sent.end,
                document_id=document.id,
                extractor=self.name,
                confidence=round(calibrated(float(p[k]), self.curve), 4),
                **_value(sent.text, rtype),
            )
            have = best.get(claim.key())
            if have is None or claim.confidence > have.confidence:
                best[claim.key()] = claim
        entities: dict[str, Entity] = {}
        surface: dict[str, str] = {}
        out_mentions = []
        for m in mentions:
            etype = EntityType.ORGANIZATION
            entities.setdefault(m.canonical, Entity(m.canonical, etype, kind=m.kind, in_kb=m.in_kb))
            if m.label == "ORG" and len(m.surface) > len(surface.get(m.canonical, "")):
                surface[m.canonical] = m.surface
            out_mentions.append(Mention(m.start, m.end, m.surface, m.canonical, etype))
        return Extraction(
            document,
            list(entities.values()),
            out_mentions,
            list(best.values()),
            {k: v for k, v in surface.items() if v != k},
        )


def _date(sentence: str, published: str | None) -> str | None:
    dates = [d for d in find_dates(sentence, published) if d.value]
    if published:
        dates = [d for d in dates if d.value[:4] <= published[:4]]
    return dates[0].value if dates else None


def _value(sentence: str, rtype: RT) -> dict:
    if rtype not in _VALUED:
        return {}
    money = [m for m in find_money(sentence) if m.usd]
    return {"value_usd": money[0].usd, "value_text": money[0].text} if money else {}


register_extractor("learned", LearnedExtractor)
