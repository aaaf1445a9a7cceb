"""What the TUI's test modules share: waiting for a load, reading the screen, hostile
data, and the demo's figures worked out once per test process.

Test modules import these from here, never from one another.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from rich.segment import Segment
from textual import events
from textual.command import CommandList
from textual.pilot import Pilot
from textual.widgets._toast import Toast

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.engine import Caseloads, History
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.widgets.table import CaseloadTable
from cfmonitor.tui.widgets.topbar import TopBar
from tests.factory import DatabaseBuilder

DEMO_DAY = dt.date(2026, 11, 26)
SIZES = {"narrow": (80, 24), "normal": (120, 36)}


async def settle(pilot: Pilot) -> None:
    """Wait for the loading worker (whether it succeeds or fails) and what it posted."""
    await pilot.pause()
    for _ in range(400):
        if not pilot.app.is_loading:
            break
        await pilot.pause(0.025)
    await pilot.pause()


async def paste(pilot: Pilot, text: str) -> None:
    """Put `text` into the focused input at once, as a terminal's paste does. Pressed key
    by key, each character costs Pilot a round of waiting for the app to go idle (about
    0.1 s); a query of forty characters is then four seconds of a test spent typing.
    The real-terminal walk still types into the palette a key at a time."""
    pilot.app.post_message(events.Paste(text))
    await pilot.pause()


async def palette_offers(pilot: Pilot, text: str, tries: int = 200) -> bool:
    """Wait (at most ~5 s) until the palette's highlighted option holds `text`. Its answers
    arrive in batches up to a quarter of a second apart, so a fixed pause is either slow or,
    on a loaded machine, too short."""
    for _ in range(tries):
        await pilot.pause(0.025)
        lists = pilot.app.screen.query(CommandList)
        options = lists.first() if lists else None
        at = None if options is None else options.highlighted
        if (
            options is not None
            and at is not None
            and text in str(options.get_option_at_index(at).prompt)
        ):
            return True
    return False


def toasts(app) -> list[str]:
    """The text of every toast on screen, rendered as Textual draws it."""
    return [toast.render().plain for toast in app.screen.query(Toast)]


async def shows_toast(pilot, text: str, tries: int = 200) -> bool:
    """Wait (at most ~10 s) for a toast holding `text`, with the app still running."""
    for _ in range(tries):
        await pilot.pause(0.05)
        assert pilot.app.is_running
        if any(text in shown for shown in toasts(pilot.app)):
            return True
    return False


def table(pilot: Pilot) -> CaseloadTable:
    return pilot.app.screen.query_one("#table", CaseloadTable)


def crumbs(pilot: Pilot) -> str:
    return pilot.app.screen.query_one(TopBar).query_one("#crumbs").plain


HOSTILE = (
    "[@click=app.quit]x",
    "[/]",
    "[bold red]x",
    "unterminated [",
    "\x1b]2;title\x07",
    "\x1b[2J",
    "abc\u202edef",
)


def hostile_database(path: Path) -> Path:
    """One team, worker and case per hostile string, named with it everywhere data goes."""
    builder = DatabaseBuilder()
    for number, bad in enumerate(HOSTILE):
        team = builder.team(f"{bad} team", service_area=f"{bad} area", establishment_fte=2.0)
        worker = builder.worker(team, staff_ref=f"{bad}{number}", name=f"{bad} name")
        builder.reduction(worker, 10, reason=f"{bad} reason")
        builder.cases_for(worker, team, 17, family_ref=f"{bad}F")
        builder.case(team, case_ref=f"{bad}U{number}")
    builder.cases_for(1, 1, 1, case_ref="[@click=app.quit]case", family_ref="[/]")
    return builder.write(path)


def screen_lines(app) -> list[str]:
    strips = app.screen._compositor.render_strips()
    return ["".join(segment.text for segment in strip) for strip in strips]


def screen_segments(app) -> list[Segment]:
    return [segment for strip in app.screen._compositor.render_strips() for segment in strip]


def assert_safe(app) -> None:
    """No raw control characters reach the terminal and no data became a clickable action."""
    for segment in screen_segments(app):
        assert "\x1b" not in segment.text and "\x07" not in segment.text
        assert "\u202e" not in segment.text
        style = segment.style
        if style is not None and style.meta:
            assert "@click" not in style.meta or "quit" not in str(style.meta["@click"])


@dataclasses.dataclass(frozen=True)
class DemoFigures:
    """The demo's figures at DEMO_DAY, read and worked out once per test process (each
    pytest-xdist worker makes its own): the snapshot, with weeks over, and its history."""

    snapshot: Snapshot
    with_history: Snapshot
    history: History

    @classmethod
    def of(cls, master: Path) -> DemoFigures:
        engine = Caseloads(DatabaseChoice(master, is_demo=True), Policy())
        snapshot = engine.snapshot(DEMO_DAY)
        return cls(snapshot, engine.with_history(snapshot), engine.history(snapshot))


class DemoCopyEngine:
    """The app's engine over a private copy of the demo: the figures worked out once, as
    long as the copy is as it was made and the day is DEMO_DAY; anything else (a test
    that writes to the file, another day) goes to a real `Caseloads` over the copy.

    The figures carry the copy's own source (path, size, time), as a fresh read would,
    and each call hands back a new Snapshot object, as a fresh read does."""

    def __init__(
        self, choice: DatabaseChoice, figures: DemoFigures, made_as: tuple[int, int] | None
    ) -> None:
        self.real = Caseloads(choice, Policy())
        self.figures = figures
        self.made_as = made_as
        """The copy's signature when it was made (a test may change it before the app
        starts)."""

    def _ready(self, day: dt.date) -> bool:
        return day == DEMO_DAY and self.real.signature() == self.made_as

    def _as_read(self, snapshot: Snapshot) -> Snapshot:
        signature = self.real.signature()
        if snapshot.source is None or signature is None:
            return dataclasses.replace(snapshot)
        modified_ns, size = signature
        source = dataclasses.replace(
            snapshot.source, path=self.real.path, modified_ns=modified_ns, size=size
        )
        return dataclasses.replace(snapshot, source=source)

    def signature(self) -> tuple[int, int] | None:
        return self.real.signature()

    def snapshot(self, day: dt.date) -> Snapshot:
        if self._ready(day):
            return self._as_read(self.figures.snapshot)
        return self.real.snapshot(day)

    def with_history(self, snapshot: Snapshot) -> Snapshot:
        if self._ready(snapshot.as_of) and self._is_ours(snapshot):
            return self._as_read(self.figures.with_history)
        return self.real.with_history(snapshot)

    def history(self, snapshot: Snapshot) -> History:
        if self._ready(snapshot.as_of) and self._is_ours(snapshot):
            return self.figures.history
        return self.real.history(snapshot)

    def _is_ours(self, snapshot: Snapshot) -> bool:
        """A snapshot made from the figures (not one the real engine read since)."""
        return snapshot.workers is self.figures.snapshot.workers or (
            snapshot.workers is self.figures.with_history.workers
        )
