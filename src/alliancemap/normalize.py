"""Name normalisation shared by entity resolution and evaluation.

Follows the spec's scoring rule: case-folded, punctuation and legal suffixes removed,
possessives dropped, whitespace collapsed, typographic quotes treated as plain ones.
"""

from __future__ import annotations

import re
import unicodedata

LEGAL_SUFFIXES = (
    "inc",
    "incorporated",
    "corp",
    "corporation",
    "co",
    "company",
    "ltd",
    "limited",
    "llc",
    "llp",
    "plc",
    "sa",
    "s a",
    "ag",
    "gmbh",
    "nv",
    "n v",
    "bv",
    "se",
    "spa",
    "s p a",
    "sas",
    "srl",
    "kk",
    "pte",
    "pty",
    "oy",
    "ab",
    "holdings",
)
_SUFFIX_RE = re.compile(
    r"(?:[\s,]+(?:"
    + "|".join(re.escape(s) for s in sorted(LEGAL_SUFFIXES, key=len, reverse=True))
    + r"))+$"
)
_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_POSSESSIVE_RE = re.compile(r"(?<=\w)'s?$")
_PUNCT_RE = re.compile(r"[^\w\s&+]")
_SPACE_RE = re.compile(r"\s+")


def normalize_name(name: str) -> str:
    """Canonical comparison key for an organization or product name."""
    s = unicodedata.normalize("NFKC", name).translate(_QUOTES).strip()
    s = _POSSESSIVE_RE.sub("", s)
    s = s.casefold()
    s = _PUNCT_RE.sub(" ", s)
    s = _SPACE_RE.sub(" ", s).strip()
    stripped = _SUFFIX_RE.sub("", s).strip()
    if stripped.startswith("the ") and len(stripped) > 4:
        stripped = stripped[4:]
    return stripped or s
