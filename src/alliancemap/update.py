"""Keeping the map up to date: one pass over the sources (`update`), or passes forever (`watch`).

A pass fetches what is new since the last one, in worker threads (one per source at a time,
each host rate-limited), while the calling thread extracts and writes. Every batch is ONE
transaction holding its documents, claims, near-duplicate links, the fetched URLs and the
sources' states, so a pass killed at any moment resumes with nothing lost or repeated:
what was committed is skipped next time, what was not is fetched again. A failing source is
reported, remembered and retried next pass; it never stops the others.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from alliancemap import registry
from alliancemap.crawl import OK, CrawlContext, Fetched, Listed, Message, SourceDone, crawl
from alliancemap.dedupe import index_stored, link_documents, load_index
from alliancemap.errors import InputError, RunStopped
from alliancemap.extract import batching
from alliancemap.ingest.fetch import BLOCKED, Fetcher, FetchOptions
from alliancemap.ingest.neardup import DEFAULT_THRESHOLD, NearDupIndex
from alliancemap.kb import default_kb
from alliancemap.model import Document, Extraction
from alliancemap.sourcelist import DEFAULT_MAX_NEW, Source, SourceList, load_sources
from alliancemap.store import BatchState, FetchRecord, SourceState, Store

Progress = Callable[[str, int, "int | None"], None]  # (step, done, total)
Report = Callable[[str], None]
_IDLE = 0.2  # seconds to wait for a message before checking on the workers


@dataclass(frozen=True, slots=True)
class UpdateOptions:
    """How a pass fetches and writes; the defaults are polite and safe."""

    fetch: FetchOptions = field(default_factory=FetchOptions)
    extractor: str = registry.DEFAULT_EXTRACTOR
    batch_size: int = 20  # documents per transaction
    commit_seconds: float = 5.0  # ... or less, when fetching is slow
    concurrency: int = 4  # sources crawled at once
    max_new: int | None = None  # entries per source and pass; None: the sources file's (200)
    max_attempts: int = 3  # a failing entry is retried on this many passes, then given up
    threshold: float = DEFAULT_THRESHOLD  # near-duplicate similarity
    extractor_options: Mapping[str, object] | None = None  # for the extractor's factory


@dataclass
class UpdateSummary:
    """What a pass did. `failures` holds one line per failed source or entry."""

    sources: int = 0
    sources_failed: int = 0
    unchanged: int = 0  # sources not modified since the last pass
    fetched: int = 0  # entries fetched (or read from their feed) in this pass
    new_documents: int = 0
    duplicates: int = 0  # exact copies of stored texts
    near_duplicates: int = 0  # new documents linked to an earlier copy
    failed: int = 0  # entries to retry next pass
    blocked: int = 0  # entries robots.txt forbids
    skipped: int = 0  # entries without an article (no text, not HTML)
    left: int = 0  # new entries left for the next pass by the per-pass limit
    claims_added: int = 0
    failures: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    interrupted: bool = False
    unread: int = 0  # new documents the extractor could not read (stored without claims)
    stopped: str = ""  # why the extractor stopped the pass early (a spending limit)

    def add(self, other: UpdateSummary) -> None:
        """Add another pass's figures to these (for `watch` totals)."""
        for name in (
            "sources", "sources_failed", "unchanged", "fetched", "new_documents", "duplicates",
            "near_duplicates", "failed", "blocked", "skipped", "left", "claims_added", "unread",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.failures += other.failures
        self.warnings += other.warnings
        self.seconds += other.seconds
        self.interrupted = self.interrupted or other.interrupted
        self.stopped = other.stopped or self.stopped


@dataclass
class _Pending:
    """Messages received since the last commit."""

    items: list[Fetched] = field(default_factory=list)
    states: list[SourceState] = field(default_factory=list)
    since: float = field(default_factory=time.monotonic)

    def __bool__(self) -> bool:
        return bool(self.items or self.states)


class _Pass:
    """The writing side of one pass: receives messages, commits them in batches."""

    def __init__(
        self,
        store: Store,
        options: UpdateOptions,
        index: NearDupIndex,
        summary: UpdateSummary,
        on_progress: Progress | None,
        on_report: Report | None,
    ) -> None:
        self.store, self.options, self.index, self.summary = store, options, index, summary
        self.extractor = batching.build(options.extractor, options.extractor_options, store)
        self.on_progress, self.on_report = on_progress, on_report
        self.pending = _Pending()
        self.entries_total = 0
        self.entries_done = 0
        self.sources_done = 0

    def progress(self, step: str, done: int, total: int | None) -> None:
        """Tell the caller how far a step is."""
        if self.on_progress is not None:
            self.on_progress(step, done, total)

    def _report(self, line: str) -> None:
        line = " ".join(line.split())  # one line, whatever a server or parser said
        self.summary.failures.append(line)
        if self.on_report is not None:
            self.on_report(line)

    def receive(self, msg: Message) -> None:
        """Take one message; commit when the batch is full or a source is done."""
        if isinstance(msg, Listed):
            self.entries_total += msg.todo
            self.progress("entries", self.entries_done, self.entries_total)
            return
        if isinstance(msg, Fetched):
            self.pending.items.append(msg)
            self._count(msg.record)
            self.entries_done += 1
            self.progress("entries", self.entries_done, self.entries_total)
            if len(self.pending.items) >= self.options.batch_size:
                self.commit()
            return
        self._source_done(msg)
        self.pending.states.append(msg.state)
        self.commit()

    def _count(self, record: FetchRecord) -> None:
        s = self.summary
        if record.status == OK:
            s.fetched += 1
            return
        if record.status == BLOCKED:
            s.blocked += 1
        elif record.status == "skipped":
            s.skipped += 1
        else:
            s.failed += 1
        self._report(f"{record.status}: {record.url}: {record.error}")

    def _source_done(self, msg: SourceDone) -> None:
        s = self.summary
        self.sources_done += 1
        self.progress("sources", self.sources_done, s.sources)
        s.left += msg.left
        if msg.unchanged:
            s.unchanged += 1
        if msg.error:
            s.sources_failed += 1
            self._report(f"failed: source {msg.error}")

    def commit_if_due(self) -> None:
        """Commit what is pending when the last commit is `commit_seconds` old."""
        if self.pending and time.monotonic() - self.pending.since >= self.options.commit_seconds:
            self.commit()

    def commit(self) -> None:
        """Extract the new documents and write the batch in one transaction."""
        pending, self.pending = self.pending, _Pending()
        if not pending:
            return
        records, new_docs = self._sort_out(pending.items)
        found = batching.extract_many(self.extractor, new_docs)
        self.summary.unread += sum(e is None for e in found)
        extractions = [e or Extraction(d) for d, e in zip(new_docs, found, strict=True)]
        state = BatchState(fetched=records, sources=pending.states)
        self.summary.near_duplicates += link_documents(self.index, new_docs, state)
        result = self.store.add_extractions(extractions, state)
        self.summary.new_documents += result.new_documents
        self.summary.duplicates += result.skipped_documents
        self.summary.claims_added += result.claims_added

    def _sort_out(self, items: list[Fetched]) -> tuple[list[FetchRecord], list[Document]]:
        """Fetch records with the hash of their text, and the documents not stored yet."""
        docs = [i.document for i in items if i.document is not None]
        stored = self.store.known_hashes(d.hash for d in docs)
        seen: set[str] = set()
        records, new_docs = [], []
        for item in items:
            doc = item.document
            if doc is None:
                records.append(item.record)
                continue
            key = doc.hash
            records.append(replace(item.record, document_hash=key))
            if key in stored or key in seen:
                self.summary.duplicates += 1
                continue
            seen.add(key)
            new_docs.append(doc)
        index_stored(self.index, (d for d in docs if d.hash in stored))
        return records, new_docs


def _put(q: queue.Queue[Message], stop: threading.Event) -> Callable[[Message], None]:
    def emit(msg: Message) -> None:
        while not stop.is_set():
            try:
                q.put(msg, timeout=_IDLE)
                return
            except queue.Full:
                continue

    return emit


def _step(on_progress: Progress | None, step: str) -> Callable[[int, int | None], None] | None:
    if on_progress is None:
        return None
    return lambda done, total: on_progress(step, done, total)


def _sources(sources: SourceList | Sequence[Source] | str | Path) -> tuple[list[Source], int]:
    """The sources to pass over, and the per-pass limit their file sets."""
    if isinstance(sources, str | Path):
        sources = load_sources(sources)
    if isinstance(sources, SourceList):
        return list(sources.sources), sources.max_new
    return list(sources), DEFAULT_MAX_NEW


def update(
    sources: SourceList | Sequence[Source] | str | Path,
    store: Store,
    options: UpdateOptions | None = None,
    on_progress: Progress | None = None,
    on_report: Report | None = None,
    index: NearDupIndex | None = None,
) -> UpdateSummary:
    """One pass: fetch what is new in every source, extract it, store it; never raises for a
    source or an entry that fails (they are in `failures`). ^C ends it with `interrupted`."""
    options = options or UpdateOptions()
    started = time.perf_counter()
    todo, file_max_new = _sources(sources)
    registry.get("extractors", options.extractor)  # an unknown name fails before any work
    summary = UpdateSummary(sources=len(todo))
    store.sync_kb(default_kb())
    if index is None:
        index = load_index(store, options.threshold, _step(on_progress, "signatures"))
    writer = _Pass(store, options, index, summary, on_progress, on_report)
    writer.progress("sources", 0, len(todo))
    stop = threading.Event()
    messages: queue.Queue[Message] = queue.Queue(maxsize=2 * options.batch_size)

    def warn(line: str) -> None:
        summary.warnings.append(line)

    with Fetcher(options.fetch) as fetcher:
        ctx = CrawlContext(
            fetcher,
            store,
            _put(messages, stop),
            warn,
            max_new=options.max_new or file_max_new,
            max_attempts=options.max_attempts,
            stop=stop,
        )
        pool = ThreadPoolExecutor(max(1, options.concurrency), thread_name_prefix="crawl")
        futures = [pool.submit(crawl, ctx, source) for source in todo]
        try:
            _drain(messages, futures, writer)
        except KeyboardInterrupt:
            summary.interrupted = True
        except RunStopped as err:  # the batch in progress is fetched again next pass
            summary.stopped = str(err)
        finally:
            stop.set()
            pool.shutdown(wait=True, cancel_futures=True)
            batching.close(writer.extractor)
    summary.seconds = time.perf_counter() - started
    return summary


def _drain(messages: queue.Queue[Message], futures: list[Future[None]], writer: _Pass) -> None:
    """Receive messages until every crawl is over and the queue is empty; commit the rest."""
    while True:
        try:
            msg = messages.get(timeout=_IDLE)
        except queue.Empty:
            if all(f.done() for f in futures) and messages.empty():
                break
            writer.commit_if_due()
            continue
        writer.receive(msg)
    writer.commit()
    for f in futures:
        f.result()  # a bug in a crawl surfaces here, after everything else was stored


# -- watch ---------------------------------------------------------------------------------


def _due_at(source: Source, state: SourceState | None, default_interval: float) -> float:
    """When (epoch seconds) the source is next due: now if never passed."""
    if state is None or not state.last_pass_at:
        return 0.0
    last = datetime.fromisoformat(state.last_pass_at).timestamp()
    return last + (source.interval or default_interval)


def watch(
    sources_file: str | Path,
    store: Store,
    options: UpdateOptions | None = None,
    interval: float | None = None,
    passes: int | None = None,
    on_pass: Callable[[UpdateSummary], None] | None = None,
    on_progress: Progress | None = None,
    on_report: Report | None = None,
    on_wait: Callable[[float], None] | None = None,
) -> UpdateSummary:
    """Run passes over the sources that are due, sleeping until the next one is; the file
    is re-read before each pass (an edit that breaks it keeps the previous sources). ^C (or
    `passes` passes) ends it; returns the totals."""
    options = options or UpdateOptions()
    total = UpdateSummary()
    index = load_index(store, options.threshold, _step(on_progress, "signatures"))
    n = 0
    listed, broken = load_sources(sources_file), ""
    try:
        while passes is None or n < passes:
            try:  # an edit that breaks the file keeps the previous sources (reported once)
                listed, broken = load_sources(sources_file), ""
            except InputError as err:
                if str(err) != broken and on_report is not None:
                    on_report(f"error: {err}; the previous sources are kept")
                broken = str(err)
            every = interval or listed.interval
            states = store.source_states([s.url for s in listed.sources])
            now = time.time()
            due_at = {s.url: _due_at(s, states.get(s.url), every) for s in listed.sources}
            due = [s for s in listed.sources if due_at[s.url] <= now]
            if due:
                due_list = SourceList(due, listed.interval, listed.max_new, listed.path)
                summary = update(due_list, store, options, on_progress, on_report, index)
                n += 1
                total.add(summary)
                if on_pass is not None:
                    on_pass(summary)
                if summary.interrupted or summary.stopped:
                    break
                continue
            wait = max(0.0, min(due_at.values()) - now)
            if on_wait is not None:
                on_wait(wait)
            time.sleep(min(wait, 60.0) + 0.01)
    except KeyboardInterrupt:
        total.interrupted = True
    return total
