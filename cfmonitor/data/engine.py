"""The one way into the engine: every figure the CLI and the TUI show comes from here.

`Caseloads(database, policy)` is the only code above the store that reads the database.
A screen or a command asks it for a day's Snapshot, that Snapshot with its history
(weeks over, sustained), the series over a range, the direction of travel, or a check
of the file; it never reads tables itself.

A load reads each table once, inside one read transaction: `snapshot(day)` reads the
day's rows and keeps the transaction open, and `with_history`/`history` then read the
rest of the history from the same state of the file (and end the transaction). The
CLI's `report` and the TUI work out weeks over from the same whole history, the same
way, so they cannot disagree.

The CLI, `report.py` and the TUI import nothing else from `cfmonitor.data`: the names
they need are re-exported here (a test walks their imports).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TypeVar

import polars as pl

from cfmonitor.data.caseload import (
    SUMMARY_FIELDS,
    TEAM_FIELDS,
    UNALLOCATED_FIELDS,
    WORKER_FIELDS,
    Snapshot,
    compute_snapshot,
)
from cfmonitor.data.contract import SCHEMA_VERSION
from cfmonitor.data.freshness import DataAge, LastImport, data_age
from cfmonitor.data.reading import (
    READ_ATTEMPTS,
    ChangedWhileReading,
    ReadSession,
    changed_error,
    read_consistently,
)
from cfmonitor.data.rules import (
    STATUS_NEAR,
    STATUS_OK,
    STATUS_OVER,
    STATUS_RANK,
    STATUS_UNKNOWN,
    STATUS_UNKNOWN_COHORT,
    STATUSES,
    roll_up,
)
from cfmonitor.data.store import Frames, Source, StoreError, inspect

if TYPE_CHECKING:
    import sqlite3
    from collections.abc import Callable, Sequence

    from cfmonitor.data.comparison import Comparison, compare, compare_scenario, proposal
    from cfmonitor.data.direction import Direction
    from cfmonitor.data.picker import candidates, if_given
    from cfmonitor.data.questions import (
        intake_counts,
        intake_of,
        shared_work,
        worker_dates,
    )
    from cfmonitor.data.scenario import UNALLOCATED, Directory, Move, Scenario, ScenarioError
    from cfmonitor.data.series import Trend
    from cfmonitor.locate import DatabaseChoice
    from cfmonitor.policy import Policy


_T = TypeVar("_T")


_ON_FIRST_USE = {
    "Direction": "cfmonitor.data.direction",
    "Trend": "cfmonitor.data.series",
    **dict.fromkeys(("Comparison", "compare", "compare_scenario", "proposal"), "comparison"),
    **dict.fromkeys(("candidates", "if_given"), "picker"),
    **dict.fromkeys(
        (
            "intake_counts",
            "intake_of",
            "shared_work",
            "worker_dates",
        ),
        "questions",
    ),
    **dict.fromkeys(("UNALLOCATED", "Move", "Scenario", "ScenarioError"), "scenario"),
}
"""Names imported on first use: the series brings NumPy, and a day's report needs
neither the what-ifs nor the questions the TUI asks (module names under data/)."""


def __getattr__(name: str) -> object:
    module = _ON_FIRST_USE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    found = getattr(
        importlib.import_module(module if "." in module else f"cfmonitor.data.{module}"), name
    )
    globals()[name] = found
    return found


__all__ = [
    "SCHEMA_VERSION",
    "STATUSES",
    "STATUS_NEAR",
    "STATUS_OK",
    "STATUS_OVER",
    "STATUS_RANK",
    "STATUS_UNKNOWN",
    "STATUS_UNKNOWN_COHORT",
    "SUMMARY_FIELDS",
    "TEAM_FIELDS",
    "UNALLOCATED",
    "UNALLOCATED_FIELDS",
    "WORKER_FIELDS",
    "Caseloads",
    "Check",
    "Comparison",
    "DataAge",
    "Direction",
    "History",
    "LastImport",
    "Move",
    "Scenario",
    "ScenarioError",
    "Snapshot",
    "Source",
    "StoreError",
    "Trend",
    "candidates",
    "compare",
    "compare_scenario",
    "create_schema",
    "data_age",
    "default_range",
    "if_given",
    "inspect",
    "intake_counts",
    "intake_of",
    "proposal",
    "roll_back_interrupted_write",
    "roll_up",
    "shared_work",
    "worker_dates",
    "write_demo_database",
]


@dataclass(frozen=True)
class History:
    """The history behind a snapshot: the two-year weekly series and the direction of
    travel, for the same as-of date (worked out after the snapshot is on screen)."""

    as_of: dt.date
    trend: Trend
    direction: Direction


@dataclass(frozen=True)
class Check:
    """What `cfmonitor check` reports: the file's own health, then the data's."""

    source: Source
    damage: list[str]
    """SQLite's quick_check lines; empty when the file is sound."""
    snapshot: Snapshot | None
    """The day's figures (their problems table is the data check); None when damaged."""


def default_range(as_of: dt.date) -> tuple[dt.date, dt.date]:
    """The range a trend covers when none is given: the two years up to `as_of`."""
    from cfmonitor.data.series import default_range as two_years

    return two_years(as_of)


def _add_weeks_over(snapshot: Snapshot, session: ReadSession) -> Snapshot:
    """The snapshot with weeks over and sustained: the history is read (in the session's
    transaction) only when somebody is over, and then only the over workers' history
    (`ReadSession.for_workers`)."""
    from cfmonitor.data.sustained import add_history

    anyone_over = (snapshot.workers.get_column("status") == STATUS_OVER).any()
    if not anyone_over:
        return add_history(snapshot, None)
    if type(session) is not ReadSession:  # PostgreSQL: no temporary table on a read role
        return add_history(snapshot, session.load_history())
    over = snapshot.workers.filter(pl.col("status") == STATUS_OVER).get_column("worker_id")
    return add_history(snapshot, session.for_workers(over))


class Caseloads:
    """The figures of one database under one policy.

    Between `snapshot(day)` and the history it holds the load's read transaction open
    (`_reading`), and afterwards the whole-history frames (`_history`), so `with_history`
    and `history` for the snapshot just made read only what the snapshot did not, from
    the same state of the file. `close()` ends a transaction left open (a load given up).
    """

    def __init__(self, database: DatabaseChoice, policy: Policy) -> None:
        self.database = database
        self.policy = policy
        self._reading: ReadSession | None = None
        self._history: Frames | None = None
        self._window: tuple[dt.date, Frames] | None = None
        """The latest window read (`load_window`): from when, and its rows."""

    @property
    def last_source(self) -> Source | None:
        """The state of the file behind the latest history read (trend, direction)."""
        if self._window is not None:
            return self._window[1].source
        return None if self._history is None else self._history.source

    @property
    def path(self) -> Path:
        return Path(self.database.path)

    @property
    def is_demo(self) -> bool:
        return self.database.is_demo

    def close(self) -> None:
        """End a read transaction left open by `snapshot` (the history not asked for)."""
        reading, self._reading = self._reading, None
        if reading is not None:
            reading.close()

    def source(self) -> Source:
        """The file's header facts (schema version, last import, date span), no tables."""
        if self.database.postgres is not None:
            from cfmonitor.database import pg_reading

            return pg_reading.inspect(self.database.postgres, is_demo=self.is_demo)
        return inspect(self.path, is_demo=self.is_demo)

    def signature(self) -> tuple[int, int] | None:
        """What changes when another program writes the database (None: not there)."""
        if self.database.postgres is not None:
            from cfmonitor.database import pg_reading

            return pg_reading.signature(self.database.postgres)
        from cfmonitor.data.store import file_signature

        return file_signature(self.path)

    def _session(self) -> ReadSession:
        """A new load's read transaction, on the SQLite file or the PostgreSQL database."""
        if self.database.postgres is not None:
            from cfmonitor.database.pg_reading import PostgresReadSession

            return PostgresReadSession(self.database.postgres, is_demo=self.is_demo)
        return ReadSession(self.path, is_demo=self.is_demo)

    def _consistently(self, read: Callable[[ReadSession], _T]) -> _T:
        """`read(session)` in one read transaction (on SQLite, made again if it changed)."""
        if self.database.postgres is None:
            return read_consistently(self.path, read, is_demo=self.is_demo)
        session = self._session()
        try:
            return read(session)
        finally:
            session.close()

    def snapshot(self, day: dt.date) -> Snapshot:
        """The day's figures, without weeks over (`with_history` adds them).

        Only the day's rows are read; the transaction stays open for the history."""
        self.close()
        self._history = self._window = None
        for attempt in range(READ_ATTEMPTS):
            session = self._session()
            try:
                frames = session.load_day(day)
            except ChangedWhileReading:
                session.close()
                if attempt == READ_ATTEMPTS - 1:
                    raise changed_error(self.path) from None
                continue
            except BaseException:
                session.close()
                raise
            self._reading = session
            return compute_snapshot(frames, self.policy, day)
        raise AssertionError("unreachable")

    def report(self, day: dt.date) -> Snapshot:
        """The day's figures with weeks over and sustained: what `report` prints.

        One transaction: the day's rows, then (when anyone is over) the rest of the
        history, exactly as `snapshot` and `with_history` read them for the TUI."""

        def read(session: ReadSession) -> Snapshot:
            snapshot = compute_snapshot(session.load_day(day), self.policy, day)
            return _add_weeks_over(snapshot, session)

        return self._consistently(read)

    def _whole_history(self, snapshot: Snapshot) -> Frames:
        """The whole history behind `snapshot`: the rest of its load's read, or (for a
        snapshot from an earlier load) a new read that must find the file unchanged."""
        if self._history is not None and self._history.source == snapshot.source:
            return self._history
        reading = self._reading
        if reading is not None and reading.source == snapshot.source:
            try:
                frames = reading.load_history()
            except ChangedWhileReading:
                raise changed_error(self.path) from None
            finally:
                self.close()
        else:
            frames = self._consistently(lambda session: session.load_history())
            if frames.source != snapshot.source:
                raise StoreError(
                    f"{self.database.label}: the database changed while it was read; read it again."
                )
        self._history = frames
        return frames

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        """`snapshot` with weeks over and sustained, from the same state of the file."""
        from cfmonitor.data.sustained import add_history

        return add_history(snapshot, self._whole_history(snapshot))

    def history(self, snapshot: Snapshot) -> History:
        """The two-year weekly series and the direction of travel up to the snapshot's day."""
        from cfmonitor.data.direction import direction_of_travel
        from cfmonitor.data.trend import compute_trend

        frames = self._whole_history(snapshot)
        start, end = default_range(snapshot.as_of)
        trend = compute_trend(frames, self.policy, start, end, every="week")
        return History(snapshot.as_of, trend, direction_of_travel(frames, self.policy, end))

    def _read_window(self, since: dt.date, compute: Callable[[Frames, ReadSession], _T]) -> _T:
        """`compute(window, session)` on the rows that count from `since` on, in the
        window's read transaction (so a look further back reads the same state)."""
        self.close()

        def read(session: ReadSession) -> _T:
            window = session.load_window(since)
            result = compute(window, session)
            self._window = (since, window)
            return result

        return self._consistently(read)

    def trend(self, start: dt.date, end: dt.date, every: str = "week") -> Trend:
        """The series from `start` to `end`, sampled each week or month: only the rows
        that count in the range are read, and the earlier history of the few workers
        whose runs of weeks over began before it."""
        from cfmonitor.data.trend import compute_trend, first_point

        since = first_point(self.policy, start, end, every)

        def compute(window: Frames, session: ReadSession) -> Trend:
            def earlier(worker_ids: pl.Series) -> Frames:
                return session.before_window(window, since, worker_ids)

            return compute_trend(window, self.policy, start, end, every, earlier)

        return self._read_window(since, compute)

    def direction(self, day: dt.date) -> Direction:
        """How the headline measures moved over the 12 weeks and 12 months up to `day`
        (from the trend's rows when they reach back a year before `day`)."""
        from cfmonitor.data.direction import direction_of_travel, direction_points

        since = direction_points(day).min()
        assert isinstance(since, dt.date)
        frames = self._history
        if frames is None and self._window is not None and self._window[0] <= since:
            frames = self._window[1]
        if frames is not None:
            return direction_of_travel(frames, self.policy, day)
        return self._read_window(
            since, lambda window, _: direction_of_travel(window, self.policy, day)
        )

    def scenario(self, snapshot: Snapshot, moves: Sequence[str] = ()) -> Scenario:
        """A what-if on `snapshot`: the moves (`CASE:STAFF`, `CASE:unallocated`) made in
        memory by the same judgement, never written. A bad move raises ScenarioError."""
        from cfmonitor.data.scenario import Scenario, parse_move

        return Scenario(snapshot, directory=self._directory()).add_all(
            [parse_move(move) for move in moves]
        )

    def _directory(self) -> Directory:
        """Look-ups that make a refused move's sentence precise (a worker who has left, a
        closed case). Read on first use only, from either backend, in one read."""
        from cfmonitor.data.scenario import Directory

        found: dict[str, pl.DataFrame] = {}

        def table(name: str) -> pl.DataFrame:
            if not found:
                wanted = {
                    "workers": ("staff_ref", "start_date", "end_date"),
                    "cases": ("case_ref", "opened_on", "closed_on"),
                }
                frames = self._consistently(lambda session: session.load_frames(columns=wanted))
                found.update(workers=frames.workers, cases=frames.cases)
            return found[name]

        def dates(name: str, key: str, ref: str) -> tuple[object, ...] | None:
            rows = table(name).filter(pl.col(key) == ref).drop(key).rows()
            return rows[0] if rows else None

        def worker_dates(staff_ref: str) -> tuple[dt.date, dt.date | None] | None:
            row = dates("workers", "staff_ref", staff_ref)
            if row is None or not isinstance(row[0], dt.date):
                return None
            return row[0], row[1] if isinstance(row[1], dt.date) else None

        def case_dates(case_ref: str) -> tuple[dt.date | None, dt.date | None] | None:
            row = dates("cases", "case_ref", case_ref)
            if row is None:
                return None
            opened, closed = row
            return (
                opened if isinstance(opened, dt.date) else None,
                closed if isinstance(closed, dt.date) else None,
            )

        return Directory(worker_dates, case_dates)

    def check(self, day: dt.date) -> Check:
        """The file's quick_check, then (when sound) the day's figures and their problems."""
        from cfmonitor.data.store import quick_check

        damage = [] if self.database.postgres else quick_check(self.path)
        frames = self._consistently(lambda session: session.load_frames())
        snapshot = None if damage else compute_snapshot(frames, self.policy, day)
        return Check(frames.source, damage, snapshot)


# --- what the CLI's other commands need of the data layer (imported only when used) ----


def create_schema(connection: sqlite3.Connection) -> None:
    """`cfmonitor init`: the contract's tables in an empty database (loads SQLModel)."""
    from cfmonitor.data.schema import create_schema as create

    create(connection)


def write_demo_database(path: Path, *, seed: int = 7, today: dt.date) -> str:
    """`cfmonitor demo`: the invented demo database at `path`; a one-line summary."""
    from cfmonitor.data.demo import write_demo_database as write

    return write(path, seed=seed, today=today)


def roll_back_interrupted_write(path: Path) -> str:
    """`cfmonitor check --repair`: let SQLite roll back an interrupted write."""
    from cfmonitor.data.repair import roll_back_interrupted_write as repair

    return repair(path)
