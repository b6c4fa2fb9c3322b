"""Commands for web sources: `update`, `watch`, `fetch`, `dedupe` and `sources`.

Registered on the app of cli.py (imported there). Each is a thin wrapper over update.py and
dedupe.py: progress bars on stderr, one line per failed source or entry as it happens, and a
summary table (or `--json`) at the end.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from alliancemap import cli_output as show
from alliancemap import registry
from alliancemap.cli import DbOption, ExtractorOption, JsonOption, app, check_name, opened_store
from alliancemap.cli_llm_flags import (
    BudgetFlag,
    ConcurrencyFlag,
    LLMTimeoutFlag,
    ModelFlag,
    RpmFlag,
    UrlFlag,
    llm_options,
    show_llm_summary,
)
from alliancemap.errors import AllianceMapError

STEPS = {
    "signatures": "signing stored texts",
    "sources": "sources",
    "entries": "entries",
}

TimeoutOption = Annotated[
    float, typer.Option("--timeout", min=0.01, help="Seconds to wait for a server.")
]
RetriesOption = Annotated[
    int, typer.Option("--retries", min=0, help="Extra attempts after a timeout or 5xx.")
]
RateOption = Annotated[
    float,
    typer.Option("--rate-limit", min=0.0, help="Seconds between two requests to one host."),
]
MaxSizeOption = Annotated[
    float, typer.Option("--max-size", min=0.001, help="Largest response accepted, in MB.")
]
MaxNewOption = Annotated[
    int | None,
    typer.Option(
        "--max-new",
        min=1,
        help="New entries per source and pass (default: the file's max_new, else 200).",
    ),
]
ConcurrencyOption = Annotated[
    int, typer.Option("--concurrency", min=1, help="Sources fetched at once.")
]
BatchOption = Annotated[int, typer.Option("--batch-size", min=1, help="Documents per transaction.")]
ThresholdOption = Annotated[
    float,
    typer.Option("--threshold", min=0.05, max=1.0, help="Near-duplicate similarity (Jaccard)."),
]


def update_options(
    *,
    extractor: str,
    timeout: float,
    retries: int,
    rate_limit: float,
    max_size: float,
    max_new: int | None,
    concurrency: int,
    batch_size: int,
    threshold: float,
    extractor_options: dict[str, Any] | None = None,
) -> Any:
    """UpdateOptions from the flags the update, fetch and watch commands share."""
    from alliancemap.ingest.fetch import FetchOptions
    from alliancemap.update import UpdateOptions

    fetch = FetchOptions(
        timeout=timeout,
        retries=retries,
        host_interval=rate_limit,
        max_bytes=int(max_size * 1024 * 1024),
    )
    return UpdateOptions(
        fetch=fetch,
        extractor=check_name("extractors", extractor),
        batch_size=batch_size,
        concurrency=concurrency,
        threshold=threshold,
        max_new=max_new,
        extractor_options=extractor_options,
    )


@contextmanager
def steps_progress() -> Iterator[
    tuple[Callable[[str, int, int | None], None], Callable[[str], None]]
]:
    """Progress bars on stderr, one per step as it starts; yields (update, print_line)."""
    columns = [
        SpinnerColumn(),
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    ]
    with Progress(*columns, console=show.err, transient=True) as bar:
        tasks: dict[str, Any] = {}

        def update(step: str, done: int, total: int | None) -> None:
            if step not in tasks:
                tasks[step] = bar.add_task(STEPS.get(step, step), total=total)
            bar.update(tasks[step], completed=done, total=total)

        def line(text: str) -> None:
            bar.console.print(text, markup=False, soft_wrap=True, highlight=False)

        yield update, line


def summary_rows(s: Any) -> list[list[str]]:
    """The rows of the summary table of a pass (or of several)."""
    rows = [
        ["sources", f"{s.sources:,}"],
        ["  failed (retried next pass)", f"{s.sources_failed:,}"],
        ["  not modified", f"{s.unchanged:,}"],
        ["entries fetched", f"{s.fetched:,}"],
        ["new documents", f"{s.new_documents:,}"],
        ["duplicates (already stored)", f"{s.duplicates:,}"],
        ["near-duplicates (linked)", f"{s.near_duplicates:,}"],
        ["failed (retried next pass)", f"{s.failed:,}"],
        ["forbidden by robots.txt", f"{s.blocked:,}"],
        ["skipped (no article)", f"{s.skipped:,}"],
        ["claims added", f"{s.claims_added:,}"],
        ["time", f"{s.seconds:.1f} s"],
    ]
    if s.left:
        rows.insert(10, ["left for the next pass", f"{s.left:,}"])
    return rows


def show_summary(summary: Any, title: str, as_json: bool) -> None:
    """The end of a pass: warnings, then the table (or JSON)."""
    if as_json:
        show.print_json(asdict(summary))
        return
    show.print_warnings(summary.warnings)
    show.out.print(show.table(title, ["", "value"], summary_rows(summary)))
    if summary.interrupted:
        show.err.print("interrupted: the batches stored before ^C are kept", markup=False)


def _finish(summary: Any) -> None:
    if summary.sources and summary.sources_failed == summary.sources:
        raise AllianceMapError(f"every source failed ({summary.sources})")


def _run(
    sources: Any, db: str | None, options: Any, title: str, as_json: bool, stats: Any = None
) -> None:
    from alliancemap.update import update as run_update

    with opened_store(db) as store, steps_progress() as (progress, line):
        summary = run_update(sources, store, options, progress, None if as_json else line)
    show_summary(summary, title, as_json)
    show_llm_summary(stats, show.err)
    _stopped(summary)
    _finish(summary)


def _stopped(summary: Any) -> None:
    if summary.stopped:
        show.err.print(
            f"stopped: {summary.stopped}; the batch in progress is fetched again next pass",
            markup=False,
            soft_wrap=True,
        )


@app.command()
def update(
    sources_file: Annotated[str, typer.Argument(metavar="SOURCES.yaml", help="Sources file.")],
    db: DbOption = None,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 2,
    rate_limit: RateOption = 1.0,
    max_size: MaxSizeOption = 10.0,
    max_new: MaxNewOption = None,
    concurrency: ConcurrencyOption = 4,
    batch_size: BatchOption = 20,
    threshold: ThresholdOption = 0.8,
    as_json: JsonOption = False,
    llm_url: UrlFlag = None,
    llm_model: ModelFlag = None,
    max_tokens_total: BudgetFlag = None,
    llm_concurrency: ConcurrencyFlag = None,
    llm_rpm: RpmFlag = None,
    llm_timeout: LLMTimeoutFlag = None,
) -> None:
    """Fetch what is new in every source once, extract it and add it to the store."""
    from alliancemap.sourcelist import load_sources

    sources = load_sources(sources_file)
    extractor_options, stats = llm_options(
        extractor,
        llm_url=llm_url,
        llm_model=llm_model,
        max_tokens_total=max_tokens_total,
        llm_concurrency=llm_concurrency,
        llm_rpm=llm_rpm,
        llm_timeout=llm_timeout,
    )
    options = update_options(
        extractor_options=extractor_options,
        extractor=extractor,
        timeout=timeout,
        retries=retries,
        rate_limit=rate_limit,
        max_size=max_size,
        max_new=max_new,
        concurrency=concurrency,
        batch_size=batch_size,
        threshold=threshold,
    )
    _run(sources, db, options, "Update", as_json, stats)


@app.command()
def fetch(
    urls: Annotated[list[str], typer.Argument(metavar="URL...", help="Pages, feeds, sitemaps.")],
    kind: Annotated[
        str, typer.Option("--kind", help="feed, sitemap, page, or auto (guess).")
    ] = "auto",
    db: DbOption = None,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 2,
    rate_limit: RateOption = 1.0,
    max_size: MaxSizeOption = 10.0,
    max_new: MaxNewOption = None,
    concurrency: ConcurrencyOption = 4,
    batch_size: BatchOption = 20,
    threshold: ThresholdOption = 0.8,
    as_json: JsonOption = False,
) -> None:
    """Fetch URLs once (without a sources file), extract them and add them to the store."""
    from alliancemap.sourcelist import parse_source

    sources = []
    for url in dict.fromkeys(urls):
        try:
            sources.append(parse_source({"url": url, "kind": kind}))
        except ValueError as err:
            raise AllianceMapError(str(err)) from None
    options = update_options(
        extractor=extractor,
        timeout=timeout,
        retries=retries,
        rate_limit=rate_limit,
        max_size=max_size,
        max_new=max_new,
        concurrency=concurrency,
        batch_size=batch_size,
        threshold=threshold,
    )
    _run(sources, db, options, "Fetch", as_json)


@app.command()
def watch(
    sources_file: Annotated[str, typer.Argument(metavar="SOURCES.yaml", help="Sources file.")],
    interval: Annotated[
        str | None,
        typer.Option(
            "--interval", help="Check every source this often (90s, 15m, 2h).", show_default=False
        ),
    ] = None,
    passes: Annotated[
        int | None, typer.Option("--passes", min=1, help="Stop after this many passes.")
    ] = None,
    db: DbOption = None,
    extractor: ExtractorOption = registry.DEFAULT_EXTRACTOR,
    timeout: TimeoutOption = 10.0,
    retries: RetriesOption = 2,
    rate_limit: RateOption = 1.0,
    max_size: MaxSizeOption = 10.0,
    max_new: MaxNewOption = None,
    concurrency: ConcurrencyOption = 4,
    batch_size: BatchOption = 20,
    threshold: ThresholdOption = 0.8,
    llm_url: UrlFlag = None,
    llm_model: ModelFlag = None,
    max_tokens_total: BudgetFlag = None,
    llm_concurrency: ConcurrencyFlag = None,
    llm_rpm: RpmFlag = None,
    llm_timeout: LLMTimeoutFlag = None,
) -> None:
    """Keep the store up to date: a pass whenever a source is due, until ^C."""
    from alliancemap.sourcelist import load_sources, parse_interval
    from alliancemap.update import watch as run_watch

    every = parse_interval(interval) if interval is not None else None
    listed = load_sources(sources_file)  # a bad file fails now, not at the first pass
    extractor_options, stats = llm_options(
        extractor,
        llm_url=llm_url,
        llm_model=llm_model,
        max_tokens_total=max_tokens_total,
        llm_concurrency=llm_concurrency,
        llm_rpm=llm_rpm,
        llm_timeout=llm_timeout,
    )
    options = update_options(
        extractor_options=extractor_options,
        extractor=extractor,
        timeout=timeout,
        retries=retries,
        rate_limit=rate_limit,
        max_size=max_size,
        max_new=max_new,
        concurrency=concurrency,
        batch_size=batch_size,
        threshold=threshold,
    )
    show.err.print(
        f"watching {len(listed.sources)} sources every {_duration(every or listed.interval)}"
        " (^C to stop)",
        markup=False,
    )
    with opened_store(db) as store:
        total = run_watch(
            sources_file,
            store,
            options,
            interval=every,
            passes=passes,
            on_pass=_pass_line,
            on_progress=None,
            on_report=lambda text: show.err.print(text, markup=False, soft_wrap=True),
        )
    show_summary(total, "Watch (all passes)", False)
    show_llm_summary(stats, show.err)
    _stopped(total)


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{seconds:g}s"


def _pass_line(s: Any) -> None:
    from datetime import datetime

    show.err.print(
        f"{datetime.now().strftime('%H:%M:%S')} pass over {s.sources} sources: "
        f"{s.new_documents} new, {s.duplicates} duplicate, {s.near_duplicates} near-duplicate, "
        f"{s.failed + s.sources_failed} failed, {s.claims_added} claims ({s.seconds:.1f} s)",
        markup=False,
        soft_wrap=True,
    )
    show.print_warnings(s.warnings)


@app.command()
def dedupe(
    db: DbOption = None,
    threshold: ThresholdOption = 0.8,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report the groups without storing the links.")
    ] = False,
    top: Annotated[int, typer.Option("--top", min=0, help="How many groups to list.")] = 10,
    as_json: JsonOption = False,
) -> None:
    """Find near-duplicate documents (syndicated copies) across the store and link them."""
    from alliancemap.dedupe import regroup

    with opened_store(db) as store, steps_progress() as (progress, _):
        report = regroup(
            store, threshold, lambda d, t: progress("signatures", d, t), write=not dry_run
        )
    if as_json:
        show.print_json(asdict(report) | {"copies": report.copies})
        return
    rows = [
        [
            g.size,
            g.first.doc_id or g.first.hash[:12],
            g.first.title or g.first.url or "",
            ", ".join(c.doc_id or c.hash[:12] for c in g.copies[:5])
            + (f" (+{len(g.copies) - 5})" if len(g.copies) > 5 else ""),
        ]
        for g in report.groups[:top]
    ]
    if rows:
        show.out.print(
            show.table(
                "Largest near-duplicate groups",
                ["size", "first copy", "title", "copies"],
                rows,
                wrap="title",
            )
        )
    what = "would link" if dry_run else "linked"
    show.out.print(
        f"{len(report.groups):,} near-duplicate groups among {report.documents:,} documents: "
        f"{report.copies:,} {what} to an earlier copy (threshold {report.threshold:g}, "
        f"{report.changed:,} links changed, {report.seconds:.1f} s)",
        markup=False,
        soft_wrap=True,
    )


@app.command()
def sources(db: DbOption = None, as_json: JsonOption = False) -> None:
    """What the store remembers of each source: last pass, failures, last error."""
    with opened_store(db) as store:
        states = list(store.source_states().values())
    if as_json:
        show.print_json([asdict(s) for s in states])
        return
    if not states:
        show.out.print("no sources fetched yet", markup=False)
        return
    rows = [
        [s.url, s.kind, s.last_pass_at or "", s.last_ok_at or "", s.failures, s.last_error or ""]
        for s in states
    ]
    cols = ["source", "kind", "last pass", "last success", "failures", "last error"]
    show.out.print(show.table("Sources", cols, rows, wrap="last error"))
