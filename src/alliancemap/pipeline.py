"""Ingest: read documents, skip the ones already stored, extract the rest, write in batches.

Hashes are checked against the store BEFORE extraction, so a re-run costs only reading and
hashing. Each batch is one transaction: an error or ^C loses at most the batch in progress.
With `workers > 1`, extraction runs in a process pool; only the main process writes.
`distributed.ingest_dask` does the same on a Dask cluster, reusing the reading and batching.
"""

from __future__ import annotations

import itertools
import signal
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alliancemap import registry
from alliancemap.errors import RunStopped
from alliancemap.extract import batching
from alliancemap.ingest import file_kind, is_url, iter_files, read_file
from alliancemap.kb import default_kb
from alliancemap.model import Claim, Document, Entity, Extraction, Mention
from alliancemap.store import BatchState, Store

Progress = Callable[[int, "int | None"], None]
Parts = tuple[list[Entity], list[Mention], list[Claim]]


@dataclass
class IngestSummary:
    """What one ingest run did; `interrupted` is True when ^C stopped it early."""

    documents_read: int = 0
    new_documents: int = 0
    skipped_documents: int = 0
    claims_added: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    files: int = 0
    near_duplicates: int = 0  # new documents linked to an earlier near-identical copy
    mentions_added: int = 0
    interrupted: bool = False
    dropped_documents: int = 0  # the extractor could not read them: left for a later run
    stopped: str = ""  # why the extractor stopped the run early (a spending limit)


@dataclass
class Batch:
    """Documents read together: how many were read, and which of them are new."""

    n_read: int  # documents read into this batch, new or not
    documents: list[Document]  # the new ones, to extract and store


# -- reading ------------------------------------------------------------------------------


def _count_lines(path: Path) -> int:
    n, last = 0, b"\n"
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            n += chunk.count(b"\n")
            last = chunk[-1:]
    return n + (last != b"\n")


def _expected_total(files: Sequence[Path]) -> int | None:
    """Documents to expect, when knowable without decompressing: one per text file, one per
    line of plain JSONL; None as soon as a gzip file is involved."""
    total = 0
    for path in files:
        kind = file_kind(path)
        if kind == ".jsonl":
            try:
                total += _count_lines(path)
            except OSError:  # unreadable: its reader says so (or skips it, in a directory)
                return None
        elif kind in (".txt", ".md"):
            total += 1
        else:
            return None
    return total


def read_inputs(
    paths: Sequence[str | Path],
    summary: IngestSummary,
    warn: Callable[[str], None],
    limit: int | None = None,
    columns: Mapping[str, str] | None = None,
) -> tuple[Iterator[Document], int | None]:
    """The documents under `paths` (the first `limit`) and how many to expect, if knowable.

    Every path is checked first (InputError before any work); `summary.files` is set.
    http(s) URLs are fetched (see ingest/web.py), after the files.
    """
    urls = [str(p) for p in paths if is_url(p)]
    files = [
        (f, Path(p).is_dir()) for p in paths if not is_url(p) for f in iter_files(Path(p), warn)
    ]
    summary.files = len(files)
    total = _expected_total([f for f, _ in files]) if not urls else None
    documents: Iterator[Document] = (
        doc for f, in_dir in files for doc in read_file(f, warn, skip_bad=in_dir, columns=columns)
    )
    if urls:
        from alliancemap.ingest.web import read_urls

        documents = itertools.chain(documents, read_urls(urls, warn))
    if limit is not None:
        documents = itertools.islice(documents, limit)
        total = min(total, limit) if total is not None else limit
    return documents, total


def new_batches(
    documents: Iterable[Document], store: Store, size: int, summary: IngestSummary
) -> Iterator[Batch]:
    """Documents in batches of `size` read, keeping only those neither stored nor seen."""
    seen: set[str] = set()
    it = iter(documents)
    while True:
        chunk: list[tuple[str, Document]] = []
        for doc in it:
            chunk.append((doc.hash, doc))
            if len(chunk) == size:
                break
        if not chunk:
            return
        summary.documents_read += len(chunk)
        stored = store.known_hashes(h for h, _ in chunk)
        new = []
        for doc_hash, doc in chunk:
            if doc_hash in stored or doc_hash in seen:
                summary.skipped_documents += 1
            else:
                seen.add(doc_hash)
                new.append(doc)
        yield Batch(len(chunk), new)


# -- extracting ---------------------------------------------------------------------------

_worker_extractor: Any = None


def _init_worker(extractor_name: str) -> None:
    """Build the worker's extractor once; ^C is handled by the main process alone."""
    global _worker_extractor
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _worker_extractor = registry.extractor(extractor_name)


def _parts(extraction: Extraction) -> Parts:
    return extraction.entities, extraction.mentions, extraction.claims


def _extract_in_worker(documents: list[Document]) -> list[Parts]:
    # Only the findings travel back; the main process still holds the documents.
    return [_parts(_worker_extractor.extract(doc)) for doc in documents]


def _join(documents: list[Document], parts: list[Parts]) -> list[Extraction]:
    return [Extraction(doc, *p) for doc, p in zip(documents, parts, strict=True)]


def _extract_serial(
    batches: Iterable[Batch], name: str, options: Mapping[str, Any] | None, store: Store
) -> Iterator[tuple[Batch, list[Extraction | None]]]:
    extractor = batching.build(name, options, store)
    try:
        for batch in batches:
            yield batch, batching.extract_many(extractor, batch.documents)
    finally:
        batching.close(extractor)


def _extract_parallel(
    batches: Iterable[Batch], name: str, workers: int
) -> Iterator[tuple[Batch, list[Extraction]]]:
    """Extract batches in a process pool, a bounded number in flight, yielded in order."""
    pending: deque[tuple[Batch, Future[list[Parts]] | None]] = deque()
    pool = ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(name,))
    try:
        for batch in batches:
            future = pool.submit(_extract_in_worker, batch.documents) if batch.documents else None
            pending.append((batch, future))
            while len(pending) > 2 * workers:
                done, fut = pending.popleft()
                yield done, _join(done.documents, fut.result()) if fut else []
        while pending:
            done, fut = pending.popleft()
            yield done, _join(done.documents, fut.result()) if fut else []
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


# -- the run ------------------------------------------------------------------------------


def ingest(
    paths: Sequence[str | Path],
    store: Store,
    extractor_name: str = registry.DEFAULT_EXTRACTOR,
    batch_size: int = 200,
    workers: int = 1,
    on_progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
    sync_kb: bool = True,
    limit: int | None = None,
    near_duplicates: bool = True,
    columns: Mapping[str, str] | None = None,
    extractor_options: Mapping[str, Any] | None = None,
) -> IngestSummary:
    """Read, extract and store every document under `paths` (the first `limit` if given);
    returns what was done.

    All paths are checked before any work (InputError). Errors while reading or writing
    propagate after the batches before them were committed; ^C returns early with
    `interrupted=True`. `on_progress(done, total)` follows each committed batch. With
    `near_duplicates`, new documents are linked to earlier near-identical copies (dedupe.py).
    `columns` maps document fields to CSV column names. `extractor_options` go to the
    extractor's factory. A document the extractor could not read is not stored (a later run
    tries it again); RunStopped from the extractor ends the run cleanly with `stopped` set.
    """
    if batch_size < 1 or workers < 1:
        raise ValueError("batch_size and workers must be at least 1")
    started = time.perf_counter()
    summary = IngestSummary()

    def warn(message: str) -> None:
        summary.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    registry.get("extractors", extractor_name)  # an unknown name fails before any work
    documents, total = read_inputs(paths, summary, warn, limit, columns)
    if on_progress is not None:
        on_progress(0, total)
    batches = new_batches(documents, store, batch_size, summary)
    if workers > 1:
        if extractor_options:
            raise ValueError("extractor options need workers=1")
        extracted = _extract_parallel(batches, extractor_name, workers)
    else:
        extracted = _extract_serial(batches, extractor_name, extractor_options, store)
    done = 0
    try:
        if sync_kb:
            store.sync_kb(default_kb())
        index = None
        if near_duplicates:
            from alliancemap.dedupe import link_documents, load_index

            index = load_index(store)
        for batch, found in extracted:
            extractions = [e for e in found if e is not None]
            summary.dropped_documents += len(found) - len(extractions)
            state = None
            if index is not None:
                state = BatchState()
                docs = [e.document for e in extractions]
                summary.near_duplicates += link_documents(index, docs, state)
            result = store.add_extractions(extractions, state)
            summary.new_documents += result.new_documents
            summary.skipped_documents += result.skipped_documents
            summary.claims_added += result.claims_added
            summary.mentions_added += result.mentions_added
            done += batch.n_read
            if on_progress is not None:
                on_progress(done, total)
    except KeyboardInterrupt:
        summary.interrupted = True
    except RunStopped as err:
        summary.stopped = str(err)
        finished = [e for e in err.done or [] if e is not None]
        if finished:
            result = store.add_extractions(finished)
            summary.new_documents += result.new_documents
            summary.claims_added += result.claims_added
            summary.mentions_added += result.mentions_added
    finally:
        extracted.close()
        summary.seconds = time.perf_counter() - started
    return summary
