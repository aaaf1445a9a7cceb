"""What every screen shows, in one frozen value: the app holds it, screens watch it.

State flows down: the app replaces its one `view` reactive whenever anything a screen
shows changes (a new Snapshot, its history, the as-of date, loading progress), and each
screen redraws from the `View` it is handed. No screen reads the app's own attributes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from cfmonitor.tui.widgets.travel import HISTORY_LOADING

if TYPE_CHECKING:
    from textual.app import App

    from cfmonitor.data.engine import History, Scenario, Snapshot
    from cfmonitor.redact import Redactor

HISTORY_UNAVAILABLE = "history not available (see the message)"


@dataclass(frozen=True, eq=False)
class View:
    """One state of the screen, compared by identity (a Snapshot's frames have no `==`):
    every replacement is news to the screens, which redraw only what changed."""

    as_of: dt.date
    """The day the figures are for (moves before the new Snapshot arrives)."""
    is_demo: bool
    """The database chosen is the demo; the Snapshot's own source says so once read."""
    snapshot: Snapshot | None = None
    history: History | None = None
    """None until the history of this snapshot has been worked out."""
    history_note: str = HISTORY_LOADING
    """What screens say where the history goes while `history` is None."""
    loading: str = ""
    """What the loading worker is doing now; empty when nothing is loading."""
    presenting: bool = False
    """Shown to a room: names become initials and staff ref, case and family refs show
    only on the open worker's screen (`redactor` does it, one numbering for all)."""
    redactor: Redactor | None = None
    """While presenting: the stand-ins for this Snapshot's references."""
    named: str | None = None
    """While presenting: the staff ref of the worker in the room, whose name shows."""
    scenario: Scenario | None = None
    """A what-if over the Snapshot: moves tried, never made; its figures are drawn."""

    @property
    def moves(self) -> int:
        return len(self.scenario) if self.scenario is not None else 0

    @property
    def figures(self) -> Snapshot | None:
        """What the screens draw: the scenario's figures when it has moves."""
        if self.scenario is not None and len(self.scenario):
            return self.scenario.snapshot
        return self.snapshot

    @property
    def before(self) -> Snapshot | None:
        """The figures as they are, when a scenario changes them (for "before → after")."""
        if self.scenario is not None and len(self.scenario):
            return self.scenario.base
        return None

    def redactor_for(self, open_staff_ref: str | None = None) -> Redactor | None:
        """How a screen redacts while presenting (None: it does not), with
        `open_staff_ref`'s own screen open."""
        if not self.presenting or self.redactor is None:
            return None
        return self.redactor.for_worker(
            open_staff_ref, show_name=open_staff_ref is not None and open_staff_ref == self.named
        )

    @property
    def shows_demo(self) -> bool:
        """DEMO DATA in the top bar: from the Snapshot's source once there is one."""
        source = self.snapshot.source if self.snapshot is not None else None
        return source.is_demo if source is not None else self.is_demo


def current_view(app: App[object]) -> View | None:
    """The view an app holds, for code that must not import the app (the palette)."""
    view = getattr(app, "view", None)
    return view if isinstance(view, View) else None
