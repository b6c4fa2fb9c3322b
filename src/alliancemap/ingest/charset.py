"""Decoding web pages: the declared charset first, detection when the declaration is wrong.

The order follows browsers: a byte-order mark, then the HTTP header, then the page's own
`<meta charset>` (or XML declaration). Labels for Latin-1 and ASCII mean windows-1252, as
they do on the web. A declaration the bytes contradict (invalid in it, or a single-byte
charset declared for valid UTF-8) gives a one-line warning and the detected charset.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_META = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([\w.:-]+)""", re.I)
_XML_DECL = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_WEB_ALIASES = {"latin-1": "cp1252", "iso8859-1": "cp1252", "ascii": "cp1252"}
_SNIFF_BYTES = 4096


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label (web aliases applied), or None if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WEB_ALIASES.get(name, name)


def declared_charset(data: bytes, header: str | None) -> str | None:
    """The charset label a response declares: HTTP header, else meta tag or XML declaration."""
    if header:
        return header
    head = data[:_SNIFF_BYTES]
    m = _META.search(head) or _XML_DECL.search(head)
    return m.group(1).decode("ascii", errors="replace") if m else None


def detect(data: bytes) -> str:
    """The most likely codec of undeclared or mislabelled bytes (UTF-8 when it decodes)."""
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    best = from_bytes(data).best()
    if best is None or not best.encoding:
        return "cp1252"
    try:  # the web's usual legacy charset, when it reads the bytes the same way
        if data.decode("cp1252") == str(best):
            return "cp1252"
    except UnicodeDecodeError:
        pass
    return codec_name(best.encoding) or "cp1252"


def _single_byte(codec: str) -> bool:
    return codec == "cp1252" or codec.startswith(("iso8859", "cp125", "latin", "mac-"))


def decode_page(
    data: bytes, header_charset: str | None, where: str, warn: Callable[[str], None]
) -> str:
    """Text of a page's bytes: by BOM, declaration or detection; warns when the
    declaration proves wrong or unknown."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    label = declared_charset(data, header_charset)
    codec = codec_name(label)
    if label and codec is None:
        found = detect(data)
        warn(f"{where}: unknown charset {label!r} declared, decoded as {found} (detected)")
        return data.decode(found, errors="replace")
    if codec is None:
        return data.decode(detect(data), errors="replace")
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        found = detect(data)
        warn(f"{where}: declared charset {label} does not match the content, decoded as {found}")
        return data.decode(found, errors="replace")
    if _single_byte(codec) and not data.isascii():
        try:
            utf8 = data.decode("utf-8")
        except UnicodeDecodeError:
            return text
        warn(f"{where}: declared charset {label} but the content is UTF-8, decoded as utf-8")
        return utf8
    return text
