"""Edits of the map for what-if questions: "SUBJECT TYPE OBJECT", names resolved.

"Apple acquisition Mistral AI", "Microsoft partnership OpenAI"; a few verbs work too
(acquires, invests in, partners with, supplies, joins, competes with, sues, investigates).
A product stands for its owner ("GPT-4 supply Microsoft" is OpenAI's supply).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from alliancemap.errors import AllianceMapError
from alliancemap.graph.names import Names
from alliancemap.model import RelationType

_VERBS = {
    "acquires": RelationType.ACQUISITION,
    "acquired": RelationType.ACQUISITION,
    "buys": RelationType.ACQUISITION,
    "invests in": RelationType.INVESTMENT,
    "invested in": RelationType.INVESTMENT,
    "partners with": RelationType.PARTNERSHIP,
    "supplies": RelationType.SUPPLY,
    "joins": RelationType.MEMBERSHIP,
    "competes with": RelationType.COMPETITION,
    "sues": RelationType.LITIGATION,
    "investigates": RelationType.INVESTIGATION,
}
_WORDS = {t.value: t for t in RelationType} | _VERBS
_SPLIT = re.compile(
    r"\s+(" + "|".join(sorted(map(re.escape, _WORDS), key=len, reverse=True)) + r")\s+",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Edit:
    """One relation to add or remove."""

    subject: str
    type: RelationType
    object: str

    def __str__(self) -> str:
        return f"{self.subject} {self.type.value} {self.object}"


def parse_edit(text: str, names: Names) -> Edit:
    """An Edit from "SUBJECT TYPE OBJECT", names resolved; AllianceMapError if malformed."""
    usage = (
        f'malformed relation {text!r}: write "SUBJECT TYPE OBJECT", e.g. '
        f'"Apple acquisition Mistral AI" (types: {", ".join(t.value for t in RelationType)})'
    )
    candidates = []
    for m in _SPLIT.finditer(f" {text.strip()} "):
        left = f" {text.strip()} "[: m.start()].strip()
        right = f" {text.strip()} "[m.end() :].strip()
        if left and right:
            candidates.append((left, _WORDS[m.group(1).lower()], right))
    if not candidates:
        raise AllianceMapError(usage)
    problems = []
    for left, rtype, right in candidates:
        try:
            a, b = names.organization(left), names.organization(right)
        except AllianceMapError as err:
            problems.append(str(err))
            continue
        if a == b:
            raise AllianceMapError(f"relation {text!r} links {a} to itself")
        return Edit(a, rtype, b)
    raise AllianceMapError(f"{problems[0]} in relation {text!r}")
