"""Documents from the web: a page's article, a feed's entries, a sitemap's pages.

`page_document` turns one fetched page into a Document (or a FetchError saying why not);
`read_url` reads any URL as `ingest` does, guessing what it is from the response.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace

from alliancemap.ingest.charset import decode_page
from alliancemap.ingest.feeds import FeedEntry, entry_document, parse_feed
from alliancemap.ingest.fetch import SKIPPED, Fetcher, FetchError, FetchOptions, Page
from alliancemap.ingest.html import NoText, html_document
from alliancemap.ingest.sitemap import looks_like_sitemap, parse_sitemap
from alliancemap.model import Document

FEED, SITEMAP, PAGE = "feed", "sitemap", "page"
KINDS = (FEED, SITEMAP, PAGE)
_FEED_TYPES = {"application/rss+xml", "application/atom+xml", "application/rdf+xml"}
_XML_TYPES = {"application/xml", "text/xml"}
_HTML_TYPES = {"text/html", "application/xhtml+xml", ""}
MAX_SITEMAP_PAGES = 1000  # pages `read_url` fetches from one sitemap

Warn = Callable[[str], None]


def detect_kind(page: Page) -> str:
    """FEED, SITEMAP or PAGE, from the media type and the first bytes of the body."""
    if page.content_type in _FEED_TYPES:
        return FEED
    if looks_like_sitemap(page.body):
        return SITEMAP
    head = page.body[:1024].lstrip().lower()
    if page.content_type in _XML_TYPES or head.startswith((b"<?xml", b"<rss", b"<feed")):
        return FEED
    return PAGE


def page_document(
    page: Page,
    warn: Warn,
    *,
    source: str | None = None,
    entry: FeedEntry | None = None,
) -> Document:
    """The article of a fetched page; a feed entry's date, id and title fill the gaps.

    FetchError (SKIPPED) for a media type that is no article, or a page without main text.
    """
    media = page.content_type
    if media not in _HTML_TYPES and media != "text/plain":
        raise FetchError(page.url, f"unsupported content type {media}", outcome=SKIPPED)
    text = decode_page(page.body, page.charset, page.url, warn)
    if media == "text/plain":
        if not text.strip():
            raise FetchError(page.url, "empty text", outcome=SKIPPED)
        doc = Document(text=text, source=source or page.url, url=page.url)
    else:
        try:
            doc = html_document(text, url=page.url, source=source or page.url)
        except NoText as err:
            raise FetchError(page.url, str(err), outcome=SKIPPED) from None
    if entry is None:
        return doc
    return replace(
        doc,
        id=entry.id,
        title=doc.title or entry.title,
        published=entry.published or doc.published,
        author=doc.author or entry.author,
    )


def read_url(fetcher: Fetcher, url: str, warn: Warn) -> Iterator[Document]:
    """Documents of one URL: a page, a feed's entries (pages followed when the feed holds only
    summaries) or a sitemap's pages; failures of single entries are warnings."""
    page = fetcher.fetch(url)
    kind = detect_kind(page)
    if kind == PAGE:
        yield page_document(page, warn)
        return
    if kind == FEED:
        try:
            feed = parse_feed(page.body, page.url, page.content_type)
        except ValueError as err:
            raise FetchError(url, str(err)) from None
        if feed.problem:
            warn(f"{url}: {feed.problem}")
        for entry in feed.entries:
            yield from _entry_documents(fetcher, entry, url, warn)
        return
    try:
        sitemap = parse_sitemap(page.body, page.content_type)
    except ValueError as err:
        raise FetchError(url, str(err)) from None
    if sitemap.sitemaps:
        warn(f"{url}: a sitemap index; read one of its {len(sitemap.sitemaps)} sitemaps instead")
    for item in sitemap.pages[:MAX_SITEMAP_PAGES]:
        try:
            yield page_document(fetcher.fetch(item.url), warn, source=url)
        except FetchError as err:
            warn(f"{err}, skipped")


def _entry_documents(
    fetcher: Fetcher, entry: FeedEntry, source: str, warn: Warn
) -> Iterator[Document]:
    if entry.full or not entry.url:
        if entry.text.strip():
            yield entry_document(entry, source)
        return
    try:
        yield page_document(fetcher.fetch(entry.url), warn, source=source, entry=entry)
    except FetchError as err:
        warn(f"{err}, skipped")


def read_urls(
    urls: list[str], warn: Warn, options: FetchOptions | None = None
) -> Iterator[Document]:
    """Documents of each URL in turn; a URL that fails is a warning, not the end."""
    with Fetcher(options) as fetcher:
        for url in urls:
            try:
                yield from read_url(fetcher, url, warn)
            except FetchError as err:
                warn(f"{err}, skipped")
