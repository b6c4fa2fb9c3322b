"""Turn a model's answer text into the {"entities", "relations"} object, repairing what
servers without structured output commonly add: prose around it, code fences, trailing
commas. What still does not parse is None (the document is dropped and counted)."""

from __future__ import annotations

import json
import re
from typing import Any

_FENCE = re.compile(r"```(?:json|JSON)?\s*(.*?)```", re.S)
_TRAILING_COMMA = re.compile(r",(\s*[}\]])")


def _loads(text: str) -> Any:
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return None


def _outermost_object(text: str) -> str | None:
    start, end = text.find("{"), text.rfind("}")
    return text[start : end + 1] if 0 <= start < end else None


def parse_answer(content: str | None) -> dict[str, list[Any]] | None:
    """The answer object, or None when no repair makes it a valid one."""
    if not content:
        return None
    candidates = [content.strip()]
    candidates += [m.group(1).strip() for m in _FENCE.finditer(content)]
    for text in list(candidates):
        inner = _outermost_object(text)
        if inner and inner != text:
            candidates.append(inner)
    for text in candidates:
        for attempt in (text, _TRAILING_COMMA.sub(r"\1", text)):
            obj = _loads(attempt)
            if _valid(obj):
                return {
                    "entities": [e for e in obj.get("entities") or [] if isinstance(e, dict)],
                    "relations": list(obj.get("relations") or []),
                }
    return None


def _valid(obj: Any) -> bool:
    if not isinstance(obj, dict) or "relations" not in obj:
        return False
    return isinstance(obj["relations"], list) and isinstance(obj.get("entities") or [], list)
