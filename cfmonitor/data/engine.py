"""The one way into the engine: every figure the CLI and the TUI show comes from here.

`Caseloads(database, policy)` is the only code above `store.py` that reads the
database. A screen or a command asks it for a day's Snapshot, that Snapshot with its
history (weeks over, sustained), the series over a range, the direction of travel, or
a check of the file; it never reads tables itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.comparison import Comparison, compare, proposal
from cfmonitor.data.questions import (
    co_workers,
    family_note,
    family_siblings,
    recent_intake,
    worker_dates,
)
from cfmonitor.data.scenario import UNALLOCATED, Move, Scenario, ScenarioError, if_given
from cfmonitor.data.store import StoreError

__all__ = [
    "UNALLOCATED",
    "Comparison",
    "Move",
    "Scenario",
    "ScenarioError",
    "Snapshot",
    "co_workers",
    "compare",
    "family_note",
    "family_siblings",
    "if_given",
    "proposal",
    "recent_intake",
    "worker_dates",
]
"""Re-exported for the TUI, which reaches the data layer through this module alone."""

if TYPE_CHECKING:
    from cfmonitor.data.store import Frames, Source
    from cfmonitor.data.trend import Direction, Trend
    from cfmonitor.locate import DatabaseChoice
    from cfmonitor.policy import Policy


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
    from cfmonitor.data.trend import default_range as two_years

    return two_years(as_of)


class Caseloads:
    """The figures of one database under one policy.

    It keeps the whole-history frames of its latest read, so `with_history` and
    `history` for the snapshot just made use the same read (one read transaction: an
    import committing in between cannot mix two states of the file).
    """

    def __init__(self, database: DatabaseChoice, policy: Policy) -> None:
        self.database = database
        self.policy = policy
        self._history_frames: Frames | None = None

    @property
    def last_source(self) -> Source | None:
        """The state of the file behind the latest whole-history read (trend, direction)."""
        return None if self._history_frames is None else self._history_frames.source

    @property
    def path(self) -> Path:
        return Path(self.database.path)

    @property
    def is_demo(self) -> bool:
        return self.database.is_demo

    def source(self) -> Source:
        """The file's header facts (schema version, last import, date span), no tables."""
        from cfmonitor.data.store import inspect

        return inspect(self.path, is_demo=self.is_demo)

    def signature(self) -> tuple[int, int] | None:
        """What changes when another program writes the database (None: not there)."""
        from cfmonitor.data.store import file_signature

        return file_signature(self.path)

    def snapshot(self, day: dt.date) -> Snapshot:
        """The day's figures, without weeks over (`with_history` adds them)."""
        from cfmonitor.data.caseload import compute_snapshot
        from cfmonitor.data.store import load_frames

        self._history_frames = None
        frames = load_frames(self.path, as_of=day, is_demo=self.is_demo)
        return compute_snapshot(frames, self.policy, day)

    def report(self, day: dt.date) -> Snapshot:
        """The day's figures with weeks over and sustained: what `report` prints."""
        from cfmonitor.data.trend import load_snapshot_with_history

        return load_snapshot_with_history(self.path, self.policy, day, is_demo=self.is_demo)

    def _frames_for(self, snapshot: Snapshot) -> Frames:
        from cfmonitor.data.trend import load_history

        frames = self._history_frames
        if frames is None or frames.source != snapshot.source:
            frames = load_history(self.path, is_demo=self.is_demo)
            if frames.source != snapshot.source:
                raise StoreError(
                    f"{self.path}: the database changed while it was read; read it again."
                )
            self._history_frames = frames
        return frames

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        """`snapshot` with weeks over and sustained, from the same state of the file."""
        from cfmonitor.data.trend import add_history

        return add_history(snapshot, self._frames_for(snapshot))

    def history(self, snapshot: Snapshot) -> History:
        """The two-year weekly series and the direction of travel up to the snapshot's day."""
        from cfmonitor.data.trend import compute_trend, default_range, direction_of_travel

        frames = self._frames_for(snapshot)
        start, end = default_range(snapshot.as_of)
        trend = compute_trend(frames, self.policy, start, end, every="week")
        return History(snapshot.as_of, trend, direction_of_travel(frames, self.policy, end))

    def trend(self, start: dt.date, end: dt.date, every: str = "week") -> Trend:
        """The series from `start` to `end`, sampled each week or month."""
        from cfmonitor.data.trend import compute_trend, load_history

        frames = load_history(self.path, is_demo=self.is_demo)
        self._history_frames = frames
        return compute_trend(frames, self.policy, start, end, every)

    def direction(self, day: dt.date) -> Direction:
        """How the headline measures moved over the 12 weeks and 12 months up to `day`."""
        from cfmonitor.data.trend import direction_of_travel, load_history

        frames = self._history_frames or load_history(self.path, is_demo=self.is_demo)
        return direction_of_travel(frames, self.policy, day)

    def check(self, day: dt.date) -> Check:
        """The file's quick_check, then (when sound) the day's figures and their problems."""
        from cfmonitor.data.caseload import compute_snapshot
        from cfmonitor.data.store import load_frames, quick_check

        damage = quick_check(self.path)
        frames = load_frames(self.path, as_of=None, is_demo=self.is_demo)
        snapshot = None if damage else compute_snapshot(frames, self.policy, day)
        return Check(frames.source, damage, snapshot)
