"""The HTTP client against a real server on 127.0.0.1: limits, politeness, every bad case."""

from __future__ import annotations

import time
import tracemalloc

import pytest

from alliancemap.ingest.fetch import (
    BLOCKED,
    USER_AGENT,
    Fetcher,
    FetchError,
    FetchOptions,
    check_url,
)
from newsserver import NewsSite, Response, build_site, fifty_megabytes, html

FAST = FetchOptions(timeout=1.0, retries=1, backoff=0.01, host_interval=0.0, max_bytes=1024 * 1024)


@pytest.fixture(scope="module")
def site():
    s = build_site(slow_delay=3.0).start()
    yield s
    s.stop()


def fetch_error(fetcher: Fetcher, url: str) -> FetchError:
    with pytest.raises(FetchError) as err:
        fetcher.fetch(url)
    assert "\n" not in str(err.value)
    return err.value


def test_a_page_is_fetched_with_an_honest_user_agent(site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        page = fetcher.fetch(site.url("/news/acme-foo.html"))
    assert (page.status, page.content_type, page.charset) == (200, "text/html", "utf-8")
    assert b"Acme Robotics acquired Foo Labs Inc." in page.body
    agents = {ua for path, ua in site.log if path == "/news/acme-foo.html"}
    assert agents == {USER_AGENT}
    assert USER_AGENT.startswith("alliancemap/") and "(+https://" in USER_AGENT


def test_robots_txt_forbids_a_path_and_is_read_once_per_host(site: NewsSite) -> None:
    before = site.hits("/robots.txt")
    with Fetcher(FAST) as fetcher:
        fetcher.fetch(site.url("/news/acme-foo.html"))
        fetcher.fetch(site.url("/news/globex-initech.html"))
        err = fetch_error(fetcher, site.url("/private/secret.html"))
    assert err.outcome == BLOCKED
    assert str(err) == f"{site.url('/private/secret.html')}: forbidden by robots.txt, not fetched"
    assert site.hits("/robots.txt") - before == 1
    assert site.hits("/private/secret.html") == 0


def test_a_slow_page_times_out_after_bounded_retries(site: NewsSite) -> None:
    before = site.hits("/slow.html")
    started = time.monotonic()
    with Fetcher(FAST) as fetcher:
        err = fetch_error(fetcher, site.url("/slow.html"))
    assert err.problem == "timed out after 1 s (2 attempts)"
    assert site.hits("/slow.html") - before == 2
    assert time.monotonic() - started < 2.9


def test_a_server_error_is_retried_then_reported(site: NewsSite) -> None:
    before = site.hits("/error.html")
    with Fetcher(FAST) as fetcher:
        err = fetch_error(fetcher, site.url("/error.html"))
    assert err.problem == "HTTP 500 Internal Server Error (2 attempts)"
    assert err.status == 500
    assert site.hits("/error.html") - before == 2


def test_a_missing_page_is_not_retried(site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        err = fetch_error(fetcher, site.url("/no-such-page.html"))
    assert err.problem == "HTTP 404 Not Found"
    assert site.hits("/no-such-page.html") == 1


def test_a_redirect_loop_is_named(site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        err = fetch_error(fetcher, site.url("/loop-a"))
    assert err.problem == (f"redirect loop ({site.url('/loop-b')} -> {site.url('/loop-a')})")


def test_redirects_are_followed_up_to_the_limit(site: NewsSite) -> None:
    for i in range(1, 9):
        site.route(f"/hop{i}", Response(301, b"", {"Location": f"/hop{i + 1}"}))
    site.route("/hop9", html("<html><body><p>arrived</p></body></html>"))
    with Fetcher(FAST) as fetcher:
        page = fetcher.fetch(site.url("/hop6"))
        err = fetch_error(fetcher, site.url("/hop1"))
    assert page.url == site.url("/hop9") and len(page.redirects) == 3
    assert err.problem == "too many redirects (more than 5)"


def test_a_50_mb_response_is_cut_at_the_size_limit_without_holding_it(site: NewsSite) -> None:
    tracemalloc.start()
    try:
        with Fetcher(FAST) as fetcher:
            err = fetch_error(fetcher, site.url("/huge.html"))
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert err.problem == "response too large (over the 1 MB limit)"
    assert peak < 8 * 1024 * 1024
    assert site.hits("/huge.html") == 1  # a size limit is not retried


def test_a_declared_size_over_the_limit_is_refused_before_reading(site: NewsSite) -> None:
    size = 50 * 1024 * 1024 + 33
    site.route(
        "/huge-declared.html",
        Response(200, fifty_megabytes, {"Content-Type": "text/html", "Content-Length": str(size)}),
    )
    with Fetcher(FAST) as fetcher:
        err = fetch_error(fetcher, site.url("/huge-declared.html"))
    assert err.problem == "response too large (50 MB, limit 1 MB)"


def test_requests_to_one_host_are_spaced_by_the_rate_limit(site: NewsSite) -> None:
    polite = FetchOptions(timeout=5.0, retries=0, host_interval=0.25)
    first = len(site.times)
    with Fetcher(polite) as fetcher:
        for slug in ("acme-foo", "globex-initech", "umbrella-hooli"):
            fetcher.fetch(site.url(f"/news/{slug}.html"))  # the first after robots.txt
    arrivals = [t for _, t in site.times[first:]]
    assert len(arrivals) == 4
    # Arrival times are taken on the server, whose threads a busy machine can delay: half the
    # interval still proves the requests were spaced rather than sent back to back.
    assert min(b - a for a, b in zip(arrivals, arrivals[1:], strict=False)) >= 0.12


def test_too_many_requests_is_retried_after_the_delay_asked(site: NewsSite) -> None:
    calls = []

    def busy_then_fine(_headers: dict[str, str]) -> Response:
        calls.append(1)
        if len(calls) == 1:
            return Response(429, b"slow down", {"Retry-After": "0"})
        return html("<html><body><p>fine now</p></body></html>")

    site.route("/busy.html", busy_then_fine)
    with Fetcher(FAST) as fetcher:
        page = fetcher.fetch(site.url("/busy.html"))
    assert page.status == 200 and len(calls) == 2


def test_conditional_requests_get_not_modified(site: NewsSite) -> None:
    with Fetcher(FAST) as fetcher:
        first = fetcher.fetch(site.url("/atom.xml"))
        again = fetcher.fetch(site.url("/atom.xml"), etag=first.etag)
    assert first.status == 200 and first.etag == '"atom-1"'
    assert again.not_modified and again.body == b""


def test_an_unreachable_robots_txt_skips_the_host_and_a_missing_one_allows_all() -> None:
    down, bare = NewsSite(), NewsSite()
    down.route("/robots.txt", Response(503, b"down"))
    for s in (down, bare):
        s.route("/page.html", html("<html><body><p>page</p></body></html>"))
        s.start()
    try:
        with Fetcher(FAST) as fetcher:
            err = fetch_error(fetcher, down.url("/page.html"))
            page = fetcher.fetch(bare.url("/page.html"))
        assert err.problem.startswith("robots.txt unavailable (HTTP 503 Service Unavailable")
        assert err.problem.endswith("host skipped")
        assert down.hits("/page.html") == 0
        assert page.status == 200
    finally:
        down.stop()
        bare.stop()


def test_only_http_urls_are_fetched() -> None:
    for url in ("ftp://example.com/x", "file:///etc/passwd", "example.com/news", ""):
        with pytest.raises(FetchError, match="not an http"):
            check_url(url)
    assert check_url(" https://example.com/a#top ") == "https://example.com/a"
