"""`alliancemap label`: an LLM annotates a corpus into a silver training file.

Registered on the main `app` when `alliancemap.cli` loads; a thin layer over
`alliancemap.extract.llm.label`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from alliancemap import cli_output as show
from alliancemap.atomic import is_stdout
from alliancemap.cli import app, check_inputs
from alliancemap.cli_llm_flags import (
    LLM,
    BudgetFlag,
    CacheFlag,
    ConcurrencyFlag,
    LLMTimeoutFlag,
    ModelFlag,
    RpmFlag,
    UrlFlag,
    llm_options,
    show_llm_summary,
)


@app.command()
def label(
    corpus: Annotated[str, typer.Argument(metavar="CORPUS", help="Input jsonl, jsonl.gz or txt.")],
    out: Annotated[str, typer.Option("-o", "--out", help="Silver file (gold format) to write.")],
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Annotate only the first N documents.")
    ] = None,
    llm_url: UrlFlag = None,
    llm_model: ModelFlag = None,
    cache: CacheFlag = None,
    max_tokens_total: BudgetFlag = None,
    llm_concurrency: ConcurrencyFlag = None,
    llm_rpm: RpmFlag = None,
    llm_timeout: LLMTimeoutFlag = None,
) -> None:
    """Annotate documents with an LLM into the gold format, for `alliancemap train`."""
    from alliancemap.extract.llm.label import label_file

    check_inputs([corpus])
    options, stats = llm_options(
        LLM,
        llm_url=llm_url,
        llm_model=llm_model,
        cache=cache,
        max_tokens_total=max_tokens_total,
        llm_concurrency=llm_concurrency,
        llm_rpm=llm_rpm,
        llm_timeout=llm_timeout,
    )
    warnings: list[str] = []
    with show.progress("labelling", stats.progress_text) as update:
        summary = label_file(corpus, out, options, limit, update, warnings.append)
    show.print_warnings(warnings)
    console = show.err if is_stdout(out) else show.out
    console.print(
        f"labelled {summary.documents} documents ({summary.relations} relations,"
        f" {summary.unread} unreadable left out) -> {summary.out_path}",
        markup=False,
        soft_wrap=True,
    )
    show_llm_summary(stats, show.err)
    if summary.stopped:
        show.err.print(
            f"stopped: {summary.stopped}; a re-run takes the answers paid for from the cache",
            markup=False,
            soft_wrap=True,
        )
