"""Read a database's tables as typed Polars frames, all inside one read transaction.

A load is a `ReadSession`: it begins a read transaction, reads the day's rows (the
snapshot's), and afterwards, when weeks over or the series need them, the rest of the
history, so every row is read once and all from one state of the file. An import
committing meanwhile waits for the transaction to end (rollback journal), or, in WAL
mode, is noticed and the load made again.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS, HISTORY_COLUMNS, TABLE_NAMES
from cfmonitor.data.store import (
    Frames,
    Source,
    StoreError,
    close_transaction,
    explain,
    file_signature,
    is_wal,
    open_transaction,
)
from cfmonitor.data.table_reads import (
    ArrowReader,
    as_text,
    checked_dates,
    dates_from_text,
    diagnose,
    read_with_sqlite,
    select_sql,
    typed,
)

if TYPE_CHECKING:
    from concurrent.futures import Future

_T = TypeVar("_T")

DAY_ROWS = {
    # Only what can matter on the day: allocations open then, and broken ones (ending
    # before they start, or with no start) so they are reported as problems. Open means
    # started by the day and not ended by it, written with the end first: SQLite's pass
    # over the table then turns down the many long-ended rows without comparing their
    # start (England: 0.6 s against 1.0 s for the same rows).
    "allocations": (
        "(end_date IS NULL AND start_date <= '{day}')"
        " OR (end_date > '{day}' AND start_date <= '{day}')"
        " OR end_date < start_date OR start_date IS NULL"
    ),
    # Cases open on the day (and undated ones, a problem); closed ones that a loaded
    # allocation points at are fetched afterwards. Years of closed cases stay on disk.
    # The close first, for the same reason (0.45 s against 0.9 s).
    "cases": (
        "(closed_on IS NULL AND opened_on <= '{day}')"
        " OR (closed_on > '{day}' AND opened_on <= '{day}') OR opened_on IS NULL"
    ),
}
"""The rows of the big tables a day's snapshot reads; the other tables are read whole.
The rest of the history is the same condition's complement (`IS NOT 1`: false or null)."""


WINDOW_ROWS = {
    # A row counts at a sample date d when it started by d and ends after it (half-open):
    # from `since` (the `{day}` here) on, only the rows ending after it, or never, can count.
    "allocations": "end_date > '{day}' OR end_date IS NULL",
    "cases": "closed_on > '{day}' OR closed_on IS NULL",
}
"""The rows of the big tables a series from `since` on reads (`ReadSession.load_window`);
the other tables are read whole. England, two years of six: under half the rows."""


def _chosen(rows: Mapping[str, str], table: str, date: dt.date, *, rest: bool) -> str | None:
    """`rows`' condition for `table` at `date` (or, with `rest`, its complement: false or
    null); None for a table `rows` does not narrow (read whole)."""
    if table not in rows:
        return None
    condition = rows[table].format(day=date.isoformat())
    return f"({condition}) IS NOT 1" if rest else condition


def _window(table: str, since: dt.date, *, before: bool = False) -> str | None:
    """The condition choosing a table's rows that can count on or after `since` (or,
    with `before`, those that cannot); None for the whole table."""
    return _chosen(WINDOW_ROWS, table, since, rest=before)


TableRead = tuple[str | None, Sequence[str] | None]
"""What `ReadSession._read_tables` reads of a table: the rows `where` chooses, `columns`
(None: all of them)."""

BESIDE = "cases"
"""The table a large file's load reads on a second connection, beside the others."""


def _schema(table: str, columns: Sequence[str] | None) -> dict[str, pl.DataType]:
    """The contract's types of `table`'s `columns` (None: all), in the table's order."""
    return {
        name: dtype
        for name, dtype in FRAME_SCHEMAS[table].items()
        if columns is None or name in columns
    }


def _where(table: str, day: dt.date | None, *, rest: bool = False) -> str | None:
    """The condition choosing a table's rows for `day` (or, with `rest`, all the others);
    None for the whole table."""
    return None if day is None else _chosen(DAY_ROWS, table, day, rest=rest)


SMALL_DATABASE_BYTES = 4 * 2**20
"""Up to this size, tables are read with the standard library's sqlite3 (strict, and
nothing more to import); above it, by ADBC's SQLite driver into Arrow (`ArrowReader`):
importing it costs ~10 ms, and it reads a council's history several times faster."""


class ChangedWhileReading(Exception):
    """A WAL database changed between the Arrow reader's reads: read it all again."""


READ_ATTEMPTS = 3


class ReadSession:
    """Every read of one load through one connection inside one read transaction.

    Tables read one by one through their own connections can mix two states of a
    database that an import is committing (names from before, allocations from after).
    Here every table, and the history, comes from one snapshot: SQLite's read
    transaction holds it. Large databases are read by ADBC's driver, which opens its own
    connections; in rollback-journal mode (what `import` leaves) the held read lock
    keeps a writer from committing meanwhile, and in WAL mode the file is compared
    before and after and the load is made again if it changed.
    """

    def __init__(self, path: Path, *, is_demo: bool = False) -> None:
        self.path = path
        self.connection, source = open_transaction(path)
        self.source = source if not is_demo or source.is_demo else _as_demo(source)
        self._large = source.size > SMALL_DATABASE_BYTES
        self._signature = file_signature(path)
        self._day: dt.date | None = None
        self._day_rows: dict[str, pl.DataFrame] = {}
        """The big tables' rows chosen by `DAY_ROWS` (before the few extra ones)."""
        self._day_frames: Frames | None = None
        self._history: Frames | None = None
        self._kept: dict[str, list[int]] = {}
        """Temporary tables of ids (`_keep_ids`), by name."""
        self._kept_on_connection: set[str] = set()

    _arrow: ArrowReader | None = None
    _arrow_beside: ArrowReader | None = None
    """A second connection of the driver's, for reading the cases beside the others."""

    def close(self) -> None:
        """End the read transaction (what was read stays readable)."""
        for arrow in (self._arrow, self._arrow_beside):
            if arrow is not None:
                arrow.close()
        self._arrow = self._arrow_beside = None
        close_transaction(self.connection)

    def _arrow_reader(self) -> ArrowReader:
        if self._arrow is None:
            self._arrow = ArrowReader(self.path)
        return self._arrow

    def _read_tables(self, wanted: Mapping[str, TableRead]) -> dict[str, pl.DataFrame]:
        """Each of the `wanted` tables' rows (`where`, `columns`), typed by the contract.

        On a large file the cases are read on a second connection, in a thread, while
        the other tables are read on this one: SQLite reads both big tables at once, one
        per core (England's two-year window: 3.8 s → 1.9 s). Both connections read under
        the load's read lock, and a WAL file is compared afterwards as for every read.
        Should the thread's read fail, the cases are read again here, the usual way,
        which falls back to sqlite3 and names what is wrong."""
        frames: dict[str, pl.DataFrame] = {}
        beside: Future[pl.DataFrame] | None = None
        if self._large and BESIDE in wanted:
            from concurrent.futures import ThreadPoolExecutor

            pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cfmonitor-read")
            beside = pool.submit(self._read_beside, BESIDE, *wanted[BESIDE])
            pool.shutdown(wait=False)
        try:
            for table, (where, columns) in wanted.items():
                if beside is None or table != BESIDE:
                    frames[table] = self._read_table(table, where=where, columns=columns)
        finally:
            if beside is not None:
                with suppress(Exception):
                    frames[BESIDE] = beside.result()
        if BESIDE in wanted and BESIDE not in frames:
            where, columns = wanted[BESIDE]
            frames[BESIDE] = self._read_table(BESIDE, where=where, columns=columns)
        return {table: frames[table] for table in wanted}

    def _read_beside(
        self, table: str, where: str | None, columns: Sequence[str] | None
    ) -> pl.DataFrame:
        if self._arrow_beside is None:
            self._arrow_beside = ArrowReader(self.path)
        return self._read_arrow(table, _schema(table, columns), where, self._arrow_beside)

    def _read_table(
        self,
        table: str,
        *,
        where: str | None = None,
        columns: Sequence[str] | None = None,
    ) -> pl.DataFrame:
        """A table's rows (those `where` chooses), typed by the contract; `columns`
        narrows it."""
        schema = _schema(table, columns)
        strict = select_sql(table, list(schema), where)
        try:
            if self._large:
                try:
                    return self._read_arrow(table, schema, where)
                except StoreError:
                    raise
                except Exception:
                    # The driver guesses each column's type from its first rows and
                    # refuses a column that changes type further on; sqlite3 is the judge.
                    pass
            self._put_on_connection(where)
            frame = read_with_sqlite(self.connection, strict, schema)
            if frame.is_empty():
                return pl.DataFrame(schema=schema)
            return typed(checked_dates(frame, schema), schema)
        except StoreError:
            raise
        except Exception as error:
            try:
                diagnosis = diagnose(self.connection, self.path, table)
            except sqlite3.Error as sqlite_error:
                raise explain(self.path, sqlite_error) from None
            raise (diagnosis or explain(self.path, error)) from None

    def _read_arrow(
        self,
        table: str,
        schema: dict[str, pl.DataType],
        where: str | None,
        reader: ArrowReader | None = None,
    ) -> pl.DataFrame:
        selected = [as_text(name) if dtype == pl.Date() else name for name, dtype in schema.items()]
        frame = (reader or self._arrow_reader()).read(select_sql(table, selected, where))
        if frame.is_empty():
            return pl.DataFrame(schema=schema)
        for name, dtype in schema.items():
            got = frame.schema[name]
            wanted = pl.String() if dtype == pl.Date() else dtype
            if got not in (wanted, pl.Null()) and not (dtype == pl.Float64() and got == pl.Int64()):
                raise TypeError(f"column {name} came back as {got}")  # sqlite3 says where
        frame = dates_from_text(frame, schema)
        return typed(checked_dates(frame, schema), schema)

    def _check_unchanged(self) -> None:
        if self._large and file_signature(self.path) != self._signature and is_wal(self.path):
            raise ChangedWhileReading

    def load_frames(self, *, columns: Mapping[str, Sequence[str]] | None = None) -> Frames:
        """Every table whole, every row of it (`columns` narrows some tables)."""
        wanted = columns or {}
        frames = self._read_tables({table: (None, wanted.get(table)) for table in TABLE_NAMES})
        self._check_unchanged()
        return Frames(source=self.source, **frames)

    def load_day(self, day: dt.date) -> Frames:
        """What a day's snapshot needs: the small tables whole; of the big ones the rows
        open on `day` or broken (`DAY_ROWS`), the ended allocations of the cases waiting
        for a worker then, and the cases the loaded allocations point at."""
        frames = self._read_tables({table: (_where(table, day), None) for table in TABLE_NAMES})
        self._day = day
        self._day_rows = {table: frames[table] for table in DAY_ROWS}
        frames["allocations"] = self._with_waiting_history(frames, day)
        frames["cases"] = self._with_referenced_cases(frames["cases"], frames["allocations"])
        self._check_unchanged()
        self._day_frames = Frames(source=self.source, **frames)
        return self._day_frames

    def load_history(self) -> Frames:
        """The whole history (the big tables in `HISTORY_COLUMNS`), for weeks over, the
        series and the direction of travel. After `load_day`, only the rows it did not
        choose are read: each row of the file is read once."""
        if self._history is not None:
            return self._history
        day_frames = self._day_frames
        if day_frames is None:
            self._history = self.load_frames(columns=HISTORY_COLUMNS)
            return self._history
        frames = {table: getattr(day_frames, table) for table in TABLE_NAMES}
        rest = self._read_tables(
            {
                table: (_where(table, self._day, rest=True), columns)
                for table, columns in HISTORY_COLUMNS.items()
            }
        )
        for table, others in rest.items():
            chosen = self._day_rows[table].select(HISTORY_COLUMNS[table])
            frames[table] = pl.concat([chosen, others]).sort("id")
        self._check_unchanged()
        self._history = Frames(source=self.source, **frames)
        return self._history

    def load_window(self, since: dt.date) -> Frames:
        """What a series whose first sample date is `since` counts: the small tables
        whole; the allocations and cases (in `HISTORY_COLUMNS`) that end after `since`
        or not at all. Weeks over reaching further back asks `before_window` for the
        few workers whose runs do."""
        frames = self._read_tables(
            {table: (_window(table, since), HISTORY_COLUMNS.get(table)) for table in TABLE_NAMES}
        )
        self._check_unchanged()
        return Frames(source=self.source, **frames)

    def before_window(self, window: Frames, since: dt.date, worker_ids: pl.Series) -> Frames:
        """The whole history of `worker_ids`, for weeks over looking back past `since`:
        their allocations in `window` (`load_window(since)`) and those that ended by
        `since`, with the cases all of them name (a case may close before an allocation
        of it ends); the small tables as the window has them. Only their rows: a look
        back for a few thousand workers does not copy the window's millions."""
        theirs = f"worker_id IN ({self._id_set('cfm_workers', worker_ids)})"
        earlier = self._read_table(
            "allocations",
            where=f"{_window('allocations', since, before=True)} AND {theirs}",
            columns=HISTORY_COLUMNS["allocations"],
        )
        still_open = window.allocations.filter(pl.col("worker_id").is_in(worker_ids.implode()))
        allocations = _with_rows(still_open, earlier)
        named = allocations.get_column("case_id").drop_nulls().unique()
        held = window.cases.filter(pl.col("id").is_in(named.implode()))
        missing = named.filter(~named.is_in(held.get_column("id").implode()))
        closed = (
            self._read_table(
                "cases",
                where=f"id IN ({self._id_set('cfm_cases', missing)})",
                columns=HISTORY_COLUMNS["cases"],
            )
            if missing.len()
            else held.head(0)
        )
        self._check_unchanged()
        return dataclasses.replace(window, allocations=allocations, cases=_with_rows(held, closed))

    def for_workers(self, worker_ids: pl.Series) -> Frames:
        """After `load_day`: the day's rows plus the rest of the history of `worker_ids`
        (their allocations and the cases those name, in `HISTORY_COLUMNS`): what weeks
        over looks back over, a fraction of the file. The ids go into temporary tables
        of this connection (in memory), so no query names a list of them and all stay
        in the load's transaction. Without a day's load, the whole history."""
        if self._history is not None:
            return self._history
        day, day_frames = self._day, self._day_frames
        if day is None or day_frames is None:
            return self.load_history()
        self._keep_ids("cfm_workers", worker_ids)
        # Their rows through the worker index while they are a minority of the workers
        # (England, a fifth over: 0.6 s against 1.6 s for one pass over the table, file
        # cached); `+` keeps SQLite to one pass when most are (a look-up per worker's
        # rows then costs more than the pass).
        by_index = 2 * worker_ids.n_unique() <= day_frames.workers.height
        theirs = f"{'' if by_index else '+'}worker_id IN (SELECT id FROM temp.cfm_workers)"
        frames = {table: getattr(day_frames, table) for table in TABLE_NAMES}
        earlier = self._rest_of("allocations", frames["allocations"], theirs)
        frames["allocations"] = _with_rows(frames["allocations"], earlier)
        # The cases those name, by id from a temporary table: the allocations are not
        # looked through a second time.
        self._keep_ids("cfm_cases", earlier.get_column("case_id"))
        named = self._rest_of("cases", frames["cases"], "id IN (SELECT id FROM temp.cfm_cases)")
        frames["cases"] = _with_rows(frames["cases"], named)
        return Frames(source=self.source, **frames)

    def _rest_of(self, table: str, have: pl.DataFrame, chosen: str) -> pl.DataFrame:
        """The rows of `table` that `chosen` names and the day's load (`have`) lacks."""
        assert self._day is not None
        where = f"{_where(table, self._day, rest=True)} AND {chosen}"
        rows = self._read_table(table, where=where, columns=HISTORY_COLUMNS[table])
        # The day's load already holds a few ended rows (a waiting case's last
        # allocation, a closed case a loaded allocation names): keep each row once.
        return rows.join(have.select("id"), on="id", how="anti")

    def _keep_ids(self, name: str, ids_given: pl.Series) -> None:
        """`ids_given` as the temporary table `name` (in memory, never on disk), for the
        queries of this load to name rather than list them. A large file is read by the
        Arrow reader, so they go on its connection; on the transaction's own only when
        sqlite3 reads a query that names them (`_put_on_connection`)."""
        ids = [int(found) for found in ids_given.drop_nulls().unique()]
        self._kept[name] = ids
        self._kept_on_connection.discard(name)
        if not self._large:
            return
        try:
            arrow = self._arrow_reader()
            for sql in _temporary_table(name):
                arrow.run(sql)
            listed = pl.DataFrame({"ids": [json.dumps(ids)]})
            arrow.run(f"INSERT INTO temp.{name} SELECT value FROM json_each(?)", listed)
        except Exception as error:
            raise explain(self.path, error) from None

    def _id_set(self, name: str, ids: pl.Series) -> str:
        """What `IN (…)` is to name for a set of ids: a kept temporary table, so the
        query does not list thousands of them (PostgreSQL's session lists them)."""
        self._keep_ids(name, ids)
        return f"SELECT id FROM temp.{name}"

    def _put_on_connection(self, where: str | None) -> None:
        """The kept id tables `where` names, on the transaction's own connection."""
        for name, ids in self._kept.items():
            if name in self._kept_on_connection or where is None or f"temp.{name}" not in where:
                continue
            for sql in _temporary_table(name):
                self.connection.execute(sql)
            self.connection.executemany(f"INSERT INTO temp.{name} VALUES (?)", [(i,) for i in ids])
            self._kept_on_connection.add(name)

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
        where = (
            f"case_id IN ({self._id_set('cfm_waiting', waiting)})"
            f" AND end_date <= '{day.isoformat()}' AND end_date >= start_date"
        )
        ended = self._read_table("allocations", where=where)
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
        named = self._id_set("cfm_named", wanted.get_column("id"))
        extra = self._read_table("cases", where=f"id IN ({named})")
        return pl.concat([cases, extra]).sort("id")


def _temporary_table(name: str) -> tuple[str, ...]:
    """An empty temporary table `name` of ids, held in memory."""
    return (
        "PRAGMA temp_store = MEMORY",
        f"CREATE TEMP TABLE IF NOT EXISTS {name} (id INTEGER PRIMARY KEY)",
        f"DELETE FROM temp.{name}",
    )


def _with_rows(have: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """Rows already read (in `rows`' columns), with `rows` added, in id order."""
    return pl.concat([have.select(rows.columns), rows]).sort("id")


def _as_demo(source: Source) -> Source:
    return dataclasses.replace(source, is_demo=True)


@contextmanager
def read_session(path: Path | str, *, is_demo: bool = False) -> Iterator[ReadSession]:
    """Open `path` read-only and hold one read transaction while the caller reads."""
    session = ReadSession(Path(path), is_demo=is_demo)
    try:
        yield session
    finally:
        session.close()


def read_consistently(
    path: Path | str, read: Callable[[ReadSession], _T], *, is_demo: bool = False
) -> _T:
    """`read(session)` in one read transaction, made again if a WAL database changed."""
    for attempt in range(READ_ATTEMPTS):
        try:
            with read_session(path, is_demo=is_demo) as session:
                return read(session)
        except ChangedWhileReading:
            if attempt == READ_ATTEMPTS - 1:
                raise changed_error(path) from None
    raise AssertionError("unreachable")


def changed_error(path: Path | str) -> StoreError:
    return StoreError(
        f"{path}: kept changing while it was read; try again when the import "
        "writing to it has finished."
    )


def load_frames(
    path: Path | str,
    *,
    as_of: dt.date | None = None,
    is_demo: bool = False,
    columns: Mapping[str, Sequence[str]] | None = None,
) -> Frames:
    """Load every table in one read transaction. With `as_of`, only the allocations and
    cases that matter then (`ReadSession.load_day`).

    `columns` (whole history only) narrows some tables to the columns a computation
    needs (the series reads millions of allocations and cases, but not their references).
    """
    if as_of is not None and columns is not None:
        raise ValueError("columns narrows the whole history only (as_of=None)")

    def read(session: ReadSession) -> Frames:
        if as_of is None:
            return session.load_frames(columns=columns)
        return session.load_day(as_of)

    return read_consistently(path, read, is_demo=is_demo)
