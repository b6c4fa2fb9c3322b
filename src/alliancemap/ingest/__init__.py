"""Readers: turn files and directories into Documents, one module per kind of file.

A file named explicitly must be readable (else InputError); inside a directory, files of
unsupported types are ignored and unreadable ones are skipped with a warning.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from importlib import import_module
from pathlib import Path

from alliancemap.errors import InputError
from alliancemap.ingest.csvfile import read_csv
from alliancemap.ingest.jsonl import read_jsonl
from alliancemap.ingest.text import read_text_file
from alliancemap.model import Document

Warn = Callable[[str], None]


def _lazy(module: str, name: str) -> Callable[[Path, Warn], Iterator[Document]]:
    """A reader imported on first use (trafilatura and feedparser take a while to import)."""

    def read(path: Path, warn: Warn) -> Iterator[Document]:
        return getattr(import_module(f"alliancemap.ingest.{module}"), name)(path, warn)

    return read


read_html_file = _lazy("html", "read_html_file")
read_feed_file = _lazy("feeds", "read_feed_file")
read_xml_file = _lazy("feeds", "read_xml_file")

_READERS: dict[str, Callable[[Path, Warn], Iterator[Document]]] = {
    ".jsonl.gz": read_jsonl,
    ".jsonl": read_jsonl,
    ".md": read_text_file,
    ".txt": read_text_file,
    ".html": read_html_file,
    ".htm": read_html_file,
    ".csv": read_csv,
    ".csv.gz": read_csv,
    ".tsv": read_csv,
    ".tsv.gz": read_csv,
    ".rss": read_feed_file,
    ".atom": read_feed_file,
    ".xml": read_xml_file,
}
SUPPORTED_SUFFIXES: tuple[str, ...] = tuple(sorted(_READERS))

_log = logging.getLogger("alliancemap.ingest")


def _log_warning(message: str) -> None:
    _log.warning("%s", message)


def is_url(value: object) -> bool:
    """True for an http(s) URL given where a path may be (read through ingest/web.py)."""
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def file_kind(path: Path) -> str | None:
    """The supported suffix `path` ends with (".jsonl.gz" before ".gz"), else None."""
    name = path.name.lower()
    return next((s for s in sorted(_READERS, key=len, reverse=True) if name.endswith(s)), None)


def _walk(root: Path, warn: Warn | None) -> list[Path]:
    found = []
    unreadable: list[OSError] = []
    for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable.append):
        dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
        for name in sorted(filenames):
            path = Path(dirpath, name)
            if not name.startswith(".") and file_kind(path) and path.is_file():
                found.append(path)
    for err in unreadable:
        where = Path(err.filename) if err.filename else root
        problem = f"cannot read directory ({err.strerror or err})"
        if where == root:
            raise InputError(root, problem)
        if warn is not None:
            warn(f"{where}: {problem}; skipped")
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def iter_files(path: Path, on_warning: Warn | None = None) -> list[Path]:
    """The files to read for `path`: itself, or a directory's supported files in sorted order
    (an unreadable subdirectory is skipped, with a warning to `on_warning`)."""
    path = Path(path)
    supported = ", ".join(SUPPORTED_SUFFIXES)
    if not path.exists():
        raise InputError(path, "no such file or directory")
    if path.is_dir():
        files = _walk(path, on_warning)
        if not files:
            raise InputError(path, f"no files to read in directory (supported: {supported})")
        return files
    if file_kind(path) is None:
        ext = path.suffix.lower()
        what = f"file type {ext}" if ext else "file type (no extension)"
        raise InputError(path, f"unsupported {what} (supported: {supported})")
    return [path]


def read_file(
    path: Path,
    on_warning: Warn | None = None,
    *,
    skip_bad: bool = False,
    columns: Mapping[str, str] | None = None,
) -> Iterator[Document]:
    """Documents of one supported file; with `skip_bad`, an unreadable file is only a warning.
    `columns` maps document fields to CSV column names (see csvfile.py)."""
    warn = on_warning or _log_warning
    kind = file_kind(path)
    if kind is None:
        raise InputError(
            path, f"unsupported file type (supported: {', '.join(SUPPORTED_SUFFIXES)})"
        )
    reader = _READERS[kind]
    if reader is read_csv and columns:
        reader = partial(read_csv, columns=columns)
    try:
        yield from reader(path, warn)
    except InputError as err:
        if not skip_bad:
            raise
        warn(f"{err}; file skipped")


def read_documents(
    path: Path, on_warning: Warn | None = None, *, columns: Mapping[str, str] | None = None
) -> Iterator[Document]:
    """Documents of a file or, recursively, a directory; checks the path before returning."""
    path = Path(path)
    files = iter_files(path, on_warning or _log_warning)
    in_dir = path.is_dir()

    def generate() -> Iterator[Document]:
        for file in files:
            yield from read_file(file, on_warning, skip_bad=in_dir, columns=columns)

    return generate()
