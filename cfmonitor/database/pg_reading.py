"""Read a cfmonitor database on PostgreSQL: the same Polars frames as the SQLite reader.

One connection per load, read-only (`default_transaction_read_only=on`), and one
`REPEATABLE READ` transaction around everything a load reads, so an import committing
meanwhile cannot mix two states of the data. The server types every column (the DDL
says DATE, BIGINT, DOUBLE PRECISION), so the frames need no second check of their
values, only of their types.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cfmonitor.data.freshness import LastImport
from cfmonitor.data.store import FRAME_SCHEMAS, TABLE_NAMES, Frames, Source
from cfmonitor.database.connection import PostgresError, connect, explain
from cfmonitor.database.location import PostgresLocation

SCHEMA_VERSION = 2
"""The version this build writes; kept in step with data/schema.py by a test."""
READABLE_VERSIONS = (2,)
"""PostgreSQL databases began at version 2 (with `imports`): there is no version 1."""
VERSION_TABLE = "cfmonitor_schema"
METADATA_TABLES = ("imports",)
SPAN_TABLES = ("workers", "reductions", "cases")
PLANNED_DATES = {("workers", "end_date"), ("reductions", "end_date")}
"""As the SQLite reader: leaving dates and the ends of protected time lie ahead."""
QUICK_CHECK_NOTE = (
    "quick_check: no counterpart on PostgreSQL (the server keeps its own files sound)"
)


@dataclass(frozen=True)
class PostgresSource(Source):
    """A `Source` named by the database's label (never its password)."""

    where: str = ""

    @property
    def label(self) -> str:
        return f"DEMO DATA ({self.where})" if self.is_demo else self.where


DAY_ROWS = {
    "allocations": (
        "(start_date <= DATE '{day}' AND (end_date IS NULL OR end_date > DATE '{day}'))"
        " OR end_date < start_date OR start_date IS NULL"
    ),
    "cases": (
        "(opened_on <= DATE '{day}' AND (closed_on IS NULL OR closed_on > DATE '{day}'))"
        " OR opened_on IS NULL"
    ),
}
"""The rows of the big tables a day's snapshot reads (the SQLite reader's rule)."""


class _Reader:
    """Queries on one connection, answered as Arrow and turned into Polars frames."""

    def __init__(self, location: PostgresLocation, connection: Any) -> None:
        self.location = location
        self.connection = connection

    def rows(self, sql: str) -> list[tuple[Any, ...]]:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
                return list(cursor.fetchall())
        except Exception as error:
            raise explain(self.location, error) from None

    def run(self, sql: str) -> None:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
        except Exception as error:
            raise explain(self.location, error) from None

    def frame(self, table: str, sql: str, schema: dict[str, pl.DataType]) -> pl.DataFrame:
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(sql)
                arrow = cursor.fetch_arrow_table()
        except Exception as error:
            raise explain(self.location, error) from None
        frame = pl.from_arrow(arrow)
        assert isinstance(frame, pl.DataFrame)
        if frame.is_empty():
            return pl.DataFrame(schema=schema)
        try:
            return frame.select(
                pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items()
            )
        except (pl.exceptions.PolarsError, ValueError):
            kinds = ", ".join(f"{name} {frame.schema[name]}" for name in schema)
            raise PostgresError(
                f"{self.location.label}: table {table} does not have cfmonitor's column "
                f"types ({kinds}); create it with `cfmonitor init`."
            ) from None


def _tables(reader: _Reader) -> dict[str, bool]:
    """cfmonitor's tables on the search path, each with whether this user may read it
    (pg_class lists tables whatever the grants; information_schema would hide them)."""
    wanted = ", ".join(f"'{name}'" for name in (*TABLE_NAMES, *METADATA_TABLES, VERSION_TABLE))
    rows = reader.rows(
        "SELECT c.relname, has_table_privilege(c.oid, 'SELECT') FROM pg_class c "
        "JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = ANY (current_schemas(false)) AND c.relkind IN ('r', 'p', 'v', 'm') "
        f"AND c.relname IN ({wanted})"
    )
    return {str(name): bool(readable) for name, readable in rows}


def _last_import(reader: _Reader) -> LastImport | None:
    rows = reader.rows(
        "SELECT source, extract_date, imported_at FROM imports ORDER BY id DESC LIMIT 1"
    )
    if not rows:
        return None
    source, extract_date, imported_text = rows[0]
    try:
        imported_at = dt.datetime.fromisoformat(str(imported_text)).astimezone(dt.UTC)
    except ValueError:
        return None
    extract = extract_date if isinstance(extract_date, dt.date) else None
    return LastImport(source=str(source), extract_date=extract, imported_at=imported_at)


def _date_span(reader: _Reader) -> tuple[dt.date | None, dt.date | None]:
    firsts: list[dt.date] = []
    lasts: list[dt.date] = []
    for table in SPAN_TABLES:
        dates = [name for name, dtype in FRAME_SCHEMAS[table].items() if dtype == pl.Date()]
        ends = ", ".join(f"MIN({name}), MAX({name})" for name in dates)
        (row,) = reader.rows(f"SELECT {ends} FROM {table}")
        for index, name in enumerate(dates):
            low, high = row[2 * index], row[2 * index + 1]
            firsts += [low] if isinstance(low, dt.date) else []
            if (table, name) not in PLANNED_DATES and isinstance(high, dt.date):
                lasts.append(high)
    return (min(firsts, default=None), max(lasts, default=None))


SIGNATURE_SQL = (
    "SELECT (SELECT COALESCE(MAX(id), 0) FROM imports), "
    "(SELECT COALESCE(SUM(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables "
    "WHERE relname IN ({tables}))"
)
"""What moves when anything writes the tables: the latest import's id, and the server's
own count of rows inserted, updated and deleted (no scan of the tables; counted after
each transaction ends, so a reload may come a second late)."""


def _signature(reader: _Reader) -> tuple[int, int]:
    tables = ", ".join(f"'{name}'" for name in (*TABLE_NAMES, *METADATA_TABLES))
    ((latest, changes),) = reader.rows(SIGNATURE_SQL.format(tables=tables))
    return (int(latest), int(changes))


def _inspect(reader: _Reader, location: PostgresLocation, is_demo: bool) -> PostgresSource:
    where = location.label
    tables = _tables(reader)
    if not set(TABLE_NAMES) & set(tables):
        raise PostgresError(
            f"{where}: has none of cfmonitor's tables; create them with `cfmonitor init {where}`."
        )
    if VERSION_TABLE not in tables:
        raise PostgresError(
            f"{where}: has no {VERSION_TABLE} table, so its schema version is unknown; "
            "create the tables with `cfmonitor init` (see db/schema.postgresql.sql)."
        )
    for name in (VERSION_TABLE, *TABLE_NAMES, *METADATA_TABLES):
        if name in tables and not tables[name]:
            raise PostgresError(
                f"{where}: user {location.user or 'this user'} may not read table {name}; "
                "grant it SELECT (see the README, 'On PostgreSQL')."
            )
    rows = reader.rows(f"SELECT version, demo FROM {VERSION_TABLE}")
    if len(rows) != 1:
        raise PostgresError(f"{where}: {VERSION_TABLE} must hold exactly one row.")
    version, marked_demo = int(rows[0][0]), bool(rows[0][1])
    if version not in READABLE_VERSIONS:
        readable = " and ".join(str(number) for number in READABLE_VERSIONS)
        raise PostgresError(
            f"{where}: has schema version {version}; this cfmonitor reads version {readable}."
        )
    missing = [name for name in (*TABLE_NAMES, *METADATA_TABLES) if name not in tables]
    if missing:
        raise PostgresError(f"{where}: is missing the table(s) {', '.join(missing)}.")
    first_day, last_day = _date_span(reader)
    signature = _signature(reader)
    return PostgresSource(
        path=Path(location.database or "postgresql"),
        is_demo=is_demo or marked_demo,
        schema_version=version,
        modified_ns=signature[0],
        size=signature[1],
        last_import=_last_import(reader),
        first_day=first_day,
        last_day=last_day,
        where=where,
    )


class PostgresReadSession:
    """Every read of one load through one connection inside one read transaction."""

    def __init__(self, location: PostgresLocation, *, is_demo: bool = False) -> None:
        self.location = location
        connection = connect(location, read_only=True)
        self._reader = _Reader(location, connection)
        try:
            self._reader.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self.source = _inspect(self._reader, location, is_demo)
        except BaseException:
            self.close()
            raise
        self._day: dt.date | None = None
        self._day_frames: Frames | None = None
        self._history: Frames | None = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._reader.run("ROLLBACK")
        with contextlib.suppress(Exception):
            self._reader.connection.close()

    def read_table(
        self, table: str, *, where: str | None = None, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        schema = {
            name: dtype
            for name, dtype in FRAME_SCHEMAS[table].items()
            if columns is None or name in columns
        }
        sql = f"SELECT {', '.join(schema)} FROM {table}"
        sql += (f" WHERE {where}" if where else "") + " ORDER BY id"
        return self._reader.frame(table, sql, schema)

    def load_frames(self, *, columns: Mapping[str, Sequence[str]] | None = None) -> Frames:
        """Every table whole (`columns` narrows some tables)."""
        wanted = columns or {}
        frames = {table: self.read_table(table, columns=wanted.get(table)) for table in TABLE_NAMES}
        return Frames(source=self.source, **frames)

    def load_day(self, day: dt.date) -> Frames:
        """What a day's snapshot needs, as the SQLite reader's `load_day`."""
        text = day.isoformat()
        frames = {
            table: self.read_table(
                table, where=DAY_ROWS[table].format(day=text) if table in DAY_ROWS else None
            )
            for table in TABLE_NAMES
        }
        frames["allocations"] = self._with_waiting_history(frames, day)
        frames["cases"] = self._with_referenced_cases(frames["cases"], frames["allocations"])
        self._day = day
        self._day_frames = Frames(source=self.source, **frames)
        return self._day_frames

    def _with_waiting_history(self, frames: dict[str, pl.DataFrame], day: dt.date) -> pl.DataFrame:
        """The ended allocations of the cases open on `day` with nobody in post allocated."""
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
        ids = ", ".join(str(int(case_id)) for case_id in waiting)  # whole numbers, made here
        where = (
            f"case_id IN ({ids}) AND end_date <= DATE '{day.isoformat()}' "
            "AND end_date >= start_date"
        )
        ended = self.read_table("allocations", where=where)
        return pl.concat([allocations, ended]).sort("id")

    def _with_referenced_cases(
        self, cases: pl.DataFrame, allocations: pl.DataFrame
    ) -> pl.DataFrame:
        wanted = (
            allocations.select(pl.col("case_id").alias("id"))
            .unique()
            .join(cases.select("id"), on="id", how="anti")
            .sort("id")
        )
        if wanted.is_empty():
            return cases
        ids = ", ".join(str(int(case_id)) for case_id in wanted["id"])
        extra = self.read_table("cases", where=f"id IN ({ids})")
        return pl.concat([cases, extra]).sort("id")


@contextlib.contextmanager
def read_session(
    location: PostgresLocation, *, is_demo: bool = False
) -> Iterator[PostgresReadSession]:
    session = PostgresReadSession(location, is_demo=is_demo)
    try:
        yield session
    finally:
        session.close()


def load_frames(
    location: PostgresLocation,
    *,
    as_of: dt.date | None = None,
    is_demo: bool = False,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Frames:
    """Every table (or, with `as_of`, what the day needs) in one read transaction."""
    with read_session(location, is_demo=is_demo) as session:
        return session.load_frames(columns=columns) if as_of is None else session.load_day(as_of)


def inspect(location: PostgresLocation, *, is_demo: bool = False) -> Source:
    with read_session(location, is_demo=is_demo) as session:
        return dataclasses.replace(session.source)


def signature(location: PostgresLocation) -> tuple[int, int] | None:
    """What changes when another program writes the tables (None: cannot be reached)."""
    try:
        connection = connect(location, read_only=True)
    except PostgresError:
        return None
    reader = _Reader(location, connection)
    try:
        return _signature(reader)
    except PostgresError:
        return None
    finally:
        with contextlib.suppress(Exception):
            connection.close()
