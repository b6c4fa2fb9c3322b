"""A throwaway PostgreSQL server in a temporary directory, for tests and benchmarks.

It needs the server binaries (`initdb`, `pg_ctl`; Debian puts them in
/usr/lib/postgresql/<version>/bin). As root, the server runs as the `postgres` user, since
PostgreSQL refuses to run as root. It listens on 127.0.0.1 only, trusts local connections and
trades durability for speed (fsync off): never use it for data you want to keep.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

import psycopg
from psycopg import sql
from sqlalchemy import make_url

ADMIN_DB = "postgres"
SUPERUSER = "postgres"
# C collation everywhere, so names and dates sort as they do in SQLite
_CREATE = "CREATE DATABASE {} TEMPLATE template0 ENCODING 'UTF8' LC_COLLATE 'C' LC_CTYPE 'C'"
_SETTINGS = ("max_connections=200",)
_FAST = ("fsync=off", "synchronous_commit=off", "full_page_writes=off")


@dataclass(frozen=True)
class TempServer:
    """A running throwaway server: where it listens and where its files are."""

    port: int
    root: Path
    bindir: Path
    run_as: str | None  # the user the server runs as, when started by root

    def url(self, database: str = ADMIN_DB) -> str:
        """A SQLAlchemy URL (psycopg 3 driver) for `database` on this server."""
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{database}"


def find_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: $PG_BINDIR, Debian's newest, else PATH."""
    candidates = [os.environ.get("PG_BINDIR", "")]
    candidates += sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    found = shutil.which("initdb")
    candidates.append(str(Path(found).resolve().parent) if found else "")
    for c in candidates:
        if c and (Path(c) / "initdb").is_file() and (Path(c) / "pg_ctl").is_file():
            return Path(c)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _run(cmd: list[str], run_as: str | None) -> None:
    if run_as is not None:
        cmd = ["runuser", "-u", run_as, "--", *cmd]
    done = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed: {done.stderr.strip() or done.stdout.strip()}")


def start(bindir: Path | None = None, durable: bool = False) -> TempServer:
    """Initialise and start a server on a free port of 127.0.0.1 (C locale, UTF-8); unless
    `durable`, without fsync (fast tests; benchmarks want the default, durable settings)."""
    bindir = bindir or find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    run_as = SUPERUSER if os.geteuid() == 0 else None
    # the server user must reach its directory: under /tmp, not root's own $TMPDIR
    root = Path(tempfile.mkdtemp(prefix="alliancemap-pg-", dir="/tmp" if run_as else None))
    if run_as is not None:
        shutil.chown(root, user=run_as)
    data = root / "data"
    initdb = [str(bindir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust"]
    _run([*initdb, "--encoding=UTF8", "--locale=C", "--no-sync"], run_as)
    port = _free_port()
    options = [f"-c listen_addresses=127.0.0.1 -p {port} -c unix_socket_directories={root}"]
    options += [f"-c {o}" for o in (*_SETTINGS, *(() if durable else _FAST))]
    pg_ctl = [str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w"]
    try:
        _run([*pg_ctl, "-o", " ".join(options), "start"], run_as)
    except RuntimeError as err:
        log = (root / "server.log").read_text(errors="replace")[-2000:]
        shutil.rmtree(root, ignore_errors=True)
        raise RuntimeError(f"{err}\n{log}") from None
    return TempServer(port, root, bindir, run_as)


def stop(server: TempServer) -> None:
    """Stop the server at once and delete its files."""
    try:
        cmd = [str(server.bindir / "pg_ctl"), "-D", str(server.root / "data"), "-m", "immediate"]
        _run([*cmd, "stop"], server.run_as)
    finally:
        shutil.rmtree(server.root, ignore_errors=True)


def _dsn(url: str) -> str:
    """A libpq connection string for a SQLAlchemy or libpq URL."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def create_database(admin_url: str, prefix: str = "am") -> str:
    """Create a new empty database on the server of `admin_url`; returns its URL."""
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_dsn(admin_url), autocommit=True) as conn:
        conn.execute(sql.SQL(_CREATE).format(sql.Identifier(name)))
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


def drop_database(admin_url: str, url: str) -> None:
    """Drop the database of `url`, disconnecting anyone still using it."""
    name = make_url(url).database
    with psycopg.connect(_dsn(admin_url), autocommit=True) as conn:
        stmt = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        conn.execute(stmt)
