"""What the app needs of an engine: four methods, so a test can hand it a ready one.

`cfmonitor.data.engine.Caseloads` is the real one; `ReadyFigures` serves a Snapshot and
its History worked out beforehand (the seam of the Pilot tests, and of a future
"present these figures" mode), reading nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from cfmonitor.data.engine import History, Snapshot


class Engine(Protocol):
    """The part of `Caseloads` the app calls, from its loading worker thread."""

    def signature(self) -> tuple[int, int] | None:
        """What changes when another program writes the database (None: not there)."""
        ...

    def snapshot(self, day: dt.date) -> Snapshot:
        """The day's figures, without weeks over."""
        ...

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        """`snapshot` with weeks over and sustained."""
        ...

    def history(self, snapshot: Snapshot) -> History:
        """The two-year weekly series and the direction of travel up to its day."""
        ...


class ReadyFigures:
    """An engine over figures already worked out: `snapshot` (with weeks over) and its
    `history`, for `snapshot.as_of` only; any other day is an error, said in one sentence."""

    def __init__(self, snapshot: Snapshot, history: History | None = None) -> None:
        self._snapshot = snapshot
        self._history = history

    def signature(self) -> tuple[int, int] | None:
        source = self._snapshot.source
        return None if source is None else (source.modified_ns, source.size)

    def snapshot(self, day: dt.date) -> Snapshot:
        from cfmonitor.errors import CfmonitorError

        if day != self._snapshot.as_of:
            raise CfmonitorError(
                f"only the figures as of {self._snapshot.as_of.isoformat()} are at hand, "
                f"not {day.isoformat()}."
            )
        return self._snapshot

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        return self._snapshot

    def history(self, snapshot: Snapshot) -> History:
        from cfmonitor.errors import CfmonitorError

        if self._history is None:
            raise CfmonitorError("no history was handed to the app with these figures.")
        return self._history
