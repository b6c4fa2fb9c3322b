"""Ingest on a Dask cluster: the client reads and partitions, workers extract (and write).

The client reads the inputs, drops documents the store already holds, and submits partitions
of new documents to dask.distributed workers (a local cluster unless a scheduler address is
given). The documents travel inside the task, so any worker can run any partition: nothing
but the store has to be shared. With a shared store (PostgreSQL), each worker writes its
partition straight to the store, one transaction per batch; with SQLite, which only one
machine can reach, workers return what they found and the client writes it.

A worker that dies mid-partition loses nothing: the scheduler runs the partition again on
another worker, and the store's unique keys make the batches already committed by the dead
worker be skipped on the second run (so the summary counts them as skipped).
"""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from distributed import Client, Future, LocalCluster, as_completed

from alliancemap import registry
from alliancemap.kb import default_kb
from alliancemap.model import Claim, Document, Entity, Extraction, Mention
from alliancemap.pipeline import Batch, IngestSummary, Progress, new_batches, read_inputs
from alliancemap.store import BatchResult, Store, open_store
from alliancemap.store.engine import database_url
from alliancemap.store.sqlutil import chunked

Parts = tuple[list[Entity], list[Mention], list[Claim]]

PARTITION_SIZE = 100  # documents per task: ~2 s of work, the most a lost worker costs
RETRIES = 3  # reruns of a partition that raised (worker deaths are retried by the scheduler)

# -- on the workers ------------------------------------------------------------------------

_local = threading.local()  # one extractor per worker thread
_stores: dict[str, Store] = {}  # one store (connection pool) per worker process
_stores_lock = threading.Lock()


def _extractor(name: str) -> Any:
    cache = _local.__dict__.setdefault("extractors", {})
    if name not in cache:
        cache[name] = registry.extractor(name)
    return cache[name]


def _store(url: str) -> Store:
    with _stores_lock:
        if url not in _stores:
            _stores[url] = open_store(url)
        return _stores[url]


def extract_partition(
    documents: list[Document], extractor_name: str, store_url: str | None, batch_size: int
) -> BatchResult | list[Parts]:
    """Run on a worker: extract a partition, then write it to `store_url` in batches (and
    return the counts), or without a store URL return the findings for the client to write."""
    extractor = _extractor(extractor_name)
    if store_url is None:
        return [_parts(extractor.extract(doc)) for doc in documents]
    store = _store(store_url)
    total = BatchResult()
    for chunk in chunked(documents, batch_size):
        stored = store.known_hashes(doc.hash for doc in chunk)  # committed by an earlier try
        fresh = [doc for doc in chunk if doc.hash not in stored]
        result = store.add_extractions([extractor.extract(doc) for doc in fresh])
        total = _plus(total, result, skipped=len(chunk) - len(fresh))
    return total


def _parts(extraction: Extraction) -> Parts:
    return extraction.entities, extraction.mentions, extraction.claims


def _plus(a: BatchResult, b: BatchResult, skipped: int = 0) -> BatchResult:
    return BatchResult(
        new_documents=a.new_documents + b.new_documents,
        skipped_documents=a.skipped_documents + b.skipped_documents + skipped,
        claims_added=a.claims_added + b.claims_added,
        mentions_added=a.mentions_added + b.mentions_added,
    )


# -- on the client -------------------------------------------------------------------------


@contextmanager
def connect(scheduler: str | None = None, workers: int = 2) -> Iterator[Client]:
    """A client of the cluster at `scheduler` (tcp://host:8786), else of a new local cluster
    of `workers` single-threaded worker processes, closed on exit."""
    if scheduler is not None:
        with Client(scheduler) as client:
            yield client
        return
    cluster = LocalCluster(
        n_workers=workers,
        threads_per_worker=1,
        processes=True,
        dashboard_address=":0",
        silence_logs=logging.ERROR,
    )
    try:
        with Client(cluster) as client:
            yield client
    finally:
        cluster.close()


def _in_flight(client: Client) -> int:
    """How many partitions to keep submitted: two per worker thread, so none waits for work."""
    return max(2, 2 * sum(client.nthreads().values()))


def _add(summary: IngestSummary, result: BatchResult) -> None:
    summary.new_documents += result.new_documents
    summary.skipped_documents += result.skipped_documents
    summary.claims_added += result.claims_added
    summary.mentions_added += result.mentions_added


def _write_found(
    store: Store, documents: list[Document], found: list[Parts], size: int, summary: IngestSummary
) -> None:
    """Store a partition's findings from the client, one transaction per `size` documents."""
    pairs = list(zip(documents, found, strict=True))
    for chunk in chunked(pairs, size):
        _add(summary, store.add_extractions([Extraction(doc, *parts) for doc, parts in chunk]))


def _run(
    client: Client,
    partitions: Iterator[Batch],
    store: Store,
    url: str | None,
    options: dict[str, Any],
    summary: IngestSummary,
    report: Callable[[int], None],
) -> None:
    """Submit partitions (a bounded number at a time) and take in their results."""
    run_id = uuid.uuid4().hex[:8]
    pending: dict[Future, Batch] = {}
    running = as_completed()

    def submit_more() -> None:
        wanted = _in_flight(client)
        while len(pending) < wanted:
            part = next(partitions, None)
            if part is None:
                return
            if not part.documents:  # all already stored: nothing to send
                report(part.n_read)
                continue
            # the key ends with the read offset just past the partition, to tell it apart
            key = f"alliancemap-extract-{run_id}-{summary.documents_read}"
            future = client.submit(
                extract_partition,
                part.documents,
                store_url=url,
                key=key,
                retries=RETRIES,
                **options,
            )
            pending[future] = part
            running.add(future)

    try:
        submit_more()
        for future in running:
            part = pending.pop(future)
            found = future.result()
            if url is None:  # the client writes: SQLite is reachable from here only
                _write_found(store, part.documents, found, options["batch_size"], summary)
            else:
                _add(summary, found)
            report(part.n_read)
            submit_more()
    finally:
        client.cancel(list(pending))


def ingest_dask(
    paths: Sequence[str | Path],
    store_url: str,
    scheduler: str | None = None,
    workers: int = 2,
    partition_size: int = PARTITION_SIZE,
    batch_size: int = 200,
    extractor_name: str = registry.DEFAULT_EXTRACTOR,
    on_progress: Progress | None = None,
    on_warning: Callable[[str], None] | None = None,
    sync_kb: bool = True,
    limit: int | None = None,
) -> IngestSummary:
    """Ingest like `pipeline.ingest`, with extraction (and, for PostgreSQL, writing) on Dask.

    `store_url` is a SQLite path or a database URL every worker can reach. Without `scheduler`
    a local cluster of `workers` processes is started. `on_progress(done, total)` follows each
    finished partition; ^C returns early with `interrupted=True`.
    """
    if min(workers, partition_size, batch_size) < 1:
        raise ValueError("workers, partition_size and batch_size must be at least 1")
    started = time.perf_counter()
    summary = IngestSummary()

    def warn(message: str) -> None:
        summary.warnings.append(message)
        if on_warning is not None:
            on_warning(message)

    registry.get("extractors", extractor_name)  # an unknown name fails before any work
    url = database_url(store_url)
    shared = url.get_backend_name() != "sqlite"
    documents, total = read_inputs(paths, summary, warn, limit)
    done = 0

    def report(n_read: int) -> None:
        nonlocal done
        done += n_read
        if on_progress is not None:
            on_progress(done, total)

    if on_progress is not None:
        on_progress(0, total)
    options = {"extractor_name": extractor_name, "batch_size": batch_size}
    with open_store(store_url) as store:
        try:
            if sync_kb:
                store.sync_kb(default_kb())
            partitions = new_batches(documents, store, partition_size, summary)
            with connect(scheduler, workers) as client:
                worker_url = url.render_as_string(hide_password=False) if shared else None
                _run(client, partitions, store, worker_url, options, summary, report)
        except KeyboardInterrupt:
            summary.interrupted = True
        finally:
            summary.seconds = time.perf_counter() - started
    return summary
