"""Errors that the CLI turns into one clear line (file and problem), never a traceback."""

from __future__ import annotations


class AllianceMapError(Exception):
    """Base class: `str(err)` is the one-line message shown to a user."""


class InputError(AllianceMapError):
    """A file or record cannot be read: names the file (and line) and what is wrong."""

    def __init__(self, path: object, problem: str, line: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else f"{path}"
        super().__init__(f"{where}: {problem}")
        self.path = str(path)
        self.line = line
        self.problem = problem


class StoreError(AllianceMapError):
    """The store cannot be opened or written."""


class RunStopped(AllianceMapError):
    """An extractor asks the run to stop cleanly (a spending limit was reached): what was
    finished before is kept, and a re-run goes on from there. `done` holds what the
    interrupted call had finished (None where it had not), for the caller to keep."""

    done: list | None = None
