"""Open a cfmonitor database read-only, check it, and load its tables as Polars frames.

Every failure becomes a `StoreError` whose message is one plain sentence naming the
file (and, for bad values, the table, row and column). Nothing here writes: the file
is opened with SQLite's `mode=ro` URI, so a mistyped path is never created and a WAL
database is never checkpointed by a reader.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.data.contract import (
    DEMO_APPLICATION_ID,
    FRAME_SCHEMAS,
    READABLE_VERSIONS,
    TABLE_NAMES,
)
from cfmonitor.data.freshness import LastImport, read_last_import
from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible

SQLITE_HEADER = b"SQLite format 3\x00"
LOCK_WAIT_SECONDS = 2.0


class StoreError(CfmonitorError):
    """A database that cannot be read; the message is meant for the user as it is."""


@dataclass(frozen=True)
class Source:
    """Where a snapshot's data came from, for banners and change detection."""

    path: Path
    is_demo: bool
    schema_version: int
    modified_ns: int
    size: int
    last_import: LastImport | None = None
    """The latest import recorded (schema version 2); None when none is (or version 1)."""
    first_day: dt.date | None = None
    """The earliest date in any row (None for an empty database)."""
    last_day: dt.date | None = None
    """The latest start, opening or closing in any row (planned end dates aside):
    figures for a day after it assume nothing has changed since."""

    def outside_data(self, day: dt.date) -> str | None:
        """A warning when `day` is before the first or after the last dated row."""
        if self.first_day is not None and day < self.first_day:
            return (
                f"{day.isoformat()} is before the first date in the database "
                f"({self.first_day.isoformat()}): nothing was recorded yet."
            )
        recorded = self.last_import is not None and self.last_import.extract_date is not None
        if self.last_day is not None and day > self.last_day and not recorded:
            # With an extract date recorded, "data as of" (and its staleness) says this.
            return (
                f"{day.isoformat()} is after the last date in the database "
                f"({self.last_day.isoformat()}): the figures assume nothing changed since."
            )
        return None

    @property
    def label(self) -> str:
        return f"DEMO DATA ({self.path.name})" if self.is_demo else str(self.path)


@dataclass(frozen=True)
class Frames:
    """The five tables as typed Polars frames, plus where they came from."""

    teams: pl.DataFrame
    workers: pl.DataFrame
    reductions: pl.DataFrame
    cases: pl.DataFrame
    allocations: pl.DataFrame
    source: Source


def readonly_uri(path: Path) -> str:
    """A SQLite URI that opens `path` read-only; `#`, `?` and spaces are escaped."""
    return path.resolve().as_uri() + "?mode=ro"


WAL_HEADER_OFFSET = 18
"""Bytes 18 and 19 of a SQLite file are 2 when the database is in WAL mode."""


def is_wal(path: Path) -> bool:
    try:
        with open(path, "rb") as handle:
            handle.seek(WAL_HEADER_OFFSET)
            return handle.read(2) == b"\x02\x02"
    except OSError:
        return False


def reading_uri(path: Path) -> str:
    """The URI a reader opens `path` with: read-only, and needing no file beside it.

    `import` leaves databases in rollback-journal mode, which a reader opens without
    creating anything. A WAL database (from an older cfmonitor) needs `-shm` and `-wal`
    files; in a folder this user cannot write (a read-only share) and with no `-wal`
    file present, no writer has it open and every row is in the main file, so it is
    opened as immutable instead of failing.
    """
    uri = readonly_uri(path)
    wal_file = path.with_name(path.name + "-wal")
    if is_wal(path) and not wal_file.exists() and not os.access(path.parent, os.W_OK):
        uri += "&immutable=1"
    return uri


def file_signature(path: Path) -> tuple[int, int] | None:
    """(mtime_ns, size) of the database and its WAL, used to notice another writer."""
    try:
        stat = path.stat()
    except OSError:
        return None
    wal = path.with_name(path.name + "-wal")
    try:
        wal_stat = wal.stat()
        return (max(stat.st_mtime_ns, wal_stat.st_mtime_ns), stat.st_size + wal_stat.st_size)
    except OSError:
        return (stat.st_mtime_ns, stat.st_size)


def _check_file(path: Path) -> os.stat_result:
    where = str(path)
    try:
        stat = path.stat()
    except FileNotFoundError:
        raise StoreError(f"{where}: no such database file.") from None
    except PermissionError:
        raise StoreError(f"{where}: permission denied.") from None
    except OSError as error:
        raise StoreError(f"{where}: cannot be read ({error.strerror}).") from None
    if path.is_dir():
        raise StoreError(f"{where}: is a folder, not a database file.")
    if stat.st_size == 0:
        raise StoreError(f"{where}: the file is empty, not a cfmonitor database.")
    try:
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except PermissionError:
        raise StoreError(f"{where}: permission denied.") from None
    except OSError as error:
        raise StoreError(f"{where}: cannot be read ({error.strerror}).") from None
    if header != SQLITE_HEADER:
        raise StoreError(f"{where}: not a SQLite database.")
    return stat


def connect_readonly(path: Path) -> sqlite3.Connection:
    """Open an existing database read-only, waiting briefly for a writer's lock."""
    _check_file(path)
    try:
        return sqlite3.connect(reading_uri(path), uri=True, timeout=LOCK_WAIT_SECONDS)
    except sqlite3.Error as error:
        raise explain(path, error) from None


def explain(path: Path, error: BaseException) -> StoreError:
    """Turn a SQLite or connectorx error into one plain sentence (never quoting data)."""
    text = str(error).lower()
    where = str(path)
    journal = path.with_name(path.name + "-journal")
    if "readonly" in text and journal.exists():
        return StoreError(
            f"{where}: a write to it was interrupted and left {visible(journal.name)} beside it; "
            f"run `cfmonitor check --repair --db {visible(where)}` (or open it once with write "
            "access) so SQLite can roll that write back."
        )
    if "decode" in text or "utf-8" in text:
        return StoreError(f"{where}: holds text that is not valid UTF-8.")
    if "locked" in text or "busy" in text:
        return StoreError(
            f"{where}: the database is locked by another program writing to it; "
            "try again in a moment."
        )
    if "malformed" in text or "corrupt" in text or "disk image" in text:
        return StoreError(f"{where}: the database is damaged or truncated ({_short(error)}).")
    if "not a database" in text or "file is encrypted" in text:
        return StoreError(f"{where}: not a SQLite database.")
    if "unable to open" in text:
        return StoreError(f"{where}: cannot be opened (check it exists and can be read).")
    return StoreError(f"{where}: cannot be read ({_short(error)}).")


def _short(error: BaseException) -> str:
    """SQLite's reason on one line, control characters shown, at most 120 characters."""
    first = str(error).splitlines()[0] if str(error) else type(error).__name__
    reason = visible(first)
    return reason if len(reason) <= 120 else reason[:119] + "…"


def _inspect_with(
    connection: sqlite3.Connection, db_path: Path, stat: os.stat_result, is_demo: bool
) -> Source:
    where = str(db_path)
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    marked_demo = connection.execute("PRAGMA application_id").fetchone()[0] == DEMO_APPLICATION_ID
    names = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }
    last_import = read_last_import(connection) if version >= 2 and "imports" in names else None
    span = (
        _cached_date_span(db_path, connection, stat) if set(TABLE_NAMES) <= names else (None, None)
    )
    missing = [name for name in TABLE_NAMES if name not in names]
    if len(missing) == len(TABLE_NAMES):
        raise StoreError(
            f"{where}: has none of cfmonitor's tables; "
            "create one with `cfmonitor init` or `cfmonitor import`."
        )
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(number) for number in READABLE_VERSIONS)
        raise StoreError(
            f"{where}: has schema version {version}; this cfmonitor reads versions {readable}."
        )
    if version >= 2 and "imports" not in names:
        missing.append("imports")
    if missing:
        raise StoreError(f"{where}: is missing the table(s) {', '.join(missing)}.")
    signature = file_signature(db_path) or (stat.st_mtime_ns, stat.st_size)
    return Source(
        path=db_path,
        is_demo=is_demo or marked_demo,
        schema_version=version,
        modified_ns=signature[0],
        size=signature[1],
        last_import=last_import,
        first_day=span[0],
        last_day=span[1],
    )


PLANNED_DATES = {("workers", "end_date"), ("reductions", "end_date")}
"""End dates that may lie ahead (a leaving date, the end of protected time): they say what
is planned, not what was recorded, so they do not move the end of the data."""
SPAN_TABLES = ("workers", "reductions", "cases")
"""Tables whose dates make the span. Allocations lie within their case's and worker's
dates (where they do not, `cfmonitor check` says so), and scanning the largest table
again would nearly double the time a day's figures take to read."""


_SPANS: dict[tuple[Path, tuple[int, int]], tuple[dt.date | None, dt.date | None]] = {}
"""Date spans already worked out, by file and signature: a reload of an unchanged file, or
another as-of date, does not scan the tables again."""


def _cached_date_span(
    path: Path, connection: sqlite3.Connection, stat: os.stat_result
) -> tuple[dt.date | None, dt.date | None]:
    key = (path.resolve(), file_signature(path) or (stat.st_mtime_ns, stat.st_size))
    if key not in _SPANS:
        if len(_SPANS) > 16:
            _SPANS.clear()
        _SPANS[key] = _date_span(connection)
    return _SPANS[key]


def _date_span(connection: sqlite3.Connection) -> tuple[dt.date | None, dt.date | None]:
    """The earliest date in any row, and the latest date of anything recorded as having
    happened (a start, an opening, a closing): one scan a table."""
    firsts: list[str] = []
    lasts: list[str] = []
    for table in SPAN_TABLES:
        dates = [name for name, dtype in FRAME_SCHEMAS[table].items() if dtype == pl.Date()]
        for name, (low, high) in _date_ends(connection, table, dates).items():
            firsts += [low] if isinstance(low, str) else []
            if (table, name) not in PLANNED_DATES and isinstance(high, str):
                lasts.append(high)

    def day(text: str | None) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError:  # a bad value is reported, with its row, when the table loads
            return None

    return (day(min(firsts, default=None)), day(max(lasts, default=None)))


def _date_ends(
    connection: sqlite3.Connection, table: str, dates: list[str]
) -> dict[str, tuple[object, object]]:
    """MIN and MAX of each date column of `table`. An indexed column's are two look-ups
    (SQLite reads the index's ends when a query asks for one MIN or MAX alone); the
    others come from one scan together. A database made before the index still scans."""
    indexed = {
        str(row[0])
        for row in connection.execute(
            "SELECT info.name FROM pragma_index_list(?) AS list,"
            " pragma_index_info(list.name) AS info WHERE info.seqno = 0",
            (table,),
        )
    }
    ends: dict[str, tuple[object, object]] = {}
    for name in (name for name in dates if name in indexed):
        low = connection.execute(f"SELECT MIN({name}) FROM {table}").fetchone()[0]
        high = connection.execute(f"SELECT MAX({name}) FROM {table}").fetchone()[0]
        ends[name] = (low, high)
    scanned = [name for name in dates if name not in indexed]
    if scanned:
        both = ", ".join(f"MIN({name}), MAX({name})" for name in scanned)
        row = connection.execute(f"SELECT {both} FROM {table}").fetchone()
        for index, name in enumerate(scanned):
            ends[name] = (row[2 * index], row[2 * index + 1])
    return {name: ends[name] for name in dates}


def open_transaction(path: Path) -> tuple[sqlite3.Connection, Source]:
    """Open `path` read-only and begin a read transaction: what every read sees from now
    on is one state of the file. The caller rolls back and closes the connection.

    The connection may be closed from another thread than the one that opened it (the
    TUI's next load closes the last one's), so SQLite's same-thread check is off; its
    uses never overlap.
    """
    stat = _check_file(path)
    try:
        connection = sqlite3.connect(
            reading_uri(path),
            uri=True,
            timeout=LOCK_WAIT_SECONDS,
            isolation_level=None,
            check_same_thread=False,
        )
    except sqlite3.Error as error:
        raise explain(path, error) from None
    try:
        connection.execute("BEGIN")
        return connection, _inspect_with(connection, path, stat, is_demo=False)
    except sqlite3.Error as error:
        close_transaction(connection)
        raise explain(path, error) from None
    except BaseException:
        close_transaction(connection)
        raise


def close_transaction(connection: sqlite3.Connection) -> None:
    """End the read transaction and close its connection (quietly: nothing was written)."""
    with contextlib.suppress(sqlite3.Error):
        connection.execute("ROLLBACK")
    with contextlib.suppress(sqlite3.Error):
        connection.close()


def inspect(path: Path | str, *, is_demo: bool = False) -> Source:
    """Check that `path` is a readable cfmonitor database of our schema version."""
    connection, source = open_transaction(Path(path))
    close_transaction(connection)
    return dataclasses.replace(source, is_demo=source.is_demo or is_demo)


def quick_check(path: Path | str) -> list[str]:
    """SQLite's `PRAGMA quick_check`: an empty list when the file is sound."""
    db_path = Path(path)
    connection = connect_readonly(db_path)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.Error as error:
        raise explain(db_path, error) from None
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows
