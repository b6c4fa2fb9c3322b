"""The classifier's label set: none, the two symmetric types, and six directed types twice.

A directed label says which member of the ordered pair (A, B) is the subject: ">" means A
is the subject ("A acquired B"), "<" means B is.
"""

from __future__ import annotations

from alliancemap.model import RelationType

NONE = "none"
SYMMETRIC = tuple(t.value for t in RelationType if t.symmetric)
DIRECTED = tuple(t.value for t in RelationType if not t.symmetric)
CLASSES: tuple[str, ...] = (
    NONE,
    *SYMMETRIC,
    *(f"{t}{d}" for t in DIRECTED for d in (">", "<")),
)
CLASS_INDEX = {c: i for i, c in enumerate(CLASSES)}


def encode(rtype: str, a_is_subject: bool) -> str:
    """The label of a relation of `rtype` over an ordered pair."""
    if rtype in SYMMETRIC:
        return rtype
    return f"{rtype}{'>' if a_is_subject else '<'}"


def decode(label: str) -> tuple[RelationType, bool] | None:
    """(type, A is the subject) of a label, None for `none`."""
    if label == NONE:
        return None
    if label[-1] in "<>":
        return RelationType(label[:-1]), label[-1] == ">"
    return RelationType(label), True
