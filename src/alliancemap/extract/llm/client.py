"""Chat completions over the `openai` package, with the run's cost and failure control:
requests-per-minute pacing, timeouts, retries with backoff on 429/5xx/timeouts (honouring
Retry-After), and the token budget. Errors name the server's status, never its message
(some servers echo the key back in theirs)."""

from __future__ import annotations

import email.utils
import random
import threading
import time
from dataclasses import dataclass
from typing import Any

from alliancemap.errors import AllianceMapError, RunStopped
from alliancemap.extract.llm import prompt
from alliancemap.extract.llm.settings import LLMSettings
from alliancemap.extract.llm.stats import LLMStats

MAX_RETRY_AFTER = 120.0  # seconds; a longer Retry-After is capped


class BudgetExhausted(RunStopped):
    """--max-tokens-total was reached: no further request is sent."""


class RequestFailed(Exception):
    """A request failed for good (after its retries); the document is dropped."""


@dataclass(frozen=True, slots=True)
class Answer:
    content: str
    tokens_in: int
    tokens_out: int


def _openai() -> Any:
    try:
        import openai
    except ImportError:
        raise AllianceMapError(
            "the llm extractor needs the openai package: pip install 'alliancemap[llm]'"
        ) from None
    return openai


class Pacer:
    """Spaces request starts at least 60/rpm seconds apart, across threads."""

    def __init__(self, requests_per_minute: float) -> None:
        self.interval = 60.0 / requests_per_minute if requests_per_minute > 0 else 0.0
        self._next = 0.0
        self._lock = threading.Lock()

    def wait(self) -> None:
        if not self.interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self.interval
        if start > now:
            time.sleep(start - now)


def retry_after(headers: Any) -> float | None:
    """Seconds a Retry-After (or retry-after-ms) header asks to wait, if it says."""
    if headers is None:
        return None
    ms = headers.get("retry-after-ms")
    if ms:
        try:
            return float(ms) / 1000
        except ValueError:
            pass
    value = headers.get("retry-after")
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        when = email.utils.parsedate_to_datetime(value)
        return max(0.0, when.timestamp() - time.time()) if when else None


class ChatClient:
    """Sends one passage, returns the answer text and its token counts."""

    def __init__(self, settings: LLMSettings, stats: LLMStats) -> None:
        openai = _openai()
        self.settings, self.stats = settings, stats
        self._errors = openai
        self._client = openai.OpenAI(
            base_url=settings.url,
            api_key=settings.api_key or "no-key",
            timeout=settings.timeout,
            max_retries=0,  # retries are ours: counted, paced and within the budget
        )
        self._pacer = Pacer(settings.requests_per_minute)
        self._schema = settings.format != "json"  # plain JSON after a refusal in auto mode
        self._stop = threading.Event()

    def _check_budget(self) -> None:
        limit = self.settings.max_tokens_total
        if self._stop.is_set() or (limit is not None and self.stats.tokens >= limit):
            self._stop.set()
            raise BudgetExhausted(
                f"token budget reached ({self.stats.tokens:,} of {limit:,} tokens used)"
            )

    def _create(self, messages: list[dict[str, str]]) -> Any:
        kwargs: dict[str, Any] = {
            "model": self.settings.model,
            "messages": messages,
            "temperature": self.settings.temperature,
            "max_tokens": self.settings.max_output_tokens,
        }
        if self._schema:
            kwargs["response_format"] = prompt.response_format()
        return self._client.chat.completions.create(**kwargs)

    def complete(self, text: str, published: str | None) -> Answer:
        """The model's answer for one passage; RequestFailed when it cannot be had."""
        e = self._errors
        messages = prompt.messages(text, published)
        attempt = 0
        while True:
            self._check_budget()
            self._pacer.wait()
            try:
                response = self._create(messages)
            except e.BadRequestError as err:
                if self._schema and self.settings.format == "auto":
                    self._schema = False  # the server does not take a JSON schema: plain JSON
                    continue
                raise RequestFailed(f"HTTP {err.status_code}") from None
            except (e.AuthenticationError, e.PermissionDeniedError, e.NotFoundError) as err:
                what = {
                    401: "refused the API key",
                    403: "refused access",
                    404: "has no such model or path",
                }
                raise AllianceMapError(
                    f"LLM server {self.settings.url} {what.get(err.status_code, 'refused')}"
                    f" (HTTP {err.status_code}, model {self.settings.model})"
                ) from None
            except (
                e.APITimeoutError,
                e.APIConnectionError,
                e.RateLimitError,
                e.InternalServerError,
                e.APIStatusError,
            ) as err:
                status = getattr(err, "status_code", None)
                if status is not None and status < 500 and status not in (408, 409, 429):
                    raise RequestFailed(f"HTTP {status}") from None
                if attempt >= self.settings.retries:
                    what = f"HTTP {status}" if status else type(err).__name__
                    raise RequestFailed(f"{what} after {attempt + 1} attempts") from None
                wait = retry_after(getattr(getattr(err, "response", None), "headers", None))
                if wait is None:
                    wait = self.settings.backoff * (2**attempt) * (0.75 + random.random() / 2)
                attempt += 1
                self.stats.add(retries=1)
                time.sleep(min(wait, MAX_RETRY_AFTER))
                continue
            return self._answer(response)

    def _answer(self, response: Any) -> Answer:
        usage = getattr(response, "usage", None)
        tokens_in = int(getattr(usage, "prompt_tokens", 0) or 0)
        tokens_out = int(getattr(usage, "completion_tokens", 0) or 0)
        self.stats.add(requests=1, tokens_in=tokens_in, tokens_out=tokens_out)
        choices = getattr(response, "choices", None) or []
        message = choices[0].message if choices else None
        return Answer(getattr(message, "content", None) or "", tokens_in, tokens_out)

    def close(self) -> None:
        self._client.close()
