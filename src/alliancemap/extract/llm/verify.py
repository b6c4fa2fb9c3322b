"""Nothing unverified enters the map: every relation a model returns is checked against the
document text and the knowledge base, and what fails is dropped with a reason.

Checks, in order: the fields are there (`malformed`); the type is one of the eight
(`unknown_type`); the evidence is in the text, found whitespace-, quote- and case-tolerantly
and stored with its real offsets (`evidence_not_in_text`); each endpoint is an organization
(`endpoint_not_organization`; a product the KB knows stands for its owner when the text
names that owner) named in the text, or the owner of a product the text names
(`endpoint_not_in_text`); the two endpoints differ (`self_relation`).
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from alliancemap.extract.llm.locate import Folded, find_quote, name_spans
from alliancemap.extract.values import find_money
from alliancemap.kb import KnowledgeBase
from alliancemap.model import Claim, Document, Entity, EntityType, Mention, RelationType
from alliancemap.normalize import normalize_name
from alliancemap.resolve import Resolver

_DATE = re.compile(r"^\d{4}(?:-(?:0[1-9]|1[0-2])(?:-(?:0[1-9]|[12]\d|3[01]))?)?$")
_VALUED = frozenset({RelationType.INVESTMENT, RelationType.ACQUISITION})
DEFAULT_CONFIDENCE = 0.8
DROP_REASONS = (
    "malformed",
    "unknown_type",
    "evidence_not_in_text",
    "endpoint_not_organization",
    "endpoint_not_in_text",
    "self_relation",
)


@dataclass(slots=True)
class Named:
    """An entity the answer or the KB names, with the forms of its name."""

    canonical: str
    type: EntityType
    forms: list[str]
    kb: Entity | None = None


@dataclass(slots=True)
class Verified:
    """What survived the checks for one piece of text, and why the rest was dropped."""

    claims: list[Claim] = field(default_factory=list)
    entities: dict[str, Entity] = field(default_factory=dict)
    mentions: dict[tuple[int, int], Mention] = field(default_factory=dict)
    drops: Counter[str] = field(default_factory=Counter)


class Verifier:
    """Checks answers against documents; holds the KB's name index and product owners."""

    def __init__(self, kb: KnowledgeBase, extractor_name: str) -> None:
        self.kb = kb
        self.resolver = Resolver(kb)
        self.extractor_name = extractor_name
        self.products_of: dict[str, list[Entity]] = {}
        for product in kb.products.values():
            if product.owner:
                self.products_of.setdefault(product.owner, []).append(product)

    def check(
        self,
        document: Document,
        doc: Folded,
        answer: dict[str, list[Any]],
        near: int,
        out: Verified,
    ) -> None:
        """Add to `out` what holds of `answer` (the model's reading of the text at `near`)."""
        named = self._entities(document.text, doc, answer["entities"], out)
        for rel in answer["relations"]:
            reason = self._relation(document, doc, rel, named, near, out)
            if reason:
                out.drops[reason] += 1

    # -- entities ---------------------------------------------------------------------------

    def _named(self, name: str, etype: EntityType, aliases: list[str]) -> Named:
        kb_ent = self.resolver.lookup(name)
        forms = [name, *aliases]
        if kb_ent is not None:
            forms += [kb_ent.name, *kb_ent.aliases]
            return Named(kb_ent.name, kb_ent.type, list(dict.fromkeys(forms)), kb_ent)
        return Named(self.resolver.canonical(name), etype, list(dict.fromkeys(forms)))

    def _entities(
        self, text: str, doc: Folded, items: list[dict[str, Any]], out: Verified
    ) -> dict[str, Named]:
        index: dict[str, Named] = {}
        for item in items:
            name = item.get("name")
            if not isinstance(name, str) or not name.strip():
                continue
            try:
                etype = EntityType(str(item.get("type") or "organization").strip().lower())
            except ValueError:
                etype = EntityType.ORGANIZATION
            aliases = [a for a in item.get("aliases") or [] if isinstance(a, str) and a.strip()]
            ent = self._named(name.strip(), etype, aliases)
            if not self._note(text, doc, ent, out):
                continue  # a name the text does not hold is not an entity of this document
            for form in ent.forms:
                index.setdefault(normalize_name(form), ent)
        return index

    def _note(self, text: str, doc: Folded, ent: Named, out: Verified) -> bool:
        """Record the entity and its mentions if the text names it; whether it does."""
        spans = [s for form in ent.forms for s in name_spans(doc, form)]
        if not spans:
            return False
        owner = ent.kb.owner if ent.kb is not None else None
        out.entities.setdefault(
            ent.canonical,
            Entity(
                ent.canonical,
                ent.type,
                kind=ent.kb.kind if ent.kb else None,
                owner=owner,
                in_kb=ent.kb is not None,
            ),
        )
        for start, end in spans:
            out.mentions.setdefault(
                (start, end), Mention(start, end, text[start:end], ent.canonical, ent.type, owner)
            )
        return True

    # -- relations --------------------------------------------------------------------------

    def _endpoint(
        self, text: str, doc: Folded, name: str, named: dict[str, Named], out: Verified
    ) -> tuple[str | None, str]:
        """(canonical organization, "") or (None, reason)."""
        ent = named.get(normalize_name(name)) or self._named(name, EntityType.ORGANIZATION, [])
        if ent.type is EntityType.PRODUCT:
            owner = self.kb.organizations.get(ent.kb.owner) if ent.kb and ent.kb.owner else None
            if owner is None:
                return None, "endpoint_not_organization"
            ent = Named(owner.name, EntityType.ORGANIZATION, [owner.name, *owner.aliases], owner)
            if not self._note(text, doc, ent, out):
                return None, "endpoint_not_in_text"
            return ent.canonical, ""
        if ent.type is not EntityType.ORGANIZATION:
            return None, "endpoint_not_organization"
        if self._note(text, doc, ent, out):
            return ent.canonical, ""
        for product in self.products_of.get(ent.canonical, []):
            as_named = Named(product.name, EntityType.PRODUCT, [product.name, *product.aliases])
            if any(name_spans(doc, f) for f in as_named.forms):
                as_named.kb = product
                self._note(text, doc, as_named, out)
                return ent.canonical, ""
        return None, "endpoint_not_in_text"

    def _relation(
        self,
        document: Document,
        doc: Folded,
        rel: Any,
        named: dict[str, Named],
        near: int,
        out: Verified,
    ) -> str:
        """Add the claim `rel` makes to `out`; the reason it was dropped, or ""."""
        if not isinstance(rel, dict):
            return "malformed"
        fields = [rel.get(k) for k in ("subject", "object", "type", "evidence")]
        if not all(isinstance(v, str) and v.strip() for v in fields):
            return "malformed"
        subject, obj, rtype_name, evidence = (v.strip() for v in fields)
        try:
            rtype = RelationType.parse(rtype_name)
        except ValueError:
            return "unknown_type"
        span = find_quote(doc, evidence, near)
        if span is None:
            return "evidence_not_in_text"
        text = document.text
        subj, why = self._endpoint(text, doc, subject, named, out)
        if subj is None:
            return why
        objc, why = self._endpoint(text, doc, obj, named, out)
        if objc is None:
            return why
        if subj == objc:
            return "self_relation"
        start, end = span
        quote = text[start:end]
        money = [m for m in find_money(quote) if m.usd] if rtype in _VALUED else []
        out.claims.append(
            Claim(
                subject=subj,
                object=objc,
                type=rtype,
                evidence=quote,
                date=_date(rel.get("date")),
                evidence_start=start,
                evidence_end=end,
                document_id=document.id,
                extractor=self.extractor_name,
                confidence=_confidence(rel.get("confidence")),
                ended=rel.get("ended") is True,
                value_usd=money[0].usd if money else None,
                value_text=money[0].text if money else None,
            )
        )
        return ""


def _date(value: Any) -> str | None:
    if isinstance(value, int) and 1900 <= value <= 2100:
        value = str(value)
    if isinstance(value, str) and _DATE.match(value.strip()):
        return value.strip()
    return None


def _confidence(value: Any) -> float:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1:
        return round(float(value), 4)
    return DEFAULT_CONFIDENCE


def merge_claims(claims: list[Claim]) -> tuple[list[Claim], int]:
    """One claim per relation key (the most confident), and how many duplicates merged."""
    best: dict[tuple[str, str, str], Claim] = {}
    for claim in claims:
        have = best.get(claim.key())
        if have is None or claim.confidence > have.confidence:
            best[claim.key()] = claim
    return list(best.values()), len(claims) - len(best)
