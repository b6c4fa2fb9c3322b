"""Feeds and sitemaps: parsing every shape, reading feed files, following summary-only entries."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from alliancemap.errors import InputError
from alliancemap.ingest import read_documents
from alliancemap.ingest.feeds import parse_feed
from alliancemap.ingest.fetch import FetchOptions
from alliancemap.ingest.sitemap import looks_like_sitemap, parse_sitemap
from alliancemap.sourcelist import parse_sources
from alliancemap.store import open_store
from alliancemap.update import UpdateOptions, update
from newsserver import ARTICLES, ATOM_ARTICLES, NewsSite, atom, build_site, rss

BASE = "https://wire.test"
ITEMS = [
    (f"/news/{slug}.html", title, date, paras[0][:80])
    for slug, (title, date, _, paras) in ARTICLES.items()
]
FAST = UpdateOptions(
    fetch=FetchOptions(timeout=1.0, retries=0, host_interval=0.0, max_bytes=1024 * 1024)
)


@pytest.fixture(scope="module")
def site():
    s = build_site(slow_delay=3.0).start()
    yield s
    s.stop()


def test_an_rss_feed_of_summaries_lists_entries_to_follow() -> None:
    feed = parse_feed(rss(BASE, ITEMS).encode(), f"{BASE}/feed.xml")
    assert feed.title == "Test Wire" and feed.problem is None
    first = feed.entries[0]
    assert (first.url, first.id, first.title, first.published) == (
        f"{BASE}/news/acme-foo.html",
        f"{BASE}/news/acme-foo.html",
        "Acme Robotics buys Foo Labs",
        "2021-03-04",
    )
    assert not any(e.full for e in feed.entries)


def test_an_atom_feed_holding_whole_articles_needs_no_fetching() -> None:
    feed = parse_feed(atom(BASE).encode())
    assert [e.full for e in feed.entries] == [True, True]
    title, date, paras = ATOM_ARTICLES["vandelay-soylent"]
    entry = feed.entries[0]
    assert (entry.title, entry.published, entry.author) == (title, date, "Atom Desk")
    assert entry.text.splitlines() == paras


def test_a_truncated_feed_keeps_its_entries_and_junk_is_no_feed() -> None:
    cut = rss(BASE, ITEMS).encode()[:-40]
    feed = parse_feed(cut)
    assert len(feed.entries) == 3 and feed.problem.startswith("malformed feed")
    with pytest.raises(ValueError, match="not an RSS or Atom feed"):
        parse_feed(b"<html><body>a page</body></html>")


def test_feed_files_are_read_from_their_own_text(tmp_path: Path) -> None:
    (tmp_path / "wire.rss").write_text(rss(BASE, ITEMS[:2]), encoding="utf-8")
    (tmp_path / "desk.xml").write_text(atom(BASE), encoding="utf-8")
    docs, warnings = [], []
    docs = list(read_documents(tmp_path, warnings.append))
    assert [d.title for d in docs] == [
        *(t for t, _, _ in ATOM_ARTICLES.values()),
        *(t for _, t, _, _ in ITEMS[:2]),
    ]
    assert docs[-1].text == ITEMS[1][3] + "\n"  # the summary: files never fetch pages
    assert warnings == []


def test_a_sitemap_file_is_refused_with_the_way_to_read_it(tmp_path: Path) -> None:
    path = tmp_path / "sitemap.xml"
    path.write_text(
        '<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        "<url><loc>https://wire.test/a</loc></url></urlset>",
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err:
        list(read_documents(path))
    assert str(err.value) == (
        f"{path}: a sitemap lists pages to fetch, not texts: put its URL in a sources file"
    )


def test_sitemaps_of_every_shape() -> None:
    urlset = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc> https://wire.test/a </loc><lastmod>2023-05-01</lastmod></url>"
        b"<url><loc>https://wire.test/b</loc></url><url><lastmod>2020</lastmod></url></urlset>"
    )
    pages = parse_sitemap(urlset).pages
    assert [(p.url, p.lastmod) for p in pages] == [
        ("https://wire.test/a", "2023-05-01"),
        ("https://wire.test/b", None),
    ]
    assert parse_sitemap(gzip.compress(urlset)).pages == pages
    assert looks_like_sitemap(gzip.compress(urlset)) and not looks_like_sitemap(b"<rss>")
    index = (
        b'<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<sitemap><loc>https://wire.test/s1.xml</loc></sitemap></sitemapindex>"
    )
    assert [s.url for s in parse_sitemap(index).sitemaps] == ["https://wire.test/s1.xml"]
    text = parse_sitemap(b"https://wire.test/a\nnot a url\nhttps://wire.test/b\n", "text/plain")
    assert [p.url for p in text.pages] == ["https://wire.test/a", "https://wire.test/b"]
    for junk in (b"<html><body/></html>", b"", b"plain words"):
        with pytest.raises(ValueError, match="not a sitemap"):
            parse_sitemap(junk)


def test_summary_only_entries_are_followed_to_their_pages(site: NewsSite, tmp_path: Path) -> None:
    sources = parse_sources([{"feed": site.url("/feed.xml")}, {"feed": site.url("/atom.xml")}])
    with open_store(tmp_path / "map.db") as store:
        summary = update(sources, store, FAST)
        docs = {d.title: d for d in map(store.document, _hashes(store))}
    title, date, author, paras = ARTICLES["acme-foo"]
    acme = docs[title]
    assert paras[3] in acme.text  # beyond the feed's summary: the page was fetched
    assert (acme.published, acme.author, acme.url) == (
        date,
        author,
        site.url("/news/acme-foo.html"),
    )
    assert acme.source == site.url("/feed.xml")
    vandelay = docs[ATOM_ARTICLES["vandelay-soylent"][0]]
    assert vandelay.source == site.url("/atom.xml") and vandelay.author == "Atom Desk"
    assert site.hits("/atom/vandelay-soylent.html") == 0  # whole articles are not fetched
    assert summary.new_documents == len(docs) == 7


def _hashes(store) -> list[str]:
    from sqlalchemy import select

    from alliancemap.store.schema import documents

    with store.engine.connect() as conn:
        return list(conn.execute(select(documents.c.hash)).scalars())
