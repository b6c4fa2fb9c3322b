"""Find date expressions in a sentence and resolve them against the publication date.

Three precompiled regexes keep this cheap on a large corpus: an anchor scan (digits, month
and weekday names, "today", "year" ...: every alternative starts with a literal, so the engine
skips ahead at C speed), a core pattern matched only at anchors, and a prefix pattern
("in", "since", "late", "the first quarter of", "last", "two" ...) searched in a short
window before each core. A small resolver per kind of core gives ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD``, as precisely as the text allows.

Choices on ambiguous cases:

- Spans include a leading preposition when there is one ("in 2014", "on Monday",
  "since May"), but not "and"/"to" nor a trigger verb ("said Monday" gives "Monday").
- Relative expressions resolve against ``published``; with no publication date they are
  still reported, with ``value=None``.
- "in May", "back in May", "early May", "on March 3": the publication year; when the
  publication has a month and the named date falls after it, the year before ("by May",
  "until May", "this May" keep the publication year). "last May": the publication year
  minus one when only the year is known, else the most recent May strictly before the
  publication date. "next May": the mirror image.
- "in today's world" is not a date; "© 2023" page furniture is not either.
- "today", "this week", "on Monday", "said Monday", "late Tuesday": the weekday on or
  before the publication date ("last Monday": strictly before, "next Monday": strictly
  after). With a year-month publication these give ``YYYY-MM``; with a year, ``YYYY``.
- "yesterday"/"tomorrow": one day before/after (else the month or year known).
- "last week"/"next week": the month of the date seven days away (the day is unknown);
  with only a year known, the year.
- "this month": the publication month, or its year when only the year is known; "last
  month"/"next month": the adjacent month, or ``None`` when only the year is known.
- "this/last/next year" and "N years ago": the year shifted. "N months/weeks/days ago"
  need a precise enough publication date, else ``None``; "a few years ago" is ``None``.
  Narrative phrases ("a year later", "two years earlier", "the following year") count from
  the year mentioned just before them in the same sentence ("in 2015 and a year later"
  gives 2016); with no such year they are not reported.
- "Q1 2023", "the first quarter of 2023", "H2 2022", "fiscal 2023", "FY23", "late 2022",
  "mid-2020", "the summer of 2019": the year. Decades ("the 1990s", "'90s") are reported
  with ``value=None`` so that their digits are not mistaken for a year.
- A bare year needs a preposition ("in", "since", "by", "between" ...), or must lie in
  1990-2030, not follow a capitalised word (which rules out "Windows 2000", "CES 2023";
  sentence starters, months and possessives like "Microsoft's 2019" are fine), not touch
  a currency sign, letter or dash-joined word ("$2019", "A2019", "GPT-2019"), and not be
  followed by a unit noun ("2000 employees"). Years must lie in 1900-2100. Model names
  like "GPT-2", "A100", "H100" never look like years.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.utils import parsedate_tz
from functools import lru_cache


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``; keeps long word lists readable."""
    return frozenset(text.split())


@dataclass(frozen=True, slots=True)
class DateMention:
    """A date expression in a sentence, with its resolved value (``None`` if unresolvable)."""

    start: int
    end: int
    text: str
    value: str | None
    relative: bool


_MONTH_NUMBER = {
    "january": 1,
    "february": 2,
    "march": 3,
    "april": 4,
    "may": 5,
    "june": 6,
    "july": 7,
    "august": 8,
    "september": 9,
    "october": 10,
    "november": 11,
    "december": 12,
    "jan": 1,
    "feb": 2,
    "mar": 3,
    "apr": 4,
    "jun": 6,
    "jul": 7,
    "aug": 8,
    "sep": 9,
    "sept": 9,
    "oct": 10,
    "nov": 11,
    "dec": 12,
}
_WEEKDAY_NUMBER = {
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}
_NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
}

_MONTH_FULL = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
)
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19\d\d|20\d\d|2100)(?!\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th)?"
_UNITS = (
    r"(?:employees|staff|people|persons|users|customers|clients|members|subscribers|units|devices"
    r"|companies|firms|startups|businesses|stores|shops|jobs|workers|developers|engineers"
    r"|researchers|scientists|patients|students|servers|GPUs|chips|cars|vehicles|robots|drones"
    r"|homes|houses|times|points|miles|kilometers|km|hours|minutes|seconds|days|pages|words"
    r"|tokens|parameters|images|photos|videos|votes|cases|deaths|dollars|euros|shares|lines"
    r"|locations|sites|cities|countries|apps|games|titles|square|feet|meters|tons|MW|GW|kW"
    r"|watts|percent|per|cores|transistors|pixels|calories|signatures|copies|items|products)\b"
)

# Stage 1: anchors, the tokens every date expression contains. Every alternative starts with
# a literal character, so the regex engine skips ahead with a character-set scan.
_ANCHOR_WORDS = sorted(
    _words(
        """Jan Feb Mar Apr May Jun Jul Aug Sep Oct Nov Dec Monday Tuesday Wednesday
    Thursday Friday Saturday Sunday today Today tonight Tonight tomorrow Tomorrow yesterday
    Yesterday week month year FY Q1 Q2 Q3 Q4 H1 H2"""
    )
) + [
    "this morning",
    "This morning",
    "this afternoon",
    "This afternoon",
    "this evening",
    "This evening",
    "days ago",
    "day ago",
]


def _anchor_pattern() -> str:
    """Alternatives grouped by first character, each starting with a literal."""
    by_first: dict[str, list[str]] = {}
    for word in _ANCHOR_WORDS:
        by_first.setdefault(word[0], []).append(re.escape(word[1:]))
    parts = [f"{d}[0-9]*" for d in "0123456789"]
    for first, rests in by_first.items():
        rests.sort(key=len, reverse=True)
        parts.append(re.escape(first) + "(?:" + "|".join(rests) + ")")
    return "|".join(parts)


_ANCHOR_RE = re.compile(_anchor_pattern())

# Stage 2: the core of an expression, matched at an anchor.
_CORE_RE = re.compile(
    rf"(?P<iso>(?<![\d-])(?P<iso_y>{_YEAR})(?P<iso_sep>[-/])(?P<iso_m>0[1-9]|1[0-2])(?P=iso_sep)"
    rf"(?P<iso_d>0[1-9]|[12]\d|3[01])(?!\d))"
    rf"|(?P<mdy>(?<![A-Za-z])(?P<mdy_m>{_MONTH_ANY})\s*(?P<mdy_d>{_DAY}),?\s+(?P<mdy_y>{_YEAR}))"
    rf"|(?P<my>(?<![A-Za-z])(?P<my_m>{_MONTH_ANY}),?\s+(?:of\s+)?(?P<my_y>{_YEAR}))"
    rf"|(?P<md>(?<![A-Za-z])(?P<md_m>{_MONTH_ANY})\s*(?P<md_d>{_DAY})\b(?!,?\s*\d))"
    rf"|(?P<rmon>(?<![A-Za-z])(?P<rmon_m>{_MONTH_FULL})\b(?!\.?\s*,?\s*\d|-\d))"
    rf"|(?P<dmy>(?<![\d.,])(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{_MONTH_ANY}),?\s+"
    rf"(?P<dmy_y>{_YEAR}))"
    rf"|(?P<dm>(?<![\d.,])(?P<dm_d>{_DAY})\s+(?:of\s+)?(?P<dm_m>{_MONTH_FULL})\b(?!,?\s*\d))"
    rf"|(?P<qtr>(?<![A-Za-z0-9])(?:Q[1-4]|H[12]|[12]H)\s*(?:of\s+)?(?:(?:FY|fiscal)\s*)?"
    rf"(?P<qtr_y>{_YEAR})|(?<![A-Za-z0-9])(?:Q[1-4]|H[12]|[12]H)\s*(?:FY\s?|['\u2019])"
    rf"(?P<qtr_yy>\d\d)(?!\d))"
    rf"|(?P<fy>(?<![A-Za-z])FY\s?['\u2019]?(?:(?P<fy_y>{_YEAR})|(?P<fy_yy>\d\d)(?!\d)))"
    rf"|(?P<dec>(?<!\d)(?:19|20)\d0['\u2019]?s\b|(?<=['\u2019])\d0s\b)"
    rf"|(?P<yr>(?<![\w$\u20ac\u00a3\u00a5\u00a9#@/.])(?P<yr_y>{_YEAR})"
    rf"(?![\w%\u2030]|[.,]\d|\s+{_UNITS}))"
    rf"|(?P<wday>(?<![A-Za-z])(?P<wday_d>{_WEEKDAY})(?:\s+(?:morning|afternoon|evening|night))?\b)"
    r"|(?P<today>(?<![A-Za-z])(?:[Tt]oday|[Tt]onight|[Tt]his\s+(?:morning|afternoon|evening))\b)"
    r"|(?P<yday>(?<![A-Za-z])[Yy]esterday\b)"
    r"|(?P<tmrw>(?<![A-Za-z])[Tt]omorrow\b)"
    r"|(?P<unit>(?<![A-Za-z])(?P<unit_u>week|month|year|day)s?\b(?P<unit_dir>\s+(?:ago|later|earlier)\b)?)"
)

# Stage 3: what may precede a core, searched in a short window ending at the core.
_PREFIX_RE = re.compile(
    r"(?:\b(?P<prep>(?i:(?:back\s+|earlier\s+|later\s+)?(?:in|on|since|from|by|until|till"
    r"|through|throughout|during|before|after|around|circa|between|and|to|as\s+of"
    r"|as\s+early\s+as|as\s+late\s+as)))\s+)?"
    r"(?:\b(?P<qual>(?i:"
    r"(?P<q_quarter>(?:the\s+)?(?:first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+"
    r"(?:quarter|half)\s+of(?:\s+fiscal(?:\s+year)?)?\s+)"
    r"|(?P<q_fiscal>fiscal(?:\s+year)?\s+)"
    r"|(?P<q_narr>the\s+(?:following|next|previous|prior)\s+)"
    r"|(?P<q_rel>(?:earlier\s+|later\s+|so\s+far\s+)?(?:this|last|next)\s+)"
    r"|(?P<q_edge>(?:the\s+)?(?:early|late|mid)(?:\s+|-))"
    r"|(?P<q_time>(?:earlier|later)\s+)"
    r"|(?P<q_season>(?:the\s+)?(?:end|start|beginning|middle|close|spring|summer|fall|autumn"
    r"|winter)(?:\s+of)?\s+)"
    r"|(?P<q_the>the\s+)"
    r"|(?P<q_num>(?:a\s+few|a\s+couple\s+of|several|few|many|some|an?|one|two|three|four|five"
    r"|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|\d{1,3})\s+)"
    r")))?$"
)
_QUAL_KINDS = (
    "q_quarter",
    "q_fiscal",
    "q_narr",
    "q_rel",
    "q_edge",
    "q_time",
    "q_season",
    "q_the",
    "q_num",
)
_PREFIX_WINDOW = 48
# Which qualifiers each kind of core accepts; others are ignored with the preposition.
_ACCEPTS = {
    "yr": {"q_quarter", "q_fiscal", "q_edge", "q_season"},
    "my": {"q_edge", "q_season"},
    "dec": {"q_the", "q_edge"},
    "rmon": {"q_rel", "q_edge", "q_season"},
    "wday": {"q_rel", "q_edge", "q_time"},
    "today": {"q_time"},
    "unit": {"q_rel", "q_num", "q_narr"},
}

_VERB_BEFORE_WEEKDAY = _words(
    """said says announced announces reported reports revealed reveals unveiled unveils
    launched launches confirmed confirms disclosed discloses told added stated released
    releases filed files agreed agrees completed closed closes published publishes introduced
    introduces debuted acquired invested sued opened began begins started starts wrote
    tweeted posted blogged"""
)
_ALLOWED_BEFORE_YEAR = _words(
    """The A An This That These Those Its Their His Her Our My Your In On At By For From With
    Since During Until Before After Between Through Throughout Around And But Or So As Of
    To Unlike Like Despite Over Under Back Early Late Mid Fiscal Summer Spring Fall Autumn
    Winter"""
)
_CONNECTIVES = frozenset({"and", "to"})
_COPYRIGHT = frozenset({"\u00a9", "(c)", "(C)", "Copyright", "copyright"})
_WEAK_PREPS = frozenset({"and", "to", "around", "circa"})
_ROLLBACK_EXEMPT = frozenset({"by", "until", "till", "to", "this", "next"})

_Ymd = tuple[int, int | None, int | None]
_REJECT = object()


@dataclass(frozen=True, slots=True)
class _Found:
    """A core match with its accepted prefix, handed to the resolvers."""

    core: re.Match[str]
    kind: str
    prep: str | None  # last word of the preposition, lowercased
    qual_kind: str | None
    qual: str | None  # qualifier words, lowercased and space-joined
    sentence: str
    base: int | None = None  # year of the previous dated mention, for "a year later"


def parse_published(value: object) -> str | None:
    """Normalise a publication date to ``YYYY[-MM[-DD]]``; ``None`` for missing or bad values."""
    pub = _parse_ymd(value)
    return _format(*pub) if pub else None


def normalise_date(value: object) -> str | None:
    """Normalise a user-given date (YYYY, YYYY-MM, YYYY-MM-DD); ``None`` stays ``None``."""
    if value is None:
        return None
    pub = _parse_ymd(value)
    if pub is None:
        raise ValueError(
            f"invalid date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD "
            "(for example 2023, 2023-01 or 2023-01-23), with a year in 1900-2100"
        )
    return _format(*pub)


def find_dates(sentence: str, published: str | None) -> list[DateMention]:
    """Find date expressions in ``sentence``, resolving relative ones against ``published``."""
    pub = _cached_ymd(published) if isinstance(published, str) else _parse_ymd(published)
    out: list[DateMention] = []
    skip_to = floor = 0  # anchors before skip_to are inside a core; prefixes start at floor
    for a in _ANCHOR_RE.finditer(sentence):
        pos = a.start()
        if pos < skip_to:
            continue
        core = _CORE_RE.match(sentence, pos)
        if core is None:
            continue
        kind: str = core.lastgroup  # type: ignore[assignment]
        start = pos - 1 if kind == "dec" and pos and sentence[pos - 1] in "'\u2019" else pos
        skip_to = end = core.end()
        found, start = _with_prefix(core, kind, sentence, start, max(floor, start - _PREFIX_WINDOW))
        if kind == "unit" and out and out[-1].value:
            found = replace(found, base=int(out[-1].value[:4]))
        handler, relative = _HANDLERS[kind]
        value = handler(found, pub)
        if value is not _REJECT:
            floor = end
            out.append(DateMention(start, end, sentence[start:end], value, relative))  # type: ignore[arg-type]
    return out


def _with_prefix(core: re.Match[str], kind: str, s: str, start: int, lo: int) -> tuple[_Found, int]:
    """Attach the preposition and qualifier before a core when the core's kind accepts them."""
    pre = _PREFIX_RE.search(s, lo, start) if start > lo else None
    if pre is None or pre.start() == start:
        return _Found(core, kind, None, None, None, s), start
    qual_kind = next((k for k in _QUAL_KINDS if pre.group(k) is not None), None)
    if qual_kind is not None and qual_kind not in _ACCEPTS.get(kind, ()):
        return _Found(core, kind, None, None, None, s), start
    prep_text = pre.group("prep")
    prep = prep_text.split()[-1].lower() if prep_text else None
    qual = " ".join(pre.group("qual").lower().replace("-", " ").split()) if qual_kind else None
    new_start = pre.start()
    if prep in _CONNECTIVES:
        new_start = pre.start("qual") if qual_kind else start
    return _Found(core, kind, prep, qual_kind, qual, s), new_start


# --- publication dates -------------------------------------------------------------------

_ISO_RE = re.compile(
    r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)


_LEAD_WEEKDAY = re.compile(r"(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*\.?,?\s+")


@lru_cache(maxsize=256)
def _cached_ymd(value: str) -> _Ymd | None:
    """Memoised ``_parse_ymd`` for the few distinct publication strings of a run."""
    return _parse_ymd(value)


def _parse_ymd(value: object) -> _Ymd | None:
    """Turn a publication value into (year, month, day) with unknown parts ``None``."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, datetime):
        value = value.date()
    if isinstance(value, date):
        return _valid(value.year, value.month, value.day)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        return _valid(value, None, None)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text:
        return None
    m = _ISO_RE.fullmatch(text)
    if m:
        y, mo, d = m.groups()
        return _valid(int(y), int(mo) if mo else None, int(d) if d else None)
    try:
        parsed = parsedate_tz(text)
    except (TypeError, ValueError, IndexError):
        parsed = None
    if parsed:
        return _valid(parsed[0], parsed[1], parsed[2])
    lead = _LEAD_WEEKDAY.match(text)
    core = _CORE_RE.fullmatch(text, lead.end() if lead else 0)
    if core is None or core.lastgroup not in ("mdy", "dmy", "my"):
        return None
    value = _HANDLERS[core.lastgroup][0](_Found(core, core.lastgroup, None, None, None, text), None)
    parts = [int(p) for p in str(value).split("-")]
    return _valid(parts[0], parts[1], parts[2] if len(parts) > 2 else None)


def _valid(y: int, mo: int | None, d: int | None) -> _Ymd | None:
    """Check ranges (year 1900-2100, real month and day); ``None`` when out of range."""
    if not 1900 <= y <= 2100:
        return None
    if mo is None:
        return (y, None, None) if d is None else None
    if not 1 <= mo <= 12:
        return None
    if d is not None:
        try:
            date(y, mo, d)
        except ValueError:
            return None
    return (y, mo, d)


def _format(y: int, mo: int | None = None, d: int | None = None) -> str:
    """Format a (year, month, day) triple at its own precision."""
    if mo is None:
        return f"{y:04d}"
    if d is None:
        return f"{y:04d}-{mo:02d}"
    return f"{y:04d}-{mo:02d}-{d:02d}"


def _format_date(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}-{day.day:02d}"


# --- resolvers -----------------------------------------------------------------------------


def _month(name: str) -> int:
    return _MONTH_NUMBER[name.rstrip(".").lower()]


def _day(text: str) -> int:
    return int(text.rstrip("stndrh"))


def _two_digit_year(text: str) -> int:
    n = int(text)
    return n if n >= 100 else 2000 + n


def _full_date(y: int, mo: int, d: int) -> str:
    """A full date, degraded to the month when the day does not exist (Feb 30)."""
    try:
        date(y, mo, d)
    except ValueError:
        return _format(y, mo)
    return _format(y, mo, d)


def _month_year(pub: _Ymd, mo: int, d: int | None, prep: str | None) -> int:
    """Year of a month (and day) named without one: the publication year, or the year
    before when the publication month is known and the named date lies after it."""
    y, pmo, pd = pub
    if pmo is None or prep in _ROLLBACK_EXEMPT:
        return y
    if mo > pmo or (mo == pmo and d is not None and pd is not None and d > pd):
        return y - 1
    return y


def _r_iso(f: _Found, pub: _Ymd | None) -> object:
    g = f.core.group
    return _full_date(int(g("iso_y")), int(g("iso_m")), int(g("iso_d")))


def _r_mdy(f: _Found, pub: _Ymd | None) -> object:
    g = f.core.group
    return _full_date(int(g("mdy_y")), _month(g("mdy_m")), _day(g("mdy_d")))


def _r_dmy(f: _Found, pub: _Ymd | None) -> object:
    g = f.core.group
    return _full_date(int(g("dmy_y")), _month(g("dmy_m")), _day(g("dmy_d")))


def _r_my(f: _Found, pub: _Ymd | None) -> object:
    return _format(int(f.core.group("my_y")), _month(f.core.group("my_m")))


def _r_md(f: _Found, pub: _Ymd | None) -> object:
    return _month_day(f, pub, _month(f.core.group("md_m")), _day(f.core.group("md_d")))


def _r_dm(f: _Found, pub: _Ymd | None) -> object:
    return _month_day(f, pub, _month(f.core.group("dm_m")), _day(f.core.group("dm_d")))


def _month_day(f: _Found, pub: _Ymd | None, mo: int, d: int) -> object:
    if pub is None:
        return None
    return _full_date(_month_year(pub, mo, d, f.prep), mo, d)


def _r_qtr(f: _Found, pub: _Ymd | None) -> object:
    g = f.core.group
    return _format(_two_digit_year(g("qtr_y") or g("qtr_yy")))


def _r_fy(f: _Found, pub: _Ymd | None) -> object:
    g = f.core.group
    return _format(_two_digit_year(g("fy_y") or g("fy_yy")))


def _r_dec(f: _Found, pub: _Ymd | None) -> object:
    return None


def _r_yr(f: _Found, pub: _Ymd | None) -> object:
    text = f.core.group("yr_y")
    if f.qual_kind is not None or (f.prep is not None and f.prep not in _WEAK_PREPS):
        return text
    s, start = f.sentence, f.core.start()
    if start and s[start - 1] == "-":
        return _REJECT  # "GPT-2019", "2018-2019" (the first year stands)
    if not 1990 <= int(text) <= 2030:
        return _REJECT
    if start and s[start - 1].isspace():
        before = s[start - 30 if start > 30 else 0 : start].split()
        prev = before[-1] if before else ""
        if prev in _COPYRIGHT:
            return _REJECT  # page furniture: "© 2023 VentureBeat"
        if (
            prev
            and prev[0].isupper()
            and prev[-1].isalnum()
            and prev not in _ALLOWED_BEFORE_YEAR
            and prev.rstrip(".").lower() not in _MONTH_NUMBER
            and not prev.endswith(("'s", "\u2019s"))
        ):
            return _REJECT  # "Windows 2000", "CES 2023"
    return text


def _r_rmon(f: _Found, pub: _Ymd | None) -> object:
    if f.qual_kind is None and f.prep in (None, "and", "to"):
        return _REJECT  # a bare month name is too often a person or a verb
    if pub is None:
        return None
    mo = _month(f.core.group("rmon_m"))
    y, pmo, _ = pub
    word = f.qual.split()[-1] if f.qual_kind == "q_rel" else None  # type: ignore[union-attr]
    if word == "last":
        return _format(y - 1 if pmo is None or mo >= pmo else y, mo)
    if word == "next":
        return _format(y + 1 if pmo is None or mo <= pmo else y, mo)
    return _format(_month_year(pub, mo, None, word or f.prep), mo)


def _r_wday(f: _Found, pub: _Ymd | None) -> object:
    if f.qual_kind is None and f.prep is None:
        s, start = f.sentence, f.core.start()
        before = s[start - 20 if start > 20 else 0 : start].split()
        if not before or before[-1].lower() not in _VERB_BEFORE_WEEKDAY:
            return _REJECT  # "Cyber Monday", "Black Friday"
    if pub is None:
        return None
    y, mo, d = pub
    if mo is None or d is None:
        return _format(y, mo)
    pub = date(y, mo, d)
    back = (pub.weekday() - _WEEKDAY_NUMBER[f.core.group("wday_d").lower()]) % 7
    word = f.qual.split()[-1] if f.qual_kind == "q_rel" else None  # type: ignore[union-attr]
    if word == "last" and back == 0:
        back = 7
    elif word == "next":
        back = back - 7 if back else -7
    return _format_date(pub - timedelta(days=back))


def _shift_days(pub: _Ymd | None, days: int) -> object:
    """The date ``days`` away at full precision, else the month or year known."""
    if pub is None:
        return None
    y, mo, d = pub
    if mo is None or d is None:
        return _format(y, mo)
    return _format_date(date(y, mo, d) + timedelta(days=days))


def _r_today(f: _Found, pub: _Ymd | None) -> object:
    if f.prep in ("in", "of") and f.sentence.startswith(("'s", "\u2019s"), f.core.end()):
        return _REJECT  # "in today's world": the present in general, not a date
    return _shift_days(pub, 0)


def _r_yday(f: _Found, pub: _Ymd | None) -> object:
    return _shift_days(pub, -1)


def _r_tmrw(f: _Found, pub: _Ymd | None) -> object:
    return _shift_days(pub, 1)


def _shift_months(pub: _Ymd, months: int) -> str | None:
    y, mo, _ = pub
    if mo is None:
        return None
    total = y * 12 + mo - 1 + months
    return _format(total // 12, total % 12 + 1)


def _r_unit(f: _Found, pub: _Ymd | None) -> object:
    unit = f.core.group("unit_u")
    direction = (f.core.group("unit_dir") or "").strip().lower()
    if f.qual_kind == "q_num" and direction == "ago":
        return _ago(f.qual, unit, pub)  # type: ignore[arg-type]
    words = (f.qual or "").split()
    if f.qual_kind == "q_narr" and f.base is None and words[1] == "next":
        words = ["next"]  # "over the next year", with no year before it: from publication
    elif f.qual_kind in ("q_num", "q_narr"):
        return _narrative(f, unit, direction)
    elif f.qual_kind != "q_rel":
        return _REJECT
    if direction or unit == "day":
        return _REJECT
    if pub is None:
        return None
    step = {"this": 0, "last": -1, "next": 1}[words[-1]]
    y, mo, d = pub
    if unit == "year":
        return _format(y + step)
    if unit == "month":
        return _format(y, mo) if step == 0 else _shift_months(pub, step)
    if step == 0:
        return _format(y, mo, d)
    if mo is None or d is None:
        return _format(y) if mo is None else None
    day = date(y, mo, d) + timedelta(days=7 * step)
    return _format(day.year, day.month)


def _narrative(f: _Found, unit: str, direction: str) -> object:
    """Resolve "a year later", "two years earlier", "the following year" against the year
    mentioned just before in the same sentence; without one they are not reported."""
    if unit != "year" or f.base is None:
        return _REJECT
    qual = f.qual or ""
    if f.qual_kind == "q_narr":
        if direction:
            return _REJECT
        return _format(f.base + (1 if qual.split()[1] in ("following", "next") else -1))
    n = int(qual) if qual.isdigit() else _NUMBER_WORDS.get(qual)
    if n is None or direction not in ("later", "earlier"):
        return _REJECT
    return _format(f.base + n if direction == "later" else f.base - n)


def _ago(qual: str, unit: str, pub: _Ymd | None) -> object:
    """Resolve "N years/months/weeks/days ago"; vague counts ("a few") give ``None``."""
    if pub is None:
        return None
    n = int(qual) if qual.isdigit() else _NUMBER_WORDS.get(qual)
    if n is None:
        return None
    y, mo, d = pub
    if unit == "year":
        return _format(y - n)
    if unit == "month":
        return _shift_months(pub, -n)
    if mo is None or d is None:
        return None
    return _format_date(date(y, mo, d) - timedelta(days=n * (7 if unit == "week" else 1)))


_Resolver = Callable[[_Found, "_Ymd | None"], object]
_HANDLERS: dict[str, tuple[_Resolver, bool]] = {
    "iso": (_r_iso, False),
    "mdy": (_r_mdy, False),
    "dmy": (_r_dmy, False),
    "my": (_r_my, False),
    "md": (_r_md, True),
    "dm": (_r_dm, True),
    "qtr": (_r_qtr, False),
    "fy": (_r_fy, False),
    "dec": (_r_dec, False),
    "yr": (_r_yr, False),
    "rmon": (_r_rmon, True),
    "wday": (_r_wday, True),
    "today": (_r_today, True),
    "yday": (_r_yday, True),
    "tmrw": (_r_tmrw, True),
    "unit": (_r_unit, True),
}
