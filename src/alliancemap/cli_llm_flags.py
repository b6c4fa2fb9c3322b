"""The flags of the `llm` extractor, shared by extract, ingest, update, watch and label, and
the run summary they print. Each flag falls back to an ALLIANCEMAP_LLM_* variable; the API
key has no flag at all (ALLIANCEMAP_LLM_API_KEY or OPENAI_API_KEY), so it never shows in a
process list or a shell history."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from alliancemap.errors import AllianceMapError

LLM = "llm"

UrlFlag = Annotated[
    str | None,
    typer.Option(
        "--llm-url",
        help="OpenAI-compatible base URL (env ALLIANCEMAP_LLM_URL; default Ollama's).",
        show_default=False,
    ),
]
ModelFlag = Annotated[
    str | None,
    typer.Option("--llm-model", help="Model name (env ALLIANCEMAP_LLM_MODEL).", show_default=False),
]
BudgetFlag = Annotated[
    int | None,
    typer.Option(
        "--max-tokens-total",
        min=1,
        help="Stop cleanly once the LLM used this many tokens (cached answers are free).",
        show_default=False,
    ),
]
ConcurrencyFlag = Annotated[
    int | None,
    typer.Option(
        "--llm-concurrency", min=1, help="LLM requests in flight (default 4).", show_default=False
    ),
]
RpmFlag = Annotated[
    float | None,
    typer.Option(
        "--llm-rpm",
        min=0.0,
        help="LLM requests per minute (default: no limit).",
        show_default=False,
    ),
]
LLMTimeoutFlag = Annotated[
    float | None,
    typer.Option(
        "--llm-timeout", min=0.01, help="Seconds per LLM request (default 120).", show_default=False
    ),
]
CacheFlag = Annotated[
    str | None,
    typer.Option(
        "--cache",
        help="LLM answer cache file (env ALLIANCEMAP_LLM_CACHE; default in the user cache dir).",
        show_default=False,
    ),
]


def llm_options(extractor: str, **flags: Any) -> tuple[dict[str, Any] | None, Any]:
    """(extractor options, stats) for `--extractor llm`, checked before any work; (None,
    None) for another extractor, which must not be given LLM flags."""
    given = {k: v for k, v in flags.items() if v is not None}
    if extractor != LLM:
        if given:
            names = ", ".join("--" + k.replace("_", "-") for k in given)
            raise AllianceMapError(f"{names}: only for --extractor llm")
        return None, None
    from alliancemap.extract.llm.client import _openai
    from alliancemap.extract.llm.settings import resolve_settings
    from alliancemap.extract.llm.stats import LLMStats

    _openai()  # a missing package fails now, in one line
    names = {"llm_url": "url", "llm_model": "model", "llm_concurrency": "concurrency"}
    names |= {"llm_rpm": "requests_per_minute", "llm_timeout": "timeout"}
    settings = resolve_settings(**{names.get(k, k): v for k, v in given.items()})
    stats = LLMStats()
    return {"settings": settings, "stats": stats}, stats


def show_llm_summary(stats: Any, console: Any) -> None:
    """Tokens, requests, cache hits and drops by reason, in a few plain lines."""
    if stats is None:
        return
    lines = [
        f"llm: {stats.documents:,} documents, {stats.requests:,} requests "
        f"({stats.retries:,} retries), {stats.cache_hits:,} cache hits, "
        f"tokens in {stats.tokens_in:,} / out {stats.tokens_out:,}, "
        f"{stats.relations:,} relations kept ({stats.merged:,} duplicates merged)"
    ]
    for what, counts in (
        ("documents", stats.documents_dropped),
        ("relations", stats.relations_dropped),
    ):
        if counts:
            parts = ", ".join(f"{reason} {n:,}" for reason, n in counts.most_common())
            lines.append(f"llm: dropped {what}: {parts}")
    for line in lines:
        console.print(line, markup=False, soft_wrap=True, highlight=False)
