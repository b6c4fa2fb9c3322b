"""Word tokens with character offsets: the unit the tagger labels and features count."""

from __future__ import annotations

import re
from dataclasses import dataclass

# Words keep inner ampersands, dots and apostrophes ("AT&T", "U.S", "O'Reilly"); a possessive
# "'s" and a hyphen are tokens of their own, so "Microsoft-backed" and "OpenAI's" expose the
# name; every other non-space character is a token too.
_TOKEN = re.compile(r"\w+(?:[&.]\w+|['\u2019](?![sS]\b)\w+)*|['\u2019][sS]\b|[^\w\s]")


@dataclass(frozen=True, slots=True)
class Token:
    start: int
    end: int
    text: str


def tokenize(text: str, offset: int = 0) -> list[Token]:
    """The tokens of `text`, offsets shifted by `offset` (the text's place in its document)."""
    return [Token(m.start() + offset, m.end() + offset, m.group()) for m in _TOKEN.finditer(text)]


def shape(word: str) -> str:
    """A compressed character-class shape: "OpenAI" -> "XxX", "2023" -> "d", "AT&T" -> "X&X"."""
    out: list[str] = []
    for ch in word:
        c = "X" if ch.isupper() else "x" if ch.islower() else "d" if ch.isdigit() else ch
        if not out or out[-1] != c:
            out.append(c)
    return "".join(out)
