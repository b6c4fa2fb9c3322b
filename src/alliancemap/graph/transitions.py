"""Transitions: rivals who became allies (and allies who became rivals), with evidence.

A pair of organizations went from rivals to allies when a cooperative claim about them is
dated strictly after their first adversarial claim (competition, litigation, investigation),
dates compared at the coarser precision so "2023" never comes before "2023-06". The reverse
turn is the same with the polarities swapped. Each row cites two claims: the most confident
claim of the earlier stance that a later-stance claim follows, and the most confident such
later claim (earliest first on equal confidence); rows rank by the weaker cited claim's
confidence, then by the independent sources behind each stance.

Use a view built with `keep_ended=True`: a settled lawsuit followed by a partnership is
exactly the story sought.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

import numpy as np

from alliancemap.export import source_label
from alliancemap.graph.dates import days_between, effective_date, strictly_before
from alliancemap.graph.table import edge_table
from alliancemap.graph.view import GraphView, source_id
from alliancemap.model import Polarity

RIVALS_TO_ALLIES = "rivals-to-allies"
ALLIES_TO_RIVALS = "allies-to-rivals"


@dataclass(frozen=True, slots=True)
class ClaimRef:
    """A claim as cited in a table: what, when, the sentence and where it comes from."""

    id: int
    subject: str
    object: str
    type: str
    date: str
    evidence: str
    source: str | None
    extractor: str
    confidence: float

    @classmethod
    def of(cls, claim: Any) -> ClaimRef:
        return cls(
            id=claim.id,
            subject=claim.subject,
            object=claim.object,
            type=getattr(claim.type, "value", str(claim.type)),
            date=effective_date(claim) or "",
            evidence=claim.evidence,
            source=source_label(claim) or None,
            extractor=claim.extractor,
            confidence=float(claim.confidence or 0.0),
        )


@dataclass(frozen=True, slots=True)
class Transition:
    """One pair's turn from one stance to the other, with the two claims that show it."""

    a: str
    b: str
    kind: str
    before: ClaimRef
    after: ClaimRef
    gap_days: int  # from the cited earlier claim to the cited later one
    first_before: str  # the earliest claim of the earlier stance
    n_before: int  # claims of the earlier stance
    n_after: int  # claims of the later stance
    sources_before: int
    sources_after: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _cited(
    earlier: list[tuple[str, Any]], later: list[tuple[str, Any]]
) -> tuple[tuple[str, Any], tuple[str, Any]] | None:
    """The two claims to cite: the most confident earlier claim that some later claim follows,
    and the most confident later claim after it; earliest first on equal confidence."""

    def rank(dc: tuple[str, Any]) -> tuple[float, str, int]:
        return (-float(dc[1].confidence or 0.0), dc[0], dc[1].id)

    for before in sorted(earlier, key=rank):
        after = [dc for dc in later if strictly_before(before[0], dc[0])]
        if after:
            return before, min(after, key=rank)
    return None


def transitions(view: GraphView, kind: str = RIVALS_TO_ALLIES) -> list[Transition]:
    """Pairs whose adversarial claims are followed by cooperative ones (or the reverse with
    `kind="allies-to-rivals"`); strongest evidence first, then most recent."""
    if kind not in (RIVALS_TO_ALLIES, ALLIES_TO_RIVALS):
        raise ValueError(
            f"unknown transition {kind!r} (use {RIVALS_TO_ALLIES} or {ALLIES_TO_RIVALS})"
        )
    first_pol, then_pol = (
        (Polarity.ADVERSARIAL, Polarity.COOPERATIVE)
        if kind == RIVALS_TO_ALLIES
        else (Polarity.COOPERATIVE, Polarity.ADVERSARIAL)
    )
    t = edge_table(view)
    codes = t.pair_codes()
    coop = t.cooperative
    both = np.intersect1d(codes[coop], codes[~coop])  # pairs with claims of both stances
    by_pair: dict[tuple[str, str], dict[Polarity, list[tuple[str, Any]]]] = {}
    for i in np.nonzero(np.isin(codes, both))[0].tolist():
        edge = view.edges[i]
        stance = by_pair.setdefault(edge.pair, {})
        for claim in edge.claims:
            when = effective_date(claim)
            if when:
                stance.setdefault(edge.polarity, []).append((when, claim))
    found = []
    for (a, b), stance in by_pair.items():
        earlier, later = stance.get(first_pol), stance.get(then_pol)
        if not earlier or not later:
            continue
        cited = _cited(earlier, later)
        if cited is None:
            continue
        (d0, c0), (d1, c1) = cited
        found.append(
            Transition(
                a=a,
                b=b,
                kind=kind,
                before=ClaimRef.of(c0),
                after=ClaimRef.of(c1),
                gap_days=days_between(d0, d1),
                first_before=min(d for d, _ in earlier),
                n_before=len(earlier),
                n_after=len(later),
                sources_before=len({source_id(c) for _, c in earlier}),
                sources_after=len({source_id(c) for _, c in later}),
            )
        )
    found.sort(key=lambda t: (t.a, t.b))
    found.sort(key=lambda t: t.after.date, reverse=True)
    found.sort(key=_strength)
    return found


def _strength(t: Transition) -> tuple[float, ...]:
    """Weaker cited claim's confidence, then the weaker stance's sources, then all (desc)."""
    return (
        -min(t.before.confidence, t.after.confidence),
        -min(t.sources_before, t.sources_after),
        -(t.sources_before + t.sources_after),
    )
