"""RSS and Atom feeds: entries with their link, id, title, date, author and text.

feedparser reads every dialect (RSS 0.9x-2.0, RDF, Atom) and survives malformed XML. An
entry whose feed holds the whole article (`content` well beyond the summary) is a document as
it is; otherwise its page is worth fetching (update.py does that). Read from a file, a feed
gives documents from its own text only: reading files never touches the network. An entity
naming a file or URL (XXE), or made of other entities (an expansion bomb), is never read or
expanded: feedparser keeps only plain-text entity declarations.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import feedparser

from alliancemap.errors import InputError
from alliancemap.ingest.html import fragment_text
from alliancemap.ingest.sitemap import looks_like_sitemap
from alliancemap.ingest.text import MAX_TEXT_BYTES, nul_problem
from alliancemap.model import Document

FULL_TEXT_WORDS = 80  # content this long (and well beyond the summary) is the whole article
# Harmless complaints: the charset declared in the XML differs from HTTP's, or the server
# sent a feed as text/html or text/plain.
_BENIGN = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)
# An entity naming a file or URL (XXE), or defined by other entities (an expansion bomb).
_UNSAFE_ENTITY = re.compile(
    rb"""<!ENTITY\s+(?:%\s*)?[\w.:-]+\s+(?:SYSTEM|PUBLIC|["'][^"']*&(?!#))"""
)
_PROLOG = 65536


@dataclass(frozen=True, slots=True)
class FeedEntry:
    """One entry: `text` is the best text the feed holds; `full` says it is the whole article."""

    url: str | None
    id: str | None
    title: str | None
    published: str | None
    author: str | None
    text: str
    full: bool


@dataclass(frozen=True, slots=True)
class Feed:
    """A parsed feed; `problem` notes malformed XML that still gave entries."""

    title: str | None
    entries: list[FeedEntry]
    problem: str | None = None


def _date(entry: Any) -> str | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    if not parsed:
        return None
    return time.strftime("%Y-%m-%d", parsed)


def _text(entry: Any) -> tuple[str, bool]:
    summary = fragment_text(entry.get("summary") or "")
    contents = [c.get("value") or "" for c in entry.get("content") or []]
    content = max((fragment_text(c) for c in contents), key=len, default="")
    full = len(content.split()) >= FULL_TEXT_WORDS and len(content) >= 1.5 * len(summary)
    return (content if len(content) >= len(summary) else summary), full


def _entry(entry: Any) -> FeedEntry:
    text, full = _text(entry)
    link = entry.get("link") or None
    return FeedEntry(
        url=link.strip() if link else None,
        id=(entry.get("id") or "").strip() or None,
        title=(entry.get("title") or "").strip() or None,
        published=_date(entry),
        author=(entry.get("author") or "").strip() or None,
        text=text,
        full=full,
    )


def parse_feed(data: bytes, url: str | None = None, content_type: str | None = None) -> Feed:
    """Entries of an RSS or Atom document; ValueError when the bytes are no feed at all."""
    headers = {"content-type": content_type} if content_type else None
    if headers and url:
        headers["content-location"] = url
    parsed = feedparser.parse(data, response_headers=headers)
    problem = None
    exc = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(exc, _BENIGN):
        problem = f"malformed feed ({exc})" if exc else "malformed feed"
        if _UNSAFE_ENTITY.search(data[:_PROLOG]):
            problem = "external or nested XML entities refused (never read or expanded)"
    if not parsed.get("version") and not parsed.entries:
        raise ValueError(f"not an RSS or Atom feed{f' ({problem})' if problem else ''}")
    title = (parsed.feed.get("title") or "").strip() or None
    return Feed(title, [_entry(e) for e in parsed.entries], problem)


def entry_document(entry: FeedEntry, source: str | None) -> Document:
    """A document made of the entry's own text (the whole article, or its summary)."""
    return Document(
        text=entry.text.strip() + "\n",
        id=entry.id,
        source=source,
        url=entry.url,
        title=entry.title,
        published=entry.published,
        author=entry.author,
    )


def read_feed_file(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """Documents of a feed file, one per entry with text (entries' pages are not fetched)."""
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise InputError(path, "file too large")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
    if not data.strip():
        warn(f"{path}: empty file, skipped")
        return
    if b"\x00" in data[:_PROLOG]:  # UTF-16 XML is fine (feedparser reads it), binary is not
        problem = nul_problem(data[:_PROLOG], "a feed")
        if problem.startswith("binary"):
            raise InputError(path, problem)
    try:
        feed = parse_feed(data)
    except ValueError as err:
        raise InputError(path, str(err)) from None
    if feed.problem:
        warn(f"{path}: {feed.problem}; {len(feed.entries)} entries read")
    for n, entry in enumerate(feed.entries, 1):
        if not entry.text.strip():
            warn(f"{path}: entry {n} ({entry.url or entry.id or 'no link'}) has no text, skipped")
            continue
        yield entry_document(entry, str(path))


def read_xml_file(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """An .xml file: a feed's documents; a sitemap is refused (its pages must be fetched)."""
    try:
        with path.open("rb") as fh:
            head = fh.read(65536)
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
    if looks_like_sitemap(head):
        raise InputError(
            path, "a sitemap lists pages to fetch, not texts: put its URL in a sources file"
        )
    yield from read_feed_file(path, warn)
