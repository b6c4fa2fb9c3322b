"""Polite, bounded HTTP fetching: the one way alliancemap reads the web.

Every request names alliancemap in its user agent, obeys robots.txt (RFC 9309: a missing file
allows all, an unreachable one forbids all) and waits between requests to one host (or the
host's Crawl-delay, if longer). Timeouts, server errors and 429s are retried a bounded number
of times with exponential backoff and jitter (Retry-After honoured up to the cap). Redirects
are followed by hand, so loops are named and every hop is checked against robots.txt;
bodies are read as a stream and abandoned past the size limit, so a huge response never
sits in memory. Every failure is a FetchError whose message is one line.
"""

from __future__ import annotations

import email.utils
import random
import re
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urldefrag, urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import httpx

from alliancemap import __version__
from alliancemap.errors import AllianceMapError

USER_AGENT = f"alliancemap/{__version__} (+https://github.com/alliancemap/alliancemap)"
ROBOTS_AGENT = "alliancemap"
ACCEPT = (
    "text/html,application/xhtml+xml,application/rss+xml,application/atom+xml,"
    "application/xml;q=0.9,text/xml;q=0.9,text/plain;q=0.8,*/*;q=0.5"
)
MAX_ROBOTS_BYTES = 512 * 1024  # RFC 9309 asks crawlers to read at least 500 KiB
MAX_CRAWL_DELAY = 60.0
_REDIRECTS = {301, 302, 303, 307, 308}
_RETRY_STATUS = {408, 425, 429, 500, 502, 503, 504}


FAILED, BLOCKED, SKIPPED = "failed", "blocked", "skipped"


class FetchError(AllianceMapError):
    """A URL gave no document; `str(err)` is "URL: problem". `outcome` is FAILED (worth
    another try later), BLOCKED (robots.txt forbids it) or SKIPPED (fetched, but no article)."""

    def __init__(
        self, url: str, problem: str, *, outcome: str = FAILED, status: int | None = None
    ) -> None:
        super().__init__(f"{url}: {problem}")
        self.url = url
        self.problem = problem
        self.outcome = outcome
        self.status = status  # the HTTP status that caused it, if any


@dataclass(frozen=True, slots=True)
class FetchOptions:
    """Limits of one Fetcher; the defaults suit crawling news sites politely."""

    timeout: float = 10.0  # seconds to connect, and between two reads
    max_seconds: float = 60.0  # seconds for a whole response, however slowly it trickles
    retries: int = 2  # extra attempts after a timeout, a lost connection, a 429 or a 5xx
    backoff: float = 1.0  # first retry delay in seconds, doubled each time (with jitter)
    max_backoff: float = 30.0  # cap on any one delay, Retry-After included
    max_bytes: int = 10 * 1024 * 1024  # decoded body size limit
    max_redirects: int = 5
    host_interval: float = 1.0  # minimum seconds between two requests to one host
    user_agent: str = USER_AGENT
    respect_robots: bool = True


@dataclass(frozen=True, slots=True)
class Page:
    """A response: final URL, status (200, or 304 when not modified), media type and body."""

    url: str
    status: int
    content_type: str  # media type only, lower-case ("" when absent)
    charset: str | None  # from the Content-Type header, if any
    body: bytes
    etag: str | None = None
    last_modified: str | None = None
    redirects: tuple[str, ...] = field(default=())

    @property
    def not_modified(self) -> bool:
        return self.status == 304


@dataclass(slots=True)
class _Raw:
    status: int
    headers: httpx.Headers
    body: bytes


def normalize_url(url: str) -> str:
    """`url` without its fragment and surrounding space (the form URLs are compared in)."""
    return urldefrag(url.strip())[0]


def check_url(url: str) -> str:
    """`url` normalised if it is an absolute http(s) URL; FetchError otherwise."""
    clean = normalize_url(url)
    parts = urlsplit(clean)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise FetchError(url, "not an http(s) URL")
    return clean


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}".lower()


def _mb(n: float) -> str:
    return f"{n / (1024 * 1024):.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:.0f} KB"


def _media_type(headers: httpx.Headers) -> tuple[str, str | None]:
    value = headers.get("content-type", "")
    media = value.split(";", 1)[0].strip().lower()
    m = re.search(r"charset\s*=\s*[\"']?([\w.:-]+)", value, re.I)
    return media, (m.group(1) if m else None)


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value.strip())
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


class _HostClock:
    """Spaces requests to each host by its interval; safe to share between threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._next: dict[str, float] = {}

    def wait(self, host: str, interval: float) -> None:
        with self._lock:
            now = time.monotonic()
            at = max(now, self._next.get(host, 0.0))
            self._next[host] = at + interval
        if at > now:
            time.sleep(at - now)


class Fetcher:
    """An HTTP client with the limits of `options`; use it as a context manager."""

    def __init__(
        self, options: FetchOptions | None = None, transport: httpx.BaseTransport | None = None
    ) -> None:
        self.options = options or FetchOptions()
        o = self.options
        self._client = httpx.Client(
            timeout=httpx.Timeout(o.timeout),
            follow_redirects=False,
            headers={"User-Agent": o.user_agent, "Accept": ACCEPT},
            transport=transport,
        )
        self._clock = _HostClock()
        self._robots: dict[str, RobotFileParser | FetchError | None] = {}
        self._robots_lock = threading.Lock()
        self._origin_locks: dict[str, threading.Lock] = {}

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connections."""
        self._client.close()

    # -- robots.txt ------------------------------------------------------------------------

    def _rules(self, origin: str) -> RobotFileParser | FetchError | None:
        """The origin's robots.txt rules (None: no rules), fetched once per Fetcher."""
        with self._robots_lock:
            if origin in self._robots:
                return self._robots[origin]
            lock = self._origin_locks.setdefault(origin, threading.Lock())
        with lock:
            if origin not in self._robots:
                self._robots[origin] = self._load_robots(origin)
            return self._robots[origin]

    def _load_robots(self, origin: str) -> RobotFileParser | FetchError | None:
        url = f"{origin}/robots.txt"
        try:
            page = self._follow(url, {}, check_robots=False, max_bytes=MAX_ROBOTS_BYTES)
        except FetchError as err:
            if err.status is not None and 400 <= err.status < 500 and err.status != 429:
                return None  # no robots.txt: everything is allowed
            return FetchError(url, f"robots.txt unavailable ({err.problem}), host skipped")
        rules = RobotFileParser(url)
        rules.parse(page.body.decode("utf-8", errors="replace").splitlines())
        return rules

    def _host_interval(self, url: str) -> float:
        rules = self._robots.get(_origin(url)) if self.options.respect_robots else None
        delay = rules.crawl_delay(ROBOTS_AGENT) if isinstance(rules, RobotFileParser) else None
        return max(self.options.host_interval, min(float(delay or 0), MAX_CRAWL_DELAY))

    def check_robots(self, url: str) -> None:
        """Raise FetchError (blocked) if robots.txt forbids `url` or cannot be read."""
        if not self.options.respect_robots:
            return
        rules = self._rules(_origin(url))
        if isinstance(rules, FetchError):
            raise FetchError(url, rules.problem)
        if rules is not None and not rules.can_fetch(ROBOTS_AGENT, url):
            raise FetchError(url, "forbidden by robots.txt, not fetched", outcome=BLOCKED)

    # -- fetching --------------------------------------------------------------------------

    def fetch(self, url: str, *, etag: str | None = None, last_modified: str | None = None) -> Page:
        """GET `url` within every limit; a 304 (not modified) comes back as a Page too."""
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if last_modified:
            headers["If-Modified-Since"] = last_modified
        return self._follow(check_url(url), headers, check_robots=True)

    def _follow(
        self,
        url: str,
        headers: dict[str, str],
        *,
        check_robots: bool,
        max_bytes: int | None = None,
    ) -> Page:
        seen = [url]
        current = url
        for _ in range(self.options.max_redirects + 1):
            if check_robots:
                self.check_robots(current)
            raw = self._get(current, headers, max_bytes or self.options.max_bytes, url)
            location = raw.headers.get("location")
            if raw.status in _REDIRECTS and location:
                target = normalize_url(urljoin(current, location))
                if target in seen:
                    raise FetchError(url, f"redirect loop ({current} -> {target})")
                if urlsplit(target).scheme not in ("http", "https"):
                    raise FetchError(url, f"redirected to a non-http URL ({target})")
                seen.append(target)
                current = target
                continue
            media, charset = _media_type(raw.headers)
            return Page(
                url=current,
                status=raw.status,
                content_type=media,
                charset=charset,
                body=raw.body,
                etag=raw.headers.get("etag"),
                last_modified=raw.headers.get("last-modified"),
                redirects=tuple(seen[1:]),
            )
        raise FetchError(url, f"too many redirects (more than {self.options.max_redirects})")

    def _get(self, url: str, headers: dict[str, str], max_bytes: int, asked: str) -> _Raw:
        """One GET with bounded retries; redirects and 304 are returned, errors raised."""
        o = self.options
        host = urlsplit(url).netloc.lower()
        attempts = o.retries + 1
        problem, status = "", None
        for attempt in range(attempts):
            self._clock.wait(host, self._host_interval(url))
            retry_after = None
            try:
                return self._attempt(url, headers, max_bytes, asked)
            except _Retry as retry:
                problem, status, retry_after = retry.problem, retry.status, retry.retry_after
            except httpx.TimeoutException:
                problem, status = f"timed out after {o.timeout:g} s", None
            except httpx.TransportError as err:
                problem, status = f"connection failed ({_reason(err)})", None
            except httpx.HTTPError as err:  # invalid URL, undecodable body: not worth retrying
                raise FetchError(asked, f"request failed ({_reason(err)})") from None
            if attempt + 1 < attempts:
                time.sleep(self._delay(attempt, retry_after))
        raise FetchError(asked, problem + _tries(attempts), status=status)

    def _attempt(self, url: str, headers: dict[str, str], max_bytes: int, asked: str) -> _Raw:
        """One request: the response, or _Retry / FetchError / an httpx error."""
        started = time.monotonic()
        with self._client.stream("GET", url, headers=headers) as resp:
            status = resp.status_code
            if status in _REDIRECTS or status == 304:
                return _Raw(status, resp.headers, b"")
            if status >= 400:
                problem = f"HTTP {status} {resp.reason_phrase}".strip()
                if status in _RETRY_STATUS:
                    raise _Retry(problem, status, _retry_after(resp.headers))
                raise FetchError(asked, problem, status=status)
            declared = resp.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > max_bytes:
                raise FetchError(
                    asked, f"response too large ({_mb(int(declared))}, limit {_mb(max_bytes)})"
                )
            chunks: list[bytes] = []
            size = 0
            for chunk in resp.iter_bytes():
                size += len(chunk)
                if size > max_bytes:
                    raise FetchError(asked, f"response too large (over the {_mb(max_bytes)} limit)")
                if time.monotonic() - started > self.options.max_seconds:
                    raise FetchError(
                        asked, f"response too slow (over {self.options.max_seconds:g} s)"
                    )
                chunks.append(chunk)
            return _Raw(status, resp.headers, b"".join(chunks))

    def _delay(self, attempt: int, retry_after: float | None) -> float:
        o = self.options
        if retry_after is not None:
            return min(o.max_backoff, retry_after)
        base = min(o.max_backoff, o.backoff * (2**attempt))
        return base * random.uniform(0.5, 1.0)


class _Retry(Exception):
    def __init__(self, problem: str, status: int, retry_after: float | None) -> None:
        super().__init__(problem)
        self.problem = problem
        self.status = status
        self.retry_after = retry_after


def _reason(err: Exception) -> str:
    text = str(err).strip()
    return text.splitlines()[0] if text else type(err).__name__


def _tries(attempts: int) -> str:
    return f" ({attempts} attempts)" if attempts > 1 else ""
