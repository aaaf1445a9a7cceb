"""One table's rows as a typed Polars frame: through sqlite3, or through ADBC's driver.

`reading.ReadSession` decides which reader a load uses and holds the transaction; this
module knows how each reader turns rows into the contract's types, and how a value that
does not fit is named (its place, never a name or a reference).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS
from cfmonitor.data.store import StoreError, reading_uri
from cfmonitor.safe_text import visible


def select_sql(table: str, columns: Sequence[str], where: str | None) -> str:
    sql = f"SELECT {', '.join(columns)} FROM {table}"
    return sql + (f" WHERE {where}" if where else "") + " ORDER BY id"


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


def diagnose(connection: sqlite3.Connection, path: Path, table: str) -> StoreError | None:
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


_ISO_DATE = r"^\d{4}-\d{2}-\d{2}$"


def checked_dates(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Dates exactly as the contract stores them (`YYYY-MM-DD`), whichever reader read them.

    Polars' own string-to-date cast accepts `2019-1-1` and `+2019-11-11`; the check is
    made here, once, so a large database (the Arrow reader) refuses what a small one refuses.
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


def read_with_sqlite(
    connection: sqlite3.Connection, query: str, schema: dict[str, pl.DataType]
) -> pl.DataFrame:
    """Rows through sqlite3, typed strictly by the contract (or an error)."""
    rows = connection.execute(query).fetchall()
    columns = list(zip(*rows, strict=True)) if rows else [()] * len(schema)
    series = []
    for (name, dtype), values in zip(schema.items(), columns, strict=True):
        raw = pl.String() if dtype == pl.Date() else dtype
        series.append(pl.Series(name, list(values), dtype=raw, strict=True))
    return pl.DataFrame(series)


def as_text(column: str) -> str:
    """A date column as the Arrow reader is to read it: the stored text, '' for NULL, and
    'x' for anything that is not text (or is empty), so `checked_dates` refuses it.

    Read as text, the contract's rule is asked once, by `checked_dates`, for both
    readers, without another scan of the table. (An expression never NULL keeps the
    driver's type guess, made from the first rows, a string.)"""
    return (
        f"CASE WHEN {column} IS NULL THEN '' WHEN typeof({column}) = 'text' AND {column} <> '' "
        f"THEN {column} ELSE 'x' END AS {column}"
    )


def dates_from_text(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    """Undo `as_text`'s NULL marker ('' back to null)."""
    dates = [name for name, dtype in schema.items() if dtype == pl.Date()]
    return frame.with_columns(
        pl.when(pl.col(name) != "").then(pl.col(name)).alias(name) for name in dates
    )


BATCH_ROWS_OPTION = "adbc.sqlite.query.batch_rows"
BATCH_ROWS = 65_536
"""Rows per Arrow batch. The driver's default (1,024) leaves a large table in thousands
of chunks, each with its own buffers: England's cases took 1.2 GiB for 0.3 GiB of data."""


class ArrowReader:
    """SQLite's rows straight into Polars as Arrow, through ADBC's SQLite driver.

    Polars takes the driver's stream through the Arrow PyCapsule interface, so neither
    pyarrow nor NumPy is imported (connectorx needed both, ~0.3 s before reading a row).
    One connection per load, opened on first use, read-only like the load's own."""

    def __init__(self, path: Path) -> None:
        import adbc_driver_sqlite
        from adbc_driver_manager import _lib

        self._lib = _lib
        self._database = _lib.AdbcDatabase(
            driver=adbc_driver_sqlite._driver_path(), uri=reading_uri(path)
        )
        self._connection = _lib.AdbcConnection(self._database)

    def read(self, query: str) -> pl.DataFrame:
        statement = self._lib.AdbcStatement(self._connection)
        try:
            statement.set_options(**{BATCH_ROWS_OPTION: str(BATCH_ROWS)})
            statement.set_sql_query(query)
            stream, _ = statement.execute_query()
            return pl.DataFrame(stream)
        finally:
            statement.close()

    def run(self, sql: str, parameters: pl.DataFrame | None = None) -> None:
        """A statement that returns no rows (on this connection's temporary tables)."""
        statement = self._lib.AdbcStatement(self._connection)
        try:
            statement.set_sql_query(sql)
            if parameters is not None:
                statement.bind_stream(parameters)
            statement.execute_update()
        finally:
            statement.close()

    def close(self) -> None:
        for handle in (self._connection, self._database):
            with contextlib.suppress(Exception):
                handle.close()


def typed(frame: pl.DataFrame, schema: dict[str, pl.DataType]) -> pl.DataFrame:
    return frame.select(pl.col(name).cast(dtype, strict=True) for name, dtype in schema.items())
