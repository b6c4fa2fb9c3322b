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
from alliancemap.model import Claim, Document, Extraction

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class ClaimSite:
    """One pattern reading of a claim, in sentence offsets."""

    pattern: str
    trigger: Span | None
    subject_spans: tuple[Span, ...]  # mentions standing for claim.subject in its role group
    object_spans: tuple[Span, ...]
    subject_group: str | None  # the regex group ("s" or "o") the subject came from
    object_group: str | None
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
        trigger=_trigger(m, ts),
        subject_spans=subj,
        object_spans=obj,
        subject_group=subj_groups[0] if subj else None,
        object_group=obj_groups[0] if obj else None,
        implicit=pat.implicit,
        pairwise=pat.pairwise,
    )


class SiteRecorder(RulesExtractor):
    """The `rules` extractor, also recording each claim's pattern readings."""

    name = "rules"

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._sites: dict[Claim, list[ClaimSite]] = {}

    def extract_with_sites(self, document: Document) -> tuple[Extraction, dict[Claim, list]]:
        """The rules extraction of `document` and the readings of each of its claims."""
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
            self._sites.setdefault(claim, []).append(site)
        return claims
