"""Real caseload data cannot be committed by accident: git ignores databases and backups."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
DATA_FILES = [
    "caseloads.db",
    "caseloads.db-journal",
    "caseloads.db-wal",
    "caseloads.db-shm",
    "caseloads.db.backup-20261126T101010",
    "db/samples/imported.db",
]


@pytest.mark.skipif(shutil.which("git") is None, reason="needs git")
@pytest.mark.parametrize("name", DATA_FILES)
def test_databases_and_backups_are_ignored(name: str) -> None:
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", name], cwd=PROJECT, check=False
    )
    if done.returncode == 128:
        pytest.skip("not a git checkout")
    assert done.returncode == 0, f"{name} is not ignored by .gitignore"


def test_the_sources_are_not_ignored() -> None:
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "-q", "cfmonitor/cli.py", "db/schema.sql"],
        cwd=PROJECT,
        check=False,
    )
    assert done.returncode in (1, 128)
