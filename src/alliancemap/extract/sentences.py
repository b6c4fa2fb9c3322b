"""Split document text into sentences with exact offsets, cheaply enough for the whole corpus.

One precompiled regex finds candidate boundaries (line breaks, and runs of ``.!?…`` plus
closing quotes/brackets followed by horizontal space); a few set look-ups then decide.

Choices on ambiguous cases:

- Every line break is a hard boundary: the corpus puts paragraphs, and navigation junk,
  on lines of their own.
- A boundary falls after the closing quote or bracket: ``said." Next`` splits after ``"``.
- A lowercase next word never starts a sentence (``e.g. the``, ``Inc. said``); words like
  ``iPhone`` or ``eBay`` (lowercase then uppercase) count as capitalised.
- Titles (``Mr.``, ``Dr.``, ``St.``, ``Gen.`` ...), ``vs.``, ``e.g.`` and ``i.e.`` never end
  a sentence.
- Other abbreviations (``Inc.``, ``Corp.``, ``Ltd.``, ``Co.``, ``Jr.``, ``No.``, ``Jan.``,
  ``Sept.``, ``etc.`` ...), single initials (``John D. Smith``) and dotted acronyms
  (``U.S.``, ``U.K.``, ``a.m.``) end a sentence only when the next word is a typical
  sentence starter (``The``, ``It``, ``In``, ``But``, ``He`` ...). So ``the U.S. Commerce
  Department`` stays whole while ``in the U.S. The company`` splits; ``in the U.S. Microsoft
  said`` stays whole (a missed boundary is cheaper than a false one for relation evidence).
  An abbreviation followed by a digit (``No. 1``, ``Jan. 5``) never ends a sentence.
- Decimals, versions and domains (``1.5``, ``GPT-3.5``, ``You.com``) have no space after the
  dot, so they are never candidates.
- An ellipsis followed by a capitalised word ends a sentence, like a period.
- ``Yahoo!`` and ``Jeopardy!`` do not end a sentence.
- Pieces longer than ``MAX_SENTENCE_CHARS`` (navigation runs with no punctuation) are cut
  at the last space before the cap, or at the cap itself when there is none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_SENTENCE_CHARS = 1500


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``; keeps long word lists readable."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence; ``text == document_text[start:end]`` with no surrounding whitespace."""

    start: int
    end: int
    text: str


_LINE_BREAKS = "\r\n\u2028\u2029"
# group 1: terminal punctuation run; group 2: the next whitespace-separated token.
_CANDIDATE = re.compile(
    r"[\r\n\u2028\u2029]"
    r"|([.!?\u2026]+)[\"'\u201d\u2019\u00bb)\]]*(?=[^\S\r\n\u2028\u2029]+(\S+))"
)
_OPENERS = "\"'\u201c\u2018\u00ab([{"
_LEAD_WORD = re.compile(r"[A-Za-z]+")
_DOTTED = re.compile(r"(?:[A-Za-z]{1,2}\.)+[A-Za-z]{1,2}|[A-Z]")

# Never end a sentence: titles before names, and connectives that continue it.
_NEVER = _words(
    """Mr Mrs Ms Messrs Dr Prof St Mt Ft Gen Gov Sen Rep Rev Hon Pres Lt Col Capt Sgt Cmdr
    Adm Maj Supt Fr vs v cf viz e.g i.e E.g I.e eg ie approx"""
)
# End a sentence only before a typical sentence starter; never before a digit.
_ABBREVIATIONS = _words(
    """Inc Corp Ltd Co Cos Bros Jr Sr LLC Plc plc Assn Dept Univ Intl Natl etc al No Nos no nos
    Vol vol Fig fig pp p Art Sec Ch Ave Blvd Rd Est est Jan Feb Mar Apr Jun Jul Aug Sep Sept
    Oct Nov Dec Mon Tue Tues Wed Thu Thur Thurs Fri Sat Sun"""
)
_STARTERS = _words(
    """A An The This That These Those It Its It's In On At By For From With Without Within
    To Of As And But Or Nor So Yet If When While Where Why How What Who Whom Whose Which
    He She They We I You His Her Their Our My Your Them Us Him There Here Then Now Today
    However Meanwhile Also Still Instead Although Though After Before Since During Until
    Under Over Despite According Last Next Earlier Later Some Many Most Much Several Such
    Both Each Every All Any No Not Other Another One Two Three Four Five Six Seven Eight
    Nine Ten First Second Third Finally Moreover Furthermore Indeed Even Only Just Yes
    Because Unlike Like Among Between About Other Overall Currently Previously Recently
    Yesterday Tomorrow Analysts Experts Critics Officials Sources Shares Investors
    Read Related See Click Sign Subscribe"""
)
_BANG_NAMES = frozenset({"Yahoo", "Jeopardy", "Wham", "Panic"})


def split_sentences(text: str) -> list[Sentence]:
    """Split ``text`` into stripped, ordered, non-overlapping sentences with exact offsets."""
    out: list[Sentence] = []
    start = 0
    for m in _CANDIDATE.finditer(text):
        if m.group(1) is None:
            if m.start() > start:
                _emit(text, start, m.start(), out)
            start = m.end()
        elif _is_boundary(text, m):
            end = m.end()
            _emit(text, start, end, out)
            start = end
    if start < len(text):
        _emit(text, start, len(text), out)
    return out


def _is_boundary(text: str, m: re.Match[str]) -> bool:
    """Decide whether a candidate punctuation run really ends a sentence."""
    nxt = m.group(2)
    word = nxt.lstrip(_OPENERS)
    if not word:
        return True
    c = word[0]
    if c.islower() and not (len(word) > 1 and word[1].isupper()):
        return False
    punct = m.group(1)
    if punct != "." and punct != "!":
        return True  # "?", ellipsis, or mixed runs
    s = m.start()
    if s == 0 or text[s - 1].isspace():
        return True
    window = text[s - 40 : s] if s > 40 else text[:s]
    tok = window.rsplit(None, 1)[-1].lstrip(_OPENERS)
    if punct == "!":
        return tok not in _BANG_NAMES
    if tok in _NEVER:
        return False
    if tok in _ABBREVIATIONS or _DOTTED.fullmatch(tok):
        if c.isdigit() or (len(word) == 2 and word[1] == "."):
            return False  # "No. 1", "Jan. 5", "J. R. R. Tolkien"
        lead = _LEAD_WORD.match(word)
        return lead is not None and lead.group() in _STARTERS
    return True


def _emit(text: str, a: int, b: int, out: list[Sentence]) -> None:
    """Append text[a:b] stripped of whitespace, cut into pieces no longer than the cap."""
    seg = text[a:b]
    stripped = seg.strip()
    if not stripped:
        return
    a += seg.find(stripped[0])
    b = a + len(stripped)
    if b - a <= MAX_SENTENCE_CHARS:
        out.append(Sentence(a, b, stripped))
        return
    while b - a > MAX_SENTENCE_CHARS:
        cut = text.rfind(" ", a + MAX_SENTENCE_CHARS // 2, a + MAX_SENTENCE_CHARS + 1)
        if cut <= a:
            cut = a + MAX_SENTENCE_CHARS
        piece = text[a:cut].rstrip()
        out.append(Sentence(a, a + len(piece), piece))
        a = cut
        while text[a].isspace():
            a += 1
    out.append(Sentence(a, b, text[a:b]))
