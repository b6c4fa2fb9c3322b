"""Sitemaps (sitemaps.org): the page URLs a site lists, with their last-modified dates.

A sitemap is a `<urlset>` of pages or a `<sitemapindex>` of further sitemaps; gzip'd ones and
plain-text ones (one URL per line) are read too. The XML parser never resolves entities or
touches the network.
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from lxml import etree

_PARSER = etree.XMLParser(
    resolve_entities=False, no_network=True, recover=True, huge_tree=False, remove_comments=True
)
_ROOT = re.compile(rb"<(?:[\w-]+:)?(urlset|sitemapindex)[\s>]")
MAX_UNZIPPED = 50 * 1024 * 1024  # the sitemaps.org limit for one file


@dataclass(frozen=True, slots=True)
class SitemapEntry:
    """A page a sitemap lists; `lastmod` as written (W3C datetime), when given."""

    url: str
    lastmod: str | None = None


@dataclass(slots=True)
class Sitemap:
    """The pages a sitemap lists and, for an index, the sitemaps it points to."""

    pages: list[SitemapEntry] = field(default_factory=list)
    sitemaps: list[SitemapEntry] = field(default_factory=list)


def _gunzip(data: bytes) -> bytes:
    try:
        out = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(data, MAX_UNZIPPED + 1)
    except zlib.error as err:
        raise ValueError(f"corrupt gzip sitemap ({err})") from None
    if len(out) > MAX_UNZIPPED:
        raise ValueError("sitemap too large once unzipped (over 50 MB)")
    return out


def looks_like_sitemap(data: bytes) -> bool:
    """True when the bytes (gzip'd or not) start an XML sitemap or sitemap index."""
    if data[:2] == b"\x1f\x8b":
        try:
            data = _gunzip(data)
        except ValueError:
            return False
    return bool(_ROOT.search(data[:4096]))


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _entries(root: etree._Element, kind: str) -> list[SitemapEntry]:
    found = []
    for item in root:
        if _local(item.tag) != kind:
            continue
        loc = lastmod = None
        for child in item:
            name = _local(child.tag)
            if name == "loc" and child.text:
                loc = child.text.strip()
            elif name == "lastmod" and child.text:
                lastmod = child.text.strip()
        if loc:
            found.append(SitemapEntry(loc, lastmod))
    return found


def parse_sitemap(data: bytes, content_type: str = "") -> Sitemap:
    """The entries of a sitemap's bytes; ValueError when they hold no sitemap."""
    if data[:2] == b"\x1f\x8b":
        data = _gunzip(data)
    if content_type == "text/plain" or not data.lstrip().startswith(b"<"):
        lines = data.decode("utf-8", errors="replace").splitlines()
        urls = [line.strip() for line in lines if line.strip().startswith(("http://", "https://"))]
        if not urls:
            raise ValueError("not a sitemap (no URLs in it)")
        return Sitemap(pages=[SitemapEntry(u) for u in urls])
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as err:
        raise ValueError(f"not a sitemap (malformed XML: {err})") from None
    if root is None:
        raise ValueError("not a sitemap (empty document)")
    kind = _local(root.tag)
    if kind == "urlset":
        return Sitemap(pages=_entries(root, "url"))
    if kind == "sitemapindex":
        return Sitemap(sitemaps=_entries(root, "sitemap"))
    raise ValueError(f"not a sitemap (root element <{kind}>)")
