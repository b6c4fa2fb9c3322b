"""JSON Lines files, plain or gzip'd: one document per line, streamed.

A line needs `text`; `id`, `url`, `title`, `author` and a date (`published`, `date` or `year`)
are optional. Bad lines (malformed, not an object, no text, longer than `MAX_LINE_BYTES`) are
skipped with a warning naming file and line; a truncated gzip keeps the lines read before the
cut.
"""

from __future__ import annotations

import gzip
import json
import re
import zlib
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import IO, Any

from alliancemap.errors import InputError
from alliancemap.ingest.text import nul_problem
from alliancemap.model import Document

_DATE_RE = re.compile(r"^(\d{4})(-\d{2}(-\d{2})?)?(?:$|[T ])")
_DATE_KEYS = ("published", "date", "year")
_HEAD = 8192
MAX_LINE_BYTES = 10 * 1024 * 1024  # one document; a longer line is not an article
_CHUNK = 1024 * 1024


def clean_date(value: Any) -> str | None:
    """ "YYYY", "YYYY-MM" or "YYYY-MM-DD" from a year number or an ISO date/timestamp;
    ValueError otherwise."""
    if value is None or value == "":
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) and not isinstance(value, bool) and 1000 <= value <= 9999:
        return str(value)
    if isinstance(value, str):
        m = _DATE_RE.match(value.strip())
        if m:
            found = m.group(0).rstrip("T ")
            parts = [int(p) for p in found.split("-")] + [1, 1]
            try:
                date(parts[0], parts[1], parts[2])
            except ValueError:
                raise ValueError(f"impossible date {value!r}") from None
            return found
    raise ValueError(f"unrecognised date {value!r}")


def _field(rec: dict[str, Any], key: str) -> str | None:
    value = rec.get(key)
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str | int | float):
        return str(value).strip() or None
    return None


def _document(rec: dict[str, Any], path: Path, n: int, warn: Callable[[str], None]) -> Document:
    raw_date = next((rec[k] for k in _DATE_KEYS if rec.get(k) not in (None, "")), None)
    try:
        published = clean_date(raw_date)
    except ValueError as err:
        warn(f"{path}:{n}: {err}, ignored")
        published = None
    return Document(
        text=rec["text"],
        id=_field(rec, "id"),
        source=str(path),
        url=_field(rec, "url"),
        title=_field(rec, "title"),
        published=published,
        author=_field(rec, "author"),
    )


def _parse(raw: bytes, path: Path, n: int, warn: Callable[[str], None]) -> Document | None:
    try:
        line = raw.decode("utf-8-sig" if n == 1 else "utf-8")
    except UnicodeDecodeError:
        warn(f"{path}:{n}: not valid UTF-8, bad bytes replaced")
        line = raw.decode("utf-8", errors="replace")
    if not line.strip():
        return None
    try:
        rec = json.loads(line)
    except json.JSONDecodeError as err:
        warn(f"{path}:{n}: malformed JSON ({err.msg}, column {err.colno}), line skipped")
        return None
    if not isinstance(rec, dict):
        warn(f"{path}:{n}: not a JSON object, line skipped")
        return None
    text = rec.get("text")
    if not isinstance(text, str) or not text.strip():
        warn(f"{path}:{n}: no text, line skipped")
        return None
    return _document(rec, path, n, warn)


def _open(path: Path) -> IO[bytes]:
    try:
        if path.name.lower().endswith(".gz"):
            return gzip.open(path, "rb")
        return open(path, "rb")
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None


def _lines(fh: IO[bytes], path: Path, warn: Callable[[str], None]) -> Iterator[bytes | None]:
    """The file's lines, read with a bounded buffer; a longer line is read past in chunks
    (never held whole), warned about and given as None."""
    n = 0
    while raw := fh.readline(MAX_LINE_BYTES + 1):
        n += 1
        if len(raw) <= MAX_LINE_BYTES or raw.endswith(b"\n"):
            yield raw
            continue
        size = len(raw)
        while more := fh.readline(_CHUNK):
            size += len(more)
            if more.endswith(b"\n"):
                break
        limit = MAX_LINE_BYTES // (1024 * 1024)
        warn(f"{path}:{n}: line too long ({size / 1024 / 1024:.1f} MB, limit {limit} MB), skipped")
        yield None


def read_jsonl(path: Path, warn: Callable[[str], None]) -> Iterator[Document]:
    """Documents of a .jsonl or .jsonl.gz file, one line at a time."""
    n = 0
    content = broken = False
    with _open(path) as fh:
        try:
            head = fh.peek(_HEAD)[:_HEAD]  # type: ignore[attr-defined]
            if b"\x00" in head:
                raise InputError(path, nul_problem(head))
            for n, raw in enumerate(_lines(fh, path, warn), 1):
                content = content or raw is None or bool(raw.strip())
                doc = _parse(raw, path, n, warn) if raw is not None else None
                if doc is not None:
                    yield doc
        except gzip.BadGzipFile as err:
            if n == 0:
                raise InputError(path, f"not a gzip file ({err})") from None
            broken = True
            warn(f"{path}: corrupt gzip after line {n}")
        except EOFError:
            broken = True
            warn(f"{path}: truncated gzip after line {n}")
        except zlib.error:
            broken = True
            warn(f"{path}: corrupt gzip after line {n}")
        except OSError as err:
            raise InputError(path, f"cannot read ({err.strerror or err})") from None
    if not content and not broken:
        warn(f"{path}: empty file, skipped")
