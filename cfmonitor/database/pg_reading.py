"""Read a cfmonitor database on PostgreSQL: the same Polars frames as the SQLite reader.

One connection per load, read-only (`default_transaction_read_only=on`), and one
`REPEATABLE READ` transaction around everything a load reads, so an import committing
meanwhile cannot mix two states of the data. The server types every column (the DDL
says DATE, BIGINT, DOUBLE PRECISION), so the frames need no second check of their
values, only of their types.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS, TABLE_NAMES, VERSION_TABLE
from cfmonitor.data.freshness import LastImport
from cfmonitor.data.reading import ReadSession
from cfmonitor.data.store import Frames, Source
from cfmonitor.database.connection import PostgresError, connect, explain
from cfmonitor.database.location import PostgresLocation

READABLE_VERSIONS = (2,)
"""PostgreSQL databases began at version 2 (with `imports`): there is no version 1."""
METADATA_TABLES = ("imports",)
SPAN_TABLES = ("workers", "reductions", "cases")
PLANNED_DATES = {("workers", "end_date"), ("reductions", "end_date")}
"""As the SQLite reader: leaving dates and the ends of protected time lie ahead."""


@dataclass(frozen=True)
class PostgresSource(Source):
    """A `Source` named by the database's label (never its password)."""

    where: str = ""

    @property
    def label(self) -> str:
        return f"DEMO DATA ({self.where})" if self.is_demo else self.where


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


class PostgresReadSession(ReadSession):
    """Every read of one load through one connection inside one read transaction.

    The SQLite session's reading plan (the day's rows, the waiting cases' histories,
    then the rest of the history) over PostgreSQL's tables: only how a table is read
    differs. REPEATABLE READ holds one state of the data for the whole load, so there
    is nothing to compare afterwards and nothing to read again.
    """

    def __init__(self, location: PostgresLocation, *, is_demo: bool = False) -> None:
        # The SQLite session's own __init__ opens a file: this one opens a connection.
        self.location = location
        self.path = Path(location.label)
        connection = connect(location, read_only=True)
        self._reader = _Reader(location, connection)
        try:
            self._reader.run("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            self.source = _inspect(self._reader, location, is_demo)
        except BaseException:
            self.close()
            raise
        self._large = False
        self._signature = None
        self._day = None
        self._day_rows = {}
        self._day_frames = None
        self._history = None

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self._reader.run("ROLLBACK")
        with contextlib.suppress(Exception):
            self._reader.connection.close()

    def _read_table(
        self, table: str, *, where: str | None = None, columns: Sequence[str] | None = None
    ) -> pl.DataFrame:
        schema = {
            name: dtype
            for name, dtype in FRAME_SCHEMAS[table].items()
            if columns is None or name in columns
        }
        if where is not None:
            # The SQLite rule's "not chosen" is `IS NOT 1`; PostgreSQL's boolean says TRUE.
            where = where.replace(" IS NOT 1", " IS NOT TRUE")
        sql = f"SELECT {', '.join(schema)} FROM {table}" + (f" WHERE {where}" if where else "")
        if "id" not in schema:
            return self._reader.frame(table, sql + " ORDER BY id", schema)
        # In id order, as the SQLite reader gives them. Sorted here, not by the server: a
        # whole table comes back in the order it was written (already sorted, checked in
        # one pass), where the server would sort millions of rows before sending the first.
        frame = self._reader.frame(table, sql, schema)
        return frame if frame["id"].is_sorted() else frame.sort("id")

    def _check_unchanged(self) -> None:
        """Nothing to check: the transaction's snapshot cannot change under it."""

    def _id_set(self, name: str, ids: pl.Series) -> str:
        """The ids listed: a read role makes no temporary table (whole numbers, made here)."""
        return ", ".join(str(int(found)) for found in ids.drop_nulls().unique().sort())


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
        return session.source


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
