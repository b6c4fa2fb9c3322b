"""HTML pages, from files or the web: the main text and its metadata, boilerplate removed.

trafilatura finds the article (navigation, footers and comments dropped) and its title,
author and publication date. A page with less than `MIN_WORDS` words of main text is not an
article (an index page, a login wall) and gives no document.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path

from lxml import html as lxml_html
from trafilatura import bare_extraction

from alliancemap.errors import InputError
from alliancemap.ingest.charset import decode_page
from alliancemap.ingest.jsonl import clean_date
from alliancemap.ingest.text import MAX_TEXT_BYTES
from alliancemap.model import Document

MIN_WORDS = 20
_BLOCKS = {"p", "div", "li", "br", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr", "pre"}

# trafilatura and htmldate log every page they find hard; the caller reports what matters.
for _name in ("trafilatura", "htmldate", "courlan", "justext"):
    logging.getLogger(_name).setLevel(logging.ERROR)


class NoText(ValueError):
    """A page without enough main text to be a document."""


def _date(value: str | None) -> str | None:
    try:
        return clean_date(value)
    except ValueError:
        return None


def html_document(
    html: str,
    *,
    url: str | None = None,
    source: str | None = None,
    doc_id: str | None = None,
) -> Document:
    """The page's main text with title, author, date and canonical URL; NoText if too short."""
    found = bare_extraction(
        html,
        url=url,
        with_metadata=True,
        include_comments=False,
        include_tables=True,
        include_images=False,
        include_links=False,
    )
    text = (getattr(found, "text", None) or "").strip()
    words = len(text.split())
    if words < MIN_WORDS:
        raise NoText(f"no article text found ({words} words of main text)")
    return Document(
        text=text + "\n",
        id=doc_id,
        source=source or url,
        url=url or getattr(found, "url", None),
        title=getattr(found, "title", None) or None,
        published=_date(getattr(found, "date", None)),
        author=getattr(found, "author", None) or None,
    )


def fragment_text(fragment: str) -> str:
    """Plain text of an HTML fragment (a feed's summary or content), one line per block."""
    if "<" not in fragment:
        return fragment.strip()
    try:
        root = lxml_html.fragment_fromstring(fragment, create_parent="div")
    except (ValueError, lxml_html.etree.ParserError):
        return fragment.strip()
    for bad in root.xpath("//script|//style"):
        bad.drop_tree()
    for el in root.iter():
        if isinstance(el.tag, str) and el.tag.lower() in _BLOCKS:
            el.tail = "\n" + (el.tail or "")
    lines = (" ".join(line.split()) for line in root.text_content().splitlines())
    return "\n".join(line for line in lines if line)


def read_html_file(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """An HTML file as one Document (its main text), or a warning when it holds no article."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            raise InputError(path, f"file too large ({size / 1024 / 1024:.0f} MB)")
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "binary file, not HTML")
    try:
        doc = html_document(decode_page(data, None, str(path), warn), source=str(path))
    except NoText as err:
        warn(f"{path}: {err}, skipped")
        return
    yield replace(doc, id=path.stem, title=doc.title or path.stem)
