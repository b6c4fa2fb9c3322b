"""Find a quoted string in a document the way a model quotes it: with other whitespace,
other quote marks, other case or an ellipsis for a skipped part, and give back the real
offsets of the span in the document."""

from __future__ import annotations

import re
from dataclasses import dataclass

_QUOTES = str.maketrans(
    {
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2033": '"',
        "\u00ab": '"', "\u00bb": '"', "\u2013": "-", "\u2014": "-", "\u00a0": " ",
    }
)  # fmt: skip
_ELLIPSIS = re.compile(r"\s*(?:\.\.\.|\u2026)\s*")
MAX_GAP = 400  # characters an ellipsis may stand for


@dataclass(frozen=True, slots=True)
class Folded:
    """A text with quotes, dashes, case and whitespace runs folded, and each folded
    character's offset in the original."""

    text: str
    offsets: list[int]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original span of folded[start:end]."""
        return self.offsets[start], self.offsets[end - 1] + 1


def _fold_char(c: str) -> str:
    low = c.translate(_QUOTES).lower()
    return low if len(low) == 1 else c


def fold(text: str) -> Folded:
    """Fold `text`; a run of whitespace becomes one space."""
    chars: list[str] = []
    offsets: list[int] = []
    space = False
    for i, c in enumerate(text):
        if c.isspace() or c == "\u00a0":
            if not space and chars:
                chars.append(" ")
                offsets.append(i)
            space = True
            continue
        space = False
        chars.append(_fold_char(c))
        offsets.append(i)
    if chars and chars[-1] == " ":
        chars.pop()
        offsets.pop()
    return Folded("".join(chars), offsets)


def _clean_quote(quote: str) -> str:
    q = fold(quote).text.strip()
    q = q.strip('"').strip()
    return q


def find_quote(doc: Folded, quote: str, near: int = 0) -> tuple[int, int] | None:
    """The original (start, end) of `quote` in the folded document, preferring the first
    occurrence at or after original offset `near`; parts around an ellipsis may be apart."""
    q = _clean_quote(quote)
    parts = [p for p in _ELLIPSIS.split(q) if p.strip(" .")]
    if not parts:
        return None
    parts = [p.strip() for p in parts]
    starts = _occurrences(doc.text, parts[0])
    if not starts:
        return None
    after = [s for s in starts if doc.offsets[s] >= near]
    for s in after + [s for s in starts if s not in after]:
        end = s + len(parts[0])
        ok = True
        for part in parts[1:]:
            nxt = doc.text.find(part, end, end + MAX_GAP + len(part))
            if nxt < 0:
                ok = False
                break
            end = nxt + len(part)
        if ok:
            return doc.span(s, end)
    return None


def _occurrences(text: str, part: str) -> list[int]:
    out, i = [], text.find(part)
    while i >= 0 and len(out) < 50:
        out.append(i)
        i = text.find(part, i + 1)
    return out


def name_spans(doc: Folded, name: str) -> list[tuple[int, int]]:
    """Original spans where `name` occurs in the document as whole words."""
    q = _clean_quote(name)
    if len(q) < 2:
        return []
    pattern = re.compile(r"(?<!\w)" + re.escape(q) + r"(?!\w)")
    return [doc.span(m.start(), m.end()) for m in pattern.finditer(doc.text)]
