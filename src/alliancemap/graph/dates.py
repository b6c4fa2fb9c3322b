"""Claim dates of mixed precision ("2023", "2023-05", "2023-05-01"): checks and comparisons.

Two dates are compared at the coarser of their precisions, the way the store's as-of filter
does it, so "2023" is neither before nor after "2023-06".
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

_DATE_RE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")


def check_date(value: str, what: str = "date") -> str:
    """`value` stripped if it is a real YYYY, YYYY-MM or YYYY-MM-DD date, else ValueError."""
    text = str(value).strip()
    ok = bool(_DATE_RE.match(text))
    if ok:
        parts = [int(p) for p in text.split("-")] + [1, 1]
        try:
            date(parts[0], parts[1], parts[2])
        except ValueError:
            ok = False
    if not ok:
        raise ValueError(f"bad {what} {value!r} (use YYYY, YYYY-MM or YYYY-MM-DD)")
    return text


def effective_date(claim: Any) -> str | None:
    """When a claim holds: its own date, else its document's publication date (ISO prefix)."""
    raw = claim.date or getattr(claim, "published", None)
    if not raw:
        return None
    text = str(raw)[:10]
    return text if _DATE_RE.match(text) else None


def not_after(value: str, limit: str) -> bool:
    """`value` cut to `limit`'s precision is on or before `limit` ("2023-05-20", "2023-05")."""
    return value[: len(limit)] <= limit


def not_before(value: str, limit: str) -> bool:
    """`value` is on or after `limit` at the coarser precision ("2023" is not before "2023-06")."""
    n = min(len(value), len(limit))
    return value[:n] >= limit[:n]


def strictly_before(a: str, b: str) -> bool:
    """`a` is before `b` at the coarser of the two precisions ("2023" is not before "2023-06")."""
    n = min(len(a), len(b))
    return a[:n] < b[:n]


def year(value: str | None) -> int | None:
    """The year of an ISO date prefix, or None."""
    return int(value[:4]) if value and value[:4].isdigit() else None


def days_between(a: str, b: str) -> int:
    """Days from `a` to `b`, each taken as the first day of its period."""
    return (_first_day(b) - _first_day(a)).days


def _first_day(value: str) -> date:
    parts = [int(p) for p in value.split("-")] + [1, 1]
    return date(parts[0], parts[1], parts[2])
