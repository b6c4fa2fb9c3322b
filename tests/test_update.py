"""Update passes against a real news server: incremental, resumable, every failure one line."""

from __future__ import annotations

import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import clirun
from alliancemap.errors import InputError
from alliancemap.ingest.fetch import FetchOptions
from alliancemap.sourcelist import load_sources, parse_sources
from alliancemap.store import open_store
from alliancemap.update import UpdateOptions, update, watch
from newsserver import NewsSite, Response, article_html, build_site, html, rss, run_main

FAST = FetchOptions(timeout=1.0, retries=0, host_interval=0.0, max_bytes=1024 * 1024)
OPTIONS = UpdateOptions(fetch=FAST, batch_size=4)
CLI_FAST = ["--timeout", "1", "--retries", "0", "--rate-limit", "0", "--max-size", "1"]


@pytest.fixture(scope="module")
def site():
    s = build_site(slow_delay=3.0).start()
    yield s
    s.stop()


def sources_yaml(site: NewsSite, path: Path) -> Path:
    path.write_text(
        f"""\
interval: 30m
sources:
  - feed: {site.url("/feed.xml")}
  - feed: {site.url("/atom.xml")}
    name: Atom Desk
  - sitemap: {site.url("/sitemap.xml")}
  - page: {site.url("/news/umbrella-hooli.html")}
  - {site.url("/nothing-here.xml")}
""",
        encoding="utf-8",
    )
    return path


def expected_failures(site: NewsSite) -> set[str]:
    u = site.url
    return {
        f"failed: source {u('/nothing-here.xml')}: HTTP 404 Not Found",
        f"blocked: {u('/private/secret.html')}: forbidden by robots.txt, not fetched",
        f"failed: {u('/slow.html')}: timed out after 1 s",
        f"failed: {u('/error.html')}: HTTP 500 Internal Server Error",
        f"failed: {u('/loop-a')}: redirect loop ({u('/loop-b')} -> {u('/loop-a')})",
        f"failed: {u('/huge.html')}: response too large (over the 1 MB limit)",
    }


def count(db: Path, sql: str) -> Any:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchone()[0]
    finally:
        conn.close()


def poll(db: Path, sql: str) -> int:
    """`count` while another process may still be creating the store (0 until it exists)."""
    try:
        return count(db, sql) if db.exists() else 0
    except sqlite3.OperationalError:
        return 0


def run_cli(*args: object, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return clirun.run_cli(*args, timeout=timeout)


def test_a_pass_stores_what_is_new_and_reports_each_failure_once(
    site: NewsSite, tmp_path: Path, store_url: str
) -> None:
    sources = load_sources(sources_yaml(site, tmp_path / "SOURCES.yaml"))
    hits = {p: site.hits(p) for p in ("/news/acme-foo.html", "/error.html")}
    with open_store(store_url) as store:
        first = update(sources, store, OPTIONS)
        stats = store.stats()
        second = update(sources, store, OPTIONS)
        states = store.source_states()
        assert store.stats()["documents"] == stats["documents"]
    assert set(first.failures) == expected_failures(site)
    assert len(first.failures) == 6
    assert (first.sources, first.sources_failed, first.new_documents) == (5, 1, 7)
    assert (first.near_duplicates, first.blocked, first.failed) == (1, 1, 4)
    assert first.duplicates == 1  # the page source is also a feed entry
    assert first.claims_added > 0 and not first.interrupted
    assert first.warnings == [
        f"{site.url('/latin.html')}: declared charset utf-8 does not match the content, "
        "decoded as cp1252"
    ]
    assert stats["documents"] == 7 and stats["near_duplicates"] == 1
    # The second pass fetches nothing known again; failures are retried, the rest is quiet.
    assert (second.new_documents, second.duplicates, second.fetched) == (0, 0, 0)
    assert second.unchanged == 2  # the Atom feed (304) and the page (same text)
    assert set(second.failures) == expected_failures(site) - {
        f"blocked: {site.url('/private/secret.html')}: forbidden by robots.txt, not fetched"
    }
    assert site.hits("/news/acme-foo.html") - hits["/news/acme-foo.html"] == 1
    assert site.hits("/error.html") - hits["/error.html"] == 2
    atom = states[site.url("/atom.xml")]
    assert (atom.kind, atom.name, atom.etag, atom.failures) == ("feed", "Atom Desk", '"atom-1"', 0)
    rss_state = states[site.url("/feed.xml")]
    assert rss_state.etag is None  # failed entries: listed again next pass, not "not modified"
    missing = states[site.url("/nothing-here.xml")]
    assert (missing.failures, missing.last_error) == (2, "HTTP 404 Not Found")


def test_failing_entries_are_given_up_after_their_attempts(site: NewsSite, tmp_path: Path) -> None:
    feed = site.url("/feed.xml")
    sources = parse_sources([{"feed": feed, "include": "error"}])
    options = UpdateOptions(fetch=FAST, max_attempts=2)
    with open_store(tmp_path / "map.db") as store:
        passes = [update(sources, store, options) for _ in range(3)]
        record = store.fetch_records([site.url("/error.html")])[site.url("/error.html")]
    assert [p.failed for p in passes] == [1, 1, 0]
    assert (record.status, record.attempts, record.error) == (
        "failed",
        2,
        "HTTP 500 Internal Server Error",
    )


def many_site(n: int, delay: float = 0.0) -> NewsSite:
    """A feed of `n` summary-only entries whose pages (distinct texts) answer after `delay`."""
    site = NewsSite()
    rng = random.Random(7)
    words = [f"{a}{b}" for a in ("ka", "lo", "mi", "nu", "po", "ri", "se", "tu") for b in range(60)]
    items = []
    for i in range(n):
        paragraphs = [" ".join(rng.choice(words) for _ in range(40)) + "." for _ in range(3)]
        page = article_html(f"Story {i}", "2024-01-02", "Desk", paragraphs)
        resp = html(page)
        resp.delay = delay
        site.route(f"/story/{i}.html", resp)
        items.append((f"/story/{i}.html", f"Story {i}", "2024-01-02", paragraphs[0][:40]))
    body = rss(site.base, items).encode()
    site.route(
        "/feed.xml", Response(200, body, {"Content-Type": "application/rss+xml", "ETag": '"v1"'})
    )
    return site.start()


def test_a_per_pass_limit_leaves_the_rest_for_the_next_passes(tmp_path: Path) -> None:
    site = many_site(10)
    try:
        sources = parse_sources({"max_new": 4, "sources": [site.url("/feed.xml")]})
        with open_store(tmp_path / "map.db") as store:
            passes = [update(sources, store, OPTIONS) for _ in range(3)]
            etag = store.source_states()[site.url("/feed.xml")].etag
            assert store.stats()["documents"] == 10
    finally:
        site.stop()
    assert [(p.new_documents, p.left) for p in passes] == [(4, 6), (4, 2), (2, 0)]
    assert etag == '"v1"'  # saved once every entry was stored


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("sources: []\n", "no sources listed"),
        ("- fed: https://a.test/x\n", "source 1: unknown key 'fed'"),
        ("- feed: ftp://a.test/x\n", "source 1: ftp://a.test/x: not an http(s) URL"),
        (
            "- https://a.test/x\n- https://a.test/x#top\n",
            "source 2: https://a.test/x is already source 1",
        ),
        ("interval: soon\nsources: [https://a.test/x]\n", "bad interval 'soon'"),
        ("- {feed: 'https://a.test/x', include: '('}\n", "bad include pattern"),
        ("sources: [\n", "invalid YAML"),
    ],
)
def test_a_bad_sources_file_is_one_clear_error(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "SOURCES.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as err:
        load_sources(path)
    message = str(err.value)
    assert message.startswith(str(path)) and problem in message and "\n" not in message


def test_the_update_command_prints_one_line_per_bad_case_and_a_summary(
    site: NewsSite, tmp_path: Path
) -> None:
    db = tmp_path / "map.db"
    proc = run_cli("update", sources_yaml(site, tmp_path / "SOURCES.yaml"), "--db", db, *CLI_FAST)
    assert proc.returncode == 0, proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    warning = (
        f"warning: {site.url('/latin.html')}: declared charset utf-8 does not match the "
        "content, decoded as cp1252"
    )
    assert sorted(lines) == sorted([*expected_failures(site), warning])
    for row in ("new documents", "near-duplicates (linked)", "failed (retried next pass)"):
        assert row in proc.stdout
    assert count(db, "select count(*) from documents") == 7
    listing = run_cli("sources", "--db", db)
    assert site.url("/nothing-here.xml") in listing.stdout and "HTTP 404" in listing.stdout


def test_fetch_and_ingest_take_urls(site: NewsSite, tmp_path: Path, capsys) -> None:
    db = tmp_path / "map.db"
    urls = (site.url("/news/acme-foo.html"), site.url("/error.html"))
    code, out, err = run_main(capsys, "fetch", *urls, "--db", db, *CLI_FAST)
    assert code == 0 and "new documents" in out
    assert f"failed: source {urls[1]}: HTTP 500 Internal Server Error" in err
    code, out, err = run_main(
        capsys, "ingest", site.url("/atom.xml"), site.url("/gone.html"), "--db", db
    )
    assert code == 0
    lines = [line for line in err.splitlines() if line.strip()]
    assert lines == [f"warning: {site.url('/gone.html')}: HTTP 404 Not Found, skipped"]
    assert count(db, "select count(*) from documents") == 3
    code, _, err = run_main(capsys, "update", tmp_path / "missing.yaml", "--db", db)
    assert (code, err) == (1, f"error: {tmp_path / 'missing.yaml'}: no such file\n")


def test_a_pass_killed_mid_way_resumes_without_duplicates_or_losses(tmp_path: Path) -> None:
    n = 18
    site = many_site(n, delay=0.1)
    db = tmp_path / "map.db"
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text(f"sources:\n  - feed: {site.url('/feed.xml')}\n", encoding="utf-8")
    args = [sys.executable, "-m", "alliancemap", "update", sources, "--db", db, "--batch-size", "3"]
    args += ["--rate-limit", "0", "--timeout", "2"]
    try:
        proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if poll(db, "select count(*) from fetched") >= 6:
                break
            time.sleep(0.05)
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=10)
        assert proc.returncode == -signal.SIGKILL
        stored = count(db, "select count(*) from documents")
        assert 6 <= stored < n  # killed half-way
        assert count(db, "select count(*) from source_state") == 0  # the source never finished
        again = run_cli("update", sources, "--db", db, "--rate-limit", "0", timeout=60)
        assert again.returncode == 0, again.stderr
        fetched_twice = sum(site.hits(f"/story/{i}.html") - 1 for i in range(n))
    finally:
        site.stop()
    assert count(db, "select count(*) from documents") == n
    assert count(db, "select count(distinct url) from documents") == n
    assert count(db, "select count(*) from fetched where status = 'ok'") == n
    assert fetched_twice <= 4  # at most the batch in flight when killed is fetched again
    assert count(db, "select etag from source_state") == '"v1"'


def test_watch_runs_passes_and_stops_cleanly_on_ctrl_c(tmp_path: Path) -> None:
    site = many_site(3)
    db = tmp_path / "map.db"
    sources = tmp_path / "SOURCES.yaml"
    sources.write_text(f"interval: 1h\nsources: [{site.url('/feed.xml')}]\n", encoding="utf-8")
    args = [sys.executable, "-m", "alliancemap", "watch", sources, "--db", db, "--rate-limit", "0"]
    lines: list[str] = []
    try:
        # A shell's background jobs start with SIGINT ignored, and an ignored signal stays
        # ignored across exec: give the child the default, as a terminal would.
        proc = subprocess.Popen(
            args,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        reader = threading.Thread(target=lambda: lines.extend(proc.stderr), daemon=True)
        reader.start()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not any("pass over" in line for line in lines):
            time.sleep(0.05)
        proc.send_signal(signal.SIGINT)  # while it waits for the next pass, an hour away
        try:
            proc.wait(timeout=20)
        finally:
            if proc.poll() is None:
                proc.kill()
        out = proc.stdout.read()
        reader.join(timeout=5)
    finally:
        site.stop()
    err = "".join(lines)
    assert proc.returncode == 0, err
    assert "Traceback" not in err
    assert "watching 1 sources every 1h (^C to stop)" in err
    assert "pass over 1 sources: 3 new, 0 duplicate, 0 near-duplicate, 0 failed" in err
    assert "Watch (all passes)" in out
    assert count(db, "select count(*) from documents") == 3


def test_watch_keeps_its_sources_when_an_edit_breaks_the_file(tmp_path: Path) -> None:
    site = many_site(2)
    path = tmp_path / "SOURCES.yaml"
    path.write_text(f"interval: 1s\nsources: [{site.url('/feed.xml')}]\n", encoding="utf-8")
    reports: list[str] = []

    def break_the_file(_summary: object) -> None:
        path.write_text("sources: [\n", encoding="utf-8")

    try:
        with open_store(tmp_path / "map.db") as store:
            total = watch(
                path, store, OPTIONS, passes=2, on_pass=break_the_file, on_report=reports.append
            )
    finally:
        site.stop()
    assert (total.sources, total.new_documents, total.fetched) == (2, 2, 2)
    (report,) = reports
    assert report.startswith(f"error: {path}:2: invalid YAML")
    assert report.endswith("; the previous sources are kept")
