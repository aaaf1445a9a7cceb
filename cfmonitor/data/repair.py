"""`cfmonitor check --repair`: let SQLite roll back a write that was interrupted.

A writer killed mid-commit leaves a "hot" journal beside the database. Readers open
the file read-only and cannot roll it back, so every read fails until some program
opens it once with write access. This is that program: it opens the existing file
read-write (never creating one), reads its schema so SQLite finishes the rollback,
and closes it.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from cfmonitor.data.store import StoreError


def roll_back_interrupted_write(path: Path) -> str:
    """One sentence saying what was done; raises `StoreError` when it cannot be done."""
    journal = path.with_name(path.name + "-journal")
    if not journal.exists():
        return f"{path}: no interrupted write to roll back."
    if not path.is_file():
        raise StoreError(f"{path}: no such database file.")
    try:
        connection = sqlite3.connect(path.resolve().as_uri() + "?mode=rw", uri=True, timeout=2.0)
        try:
            connection.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            connection.close()
    except sqlite3.Error:
        raise StoreError(
            f"{path}: could not roll back the interrupted write; it needs write access to "
            "the file and its folder."
        ) from None
    return f"{path}: rolled back the interrupted write."
