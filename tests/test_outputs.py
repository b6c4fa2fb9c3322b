"""Output paths that are not regular files: a device stays a device, a FIFO is written
through, a symlink stays a link, and `-` is standard output (issue: -o /dev/null)."""

from __future__ import annotations

import json
import os
import stat
import threading
from pathlib import Path

import pytest

from clirun import run_cli

TEXT = "Microsoft invested $10 billion in OpenAI in January 2023.\n"


@pytest.fixture
def news(tmp_path: Path) -> Path:
    path = tmp_path / "news.txt"
    path.write_text(TEXT, encoding="utf-8")
    return path


def test_a_character_device_stays_a_device(news: Path, tmp_path: Path) -> None:
    dev = tmp_path / "null"
    try:
        os.mknod(dev, 0o666 | stat.S_IFCHR, os.makedev(1, 3))  # the same device as /dev/null
    except PermissionError:
        pytest.skip("creating a device node needs CAP_MKNOD (run as root)")
    proc = run_cli("extract", news, "-o", dev, "--extractor", "rules")
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISCHR(dev.stat().st_mode)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_a_fifo_is_written_through(news: Path, tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_text(encoding="utf-8")))
    reader.start()
    proc = run_cli("extract", news, "-o", fifo, "--extractor", "rules")
    reader.join(timeout=60)
    assert proc.returncode == 0, proc.stderr
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    (rec,) = [json.loads(line) for line in got[0].splitlines()]
    assert rec["relations"]


def test_a_symlink_is_followed_not_replaced(news: Path, tmp_path: Path) -> None:
    target = tmp_path / "real.jsonl"
    target.write_text("old\n")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    proc = run_cli("extract", news, "-o", link, "--extractor", "rules")
    assert proc.returncode == 0, proc.stderr
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert json.loads(target.read_text().splitlines()[0])["relations"]


def test_dash_is_standard_output(news: Path, tmp_path: Path) -> None:
    proc = run_cli("extract", news, "-o", "-", "--extractor", "rules")
    assert proc.returncode == 0, proc.stderr
    (rec,) = [json.loads(line) for line in proc.stdout.splitlines()]
    assert rec["relations"] and "extracted 1 documents" in proc.stderr
    assert not (Path.cwd() / "-").exists()
    db = tmp_path / "m.db"
    assert run_cli("ingest", news, "--db", db, "--extractor", "rules").returncode == 0
    exported = run_cli("export", "--format", "json", "-o", "-", "--db", db)
    assert exported.returncode == 0, exported.stderr
    assert json.loads(exported.stdout) and "exported json to -" in exported.stderr
