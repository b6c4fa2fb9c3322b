"""Reading claims back: one SELECT shape, the as-of filter, and rows turned into ClaimRecords.

Dates are ISO strings of varying precision ("2023", "2023-05", "2023-05-01") and are compared
by their common prefix, which SUBSTR/LENGTH express portably.
"""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, Select, String, and_, func, literal, not_, or_, select

from alliancemap.model import RelationType
from alliancemap.store.records import ClaimRecord
from alliancemap.store.schema import claims, documents, entities

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")

subject_entity = entities.alias("subject_entity")
object_entity = entities.alias("object_entity")

_COLUMNS = (
    claims.c.id,
    subject_entity.c.name.label("subject"),
    object_entity.c.name.label("object"),
    claims.c.type,
    claims.c.date,
    claims.c.evidence,
    claims.c.evidence_start,
    claims.c.evidence_end,
    claims.c.extractor,
    claims.c.confidence,
    claims.c.ended,
    claims.c.end_date,
    claims.c.value_usd,
    claims.c.value_text,
    claims.c.document_hash,
    documents.c.doc_id,
    func.coalesce(documents.c.url, claims.c.url).label("url"),
    documents.c.title,
    documents.c.source,
    documents.c.published,
    claims.c.source_name,
    func.coalesce(documents.c.duplicate_of, documents.c.hash).label("source_group"),
)


def check_date(value: str) -> str:
    """`value` if it is "YYYY", "YYYY-MM" or "YYYY-MM-DD", else ValueError saying so."""
    if not isinstance(value, str) or not _DATE_RE.match(value):
        raise ValueError(f"invalid date {value!r}: use YYYY, YYYY-MM or YYYY-MM-DD")
    return value


def parse_type(value: RelationType | str) -> RelationType:
    """A RelationType from an enum member or its name (ValueError names the valid ones)."""
    return value if isinstance(value, RelationType) else RelationType.parse(value)


def claim_select() -> Select[Any]:
    """SELECT of every ClaimRecord column, claims joined to their entities and documents."""
    joined = (
        claims.join(subject_entity, claims.c.subject_id == subject_entity.c.id)
        .join(object_entity, claims.c.object_id == object_entity.c.id)
        .outerjoin(documents, claims.c.document_hash == documents.c.hash)
    )
    return select(*_COLUMNS).select_from(joined)


def by_date(stmt: Select[Any]) -> Select[Any]:
    """Order by date, undated last, then by insertion."""
    return stmt.order_by(claims.c.date.is_(None), claims.c.date, claims.c.id)


def _not_after(column: Any, as_of: str) -> ColumnElement[bool]:
    # column's date truncated to as_of's precision is <= as_of: "2023-05-20" is not after "2023-05"
    return func.substr(column, 1, len(as_of)) <= as_of


def _before(column: Any, as_of: str) -> ColumnElement[bool]:
    # strictly before at the coarser of the two precisions: "2023" is not before "2023-06"
    return func.substr(column, 1, len(as_of)) < func.substr(
        literal(as_of, String()), 1, func.length(column)
    )


def as_of_filter(as_of: str) -> ColumnElement[bool]:
    """Claims known on `as_of`: dated on or before it (undated ones by their document's
    publication date), minus ended relations whose end date is before it."""
    check_date(as_of)
    dated = and_(claims.c.date.is_not(None), _not_after(claims.c.date, as_of))
    undated = and_(
        claims.c.date.is_(None),
        documents.c.published.is_not(None),
        _not_after(documents.c.published, as_of),
    )
    ended_before = and_(
        claims.c.ended.is_(True), claims.c.end_date.is_not(None), _before(claims.c.end_date, as_of)
    )
    return and_(or_(dated, undated), not_(ended_before))


def to_record(row: Any) -> ClaimRecord:
    """A ClaimRecord from a row of `claim_select()`."""
    values = dict(row._mapping)
    values["type"] = RelationType(values["type"])
    values["ended"] = bool(values["ended"])
    return ClaimRecord(**values)
