"""One pass over one source: list its entries, skip those already fetched, fetch the rest.

A crawl runs in a worker thread and only reads the store; everything it finds goes to the
pass (update.py) as messages, in order: `Listed`, one `Fetched` per entry, then `SourceDone`
with the source's new state. The pass writes them in batches, so a source's validators
(ETag, Last-Modified) are stored only after every entry before them, and only when every
entry was settled: a pass cut short, or one with failed entries, lists the source again next
time instead of being told "not modified".
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime

from alliancemap.ingest.feeds import FeedEntry, entry_document, parse_feed
from alliancemap.ingest.fetch import FAILED, Fetcher, FetchError, Page, check_url
from alliancemap.ingest.sitemap import SitemapEntry, parse_sitemap
from alliancemap.ingest.web import FEED, PAGE, SITEMAP, detect_kind, page_document
from alliancemap.model import Document, content_hash
from alliancemap.sourcelist import AUTO, Source
from alliancemap.store import FetchRecord, SourceState, Store

OK = "ok"
SETTLED = {OK, "blocked", "skipped"}
MAX_SITEMAPS = 50  # child sitemaps of an index read per pass


@dataclass(frozen=True, slots=True)
class Listed:
    """A source listed `todo` entries to fetch in this pass (for progress)."""

    source: Source
    todo: int


@dataclass(frozen=True, slots=True)
class Fetched:
    """One entry's outcome: a document, or a record saying why there is none."""

    source: Source
    record: FetchRecord
    document: Document | None = None


@dataclass(frozen=True, slots=True)
class SourceDone:
    """A source's pass is over: its state to store, and what happened."""

    source: Source
    state: SourceState
    error: str | None = None  # the source itself failed (one line)
    unchanged: bool = False  # not modified since the last pass
    left: int = 0  # new entries left for the next pass (per-pass limit)


Message = Listed | Fetched | SourceDone


@dataclass
class CrawlContext:
    """What crawls share: the fetcher, the store (read only), limits and the way out."""

    fetcher: Fetcher
    store: Store
    emit: Callable[[Message], None]
    warn: Callable[[str], None]
    max_new: int = 200
    max_attempts: int = 3
    stop: threading.Event = field(default_factory=threading.Event)
    _claimed: set[str] = field(default_factory=set)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def claim(self, url: str) -> bool:
        """True the first time `url` is claimed in this pass (two sources may list it)."""
        with self._lock:
            if url in self._claimed:
                return False
            self._claimed.add(url)
            return True


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def needs_fetch(record: FetchRecord | None, max_attempts: int, lastmod: str | None = None) -> bool:
    """Whether an entry must be fetched: never seen, failed fewer than `max_attempts` times,
    or changed since (a sitemap's lastmod newer than when it was fetched)."""
    if record is None:
        return True
    if record.status == FAILED:
        return record.attempts < max_attempts
    seen = record.lastmod or record.fetched_at or ""
    return record.status == OK and bool(lastmod) and lastmod > seen


def crawl(ctx: CrawlContext, source: Source) -> None:
    """Run one source's pass; every outcome, failure included, is emitted as messages."""
    state = ctx.store.source_states([source.url]).get(source.url)
    kind = source.kind if source.kind != AUTO else (state.kind if state else AUTO)
    state = state or SourceState(url=source.url, kind=kind)
    same_kind = state.kind == kind and kind != AUTO
    started = _now()
    try:
        page = ctx.fetcher.fetch(
            source.url,
            etag=state.etag if same_kind else None,
            last_modified=state.last_modified if same_kind else None,
        )
        if kind == AUTO:
            kind = detect_kind(page)
        state = replace(state, kind=kind, name=source.name or state.name, last_pass_at=started)
        if page.not_modified:
            ok = replace(state, last_ok_at=started, failures=0, last_error=None)
            ctx.emit(SourceDone(source, ok, unchanged=True))
            return
        {FEED: _feed, SITEMAP: _sitemap, PAGE: _page}[kind](ctx, source, page, state)
    except FetchError as err:
        _failed(ctx, source, state, started, err.problem)
    except ValueError as err:  # a feed or sitemap that cannot be read
        _failed(ctx, source, state, started, str(err))
    except Exception as err:  # a bug or a parser's surprise: this source only, not the pass
        _failed(ctx, source, state, started, f"unexpected {type(err).__name__}: {err}")


def _failed(ctx: CrawlContext, source: Source, state: SourceState, at: str, problem: str) -> None:
    failed = replace(
        state,
        last_pass_at=at,
        failures=state.failures + 1,
        last_error=problem,
        etag=None,
        last_modified=None,
    )
    ctx.emit(SourceDone(source, failed, error=f"{source.url}: {problem}"))


def _finish(
    ctx: CrawlContext,
    source: Source,
    state: SourceState,
    page: Page,
    listed: int,
    outcomes: list[str] | None,
    left: int,
) -> None:
    """Emit the source's new state; validators only when every entry was settled."""
    if outcomes is None:  # stopped before the end: store nothing, the next pass lists again
        return
    settled = left == 0 and all(o in SETTLED for o in outcomes)
    done = replace(
        state,
        last_ok_at=state.last_pass_at,
        failures=0,
        last_error=None,
        entries=listed,
        etag=page.etag if settled else None,
        last_modified=page.last_modified if settled else None,
    )
    ctx.emit(SourceDone(source, done, left=left))


def _fetch_entries(
    ctx: CrawlContext,
    source: Source,
    todo: list[tuple[str, Callable[[], Fetched]]],
) -> tuple[list[str] | None, int]:
    """Run each entry's fetch (up to the per-pass limit); (outcomes or None if stopped, left)."""
    limit = source.max_new or ctx.max_new
    left = max(0, len(todo) - limit)
    todo = todo[:limit]
    ctx.emit(Listed(source, len(todo)))
    outcomes = []
    for url, fetch in todo:
        if ctx.stop.is_set():
            return None, left
        if not ctx.claim(url):
            continue
        item = fetch()
        outcomes.append(item.record.status)
        ctx.emit(item)
    return outcomes, left


def _entry_url(source: Source, entry: FeedEntry) -> str:
    """The URL an entry is known by: its link, else the feed's URL and the entry's id (or a
    hash of its title and text)."""
    if entry.url:
        try:
            return check_url(entry.url)
        except FetchError:
            pass
    name = entry.id or content_hash(f"{entry.title}\n{entry.text}")[:16]
    return f"{source.url}#{name}"


def _feed(ctx: CrawlContext, source: Source, page: Page, state: SourceState) -> None:
    feed = parse_feed(page.body, page.url, page.content_type)
    if feed.problem:
        ctx.warn(f"{source.url}: {feed.problem}; {len(feed.entries)} entries read")
    state = replace(state, name=source.name or state.name or feed.title)
    entries = [(_entry_url(source, e), e) for e in feed.entries]
    entries = [(u, e) for u, e in entries if source.wants(u)]
    known = ctx.store.fetch_records(u for u, _ in entries)
    todo = [
        (url, _entry_fetch(ctx, source, url, entry))
        for url, entry in entries
        if needs_fetch(known.get(url), ctx.max_attempts)
    ]
    outcomes, left = _fetch_entries(ctx, source, todo)
    _finish(ctx, source, state, page, len(entries), outcomes, left)


def _entry_fetch(
    ctx: CrawlContext, source: Source, url: str, entry: FeedEntry
) -> Callable[[], Fetched]:
    record = FetchRecord(url=url, status=OK, source_url=source.url, entry_id=entry.id)
    use_feed = source.follow == "never" or not url.startswith(("http://", "https://"))
    use_feed = use_feed or (entry.full and source.follow != "always")

    def run() -> Fetched:
        if use_feed:
            if not entry.text.strip():
                return Fetched(source, replace(record, status="skipped", error="no text"))
            return Fetched(source, record, entry_document(entry, source.url))
        return _get_page(ctx, source, record, entry)

    return run


def _get_page(
    ctx: CrawlContext, source: Source, record: FetchRecord, entry: FeedEntry | None = None
) -> Fetched:
    try:
        page = ctx.fetcher.fetch(record.url)
        doc = page_document(page, ctx.warn, source=source.url, entry=entry)
    except FetchError as err:
        return Fetched(source, replace(record, status=err.outcome, error=err.problem))
    except Exception as err:  # a parser's surprise: this entry only, retried next pass
        problem = f"unexpected {type(err).__name__}: {err}"
        return Fetched(source, replace(record, status=FAILED, error=problem))
    return Fetched(source, record, doc)


def _sitemap_pages(ctx: CrawlContext, source: Source, page: Page) -> list[SitemapEntry]:
    """The pages a sitemap lists, through one level of index; a sitemap listing itself, or
    an index inside an index, is not followed (so no loop of sitemaps can run forever)."""
    sitemap = parse_sitemap(page.body, page.content_type)
    pages = list(sitemap.pages)
    itself = {source.url, page.url}
    for child in sitemap.sitemaps[:MAX_SITEMAPS]:
        if ctx.stop.is_set():
            break
        if child.url in itself:
            ctx.warn(f"{source.url}: the sitemap index lists itself; not read again")
            continue
        try:
            sub = parse_sitemap(ctx.fetcher.fetch(child.url).body)
        except (FetchError, ValueError) as err:
            ctx.warn(f"{child.url}: {getattr(err, 'problem', err)}; sitemap skipped this pass")
            continue
        if sub.sitemaps:
            ctx.warn(f"{child.url}: a sitemap index inside an index; its sitemaps are not read")
        pages.extend(sub.pages)
    if len(sitemap.sitemaps) > MAX_SITEMAPS:
        ctx.warn(f"{source.url}: only the first {MAX_SITEMAPS} sitemaps of the index are read")
    return pages


def _sitemap(ctx: CrawlContext, source: Source, page: Page, state: SourceState) -> None:
    entries: dict[str, SitemapEntry] = {}
    for item in _sitemap_pages(ctx, source, page):
        try:
            url = check_url(item.url)
        except FetchError:
            continue
        if url in (source.url, page.url):
            ctx.warn(f"{source.url}: the sitemap lists itself as a page; not fetched")
            continue
        if source.wants(url):
            entries.setdefault(url, item)
    known = ctx.store.fetch_records(entries)
    newest_first = sorted(entries.items(), key=lambda kv: kv[1].lastmod or "", reverse=True)
    todo = [
        (url, _sitemap_fetch(ctx, source, url, item.lastmod))
        for url, item in newest_first
        if needs_fetch(known.get(url), ctx.max_attempts, item.lastmod)
    ]
    outcomes, left = _fetch_entries(ctx, source, todo)
    _finish(ctx, source, state, page, len(entries), outcomes, left)


def _sitemap_fetch(
    ctx: CrawlContext, source: Source, url: str, lastmod: str | None
) -> Callable[[], Fetched]:
    record = FetchRecord(url=url, status=OK, source_url=source.url, lastmod=lastmod)
    return lambda: _get_page(ctx, source, record)


def _page(ctx: CrawlContext, source: Source, page: Page, state: SourceState) -> None:
    """A page source: a new document whenever its text changes."""
    doc = page_document(page, ctx.warn, source=source.url)
    record = FetchRecord(url=source.url, status=OK, source_url=source.url)
    unchanged = doc.hash == state.content_hash
    ctx.emit(Listed(source, 0 if unchanged else 1))
    if not unchanged:
        ctx.emit(Fetched(source, record, doc))
    done = replace(
        state,
        last_ok_at=state.last_pass_at,
        failures=0,
        last_error=None,
        entries=1,
        content_hash=doc.hash,
        etag=page.etag,
        last_modified=page.last_modified,
    )
    ctx.emit(SourceDone(source, done, unchanged=unchanged))
