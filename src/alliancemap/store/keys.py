"""Stable identities for claims, so re-runs and repeated KB syncs never store one twice."""

from __future__ import annotations

import hashlib

from alliancemap.model import RelationType

_SEP = "\x1f"


def _digest(*parts: object) -> str:
    text = _SEP.join("" if p is None else str(p) for p in parts)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _ends(subject: str, obj: str, rtype: RelationType) -> tuple[str, str]:
    if rtype.symmetric and obj < subject:
        return obj, subject
    return subject, obj


def document_claim_key(
    document_hash: str,
    subject: str,
    obj: str,
    rtype: RelationType,
    extractor: str,
    evidence_start: int | None,
    evidence: str | None,
) -> str:
    """Key of a claim found in a document: where it was found, by whom, about whom.

    Symmetric types are order-free; without an evidence offset the evidence text stands in.
    """
    a, b = _ends(subject, obj, rtype)
    where = f"@{evidence_start}" if evidence_start is not None else f"text:{evidence}"
    return _digest("doc", document_hash, a, b, rtype.value, extractor, where)


def kb_claim_key(subject: str, obj: str, rtype: RelationType, date: str) -> str:
    """Key of a knowledge-base fact: its endpoints, type and date."""
    a, b = _ends(subject, obj, rtype)
    return _digest("kb", a, b, rtype.value, date)
