"""The code's types hold: mypy (configured in pyproject.toml) finds nothing, so CI keeps it so."""

from __future__ import annotations

import hashlib
import subprocess
import sys
import tempfile
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


def _cache_dir() -> Path:
    """Outside the checkout, one per checkout: the first run takes ~25 s, later ones ~3 s
    (mypy re-checks whatever changed, so a kept cache cannot hide an error)."""
    checkout = hashlib.sha256(str(PROJECT).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / f"cfmonitor-mypy-{checkout}"


def test_mypy_finds_no_errors() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--cache-dir", str(_cache_dir())],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, f"mypy failed:\n{done.stdout}{done.stderr}"
    assert "Success: no issues found" in done.stdout, done.stdout
