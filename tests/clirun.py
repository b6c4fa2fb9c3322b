"""Run the real CLI in a subprocess, as a user would; shared by the CLI-driving tests."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable


def run_cli(
    *args: object,
    env: dict | None = None,
    timeout: float = 300,
    columns: int = 150,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m alliancemap ARGS`, output captured; no run may print a traceback.
    `preexec_fn` runs in the child before the program (to drop privileges, say)."""
    full_env = {**os.environ, "COLUMNS": str(columns), **(env or {})}
    full_env.pop("ALLIANCEMAP_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "alliancemap", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
        preexec_fn=preexec_fn,
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc
