"""Plain-text and Markdown files: one document per file."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from alliancemap.errors import InputError
from alliancemap.model import Document

MAX_TEXT_BYTES = 50 * 1024 * 1024
_BOMS = (
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_SNIFF = 4096


def nul_problem(head: bytes, what: str = "text") -> str:
    """What bytes holding NULs are: UTF-16 or UTF-32 text (BOM or not), else binary data."""
    for bom, codec in _BOMS:
        if head.startswith(bom):
            return f"{codec.upper()} text; save it as UTF-8"
    sample = head[:_SNIFF]
    sample = sample[: len(sample) // 2 * 2]
    half = len(sample) // 2
    if half >= 4:  # mostly-ASCII UTF-16: every other byte is NUL
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if max(even, odd) >= 0.9 * half and min(even, odd) <= 0.1 * half:
            return "UTF-16 text without a byte-order mark; save it as UTF-8"
    return f"binary file, not {what}"


def decode_text(data: bytes, path: Path, warn: Callable[[str], None]) -> str:
    """Text of a file's bytes: UTF-16/32 by BOM, else UTF-8 (BOM optional), else cp1252
    with a warning; NUL bytes mean a binary file (InputError)."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(path, f"invalid {codec.upper()} text") from None
    if b"\x00" in data:
        raise InputError(path, nul_problem(data[:_SNIFF]))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        warn(f"{path}: not valid UTF-8 (byte {err.start}), read as cp1252")
        return data.decode("cp1252", errors="replace")


def _title(path: Path, text: str) -> str:
    if path.suffix.lower() == ".md":
        for line in text.splitlines():
            if line.strip():
                heading = line.strip()
                if heading.startswith("#") and heading.lstrip("#").strip():
                    return heading.lstrip("#").strip()
                break
    return path.stem


def read_text_file(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """The file as one Document (title: the Markdown heading on the first line, else the stem)."""
    try:
        size = path.stat().st_size
        if size > MAX_TEXT_BYTES:
            limit = MAX_TEXT_BYTES // (1024 * 1024)
            raise InputError(
                path, f"file too large ({size / 1024 / 1024:.0f} MB, limit {limit} MB)"
            )
        data = path.read_bytes()
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
    text = decode_text(data, path, warn).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        warn(f"{path}: empty file, skipped")
        return
    yield Document(text=text, id=path.stem, source=str(path), title=_title(path, text))
