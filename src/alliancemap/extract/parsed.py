"""The `rules-parse` extractor: `rules`, then a dependency parse of each claim's evidence.

Every claim of the rules extractor is checked on the parse of its evidence sentence (only
those sentences are parsed, batched and cached): a claim is dropped when, for every pattern
reading that produced it, the trigger is hedged (`parse_checks.hedge_reason`) or a mention
does not fill the role the pattern gave it (`subject_reason`, `object_reason`). Claims are
also recovered from coordinated verbs (`parse_recover`). Needs the optional `parse` extra;
see docs/parser.md.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from alliancemap.extract.claim_sites import ClaimSite, SiteRecorder, site_key
from alliancemap.extract.dates import parse_published
from alliancemap.extract.parse_checks import (
    explicit_subject,
    governing_verb,
    hedge_reason,
    is_clausal,
    object_reason,
    subject_reason,
)
from alliancemap.extract.parse_recover import Recovered, recover
from alliancemap.extract.syntax import ParseCache, import_model
from alliancemap.model import Claim, Document, Extraction, RelationType
from alliancemap.registry import register_extractor


@dataclass(frozen=True, slots=True)
class Rejection:
    """A rules claim the parse dropped, with the reason of its last reading."""

    claim: Claim
    reason: str


# Whether claims are also recovered from coordinated verbs (see parse_recover); decided on
# the benchmark, see docs/parser.md.
RECOVER = True

# Relations whose trigger may take a clause saying what the target did.
_CONTENT_TYPES = frozenset({RelationType.INVESTIGATION, RelationType.LITIGATION})


def _root(doc: Any, span: tuple[int, int]) -> tuple[Any, set[int]] | None:
    sp = doc.char_span(span[0], span[1], alignment_mode="expand")
    if sp is None or len(sp) == 0:
        return None
    return sp.root, {t.i for t in sp}


def site_reason(site: ClaimSite, rtype: RelationType, doc: Any) -> str | None:
    """Why this reading of a claim fails on the parse, or None when it holds."""
    if site.trigger is None:
        return None
    found = _root(doc, site.trigger)
    if found is None:
        return None
    trigger, inside = found
    reason = hedge_reason(trigger, intent_ok=rtype is RelationType.COMPETITION)
    if reason:
        return reason
    if site.implicit:
        return _implied_reason(site, doc, trigger, inside)
    if not is_clausal(trigger):
        return None
    t_start, t_end = site.trigger
    for span in (*site.subject_spans[:1], *site.object_spans[:1]):
        ent = _root(doc, span)
        if ent is None:
            continue
        if span[1] <= t_start:
            reason = subject_reason(ent[0], trigger, inside)
            reason = _named_rival(site, trigger, ent[0], _org_of(site, span), reason)
        elif span[0] >= t_end:
            reason = object_reason(
                ent[0],
                trigger,
                inside,
                membership=rtype is RelationType.MEMBERSHIP,
                content=rtype in _CONTENT_TYPES,
            )
        if reason:
            return reason
    return None


def _implied_reason(site: ClaimSite, doc: Any, trigger: Any, inside: set[int]) -> str | None:
    """An implicit pattern takes the nearest mention to its left as subject. It is dropped
    when the clause holding the trigger has its own subject and that subject names another
    organization ('Nvidia, whose chips power Azure, announced a partnership with Y')."""
    if site.implied_span is None:
        return None
    ent = _root(doc, site.implied_span)
    verb = governing_verb(trigger)
    if ent is None or verb is None:
        return None
    reason = subject_reason(ent[0], verb, inside)
    return _named_rival(site, verb, ent[0], site.subject_org, reason)


def _org_of(site: ClaimSite, span: tuple[int, int]) -> str:
    return site.subject_org if span in site.subject_spans else site.object_org


def _named_rival(site: ClaimSite, verb: Any, ent: Any, org: str, reason: str | None) -> str | None:
    """Keep a subject rejection only when the clause's own subject names another organization
    (not a person, a common noun or page furniture). When that is the claim's other endpoint,
    only a mention inside a prepositional phrase ('At MWC, A and B ...') is a bystander; else
    the parse more likely broke the list ('A and B are partnering')."""
    subj = explicit_subject(verb) if reason else None
    if subj is None:
        return None
    named = {o for start, end, o in site.mentions if start <= subj.idx < end}
    if not named or org in named:
        return None
    if named <= {site.subject_org, site.object_org}:
        return reason if any(t.dep_ == "prep" for t in ent.ancestors) else None
    return reason


def _subject_org(site: ClaimSite) -> str | None:
    """The organization named before the trigger (the grammatical subject's side)."""
    if site.trigger is None or site.implicit:
        return None
    for spans, org in (
        (site.subject_spans, site.subject_org),
        (site.object_spans, site.object_org),
    ):
        if spans and spans[0][1] <= site.trigger[0]:
            return org
    return None


class ParsedRulesExtractor(SiteRecorder):
    """`rules` with syntactic filtering of its claims (spaCy en_core_web_sm); with `recover`,
    also claims from verbs coordinated with a kept claim's trigger."""

    name = "rules-parse"

    def __init__(self, recover: bool = RECOVER, **options: Any) -> None:
        import_model()  # fail at construction, with the install hint, not mid-run
        super().__init__(**options)
        self.recover = recover
        self.parses = ParseCache()
        self.rejections: list[Rejection] = []
        self.recovered: list[Recovered] = []

    def extract(self, document: Document) -> Extraction:
        """Rules extraction of `document`, less the claims the parse rejects."""
        extraction, sites = self.extract_with_sites(document)
        docs = self.parses.parse(c.evidence for c in extraction.claims if sites.get(site_key(c)))
        kept: list[Claim] = []
        self.rejections = []
        self.recovered = []
        for claim in extraction.claims:
            readings = sites.get(site_key(claim))
            if not readings:
                kept.append(claim)
                continue
            doc = docs[claim.evidence]
            reasons = [site_reason(s, claim.type, doc) for s in readings]
            if all(reasons):
                self.rejections.append(Rejection(claim, str(reasons[-1])))
                continue
            kept.append(claim)
            if self.recover:
                for site, reason in zip(readings, reasons, strict=True):
                    if reason is None:
                        self._recover(claim, site, doc, document)
        seen = {site_key(c) for c in kept}
        for rec in self.recovered:
            if site_key(rec.claim) not in seen:
                seen.add(site_key(rec.claim))
                kept.append(rec.claim)
        return replace(extraction, claims=kept)

    def _recover(self, claim: Claim, site: ClaimSite, doc: Any, document: Document) -> None:
        subject = _subject_org(site)
        found = _root(doc, site.trigger) if site.trigger else None
        if subject is None or found is None or not is_clausal(found[0]):
            return
        published = parse_published(document.published)
        self.recovered.extend(recover(claim, site, found[0], subject, published, self.name))


register_extractor("rules-parse", ParsedRulesExtractor)
