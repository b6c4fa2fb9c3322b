"""Where in its evidence sentence a `rules` claim was found: pattern, trigger and endpoint spans.

The rules extractor returns claims without the match that made them. `SiteRecorder` is a
`RulesExtractor` that also remembers, for every claim, each pattern reading that produced it:
the pattern, the trigger span and the spans of the mentions that fill the subject and object
roles (sentence offsets). An endpoint taken from context (an implicit role) has no span.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from alliancemap.extract.mentions import TOKEN_RE, TemplatedSentence
from alliancemap.extract.patterns import Pattern
from alliancemap.extract.rules import RulesExtractor
from alliancemap.model import Claim, Document, Extraction, RelationType

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ClaimSite:
    """One pattern reading of a claim, in sentence offsets."""

    pattern: str
    subject_org: str
    object_org: str
    trigger: Span | None
    subject_spans: tuple[Span, ...]  # mentions standing for claim.subject in its role group
    object_spans: tuple[Span, ...]
    implied_span: Span | None  # implicit patterns: the mention left of the match taken as subject
    mentions: tuple[
        tuple[int, int, str], ...
    ]  # every mention of an organization: (start, end, org)
    implicit: bool
    pairwise: bool


def _group_spans(
    m: re.Match[str], groups: tuple[str, ...], ts: TemplatedSentence, org: str
) -> tuple[Span, ...]:
    """Sentence spans of the mentions inside the match groups that stand for `org`."""
    out: list[Span] = []
    for group in groups:
        if group not in m.re.groupindex or m.group(group) is None:
            continue
        lo, hi = m.span(group)
        for tok in TOKEN_RE.finditer(ts.template, lo, hi):
            ent = ts.entity(tok.group(0))
            if org in (ent.org, ent.name) and ent.start < ent.end:
                out.append((ent.start, ent.end))
    return tuple(dict.fromkeys(out))


# Implicit patterns of these types imply the object (the round's company, the group).
_IMPLIED_OBJECT = frozenset({RelationType.INVESTMENT, RelationType.MEMBERSHIP})


def _implied_span(
    claim: Claim, pat: Pattern, m: re.Match[str], ts: TemplatedSentence
) -> Span | None:
    """The nearest mention left of an implicit match that stands for the implied subject."""
    if not pat.implicit or pat.reverse or pat.type in _IMPLIED_OBJECT:
        return None
    best = None
    for tok in TOKEN_RE.finditer(ts.template, 0, m.start()):
        ent = ts.entity(tok.group(0))
        if claim.subject in (ent.org, ent.name) and ent.start < ent.end:
            best = (ent.start, ent.end)
    return best


def _trigger(m: re.Match[str], ts: TemplatedSentence) -> Span | None:
    if "v" not in m.re.groupindex or m.group("v") is None:
        return None
    lo, hi = m.span("v")
    return (ts.to_sentence_offset(lo), ts.to_sentence_offset(hi))


def site_of(claim: Claim, pat: Pattern, m: re.Match[str], ts: TemplatedSentence) -> ClaimSite:
    """The reading of `claim` given by one match of `pat`."""
    subj_groups: tuple[str, ...] = ("s", "s2")
    obj_groups: tuple[str, ...] = ("o",)
    if pat.reverse:
        subj_groups, obj_groups = obj_groups, subj_groups
    if pat.pairwise and ("o" not in m.re.groupindex or m.group("o") is None):
        obj_groups = subj_groups
    subj = _group_spans(m, subj_groups, ts, claim.subject)
    obj = _group_spans(m, obj_groups, ts, claim.object)
    return ClaimSite(
        pattern=pat.name,
        subject_org=claim.subject,
        object_org=claim.object,
        trigger=_trigger(m, ts),
        subject_spans=subj,
        object_spans=obj,
        implied_span=_implied_span(claim, pat, m, ts),
        mentions=tuple((e.start, e.end, e.org) for e in ts.entities if e.org and e.start < e.end),
        implicit=pat.implicit,
        pairwise=pat.pairwise,
    )


def site_key(claim: Claim) -> tuple:
    """Readings are pooled per relation and evidence sentence, as the rules dedupe claims."""
    return (*claim.key(), claim.evidence_start)


class SiteRecorder(RulesExtractor):
    """The `rules` extractor, also recording each claim's pattern readings."""

    name = "rules"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._sites: dict[tuple, list[ClaimSite]] = {}

    def extract_with_sites(
        self, document: Document
    ) -> tuple[Extraction, dict[tuple, list[ClaimSite]]]:
        """The rules extraction of `document` and the readings of its claims (by `site_key`)."""
        self._sites = {}
        try:
            extraction = super().extract(document)
            return extraction, self._sites
        finally:
            self._sites = {}

    def _from_match(self, pat, m, ts, *args, **kwargs):  # type: ignore[no-untyped-def]
        claims = super()._from_match(pat, m, ts, *args, **kwargs)
        for claim in claims:
            try:
                site = site_of(claim, pat, m, ts)
            except Exception:  # never lose a claim over bookkeeping
                continue
            self._sites.setdefault(site_key(claim), []).append(site)
        return claims
