"""Decide which database to open: --db, then $CFMONITOR_DB, then the built-in demo.

Either may be a SQLite path or a `postgresql://` URL (see `cfmonitor.database.location`).

The demo database lives outside the source tree, in the user's cache folder, and is
made on first use each day so its dates always look current. The folders cfmonitor
creates for it are owner-only (0700) and the file is 0600, whatever the umask.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cfmonitor.database.location import (
    Location,
    PostgresLocation,
    SqliteLocation,
    parse_location,
)
from cfmonitor.errors import CfmonitorError

ENVIRONMENT_VARIABLE = "CFMONITOR_DB"
DEMO_SEED = 7


class NotOnPostgres(CfmonitorError):
    """A command that reads only SQLite files was given a PostgreSQL URL."""


@dataclass(frozen=True)
class DatabaseChoice:
    where: Path | PostgresLocation
    """A SQLite file, or a PostgreSQL database."""
    is_demo: bool

    @property
    def location(self) -> Location:
        return (
            self.where if isinstance(self.where, PostgresLocation) else SqliteLocation(self.where)
        )

    @property
    def postgres(self) -> PostgresLocation | None:
        return self.where if isinstance(self.where, PostgresLocation) else None

    @property
    def label(self) -> str:
        """What messages and screens name the database by (never a password)."""
        return self.location.label

    @property
    def path(self) -> Path:
        """The SQLite file; a PostgreSQL database has none, so asking is a plain error."""
        if isinstance(self.where, PostgresLocation):
            raise NotOnPostgres(f"{self.where.label}: this command reads SQLite files only.")
        return self.where


def demo_folder() -> Path:
    cache = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(cache) / "cfmonitor"


def demo_database(today: dt.date) -> Path:
    """The built-in demo database for `today`, generated if it is not there yet."""
    folder = demo_folder()
    path = folder / f"demo-{today.isoformat()}.db"
    if path.exists():
        return path
    from cfmonitor.data.demo import write_demo_database
    from cfmonitor.private_file import make_private_folders, private_temporary_beside

    make_private_folders(folder)
    # A name of its own per process: several reports started together each build one,
    # and the atomic rename means any of them may win; every reader sees a whole file.
    partial = private_temporary_beside(path, ".partial")
    try:
        write_demo_database(partial, seed=DEMO_SEED, today=today)
        os.replace(partial, path)
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            leftover.unlink(missing_ok=True)
    for old in folder.glob("demo-*.db"):
        if old != path:
            old.unlink(missing_ok=True)
    return path


def chosen(db: str | Path) -> DatabaseChoice:
    """`db` (a path or a URL) as a choice that is not the built-in demo."""
    location = parse_location(db)
    where = location.path if isinstance(location, SqliteLocation) else location
    return DatabaseChoice(where, is_demo=False)


def choose_database(db: str | Path | None, today: dt.date) -> DatabaseChoice:
    if db is not None:
        return chosen(db)
    from_environment = os.environ.get(ENVIRONMENT_VARIABLE)
    if from_environment:
        return chosen(from_environment)
    return DatabaseChoice(demo_database(today), is_demo=True)
