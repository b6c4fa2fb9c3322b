"""Safe output writing: readers never see a half-written regular file, and nothing that is
not a regular file is ever replaced.

`-` is standard output. A device, FIFO or socket (`/dev/null`, a pipe) is written in place:
renaming a temp file over it would replace the device with a file. A symlink is followed,
so the link stays and its target gets the new content. Only a regular file (or a new path)
gets the temp-file-and-rename treatment.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

STDOUT = "-"


def is_stdout(path: str | Path) -> bool:
    """Whether an output path means standard output."""
    return str(path) == STDOUT


@contextmanager
def atomic_write(path: str | Path, mode: str = "w") -> Iterator[IO[Any]]:
    """A file object for `path`; a regular file appears only if the block succeeds."""
    kwargs = {} if "b" in mode else {"encoding": "utf-8", "newline": ""}
    if is_stdout(path):
        sys.stdout.flush()
        stream = sys.stdout.buffer if "b" in mode else sys.stdout
        yield stream
        stream.flush()
        return
    path = Path(os.path.realpath(path)) if Path(path).is_symlink() else Path(path)
    if not path.parent.is_dir():
        raise FileNotFoundError(errno.ENOENT, f"directory {path.parent} does not exist", str(path))
    if path.is_dir():
        raise IsADirectoryError(errno.EISDIR, "is a directory", str(path))
    if path.exists() and not stat.S_ISREG(path.stat().st_mode):
        with open(path, mode, **kwargs) as fh:  # a device or FIFO: write through, never replace
            yield fh
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
