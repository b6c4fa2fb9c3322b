"""The sources file (SOURCES.yaml): which feeds, sitemaps and pages to follow, how often.

```yaml
interval: 30m              # how often `watch` checks each source (default 1h)
max_new: 200               # new entries fetched per source and pass (default 200)
sources:
  - feed: https://example.com/rss.xml
    name: Example News     # optional label
    interval: 15m          # optional, this source only
    follow: auto           # feeds: auto (fetch pages of summary-only entries), always, never
  - sitemap: https://example.com/sitemap.xml
    include: "/news/"      # optional regexes on entry URLs
    exclude: "/video/"
  - page: https://example.com/partners
  - https://example.com/anything   # kind guessed from the response
```

Every mistake is an InputError naming the file, the source and the problem.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from alliancemap.errors import InputError
from alliancemap.ingest.fetch import FetchError, check_url

KINDS = ("feed", "sitemap", "page")
AUTO = "auto"
FOLLOW = ("auto", "always", "never")
DEFAULT_INTERVAL = 3600.0
DEFAULT_MAX_NEW = 200
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}
_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhd]?)\s*$", re.I)
_SOURCE_KEYS = {"url", "kind", "name", "interval", "follow", "max_new", "include", "exclude"}
_TOP_KEYS = {"sources", "interval", "max_new"}


@dataclass(frozen=True, slots=True)
class Source:
    """One source to follow; `kind` is feed, sitemap, page or auto (guessed when fetched)."""

    url: str
    kind: str = AUTO
    name: str | None = None
    interval: float | None = None  # seconds; None: the file's default
    follow: str = "auto"
    max_new: int | None = None
    include: re.Pattern[str] | None = None
    exclude: re.Pattern[str] | None = None

    def wants(self, url: str) -> bool:
        """Whether an entry URL passes the source's include/exclude patterns."""
        if self.include is not None and not self.include.search(url):
            return False
        return self.exclude is None or not self.exclude.search(url)

    @property
    def label(self) -> str:
        return self.name or self.url


@dataclass(frozen=True, slots=True)
class SourceList:
    """The sources of a file with its defaults."""

    sources: list[Source]
    interval: float = DEFAULT_INTERVAL
    max_new: int = DEFAULT_MAX_NEW
    path: str | None = None


def parse_interval(value: Any) -> float:
    """Seconds from 90, "90s", "15m", "2h" or "1d"; ValueError otherwise."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = float(value)
    else:
        m = _INTERVAL.match(str(value))
        if not m:
            raise ValueError(f"bad interval {value!r} (use e.g. 90s, 15m, 2h, 1d)")
        seconds = float(m.group(1)) * _UNITS[(m.group(2) or "s").lower()]
    if seconds <= 0:
        raise ValueError(f"bad interval {value!r} (must be positive)")
    return seconds


def _pattern(value: Any, what: str) -> re.Pattern[str] | None:
    if value is None:
        return None
    try:
        return re.compile(str(value))
    except re.error as err:
        raise ValueError(f"bad {what} pattern {value!r} ({err})") from None


def _positive_int(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{what} must be a whole number of at least 1, not {value!r}")
    return value


def parse_source(item: Any) -> Source:
    """A Source from a string (its URL) or a mapping; ValueError naming the problem."""
    if isinstance(item, str):
        item = {"url": item}
    if not isinstance(item, dict):
        raise ValueError("expected a URL or a mapping")
    fields = dict(item)
    for kind in KINDS:
        if kind in fields:
            if "url" in fields or "kind" in fields:
                raise ValueError(f"give either {kind}: URL or url: with kind:, not both")
            fields["url"], fields["kind"] = fields.pop(kind), kind
    unknown = sorted(set(fields) - _SOURCE_KEYS)
    if unknown:
        known = ", ".join(sorted({*KINDS, *_SOURCE_KEYS}))
        raise ValueError(f"unknown key {unknown[0]!r} (known: {known})")
    if not fields.get("url"):
        raise ValueError("no URL (use feed:, sitemap:, page: or url:)")
    try:
        url = check_url(str(fields["url"]))
    except FetchError as err:
        raise ValueError(str(err)) from None
    kind = str(fields.get("kind") or AUTO).lower()
    if kind not in (*KINDS, AUTO):
        raise ValueError(f"unknown kind {kind!r} (known: {', '.join((*KINDS, AUTO))})")
    follow = str(fields.get("follow") or "auto").lower()
    if follow not in FOLLOW:
        raise ValueError(f"bad follow {follow!r} (use {', '.join(FOLLOW)})")
    interval = fields.get("interval")
    max_new = fields.get("max_new")
    return Source(
        url=url,
        kind=kind,
        name=str(fields["name"]) if fields.get("name") else None,
        interval=None if interval is None else parse_interval(interval),
        follow=follow,
        max_new=None if max_new is None else _positive_int(max_new, "max_new"),
        include=_pattern(fields.get("include"), "include"),
        exclude=_pattern(fields.get("exclude"), "exclude"),
    )


def parse_sources(data: Any, where: str = "sources") -> SourceList:
    """A SourceList from parsed YAML: a list of sources, or a mapping with `sources:`."""
    top: dict[str, Any] = {"sources": data} if isinstance(data, list) else data
    if not isinstance(top, dict) or not isinstance(top.get("sources"), list):
        raise InputError(where, "expected a list of sources, or a mapping with a sources: list")
    unknown = sorted(set(top) - _TOP_KEYS)
    if unknown:
        raise InputError(
            where, f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_TOP_KEYS))})"
        )
    try:
        interval = parse_interval(top.get("interval", DEFAULT_INTERVAL))
        max_new = _positive_int(top.get("max_new", DEFAULT_MAX_NEW), "max_new")
    except ValueError as err:
        raise InputError(where, str(err)) from None
    sources: list[Source] = []
    seen: dict[str, int] = {}
    for n, item in enumerate(top["sources"], 1):
        try:
            source = parse_source(item)
        except ValueError as err:
            raise InputError(where, f"source {n}: {err}") from None
        if source.url in seen:
            raise InputError(
                where, f"source {n}: {source.url} is already source {seen[source.url]}"
            )
        seen[source.url] = n
        sources.append(source)
    if not sources:
        raise InputError(where, "no sources listed")
    return SourceList(sources, interval, max_new, where)


def load_sources(path: str | Path) -> SourceList:
    """The sources file at `path`; InputError for a missing, unreadable or invalid file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "no such file") from None
    except (OSError, UnicodeDecodeError) as err:
        raise InputError(path, f"cannot read ({getattr(err, 'strerror', None) or err})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        problem = getattr(err, "problem", None) or "invalid YAML"
        raise InputError(path, f"invalid YAML ({problem})", line=line) from None
    return parse_sources(data, str(path))
