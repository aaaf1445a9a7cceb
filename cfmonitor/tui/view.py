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

    from cfmonitor.data.engine import History, Snapshot

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
    """Shown to a room (names may be hidden): screens may draw less."""
    scenario: object | None = None
    """A what-if over the Snapshot (issue 12); None shows the figures as they are."""

    @property
    def shows_demo(self) -> bool:
        """DEMO DATA in the top bar: from the Snapshot's source once there is one."""
        source = self.snapshot.source if self.snapshot is not None else None
        return source.is_demo if source is not None else self.is_demo


def current_view(app: App[object]) -> View | None:
    """The view an app holds, for code that must not import the app (the palette)."""
    view = getattr(app, "view", None)
    return view if isinstance(view, View) else None
