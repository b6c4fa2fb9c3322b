"""CSV and TSV files (plain or gzip'd): one document per row.

Columns are found by their usual names (text/body/content, title/headline, published/date,
url/link, id, author/byline), case-insensitively; `columns` maps fields to other names, as
the CLI's `--columns text=body,title=headline,published=date` does. The delimiter is read
off the header line. Bad rows are skipped with a warning naming file and line.
"""

from __future__ import annotations

import csv
import email.utils
import gzip
import io
import zlib
from collections.abc import Callable, Iterator, Mapping
from datetime import datetime
from pathlib import Path
from typing import IO

from alliancemap.errors import InputError
from alliancemap.ingest.jsonl import clean_date
from alliancemap.ingest.text import MAX_TEXT_BYTES, nul_problem
from alliancemap.model import Document

FIELDS = ("text", "id", "title", "published", "url", "author")
_GUESSES = {
    "text": ("text", "body", "content", "article", "full_text", "story"),
    "id": ("id", "doc_id", "article_id", "guid"),
    "title": ("title", "headline"),
    "published": ("published", "date", "published_at", "publication_date", "pubdate", "year"),
    "url": ("url", "link"),
    "author": ("author", "byline", "authors"),
}
_DELIMITERS = (",", ";", "\t", "|")
_DATE_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%Y/%m/%d")


def parse_columns(spec: str | None) -> dict[str, str]:
    """{"text": "body", ...} from "text=body,title=headline"; ValueError naming the problem."""
    mapping: dict[str, str] = {}
    for part in (spec or "").split(","):
        if not part.strip():
            continue
        name, sep, column = part.partition("=")
        name, column = name.strip().lower(), column.strip()
        if not sep or not column:
            raise ValueError(f"bad --columns entry {part.strip()!r} (use FIELD=COLUMN)")
        if name not in FIELDS:
            raise ValueError(f"unknown field {name!r} in --columns (fields: {', '.join(FIELDS)})")
        mapping[name] = column
    return mapping


def parse_date(value: str) -> str | None:
    """An ISO date, year, RFC 2822 date or "March 4, 2021" as YYYY[-MM[-DD]]; ValueError else."""
    text = value.strip()
    try:
        return clean_date(text)
    except ValueError as err:
        if str(err).startswith("impossible"):  # ISO-shaped, but no such day: say so
            raise
    try:
        return email.utils.parsedate_to_datetime(text).date().isoformat()
    except (TypeError, ValueError, IndexError):
        pass
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(text, fmt).date().isoformat()
        except ValueError:
            continue
    raise ValueError(f"unrecognised date {value!r}")


def _open(path: Path) -> IO[str]:
    try:
        raw = gzip.open(path, "rb") if path.name.lower().endswith(".gz") else open(path, "rb")  # noqa: SIM115
    except OSError as err:
        raise InputError(path, f"cannot read ({err.strerror or err})") from None
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="surrogateescape", newline="")


def _delimiter(path: Path, header: str) -> str:
    if path.name.lower().endswith((".tsv", ".tsv.gz")):
        return "\t"
    counts = {d: header.count(d) for d in _DELIMITERS}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def _resolve(path: Path, header: list[str], columns: Mapping[str, str]) -> dict[str, int]:
    """Field -> column index, from the explicit mapping, else the usual names."""
    by_name = {h.strip().lower(): i for i, h in enumerate(header)}
    shown = ", ".join(h.strip() for h in header)
    found: dict[str, int] = {}
    for name in FIELDS:
        if name in columns:
            col = columns[name].strip().lower()
            if col not in by_name:
                raise InputError(path, f"no column {columns[name]!r} for {name} (columns: {shown})")
            found[name] = by_name[col]
            continue
        guess = next((by_name[g] for g in _GUESSES[name] if g in by_name), None)
        if guess is not None:
            found[name] = guess
    if "text" not in found:
        raise InputError(
            path, f"no text column (columns: {shown}); name one with --columns text=COLUMN"
        )
    return found


class _Fixer:
    """Re-reads fields that were not UTF-8 as cp1252, warning once per file."""

    def __init__(self, path: Path, warn: Callable[[str], None]) -> None:
        self.path, self.warn, self.warned = path, warn, False

    def __call__(self, value: str, line: int) -> str:
        try:
            value.encode("utf-8")
            return value
        except UnicodeEncodeError:
            if not self.warned:
                self.warned = True
                self.warn(f"{self.path}:{line}: not valid UTF-8, read as cp1252")
            return value.encode("utf-8", "surrogateescape").decode("cp1252", errors="replace")


def read_csv(
    path: Path, warn: Callable[[str], None], columns: Mapping[str, str] | None = None
) -> Iterator[Document]:
    """Documents of a .csv/.tsv(.gz) file, one per row with text; a truncated gzip keeps the
    rows before the cut."""
    csv.field_size_limit(MAX_TEXT_BYTES)
    fix = _Fixer(path, warn)
    line = 0
    with _open(path) as fh:
        try:
            first = fh.readline()
            if "\x00" in first:
                raw = first.encode("utf-8", "surrogateescape")
                raise InputError(path, nul_problem(raw, "CSV"))
            if not first.strip():
                warn(f"{path}: empty file, skipped")
                return
            delimiter = _delimiter(path, first)
            header = next(csv.reader([first], delimiter=delimiter))
            fields = _resolve(path, header, columns or {})
            reader = csv.reader(fh, delimiter=delimiter)
            for row in reader:
                line = reader.line_num + 1
                doc = _row(row, fields, path, line, warn, fix)
                if doc is not None:
                    yield doc
        except csv.Error as err:
            raise InputError(path, f"malformed CSV ({err})") from None
        except gzip.BadGzipFile as err:
            if not line:
                raise InputError(path, f"not a gzip file ({err})") from None
            warn(f"{path}: corrupt gzip after line {line}")
        except (EOFError, zlib.error):
            if not line:
                raise InputError(path, "truncated or corrupt gzip before the first row") from None
            warn(f"{path}: truncated gzip after line {line}")
        except OSError as err:
            raise InputError(path, f"cannot read ({err.strerror or err})") from None


def _row(
    row: list[str],
    fields: dict[str, int],
    path: Path,
    line: int,
    warn: Callable[[str], None],
    fix: _Fixer,
) -> Document | None:
    if not any(cell.strip() for cell in row):
        return None
    values = {name: fix(row[i], line).strip() if i < len(row) else "" for name, i in fields.items()}
    if not values["text"]:
        warn(f"{path}:{line}: no text, row skipped")
        return None
    published = None
    if values.get("published"):
        try:
            published = parse_date(values["published"])
        except ValueError as err:
            warn(f"{path}:{line}: {err}, ignored")
    return Document(
        text=values["text"].replace("\r\n", "\n"),
        id=values.get("id") or None,
        source=str(path),
        url=values.get("url") or None,
        title=values.get("title") or None,
        published=published,
        author=values.get("author") or None,
    )
