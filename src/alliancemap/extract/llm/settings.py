"""Where the LLM extractor's settings come from: arguments first, then the environment.

The API key is read from the environment only (ALLIANCEMAP_LLM_API_KEY, else OPENAI_API_KEY),
so it never sits on a command line, and it is kept out of `repr` so it cannot reach a log.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from alliancemap.errors import AllianceMapError

DEFAULT_URL = "http://127.0.0.1:11434/v1"  # Ollama's OpenAI-compatible endpoint
FORMATS = ("auto", "schema", "json")


@dataclass(frozen=True, slots=True)
class LLMSettings:
    """Everything the LLM extractor needs to talk to a server and to control the cost."""

    model: str
    url: str = DEFAULT_URL
    api_key: str = field(default="", repr=False)
    format: str = "auto"  # auto: JSON schema, falling back to plain JSON; schema; json
    concurrency: int = 4  # requests in flight at once
    requests_per_minute: float = 0.0  # 0: no limit
    timeout: float = 120.0  # seconds per request
    retries: int = 4  # extra attempts after a 429, a 5xx, a timeout or a lost connection
    backoff: float = 1.0  # first wait between attempts, doubled each time
    max_tokens_total: int | None = None  # stop sending requests once this many were used
    max_output_tokens: int = 4096
    chunk_chars: int = 12000  # longest piece of text sent in one request
    overlap_sentences: int = 2  # sentences repeated at the start of the next chunk
    temperature: float = 0.0
    cache: Path | None = None  # the cache file (extract, label); None: the user cache dir


def default_cache_path() -> Path:
    """The cache file under the user cache directory ($XDG_CACHE_HOME or ~/.cache)."""
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "alliancemap" / "llm-cache.sqlite"


def _env_number(name: str, kind: type, default: float | int | None) -> float | int | None:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return kind(raw)
    except ValueError:
        raise AllianceMapError(f"{name}={raw!r} is not a number") from None


def resolve_settings(
    model: str | None = None,
    url: str | None = None,
    cache: str | Path | None = None,
    max_tokens_total: int | None = None,
    concurrency: int | None = None,
    requests_per_minute: float | None = None,
    timeout: float | None = None,
    retries: int | None = None,
    backoff: float | None = None,
    format: str | None = None,
    chunk_chars: int | None = None,
) -> LLMSettings:
    """Settings from the given values, else ALLIANCEMAP_LLM_* variables, else the defaults."""
    env = os.environ
    model = model or env.get("ALLIANCEMAP_LLM_MODEL")
    if not model:
        raise AllianceMapError(
            "the llm extractor needs a model name: --llm-model or ALLIANCEMAP_LLM_MODEL"
        )
    fmt = (format or env.get("ALLIANCEMAP_LLM_FORMAT") or "auto").lower()
    if fmt not in FORMATS:
        raise AllianceMapError(f"unknown LLM answer format {fmt!r} (known: {', '.join(FORMATS)})")
    key = env.get("ALLIANCEMAP_LLM_API_KEY") or env.get("OPENAI_API_KEY") or ""
    cache_path = cache or env.get("ALLIANCEMAP_LLM_CACHE")

    def pick(value, name, kind, default):
        return value if value is not None else _env_number(name, kind, default)

    settings = LLMSettings(
        model=model,
        url=url or env.get("ALLIANCEMAP_LLM_URL") or DEFAULT_URL,
        api_key=key,
        format=fmt,
        concurrency=pick(concurrency, "ALLIANCEMAP_LLM_CONCURRENCY", int, 4),
        requests_per_minute=pick(requests_per_minute, "ALLIANCEMAP_LLM_RPM", float, 0.0),
        timeout=pick(timeout, "ALLIANCEMAP_LLM_TIMEOUT", float, 120.0),
        retries=pick(retries, "ALLIANCEMAP_LLM_RETRIES", int, 4),
        backoff=pick(backoff, "ALLIANCEMAP_LLM_BACKOFF", float, 1.0),
        max_tokens_total=pick(max_tokens_total, "ALLIANCEMAP_LLM_MAX_TOKENS_TOTAL", int, None),
        chunk_chars=pick(chunk_chars, "ALLIANCEMAP_LLM_CHUNK_CHARS", int, 12000),
        cache=Path(cache_path) if cache_path else None,
    )
    if settings.concurrency < 1 or settings.timeout <= 0 or settings.retries < 0:
        raise AllianceMapError("LLM settings: concurrency >= 1, timeout > 0, retries >= 0")
    if settings.chunk_chars < 500:
        raise AllianceMapError("LLM settings: chunks must hold at least 500 characters")
    return settings
