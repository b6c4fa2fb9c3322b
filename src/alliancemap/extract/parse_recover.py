"""Relations the patterns miss but the parse states plainly: coordinated verbs.

"Intel bought Altera in 2015 and a year later acquired Nervana": the rules read the first
verb; the parse shows that "acquired" shares its subject. For each claim the checks keep,
a verb conjoined to its trigger (with no subject of its own, not hedged) whose frame is one
of a few unambiguous relation verbs, and whose object names another organization, gives a
new claim from the same subject. Only sentences already parsed for the checks are read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from alliancemap.extract.claim_sites import ClaimSite
from alliancemap.extract.dates import find_dates
from alliancemap.extract.parse_checks import hedge_reason, is_finite_clause, is_verb
from alliancemap.model import Claim, RelationType

Token = Any

# verb form -> (relation type, where the object is: "dobj" or the prepositions it takes)
_FRAMES: dict[str, tuple[RelationType, tuple[str, ...]]] = {}


def _frame(forms: str, rtype: RelationType, where: tuple[str, ...]) -> None:
    for form in forms.split():
        _FRAMES[form] = (rtype, where)


_frame("acquire acquires acquired acquiring", RelationType.ACQUISITION, ("dobj",))
_frame("buy buys bought buying purchase purchases purchased", RelationType.ACQUISITION, ("dobj",))
_frame("invest invests invested investing", RelationType.INVESTMENT, ("in", "into"))
_frame("partner partners partnered partnering", RelationType.PARTNERSHIP, ("with",))
_frame("collaborate collaborates collaborated collaborating", RelationType.PARTNERSHIP, ("with",))
_frame("sue sues sued suing", RelationType.LITIGATION, ("dobj",))
_frame("compete competes competed competing", RelationType.COMPETITION, ("with", "against"))

CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class Recovered:
    """A claim found on the parse, with the verb that states it."""

    claim: Claim
    verb: str


def _conjuncts(trigger: Token) -> list[Token]:
    """Verbs coordinated with the trigger that share its subject."""
    out = []
    for c in trigger.children:
        if not is_verb(c) or _has_subject(c):
            continue
        if c.dep_ == "conj" or (c.dep_ == "dep" and _and_between(trigger, c)):
            out.append(c)
    if trigger.dep_ == "conj" and is_verb(trigger.head) and not _has_subject(trigger):
        out.append(trigger.head)
    return [v for v in out if is_finite_clause(v) or v.tag_ in ("VBD", "VBN", "VBG")]


def _and_between(a: Token, b: Token) -> bool:
    """'bought A in 2015 and later acquired B': the parser often leaves such a conjunct as
    `dep`; an "and" between the two verbs says it is one."""
    doc = a.doc
    return any(doc[i].lower_ == "and" for i in range(a.i + 1, b.i))


def _has_subject(verb: Token) -> bool:
    return any(c.dep_ in ("nsubj", "nsubjpass", "csubj", "expl") for c in verb.children)


def _objects(verb: Token, where: tuple[str, ...]) -> list[Token]:
    """Object heads of the verb's frame, with the items of a coordinated list."""
    heads = []
    for c in verb.children:
        if "dobj" in where and c.dep_ == "dobj":
            heads.append(c)
        elif c.dep_ == "prep" and c.lower_ in where:
            heads.extend(g for g in c.children if g.dep_ == "pobj")
        elif c.dep_ == "prt" and c.lower_ == "up":  # "snapped up", "teamed up"
            continue
    out = []
    for h in heads:
        out.append(h)
        out.extend(t for t in h.subtree if t.dep_ in ("conj", "appos") and t.head.i != verb.i)
    return out


def _org_at(tok: Token, mentions: tuple[tuple[int, int, str], ...]) -> str | None:
    for start, end, org in mentions:
        if start <= tok.idx < end:
            return org
    return None


def _date(sentence: str, published: str | None, pos: int) -> str | None:
    dates = [d for d in find_dates(sentence, published) if d.value]
    if not dates:
        return None
    return min(dates, key=lambda d: min(abs(d.start - pos), abs(d.end - pos))).value


def recover(
    claim: Claim,
    site: ClaimSite,
    trigger: Token,
    subject_org: str,
    published: str | None,
    extractor: str,
) -> list[Recovered]:
    """New claims from verbs coordinated with the trigger of a kept claim."""
    out = []
    for verb in _conjuncts(trigger):
        frame = _FRAMES.get(verb.lower_)
        if frame is None or hedge_reason(verb) is not None:
            continue
        rtype, where = frame
        for obj in _objects(verb, where):
            org = _org_at(obj, site.mentions)
            if org is None or org == subject_org:
                continue
            new = Claim(
                subject=subject_org,
                object=org,
                type=rtype,
                evidence=claim.evidence,
                date=_date(claim.evidence, published, verb.idx),
                evidence_start=claim.evidence_start,
                evidence_end=claim.evidence_end,
                document_id=claim.document_id,
                extractor=extractor,
                confidence=CONFIDENCE,
            )
            out.append(Recovered(new, verb.text))
    return out
