"""Open a cfmonitor database read-only, check it, and load its tables as Polars frames.

Every failure becomes a `StoreError` whose message is one plain sentence naming the
file (and, for bad values, the table, row and column). Nothing here writes: the file
is opened with SQLite's `mode=ro` URI, so a mistyped path is never created and a WAL
database is never checkpointed by a reader.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
import urllib.parse
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

import polars as pl

from cfmonitor.data.freshness import LastImport, read_last_import
from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible

# connectorx logs connection errors (with the file's path) from Rust unless told not to.
os.environ["RUST_LOG"] = "off"

_T = TypeVar("_T")

SCHEMA_VERSION = 2
"""The `PRAGMA user_version` this build writes; kept in step with data/schema.py by a test."""
READABLE_VERSIONS = (1, 2)
"""Version 1 files (no `imports` table) are still read; they just have no freshness."""

SQLITE_HEADER = b"SQLite format 3\x00"
DEMO_APPLICATION_ID = 0x43464D44
"""`PRAGMA application_id` of a database of invented demo data ("CFMD"): the label
follows the file, so a copy opened with --db still says DEMO DATA."""
LOCK_WAIT_SECONDS = 2.0

FRAME_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "teams": {
        "id": pl.Int64(),
        "name": pl.String(),
        "service_area": pl.String(),
        "establishment_fte": pl.Float64(),
    },
    "workers": {
        "id": pl.Int64(),
        "staff_ref": pl.String(),
        "name": pl.String(),
        "team_id": pl.Int64(),
        "cohort": pl.String(),
        "fte": pl.Float64(),
        "employment": pl.String(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
    "reductions": {
        "id": pl.Int64(),
        "worker_id": pl.Int64(),
        "reason": pl.String(),
        "percent": pl.Float64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
    "cases": {
        "id": pl.Int64(),
        "case_ref": pl.String(),
        "team_id": pl.Int64(),
        "case_type": pl.String(),
        "complexity": pl.String(),
        "opened_on": pl.Date(),
        "closed_on": pl.Date(),
        "family_ref": pl.String(),
    },
    "allocations": {
        "id": pl.Int64(),
        "case_id": pl.Int64(),
        "worker_id": pl.Int64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
}
TABLE_NAMES = tuple(FRAME_SCHEMAS)


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


def _is_wal(path: Path) -> bool:
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
    if _is_wal(path) and not wal_file.exists() and not os.access(path.parent, os.W_OK):
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
        raise _explain(path, error) from None


def _explain(path: Path, error: BaseException) -> StoreError:
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
        ends = ", ".join(f"MIN({name}), MAX({name})" for name in dates)
        row = connection.execute(f"SELECT {ends} FROM {table}").fetchone()
        for index, name in enumerate(dates):
            low, high = row[2 * index], row[2 * index + 1]
            firsts += [low] if isinstance(low, str) else []
            if (table, name) not in PLANNED_DATES and isinstance(high, str):
                lasts.append(high)

    def day(text: str | None) -> dt.date | None:
        try:
            return dt.date.fromisoformat(text) if text else None
        except ValueError:  # a bad value is reported, with its row, when the table loads
            return None

    return (day(min(firsts, default=None)), day(max(lasts, default=None)))


def inspect(path: Path | str, *, is_demo: bool = False) -> Source:
    """Check that `path` is a readable cfmonitor database of our schema version."""
    with read_session(path, is_demo=is_demo) as session:
        return session.source


def quick_check(path: Path | str) -> list[str]:
    """SQLite's `PRAGMA quick_check`: an empty list when the file is sound."""
    db_path = Path(path)
    connection = connect_readonly(db_path)
    try:
        rows = [row[0] for row in connection.execute("PRAGMA quick_check")]
    except sqlite3.Error as error:
        raise _explain(db_path, error) from None
    finally:
        connection.close()
    return [] if rows == ["ok"] else rows


def _select(
    table: str,
    as_of: dt.date | None,
    columns: Sequence[str] | None = None,
    worker_ids: Sequence[int] | None = None,
) -> str:
    sql = f"SELECT {', '.join(columns or FRAME_SCHEMAS[table])} FROM {table}"
    if worker_ids is not None and table in ("allocations", "cases"):
        # Only these workers' allocations, and the cases they point at (whole numbers,
        # made here, so the list is safe to write into the SQL).
        ids = ", ".join(str(int(worker_id)) for worker_id in worker_ids) or "NULL"
        mine = f"SELECT case_id FROM allocations WHERE worker_id IN ({ids})"
        sql += (
            f" WHERE worker_id IN ({ids})" if table == "allocations" else f" WHERE id IN ({mine})"
        )
        if as_of is None:
            return sql + " ORDER BY id"
        raise ValueError("worker_ids narrows the whole history only (as_of=None)")
    if as_of is None:
        return sql + " ORDER BY id"
    day = as_of.isoformat()
    if table == "allocations":
        # Only what can matter on the day: allocations open then, and broken ones
        # (ending before they start, or with no start) so they are reported as problems.
        sql += (
            f" WHERE (start_date <= '{day}' AND (end_date IS NULL OR end_date > '{day}'))"
            " OR end_date < start_date OR start_date IS NULL"
        )
    elif table == "cases":
        # Cases open on the day; closed ones that a loaded allocation points at are
        # fetched afterwards (`_referenced_cases`). Years of closed cases stay on disk.
        sql += (
            f" WHERE (opened_on <= '{day}' AND (closed_on IS NULL OR closed_on > '{day}'))"
            " OR opened_on IS NULL"
        )
    return sql + " ORDER BY id"


def _fits(value: object, kind: str, dtype: pl.DataType) -> bool:
    if dtype == pl.Date():
        if kind != "text" or not isinstance(value, str) or len(value) != 10:
            return False
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return False
        return True
    if dtype == pl.Int64():
        return kind == "integer"
    if dtype == pl.Float64():
        return kind in ("integer", "real")
    return kind == "text"


_WANTED = {pl.Date(): "an ISO date (YYYY-MM-DD)", pl.Int64(): "a whole number"}


def _diagnose(connection: sqlite3.Connection, path: Path, table: str) -> StoreError | None:
    """Find the first value that does not fit the contract's type.

    Runs only after a fast load has failed, so a plain scan is fine here. Text is read
    as bytes: a value that is not valid UTF-8 is named by its place, never shown.
    """
    previous = connection.text_factory
    connection.text_factory = bytes
    try:
        for column, dtype in FRAME_SCHEMAS[table].items():
            query = f"SELECT id, {column}, typeof({column}) FROM {table} WHERE {column} IS NOT NULL"
            for row_id, value, kind in connection.execute(query):
                place = f"{path}: table {table}, row id {row_id}, column {column}"
                kind = kind.decode("ascii") if isinstance(kind, bytes) else kind
                if isinstance(value, bytes):
                    try:
                        value = value.decode("utf-8")
                    except UnicodeDecodeError:
                        return StoreError(f"{place}: holds text that is not valid UTF-8.")
                if not _fits(value, kind, dtype):
                    wanted = _WANTED.get(dtype, "a number" if dtype == pl.Float64() else "text")
                    if dtype == pl.String() or kind == "blob":
                        # Text columns hold names and references: say what it is, not what.
                        return StoreError(f"{place}: holds {kind} data, not {wanted}.")
                    shown = visible(repr(value))
                    shown = shown if len(shown) <= 40 else shown[:39] + "…"
                    return StoreError(f"{place}: {shown} is not {wanted}.")
    finally:
        connection.text_factory = previous
    return None


SMALL_DATABASE_BYTES = 32 * 2**20
"""Up to this size, tables are read with the standard library's sqlite3. connectorx
hands Polars its rows through pyarrow, and importing pyarrow and numpy (~0.2 s) costs
more than reading a council's rows takes; on a region's database connectorx wins."""

_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def _checked_dates(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Dates exactly as the contract stores them (`YYYY-MM-DD`), whichever reader read them.

    Polars' own string-to-date cast accepts `2019-1-1` and `+2019-11-11`; the check is
    made here, once, so a large database (connectorx) refuses what a small one refuses.
    """
    for name, dtype in schema.items():
        if dtype != pl.Date() or name not in frame.columns:
            continue
        column = frame.get_column(name)
        if column.dtype == pl.Date():
            continue
        text = column.cast(pl.String, strict=True)
        values = text.drop_nulls()
        if not values.str.contains(_ISO_DATE).all():
            raise ValueError(f"column {name} holds a value that is not an ISO date")
        frame = frame.with_columns(text.str.to_date("%Y-%m-%d", strict=True).alias(name))
    return frame


def _read_with_sqlite(
    connection: sqlite3.Connection, query: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Rows through sqlite3, typed as strictly as connectorx types them (or an error)."""
    rows = connection.execute(query).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    series = []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        raw = pl.String() if dtype == pl.Date() else dtype
        series.append(pl.Series(name, list(values), dtype=raw, strict=True))
    return pl.DataFrame(series)


_ISO_GLOB = "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"


def _dates_fit_in_sql(connection: sqlite3.Connection, table: str, names: Sequence[str]) -> bool:
    """The contract's date rule asked of SQLite, one scan per table, for connectorx reads.

    connectorx parses a column declared DATE itself and accepts `2019-1-1`, `+2019-11-11`;
    this asks the same question `_checked_dates` asks of the small-file reader's text.
    """
    dates = [name for name in names if FRAME_SCHEMAS[table][name] == pl.Date()]
    if not dates:
        return True
    bad = " OR ".join(
        f"({name} IS NOT NULL AND NOT (typeof({name}) = 'text' AND length({name}) = 10 "
        f"AND {name} GLOB '{_ISO_GLOB}'))"
        for name in dates
    )
    return connection.execute(f"SELECT 1 FROM {table} WHERE {bad} LIMIT 1").fetchone() is None


def _read_with_connectorx(path: Path, query: str) -> pl.DataFrame:
    import connectorx

    url = "sqlite://" + urllib.parse.quote(reading_uri(path), safe="")
    return connectorx.read_sql(url, query, return_type="polars")


class _ChangedWhileReading(Exception):
    """A WAL database changed between connectorx's reads: read it all again."""


READ_ATTEMPTS = 3


class ReadSession:
    """Every read of one load through one connection inside one read transaction.

    Tables read one by one through their own connections can mix two states of a
    database that an import is committing (names from before, allocations from after).
    Here every table, and the history, comes from one snapshot: SQLite's read
    transaction holds it. Large databases are read by connectorx, which opens its own
    connections; in rollback-journal mode (what `import` leaves) the held read lock
    keeps a writer from committing meanwhile, and in WAL mode the file is compared
    before and after and the load is made again if it changed.
    """

    def __init__(self, path: Path, connection: sqlite3.Connection, source: Source) -> None:
        self.path = path
        self.connection = connection
        self.source = source
        self._large = source.size > SMALL_DATABASE_BYTES
        self._signature = file_signature(path)

    def _read_table(
        self,
        table: str,
        as_of: dt.date | None,
        *,
        sql: str | None = None,
        columns: Sequence[str] | None = None,
        worker_ids: Sequence[int] | None = None,
    ) -> pl.DataFrame:
        """One table (or `sql` over it), typed by the contract; `columns` narrows it."""
        schema = {
            name: dtype
            for name, dtype in FRAME_SCHEMAS[table].items()
            if columns is None or name in columns
        }
        query = sql or _select(table, as_of, list(schema), worker_ids)
        try:
            if self._large:
                if not _dates_fit_in_sql(self.connection, table, list(schema)):
                    raise ValueError(f"table {table} holds a value that is not an ISO date")
                frame = _read_with_connectorx(self.path, query)
            else:
                frame = _read_with_sqlite(self.connection, query, schema)
            if frame.is_empty():
                return pl.DataFrame(schema=schema)
            frame = _checked_dates(frame, schema)
            return frame.select(
                pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items()
            )
        except StoreError:
            raise
        except Exception as error:
            try:
                diagnosis = _diagnose(self.connection, self.path, table)
            except sqlite3.Error as sqlite_error:
                raise _explain(self.path, sqlite_error) from None
            raise (diagnosis or _explain(self.path, error)) from None

    def load_frames(
        self,
        *,
        as_of: dt.date | None = None,
        columns: Mapping[str, Sequence[str]] | None = None,
        worker_ids: Sequence[int] | None = None,
    ) -> Frames:
        """Every table, as `load_frames` describes, from this session's snapshot."""
        wanted = columns or {}
        frames = {
            table: self._read_table(table, as_of, columns=wanted.get(table), worker_ids=worker_ids)
            for table in TABLE_NAMES
        }
        if as_of is not None:
            frames["allocations"] = self._with_waiting_history(frames, as_of)
            frames["cases"] = self._with_referenced_cases(frames["cases"], frames["allocations"])
        if self._large and file_signature(self.path) != self._signature and _is_wal(self.path):
            raise _ChangedWhileReading
        return Frames(source=self.source, **frames)

    def _with_waiting_history(self, frames: dict[str, pl.DataFrame], day: dt.date) -> pl.DataFrame:
        """Add the ended allocations of the cases open on `day` with nobody in post allocated:
        they say since when each has waited, and who held it last. Found by case id through
        the allocations' case index, so only those few cases' histories are read."""
        allocations = frames["allocations"]
        when = pl.lit(day, dtype=pl.Date)

        def open_then(start: str, end: str) -> pl.Expr:
            return (pl.col(start) <= when) & (pl.col(end).is_null() | (pl.col(end) > when))

        in_post = frames["workers"].filter(open_then("start_date", "end_date")).get_column("id")
        held = allocations.filter(
            open_then("start_date", "end_date") & pl.col("worker_id").is_in(in_post.implode())
        ).get_column("case_id")
        waiting = (
            frames["cases"]
            .filter(open_then("opened_on", "closed_on") & ~pl.col("id").is_in(held.implode()))
            .get_column("id")
            .sort()
        )
        if waiting.is_empty():
            return allocations
        columns = ", ".join(FRAME_SCHEMAS["allocations"])
        ids = ", ".join(str(int(case_id)) for case_id in waiting)  # whole numbers, made here
        sql = (
            f"SELECT {columns} FROM allocations WHERE case_id IN ({ids})"
            f" AND end_date <= '{day.isoformat()}' AND end_date >= start_date ORDER BY id"
        )
        ended = self._read_table("allocations", None, sql=sql)
        return pl.concat([allocations, ended]).sort("id")

    def _with_referenced_cases(
        self, cases: pl.DataFrame, allocations: pl.DataFrame
    ) -> pl.DataFrame:
        """Add the (closed or not yet open) cases that loaded allocations point at.

        They are what the problems list names ("allocated to a closed case"); usually none.
        """
        wanted = (
            allocations.select(pl.col("case_id").alias("id"))
            .unique()
            .join(cases.select("id"), on="id", how="anti")
            .sort("id")
        )
        if wanted.is_empty():
            return cases
        columns = ", ".join(FRAME_SCHEMAS["cases"])
        ids = ", ".join(str(case_id) for case_id in wanted["id"])
        sql = f"SELECT {columns} FROM cases WHERE id IN ({ids}) ORDER BY id"
        extra = self._read_table("cases", None, sql=sql)
        return pl.concat([cases, extra]).sort("id")


@contextlib.contextmanager
def read_session(path: Path | str, *, is_demo: bool = False) -> Iterator[ReadSession]:
    """Open `path` read-only and hold one read transaction while the caller reads."""
    db_path = Path(path)
    stat = _check_file(db_path)
    try:
        connection = sqlite3.connect(
            reading_uri(db_path), uri=True, timeout=LOCK_WAIT_SECONDS, isolation_level=None
        )
    except sqlite3.Error as error:
        raise _explain(db_path, error) from None
    try:
        try:
            connection.execute("BEGIN")
            source = _inspect_with(connection, db_path, stat, is_demo)
        except sqlite3.Error as error:
            raise _explain(db_path, error) from None
        yield ReadSession(db_path, connection, source)
    finally:
        with contextlib.suppress(sqlite3.Error):
            connection.execute("ROLLBACK")
        connection.close()


def read_consistently(
    path: Path | str, read: Callable[[ReadSession], _T], *, is_demo: bool = False
) -> _T:
    """`read(session)` in one read transaction, made again if a WAL database changed."""
    for attempt in range(READ_ATTEMPTS):
        try:
            with read_session(path, is_demo=is_demo) as session:
                return read(session)
        except _ChangedWhileReading:
            if attempt == READ_ATTEMPTS - 1:
                raise StoreError(
                    f"{path}: kept changing while it was read; try again when the import "
                    "writing to it has finished."
                ) from None
    raise AssertionError("unreachable")


def load_frames(
    path: Path | str,
    *,
    as_of: dt.date | None = None,
    is_demo: bool = False,
    columns: Mapping[str, Sequence[str]] | None = None,
    worker_ids: Sequence[int] | None = None,
) -> Frames:
    """Load every table in one read transaction. With `as_of`, only the allocations and
    cases that matter then.

    `columns` narrows some tables to the columns a computation needs (the trend reads
    millions of allocations and cases, but not their references or types); `worker_ids`
    (whole history only) keeps just those workers' allocations and the cases they hold.
    """
    return read_consistently(
        path,
        lambda session: session.load_frames(as_of=as_of, columns=columns, worker_ids=worker_ids),
        is_demo=is_demo,
    )
