"""Writers racing on one store: two `alliancemap update` processes writing the same sources
into one PostgreSQL store at once both finish, and the store holds exactly what one process
alone would have stored; a pass links copies to originals another writer stored meanwhile."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

import clirun
from alliancemap.ingest.fetch import FetchOptions
from alliancemap.sourcelist import Source
from alliancemap.store import open_store
from alliancemap.store.engine import database_url
from alliancemap.update import UpdateOptions, update
from newsserver import (
    ATOM_ARTICLES,
    ROBOTS,
    NewsSite,
    Response,
    article_html,
    atom,
    html,
    rss,
)

_FIRMS = ["Microsoft", "OpenAI", "Google", "Nvidia", "Amazon", "Anthropic", "Meta", "Intel"]
_CITIES = ["Austin", "Lyon", "Osaka", "Leeds", "Porto", "Tucson", "Aarhus", "Pune", "Quito"]
_THINGS = ["chips", "servers", "models", "cables", "robots", "sensors", "drives", "boards"]
_FILLER = (
    "Work in {city} starts in week {n}, with {k} {thing} ordered, said site lead {name}.",
    "{name} expects {k} staff in {city} by year {n}, each team shipping {thing} monthly.",
    "Rivals in {city} built {k} {thing} last year; {name} hopes for {n} more soon.",
)
N_ARTICLES = 10
N_FAILING = 4
FAST = FetchOptions(timeout=5.0, retries=0, host_interval=0.0)
CLI_OPTIONS = ["--extractor", "rules", "--rate-limit", "0", "--retries", "0", "--timeout", "20"]
CLI_OPTIONS += ["--batch-size", "1", "--concurrency", "1", "--json"]


def _paragraphs(i: int) -> list[str]:
    """An article of its own: the lead names two firms, the rest differs in every few words."""
    a, b = _FIRMS[i % len(_FIRMS)], _FIRMS[(i + 3) % len(_FIRMS)]
    lead = f"{a} announced a partnership with {b} on Tuesday to build data centre {i}."
    rest = [
        line.format(
            city=_CITIES[(i + j) % len(_CITIES)],
            thing=_THINGS[(i * 3 + j) % len(_THINGS)],
            name=f"Dana {chr(65 + (i + j) % 26)}. Smith",
            n=i * 7 + j,
            k=i * 11 + j + 2,
        )
        for j, line in enumerate(_FILLER * 2)
    ]
    return [lead, " ".join(rest[:3]), " ".join(rest[3:])]


class Gate:
    """Holds each request for a path until `parties` requests for it have arrived (or a few
    seconds have passed), so racing clients fetch, and then write, the same entry at once."""

    def __init__(self) -> None:
        self.parties = 1
        self.wait = 5.0
        self._seen: dict[str, int] = {}
        self._cond = threading.Condition()

    def reset(self, parties: int) -> None:
        with self._cond:
            self.parties, self._seen = parties, {}

    def hold(self, path: str) -> None:
        with self._cond:
            self._seen[path] = self._seen.get(path, 0) + 1
            self._cond.notify_all()
            self._cond.wait_for(lambda: self._seen[path] >= self.parties, timeout=self.wait)

    def route(self, path: str, resp: Response) -> Callable[[dict[str, str]], Response]:
        def respond(_headers: dict[str, str]) -> Response:
            self.hold(path)
            return resp

        return respond


class TableHold:
    """A transaction holding SHARE locks on tables: racing writers read them freely, but each
    one's first write waits, so both check for a row, find none, then insert it at once."""

    def __init__(self, url: str, table: str) -> None:
        self.table = table
        self.engine = create_engine(database_url(url))
        self.conn = self.engine.connect()
        self.tx = self.conn.begin()
        self.conn.execute(text(f"LOCK TABLE {table} IN SHARE MODE"))

    def release_when_waited_on(
        self, writers: list[subprocess.Popen[str]], timeout: float = 30.0
    ) -> int:
        """Let go once every writer waits on the lock (or one ended, or `timeout` passed);
        returns how many waited."""
        waiting = (
            "select count(*) from pg_locks where relation = cast(:t as regclass) and not granted"
        )
        deadline = time.monotonic() + timeout
        seen = 0
        while time.monotonic() < deadline and all(w.poll() is None for w in writers):
            seen = self.conn.execute(text(waiting), {"t": self.table}).scalar_one()
            if seen >= len(writers):
                break
            time.sleep(0.05)
        self.close()
        return seen

    def close(self) -> None:
        if self.tx.is_active:
            self.tx.commit()
        self.conn.close()
        self.engine.dispose()


@pytest.fixture(scope="module")
def gated_site():
    """A site whose feeds and pages are each released only when both clients asked for them."""
    site, gate = NewsSite(), Gate()
    site.route("/robots.txt", Response(200, ROBOTS.encode(), {"Content-Type": "text/plain"}))
    # Entries and sources that fail, listed first: their rows have no document to wait on,
    # so the two writers collide on the rows themselves.
    items = []
    for k in range(N_FAILING):
        broken = Response(500, b"oops", {"Content-Type": "text/plain"})
        site.route(f"/broken/{k}.html", gate.route(f"/broken/{k}.html", broken))
        items.append((f"/broken/{k}.html", f"Broken {k}", "2024-03-09", "Broken."))
        site.route(f"/gone/{k}.xml", gate.route(f"/gone/{k}.xml", Response(404, b"gone")))
    for i in range(N_ARTICLES):
        path, title = f"/news/{i}.html", f"Report {i}"
        page = html(article_html(title, f"2024-03-{i + 1:02d}", "Desk", _paragraphs(i)))
        site.route(path, gate.route(path, page))
        items.append((path, title, f"2024-03-{i + 1:02d}", f"Summary of report {i}."))
    # A syndicated copy of report 0, one word changed: a near-duplicate, listed after it.
    copy = _paragraphs(0)
    copy[0] = copy[0].replace("Tuesday", "Wednesday")
    page = html(article_html("Report 0, syndicated", "2024-03-02", "Wire", copy))
    site.route("/wire/0.html", gate.route("/wire/0.html", page))
    items.append(("/wire/0.html", "Report 0, syndicated", "2024-03-02", "Copy."))
    feed = Response(200, rss(site.base, items).encode(), {"Content-Type": "application/rss+xml"})
    site.route("/feed.xml", gate.route("/feed.xml", feed))
    whole = Response(200, atom(site.base).encode(), {"Content-Type": "application/atom+xml"})
    site.route("/atom.xml", gate.route("/atom.xml", whole))
    single = article_html("Report 99", "2024-04-01", "Desk", _paragraphs(99))
    site.route("/page.html", gate.route("/page.html", html(single)))
    site.start()
    yield site, gate
    site.stop()


def _sources(site: NewsSite, path: Path) -> Path:
    lines = ["sources:", f"  - feed: {site.url('/feed.xml')}", f"  - feed: {site.url('/atom.xml')}"]
    lines.append(f"  - page: {site.url('/page.html')}")
    lines += [f"  - feed: {site.url(f'/gone/{k}.xml')}" for k in range(N_FAILING)]
    path.write_text("\n".join([*lines, ""]), "utf-8")
    return path


_COUNTED = ("documents", "claims", "mentions", "entities", "aliases", "signatures")
_COUNTED += ("source_state", "fetched")


def _contents(url: str) -> dict[str, object]:
    """Row counts of every table a pass writes, and the identities of the rows."""
    engine = create_engine(database_url(url))
    try:
        with engine.connect() as conn:

            def rows(sql: str) -> list[tuple]:
                return sorted(tuple(r) for r in conn.execute(text(sql)))

            found: dict[str, object] = {
                t: conn.execute(text(f"select count(*) from {t}")).scalar() for t in _COUNTED
            }
            found["document_urls"] = rows("select url from documents")
            found["claim_keys"] = rows("select claim_key from claims")
            found["signed"] = rows("select document_hash from signatures")
            found["links"] = rows(
                "select d.url, f.url from documents d join documents f on d.duplicate_of = f.hash"
            )
            found["sources"] = rows("select url, kind, entries, failures from source_state")
            found["fetched_urls"] = rows("select url, status from fetched")
            return found
    finally:
        engine.dispose()


def _update(sources: Path, url: str) -> subprocess.Popen[str]:
    env = {**os.environ, "COLUMNS": "150"}
    env.pop("ALLIANCEMAP_DEBUG", None)
    cmd = [sys.executable, "-m", "alliancemap", "update", str(sources), "--db", url]
    return subprocess.Popen(
        [*cmd, *CLI_OPTIONS], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env
    )


@pytest.mark.postgres
def test_two_update_processes_on_one_postgres_store_store_each_entry_once(
    gated_site: tuple[NewsSite, Gate], tmp_path: Path, new_pg_database: Callable[[], str]
) -> None:
    site, gate = gated_site
    sources = _sources(site, tmp_path / "SOURCES.yaml")
    alone_url, shared_url = new_pg_database(), new_pg_database()

    gate.reset(1)
    open_store(alone_url).close()
    alone = clirun.run_cli("update", sources, "--db", alone_url, *CLI_OPTIONS, timeout=120)
    assert alone.returncode == 0, alone.stderr
    expected = _contents(alone_url)

    gate.reset(2)
    open_store(shared_url).close()  # the schema, so its tables can be locked
    holds = [TableHold(shared_url, "fetched"), TableHold(shared_url, "source_state")]
    racers = [_update(sources, shared_url) for _ in range(2)]
    try:
        waited = [h.release_when_waited_on(racers) for h in holds]
        outputs = [p.communicate(timeout=120) for p in racers]
    finally:
        for hold in holds:
            hold.close()
        for proc in racers:
            proc.kill()
    for proc, (out, err) in zip(racers, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "Traceback" not in out + err
    # Both really wrote the same fetched URL, then the same source's state, at once.
    assert waited == [2, 2]

    # Nothing lost: every article of every source is stored, the copy linked to its original.
    stored = _contents(shared_url)
    articles = {site.url(f"/news/{i}.html") for i in range(N_ARTICLES)}
    articles |= {site.url("/wire/0.html"), site.url("/page.html")}
    articles |= {site.url(f"/atom/{slug}.html") for slug in ATOM_ARTICLES}
    assert {u for (u,) in stored["document_urls"]} == articles  # type: ignore[union-attr]
    assert stored["links"] == [(site.url("/wire/0.html"), site.url("/news/0.html"))]
    # Nothing duplicated: the same rows as one process writing alone.
    assert stored == expected
    assert stored["documents"] == len(articles) and stored["source_state"] == 3 + N_FAILING
    # Each document was written by exactly one of the two.
    summaries = [json.loads(out) for out, _ in outputs]
    assert sum(s["new_documents"] for s in summaries) == json.loads(alone.stdout)["new_documents"]


def test_a_copy_links_to_an_original_another_writer_stored_during_the_pass(
    gated_site: tuple[NewsSite, Gate], tmp_path: Path
) -> None:
    site, gate = gated_site
    gate.reset(1)
    db = tmp_path / "map.db"
    options = UpdateOptions(fetch=FAST, extractor="rules", batch_size=1, concurrency=1)
    original = site.url("/news/0.html")
    feed = [Source(site.url("/feed.xml"), kind="feed")]
    with open_store(db) as store, open_store(db) as other:

        def other_writer_stores_the_original(step: str, done: int, _total: int | None) -> None:
            # Report 0 has just been fetched here, not yet written: another writer stores it.
            if step == "entries" and done == N_FAILING + 1:
                alone = update([Source(original, kind="page")], other, options)
                assert alone.new_documents == 1

        summary = update(feed, store, options, on_progress=other_writer_stores_the_original)
        groups = store.near_duplicate_groups()
    assert summary.new_documents == N_ARTICLES  # the 9 other reports and the copy
    assert [(g.first.url, [c.url for c in g.copies]) for g in groups] == [
        (original, [site.url("/wire/0.html")])
    ]
