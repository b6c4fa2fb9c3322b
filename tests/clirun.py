"""Run the real CLI in a subprocess, as a user would; shared by the CLI-driving tests."""

from __future__ import annotations

import os
import subprocess
import sys


def run_cli(
    *args: object, env: dict | None = None, timeout: float = 300, columns: int = 150
) -> subprocess.CompletedProcess[str]:
    """`python -m alliancemap ARGS`, output captured; no run may print a traceback."""
    full_env = {**os.environ, "COLUMNS": str(columns), **(env or {})}
    full_env.pop("ALLIANCEMAP_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "alliancemap", *map(str, args)],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )
    assert "Traceback" not in proc.stderr + proc.stdout
    return proc
