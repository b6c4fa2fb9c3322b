"""Find date expressions in a sentence and resolve them against the publication date.

One precompiled alternation finds every candidate expression (with an optional leading
preposition); a small handler per alternative resolves it to ``YYYY``, ``YYYY-MM`` or
``YYYY-MM-DD`` as precisely as the text allows.

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
  Narrative-relative phrases ("a year later", "the previous year") are not reported.
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
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.utils import parsedate_tz
from functools import lru_cache


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

_MONTH_FULL = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
_MONTH_ANY = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|December"
    r"|(?:Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sept|Sep|Oct|Nov|Dec)\b\.?)"
)
_WEEKDAY = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
_YEAR = r"(?:19\d\d|20\d\d|2100)(?!\d)"
_DAY = r"(?:[12]\d|3[01]|0?[1-9])(?!\d)(?:st|nd|rd|th)?"
_PREP = (
    r"(?:back\s+|earlier\s+|later\s+|as\s+)?(?:in|on|since|from|by|until|till|through|throughout"
    r"|during|before|after|around|circa|between|and|to|as\s+of|as\s+early\s+as|as\s+late\s+as)"
)
_MOD = (
    r"(?:early|late|mid|the\s+(?:end|start|beginning|middle|close|first\s+half|second\s+half)\s+of"
    r"|(?:the\s+)?(?:end|start|beginning|middle)\s+of|(?:the\s+)?(?:spring|summer|fall|autumn|winter)"
    r"(?:\s+of)?)"
)
_UNITS = (
    r"(?:employees|staff|people|persons|users|customers|clients|members|subscribers|units|devices"
    r"|companies|firms|startups|businesses|stores|shops|jobs|workers|developers|engineers"
    r"|researchers|scientists|patients|students|servers|GPUs|chips|cars|vehicles|robots|drones"
    r"|homes|houses|times|points|miles|kilometers|km|hours|minutes|seconds|days|pages|words"
    r"|tokens|parameters|images|photos|videos|votes|cases|deaths|dollars|euros|shares|lines"
    r"|locations|sites|cities|countries|apps|games|titles|square|feet|meters|tons|MW|GW|kW"
    r"|watts|percent|per|cores|transistors|pixels|calories|signatures|copies|items|products)\b"
)

_DATE_RE = re.compile(
    rf"(?:\b(?P<prep>(?i:{_PREP}))\s+)?(?:"
    rf"(?P<iso>(?<![\d-])(?P<iso_y>{_YEAR})(?P<iso_sep>[-/])(?P<iso_m>0[1-9]|1[0-2])(?P=iso_sep)"
    rf"(?P<iso_d>0[1-9]|[12]\d|3[01])(?!\d))"
    rf"|(?P<mdy>\b(?P<mdy_m>{_MONTH_ANY})\s*(?P<mdy_d>{_DAY}),?\s+(?P<mdy_y>{_YEAR}))"
    rf"|(?P<dmy>(?<!\d)(?P<dmy_d>{_DAY})\s+(?:of\s+)?(?P<dmy_m>{_MONTH_ANY}),?\s+(?P<dmy_y>{_YEAR}))"
    rf"|(?P<my>\b(?P<my_m>{_MONTH_ANY}),?\s+(?:of\s+)?(?P<my_y>{_YEAR}))"
    rf"|(?P<md>\b(?P<md_m>{_MONTH_ANY})\s*(?P<md_d>{_DAY})\b(?!,?\s*\d))"
    rf"|(?P<dm>(?<!\d)(?P<dm_d>{_DAY})\s+(?:of\s+)?(?P<dm_m>{_MONTH_FULL})\b(?!,?\s*\d))"
    rf"|(?P<qtr>(?:(?i:the)\s+)?(?i:first|second|third|fourth|final|last|1st|2nd|3rd|4th)\s+"
    rf"(?i:quarter|half)\s+of\s+(?:(?i:fiscal)\s+(?:(?i:year)\s+)?)?(?P<qtr_y>{_YEAR})"
    rf"|\b(?:Q[1-4]|H[12]|[12]H)\s*(?:of\s+)?(?:(?:FY|(?i:fiscal))\s*)?(?P<qtr_y2>{_YEAR})"
    rf"|\b(?:Q[1-4]|H[12]|[12]H)\s*(?:FY\s?|['\u2019])(?P<qtr_y3>\d\d)(?!\d))"
    rf"|(?P<fy>\b(?i:fiscal)\s+(?:(?i:year)\s+)?(?P<fy_y>{_YEAR})"
    rf"|\bFY\s?['\u2019]?(?P<fy_y2>{_YEAR}|\d\d(?!\d)))"
    rf"|(?P<dec>(?:(?i:the)\s+)?(?:(?i:early|mid|late)[\s-]+)?"
    rf"(?:(?<!\d)(?:19|20)\d0|['\u2019]\d0)['\u2019]?s\b)"
    rf"|(?P<ymod>\b(?i:{_MOD})[\s-]+(?P<ymod_y>{_YEAR}))"
    rf"|(?P<yr>(?<![\w$\u20ac\u00a3\u00a5#@/.])(?<![A-Za-z]-)(?P<yr_y>{_YEAR})"
    rf"(?![\w%\u2030]|[.,]\d|\s+{_UNITS}))"
    rf"|(?P<rmon>(?:(?P<rmon_q>(?i:this|last|next|early|late|mid|the\s+end\s+of|the\s+start\s+of"
    rf"|the\s+beginning\s+of|the\s+middle\s+of))[\s-]+)?(?P<rmon_m>{_MONTH_FULL})\b(?!\.?\s*,?\s*\d|-\d))"
    rf"|(?P<wday>(?:(?P<wday_q>(?i:last|this|next|late|early|earlier|later))\s+)?(?P<wday_d>{_WEEKDAY})"
    rf"(?:\s+(?i:morning|afternoon|evening|night))?\b)"
    rf"|(?P<today>\b(?i:(?:earlier\s+|later\s+)?today|tonight|this\s+(?:morning|afternoon|evening))\b)"
    rf"|(?P<yday>\b(?i:yesterday)\b)"
    rf"|(?P<tmrw>\b(?i:tomorrow)\b)"
    rf"|(?P<rel>\b(?i:(?:earlier\s+|later\s+|so\s+far\s+)?(?P<rel_q>this|last|next)\s+"
    rf"(?P<rel_u>week|month|year))\b)"
    rf"|(?P<ago>\b(?P<ago_n>(?i:a\s+few|a\s+couple\s+of|several|few|many|some|an?|one|two|three|four"
    rf"|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty)|\d{{1,3}})\s+"
    rf"(?P<ago_u>(?i:years?|months?|weeks?|days?))\s+(?i:ago)\b)"
    r")"
)

_VERB_BEFORE_WEEKDAY = frozenset(
    """said says announced announces reported reports revealed reveals unveiled unveils
    launched launches confirmed confirms disclosed discloses told added stated released
    releases filed files agreed agrees completed closed closes published publishes introduced
    introduces debuted acquired invested sued opened began begins started starts wrote
    tweeted posted blogged""".split()
)
_ALLOWED_BEFORE_YEAR = frozenset(
    """The A An This That These Those Its Their His Her Our My Your In On At By For From With
    Since During Until Before After Between Through Throughout Around And But Or So As Of
    To Unlike Like Despite Over Under Back Early Late Mid Fiscal Summer Spring Fall Autumn
    Winter""".split()
)
_CONNECTIVES = frozenset({"and", "to"})
_WEAK_PREPS = frozenset({"and", "to", "around", "circa"})
_ROLLBACK_EXEMPT = frozenset({"by", "until", "till", "to", "this", "next"})

_Anchor = tuple[int, int | None, int | None]
_REJECT = object()


def parse_published(value: object) -> str | None:
    """Normalise a publication date to ``YYYY[-MM[-DD]]``; ``None`` for missing or bad values."""
    anchor = _parse_anchor(value)
    return _format(*anchor) if anchor else None


def normalise_date(value: object) -> str | None:
    """Normalise a user-given date (YYYY, YYYY-MM, YYYY-MM-DD); ``None`` stays ``None``."""
    if value is None:
        return None
    anchor = _parse_anchor(value)
    if anchor is None:
        raise ValueError(
            f"invalid date {value!r}: expected YYYY, YYYY-MM or YYYY-MM-DD "
            "(for example 2023, 2023-01 or 2023-01-23), with a year in 1900-2100"
        )
    return _format(*anchor)


def find_dates(sentence: str, published: str | None) -> list[DateMention]:
    """Find date expressions in ``sentence``, resolving relative ones against ``published``."""
    anchor = _cached_anchor(published) if isinstance(published, str) else _parse_anchor(published)
    out: list[DateMention] = []
    for m in _DATE_RE.finditer(sentence):
        kind = m.lastgroup
        handler, relative = _HANDLERS[kind]  # type: ignore[index]
        value = handler(m, anchor, sentence)
        if value is _REJECT:
            continue
        start = m.start()
        if start != m.start(kind) and _prep(m) in _CONNECTIVES:  # type: ignore[arg-type]
            start = m.start(kind)  # type: ignore[arg-type]
        out.append(DateMention(start, m.end(), sentence[start : m.end()], value, relative))  # type: ignore[arg-type]
    return out


# --- publication dates -------------------------------------------------------------------

_ISO_RE = re.compile(
    r"(\d{4})(?:[-/](\d{1,2})(?:[-/](\d{1,2}))?)?(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
    r"\s*(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT)?)?"
)


@lru_cache(maxsize=256)
def _cached_anchor(value: str) -> _Anchor | None:
    """Memoised ``_parse_anchor`` for the few distinct publication strings of a run."""
    return _parse_anchor(value)


def _parse_anchor(value: object) -> _Anchor | None:
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
    found = [d for d in find_dates(text, None) if not d.relative and d.value]
    if len(found) == 1 and len(found[0].text) >= len(text.rstrip(".")) - 12:
        parts = [int(p) for p in found[0].value.split("-")]  # type: ignore[union-attr]
        parts += [None] * (3 - len(parts))  # type: ignore[list-item]
        return _valid(*parts)  # type: ignore[arg-type]
    return None


def _valid(y: int, mo: int | None, d: int | None) -> _Anchor | None:
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


# --- handlers ----------------------------------------------------------------------------


def _prep(m: re.Match[str]) -> str | None:
    p = m.group("prep")
    return p.split()[-1].lower() if p else None


def _month(name: str) -> int:
    return _MONTH_NUMBER[name.rstrip(".").lower()]


def _two_digit_year(text: str) -> int:
    n = int(text)
    return n if n >= 100 else 2000 + n


def _full_date(y: int, mo: int, day_text: str) -> str:
    """A full date, degraded to the month when the day does not exist (Feb 30)."""
    d = int(day_text.rstrip("stndrh"))
    try:
        date(y, mo, d)
    except ValueError:
        return _format(y, mo)
    return _format(y, mo, d)


def _h_iso(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    y, mo, d = int(m.group("iso_y")), int(m.group("iso_m")), int(m.group("iso_d"))
    return _full_date(y, mo, str(d))


def _h_mdy(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _full_date(int(m.group("mdy_y")), _month(m.group("mdy_m")), m.group("mdy_d"))


def _h_dmy(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _full_date(int(m.group("dmy_y")), _month(m.group("dmy_m")), m.group("dmy_d"))


def _h_my(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _format(int(m.group("my_y")), _month(m.group("my_m")))


def _month_year(anchor: _Anchor, mo: int, d: int | None, prep: str | None) -> int:
    """Year of a month (and day) named without one: the publication year, or the year
    before when the publication month is known and the named date lies after it."""
    y, pmo, pd = anchor
    if pmo is None or prep in _ROLLBACK_EXEMPT:
        return y
    if mo > pmo or (mo == pmo and d is not None and pd is not None and d > pd):
        return y - 1
    return y


def _h_md(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _month_day(anchor, _month(m.group("md_m")), m.group("md_d"), _prep(m))


def _h_dm(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _month_day(anchor, _month(m.group("dm_m")), m.group("dm_d"), _prep(m))


def _month_day(anchor: _Anchor | None, mo: int, day_text: str, prep: str | None) -> object:
    if anchor is None:
        return None
    d = int(day_text.rstrip("stndrh"))
    return _full_date(_month_year(anchor, mo, d, prep), mo, str(d))


def _h_qtr(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _format(_two_digit_year(m.group("qtr_y") or m.group("qtr_y2") or m.group("qtr_y3")))


def _h_fy(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _format(_two_digit_year(m.group("fy_y") or m.group("fy_y2")))


def _h_none(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return None


def _h_ymod(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return m.group("ymod_y")


def _h_yr(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    text = m.group("yr_y")
    prep = _prep(m)
    if prep is not None and prep not in _WEAK_PREPS:
        return text
    y = int(text)
    if not 1990 <= y <= 2030:
        return _REJECT
    start = m.start()
    if start and s[start - 1].isspace():
        before = s[start - 30 if start > 30 else 0 : start].split()
        prev = before[-1] if before else ""
        if (
            prev
            and prev[0].isupper()
            and prev not in _ALLOWED_BEFORE_YEAR
            and prev.rstrip(".").lower() not in _MONTH_NUMBER
            and not prev.endswith(("'s", "\u2019s", "s'", "s\u2019"))
            and prev[-1].isalnum()
        ):
            return _REJECT
    return text


def _h_rmon(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    qual = m.group("rmon_q")
    prep = _prep(m)
    if qual is None and prep in (None, "and", "to"):
        return _REJECT  # a bare month name is too often a person or a verb
    if anchor is None:
        return None
    mo = _month(m.group("rmon_m"))
    y, pmo, pd = anchor
    word = qual.split()[0].lower() if qual else None
    if word == "last":
        if pmo is None:
            return _format(y - 1, mo)
        return _format(y if mo < pmo else y - 1, mo)
    if word == "next":
        if pmo is None:
            return _format(y + 1, mo)
        return _format(y if mo > pmo else y + 1, mo)
    return _format(_month_year(anchor, mo, None, word or prep), mo)


def _h_wday(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    qual = m.group("wday_q")
    if qual is None and m.group("prep") is None:
        start = m.start()
        before = s[start - 20 if start > 20 else 0 : start].split()
        if not before or before[-1].lower() not in _VERB_BEFORE_WEEKDAY:
            return _REJECT
    if anchor is None:
        return None
    y, mo, d = anchor
    if d is None:
        return _format(y, mo)
    pub = date(y, mo, d)  # type: ignore[arg-type]
    back = (pub.weekday() - _WEEKDAY_NUMBER[m.group("wday_d").lower()]) % 7
    word = qual.lower() if qual else None
    if word == "last" and back == 0:
        back = 7
    elif word == "next":
        back = back - 7 if back else -7
    return _format_date(pub - timedelta(days=back))


def _shift_days(anchor: _Anchor | None, days: int) -> object:
    """The date ``days`` away at full precision, else the month or year known."""
    if anchor is None:
        return None
    y, mo, d = anchor
    if d is None:
        return _format(y, mo)
    return _format_date(date(y, mo, d) + timedelta(days=days))  # type: ignore[arg-type]


def _h_today(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _shift_days(anchor, 0)


def _h_yday(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _shift_days(anchor, -1)


def _h_tmrw(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    return _shift_days(anchor, 1)


def _shift_months(anchor: _Anchor, months: int) -> str | None:
    y, mo, _ = anchor
    if mo is None:
        return None
    total = y * 12 + mo - 1 + months
    return _format(total // 12, total % 12 + 1)


def _h_rel(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    if anchor is None:
        return None
    step = {"this": 0, "last": -1, "next": 1}[m.group("rel_q").lower()]
    unit = m.group("rel_u").lower()
    y, mo, d = anchor
    if unit == "year":
        return _format(y + step)
    if unit == "month":
        if step == 0:
            return _format(y, mo)
        return _shift_months(anchor, step)
    if step == 0:
        return _format(y, mo, d)
    if d is None:
        return _format(y) if mo is None else None
    day = date(y, mo, d) + timedelta(days=7 * step)  # type: ignore[arg-type]
    return _format(day.year, day.month)


def _h_ago(m: re.Match[str], anchor: _Anchor | None, s: str) -> object:
    if anchor is None:
        return None
    raw = m.group("ago_n").lower()
    n = int(raw) if raw.isdigit() else _NUMBER_WORDS.get(raw)
    if n is None:
        return None
    unit = m.group("ago_u").lower().rstrip("s")
    y, mo, d = anchor
    if unit == "year":
        return _format(y - n)
    if unit == "month":
        return _shift_months(anchor, -n)
    if d is None:
        return None
    return _format_date(date(y, mo, d) - timedelta(days=n * (7 if unit == "week" else 1)))  # type: ignore[arg-type]


_Handler = Callable[[re.Match[str], _Anchor | None, str], object]
_HANDLERS: dict[str, tuple[_Handler, bool]] = {
    "iso": (_h_iso, False),
    "mdy": (_h_mdy, False),
    "dmy": (_h_dmy, False),
    "my": (_h_my, False),
    "md": (_h_md, True),
    "dm": (_h_dm, True),
    "qtr": (_h_qtr, False),
    "fy": (_h_fy, False),
    "dec": (_h_none, False),
    "ymod": (_h_ymod, False),
    "yr": (_h_yr, False),
    "rmon": (_h_rmon, True),
    "wday": (_h_wday, True),
    "today": (_h_today, True),
    "yday": (_h_yday, True),
    "tmrw": (_h_tmrw, True),
    "rel": (_h_rel, True),
    "ago": (_h_ago, True),
}
