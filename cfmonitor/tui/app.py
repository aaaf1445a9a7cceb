"""The Textual app: loads the Snapshot in a worker thread and holds the one copy of it.

State flows down: the app holds one reactive `view` (a frozen `View`) and every screen
watches it; drilling down never re-queries the database. Requests flow up: screens and
the palette post the messages of `requests.py`, and this module alone decides what opens
(it is the only one that knows the screen classes). Loading (first load, `r`, a new
as-of date, the file changing on disk) always runs in one exclusive thread worker, and
every failure of it is handled in one place, `on_worker_state_changed`, which shows the
engine's message instead of a traceback.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import os
from collections.abc import Callable, Iterable
from typing import TypeVar

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.notifications import SeverityLevel
from textual.reactive import reactive
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from cfmonitor.data.engine import Caseloads, History, Move, Scenario, ScenarioError, Snapshot
from cfmonitor.errors import CfmonitorError
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.redact import Redactor
from cfmonitor.safe_text import visible
from cfmonitor.tui import requests, whatif
from cfmonitor.tui.commands import NavigationProvider
from cfmonitor.tui.engine import Engine
from cfmonitor.tui.screens.as_of import AsOfDialog
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.screens.error import ErrorScreen
from cfmonitor.tui.screens.export import ExportDialog
from cfmonitor.tui.screens.help import HelpScreen
from cfmonitor.tui.screens.move import LEAVE_UNALLOCATED, MovePicker, MovesDialog
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.problems import ProblemsScreen
from cfmonitor.tui.screens.screenshot import ScreenshotDialog
from cfmonitor.tui.screens.team import TeamScreen
from cfmonitor.tui.screens.teams import TeamsScreen
from cfmonitor.tui.screens.trend import TrendScreen
from cfmonitor.tui.screens.unallocated import UnallocatedScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from cfmonitor.tui.view import HISTORY_UNAVAILABLE, View
from cfmonitor.tui.widgets.cells import status_styles
from cfmonitor.tui.widgets.travel import HISTORY_LOADING

ScreenKind = TypeVar("ScreenKind", bound=TableScreen)

WATCH_SECONDS = 2.0
"""How often the database file's signature is compared with the one last read."""
DAY_CHECK_SECONDS = 30.0
"""How often an app following today looks at the clock (so it moves on soon after midnight)."""

LIGHT_THEME = "textual-light"
DARK_THEME = "textual-dark"


class LoadProgress(Message):
    """A loading step has started; the text is the app's own words plus a path or date."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text


class SnapshotLoaded(Message):
    """A fresh Snapshot, computed in the worker thread by load number `load`."""

    def __init__(self, snapshot: Snapshot, reason: str, load: int = 0) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.reason = reason
        self.load = load


class HistoryLoaded(Message):
    """The snapshot again, now with weeks over and sustained, and its History."""

    def __init__(self, snapshot: Snapshot, history: History, load: int = 0) -> None:
        super().__init__()
        self.snapshot = snapshot
        self.history = history
        self.load = load


class HistoryFailed(Message):
    """The history could not be worked out; the snapshot on screen stays as it is."""

    def __init__(self, as_of: dt.date, sentence: str, load: int = 0) -> None:
        super().__init__()
        self.as_of = as_of
        self.sentence = sentence
        self.load = load


def error_sentence(error: BaseException | None) -> str:
    """The engine's own sentence; for anything unexpected, its kind only (a message or a
    traceback could carry names)."""
    if isinstance(error, CfmonitorError):
        return str(error)
    name = type(error).__name__ if error is not None else "error"
    return f"Unexpected {name} while reading the database; nothing was changed."


class CfmonitorApp(App[None]):
    """Organisation → team → worker → cases, all views of one Snapshot."""

    CSS_PATH = "cfmonitor.tcss"
    TITLE = "cfmonitor"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {NavigationProvider}
    BINDINGS = [  # noqa: RUF012 (Textual's own convention)
        Binding(
            "ctrl+q",
            "quit",
            "Quit",
            id="quit",
            tooltip="Quit cfmonitor; nothing is written anywhere.",
            show=False,
            priority=True,
        ),
        Binding(
            "ctrl+p",
            "command_palette",
            "Palette",
            id="palette",
            tooltip="Find a team, a worker or a case by name or reference, or run an action.",
            show=False,  # the key bar lists the palette key last, on its own terms
            priority=True,
        ),
    ]

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = False,
    ) -> None:
        """Every toast is plain text: a name or a path in it is never parsed as markup.

        Textual 8.2 parses a toast's message as markup by default, and crashes on a Rich
        `Text`; so toasts take a `str`, made visible, with markup off whatever the caller says.
        """
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    view: reactive[View] = reactive(View(as_of=dt.date.min, is_demo=False), always_update=True)
    """What every screen shows: replaced whole, never changed in place (screens watch it)."""

    def __init__(
        self,
        choice: DatabaseChoice,
        *,
        policy: Policy,
        as_of: dt.date | None,
        watch_seconds: float = WATCH_SECONDS,
        clock: Callable[[], dt.date] = dt.date.today,
        day_check_seconds: float = DAY_CHECK_SECONDS,
        engine: Engine | None = None,
        present: bool = False,
    ) -> None:
        """`engine`: figures from elsewhere than `choice` read afresh (a test's ready
        Snapshot, say); by default a `Caseloads` over `choice` and `policy`. `present`:
        start in presenter mode (names and references hidden for a room)."""
        super().__init__()
        self.choice = choice
        self.policy = policy
        self.engine: Engine = engine if engine is not None else Caseloads(choice, policy)
        self.clock = clock
        self.follows_today = as_of is None
        """No --as-of: "today" is read again on every reload and when the day changes."""
        self.day_check_seconds = day_check_seconds
        self.set_reactive(
            CfmonitorApp.view,
            View(as_of=as_of or clock(), is_demo=choice.is_demo, presenting=present),
        )
        self.loading_text: str = ""
        """What the loading worker said last; the view shows it while a load runs."""
        self.watch_seconds = watch_seconds
        self._signature: tuple[int, int] | None = None
        self.crashed_with: str | None = None
        self._load_reason = "start"
        self._stale_warned: tuple[dt.date | None, dt.date] | None = None
        self._loads = 0
        """The number of the latest load: a message from an older one is ignored (its
        worker was cancelled, or another program changed the file since)."""
        self._load_worker: Worker[None] | None = None

    # --- the view, read back (for the app's own decisions and for tests) -------------

    @property
    def as_of(self) -> dt.date:
        return self.view.as_of

    @property
    def snapshot(self) -> Snapshot | None:
        return self.view.snapshot

    @property
    def history(self) -> History | None:
        return self.view.history

    @property
    def history_note(self) -> str:
        return self.view.history_note

    def _show(
        self,
        *,
        snapshot: Snapshot | None = None,
        history: History | None = None,
        history_note: str | None = None,
        as_of: dt.date | None = None,
        new_figures: bool = False,
    ) -> None:
        """Hand the screens a new view: the figures (with `new_figures`, even when
        `history` is None), and always the loading progress as it is now."""
        view = self.view
        if new_figures:
            view = dataclasses.replace(
                view,
                snapshot=snapshot,
                history=history,
                scenario=self._rebased(view.scenario, snapshot),
                redactor=_redactor(snapshot) if view.presenting else None,
            )
        if history_note is not None:
            view = dataclasses.replace(view, history_note=history_note)
        if as_of is not None:
            view = dataclasses.replace(view, as_of=as_of)
        self.view = dataclasses.replace(view, loading=self.loading_text if self.is_loading else "")

    # --- screens ------------------------------------------------------------------

    def get_default_screen(self) -> Screen[None]:
        return OverviewScreen()

    def on_mount(self) -> None:
        self.reload("start")
        if self.watch_seconds > 0:
            self.set_interval(self.watch_seconds, self.check_file, name="watch-database")
        if self.follows_today and self.day_check_seconds > 0:
            self.set_interval(self.day_check_seconds, self.check_day, name="watch-the-day")

    @property
    def is_loading(self) -> bool:
        return any(
            worker.group == "load" and worker.state in (WorkerState.PENDING, WorkerState.RUNNING)
            for worker in self.workers
        )

    # --- loading ------------------------------------------------------------------

    def reload(self, reason: str = "reload") -> None:
        """Read the database again for the view's as-of date (today's date again, when
        the app follows today), in the worker; the UI stays live."""
        if self.follows_today and self.clock() != self.as_of:
            self._show(as_of=self.clock())
        self.loading_text = f"Reading {visible(self.choice.label)} …"
        self._load_reason = reason
        self._loads += 1
        self._load_worker = self.load_in_background(self.as_of, reason, self._loads)
        self._show()

    @work(thread=True, exclusive=True, exit_on_error=False, group="load")
    def load_in_background(self, as_of: dt.date, reason: str, load: int = 0) -> None:
        """`load_snapshot` in two steps, so the screen can say which one is running; then,
        with the snapshot already painted, the history (weeks over, the series, the
        direction of travel) read once and posted after it."""
        worker = get_current_worker()
        snapshot = self.engine.snapshot(as_of)
        if worker.is_cancelled:
            return
        self.post_message(SnapshotLoaded(snapshot, reason, load))
        self.post_message(LoadProgress("Working out the history (two years, weekly) …"))
        try:
            with_history = self.engine.with_history(snapshot)
            if worker.is_cancelled:
                return
            history = self.engine.history(snapshot)
        except Exception as error:  # the figures on screen are still right: keep them
            if not worker.is_cancelled:
                self.post_message(HistoryFailed(as_of, error_sentence(error), load))
            return
        if not worker.is_cancelled:
            self.post_message(HistoryLoaded(with_history, history, load))

    def on_load_progress(self, message: LoadProgress) -> None:
        self.loading_text = message.text
        self._show()

    def _is_stale(self, load: int) -> bool:
        return bool(load) and load != self._loads

    def on_snapshot_loaded(self, message: SnapshotLoaded) -> None:
        if self._is_stale(message.load):
            return
        snapshot = message.snapshot
        first = self.snapshot is None
        if snapshot.source is not None:
            self._signature = (snapshot.source.modified_ns, snapshot.source.size)
        self.loading_text = ""
        while isinstance(self.screen, ErrorScreen):
            self.pop_screen()
        # The old history belongs to other figures: never mix them.
        self._show(snapshot=snapshot, history=None, history_note=HISTORY_LOADING, new_figures=True)
        self._warn_if_stale(snapshot)
        if message.reason == "changed":
            self.notify("The database changed on disk; figures reloaded.", timeout=4)
        elif message.reason == "new-day":
            self.notify(f"A new day: figures as of {snapshot.as_of.isoformat()}.", timeout=4)
        elif message.reason == "as-of" and not first:
            self.notify(f"Figures recomputed as of {snapshot.as_of.isoformat()}.", timeout=3)

    def _warn_if_stale(self, snapshot: Snapshot) -> None:
        """A toast when the data is older than the policy allows: once per extract and
        as-of day, not on every reload (the top bar keeps saying it)."""
        age = snapshot.data_age
        key = (age.counted_from, age.as_of)
        if age.warning and key != self._stale_warned:
            self.notify(age.warning, title="Old data", severity="warning", timeout=10)
        self._stale_warned = key if age.warning else None

    def on_history_loaded(self, message: HistoryLoaded) -> None:
        """The same figures plus weeks over, sustained, the series and the direction of
        travel: every screen redraws from them (tables keep their sort, filter and row)."""
        current = self.snapshot
        if self._is_stale(message.load):
            return
        if current is None or (message.snapshot.as_of, message.snapshot.source) != (
            current.as_of,
            current.source,
        ):
            return  # a late message from a load that was replaced
        self.loading_text = ""
        self._show(snapshot=message.snapshot, history=message.history, new_figures=True)

    def on_history_failed(self, message: HistoryFailed) -> None:
        """Keep the snapshot's figures; say in one sentence why there is no history."""
        if self._is_stale(message.load):
            return
        if self.snapshot is None or message.as_of != self.snapshot.as_of:
            return
        self.loading_text = ""
        self.notify(
            f"Could not work out the history: {message.sentence}",
            title="Showing today's figures only",
            severity="warning",
            timeout=8,
        )
        self._show(
            snapshot=self.snapshot,
            history=None,
            history_note=HISTORY_UNAVAILABLE,
            new_figures=True,
        )

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        """The one place a loading failure is handled: a message screen, never a traceback."""
        if event.worker.group != "load" or event.worker is not self._load_worker:
            return  # another kind of work, or a load since replaced by a newer one
        if event.state == WorkerState.ERROR:
            self.loading_text = ""
            if self.snapshot is not None and self.history is None:
                # The figures kept on screen lost the history that was being worked out.
                self._show(
                    snapshot=self.snapshot,
                    history=None,
                    history_note=HISTORY_UNAVAILABLE,
                    new_figures=True,
                )
            else:
                self._show()
            if self._load_reason == "changed" and self.snapshot is not None:
                # Another program is mid-write (say): keep the figures, say so quietly.
                self.notify(
                    f"Could not re-read the database: {error_sentence(event.worker.error)}",
                    title="Showing the figures read before",
                    severity="warning",
                    timeout=8,
                )
                return
            self.show_error(event.worker.error)
        elif event.state == WorkerState.CANCELLED:
            self._show()

    def show_error(self, error: BaseException | None) -> None:
        sentence = error_sentence(error)
        if isinstance(self.screen, ErrorScreen):
            self.screen.show_message(sentence)
        else:
            self.push_screen(ErrorScreen(sentence, has_data=self.snapshot is not None))

    def _fatal_error(self) -> None:
        """An unexpected crash: one sentence on exit, never a traceback with its locals
        (they hold names and case references). Set CFMONITOR_DEBUG=1 to see the trace."""
        if os.environ.get("CFMONITOR_DEBUG"):
            super()._fatal_error()
            return
        self.bell()
        self.crashed_with = type(self._exception).__name__ if self._exception else "error"
        self._close_messages_no_wait()

    # --- watching the file ----------------------------------------------------------

    def check_file(self) -> None:
        """Reload when another program has written to the database since we read it."""
        if self.is_loading or self.snapshot is None:
            return
        signature = self.engine.signature()
        if signature is not None and signature != self._signature:
            self._signature = signature
            self.reload("changed")

    # --- requests from the screens and the palette ------------------------------------

    def check_day(self) -> None:
        """After midnight, a wall display shows the new day's figures, not yesterday's."""
        if self.follows_today and self.clock() != self.as_of and not self.is_loading:
            self.reload("new-day")

    def action_reload(self) -> None:
        self.reload("reload")

    @on(requests.Reload)
    def _reload_requested(self, message: requests.Reload) -> None:
        self.reload("reload")

    @on(requests.ChangeAsOf)
    def _change_as_of_requested(self, message: requests.ChangeAsOf) -> None:
        self.change_as_of(message.day)

    def change_as_of(self, day: dt.date) -> None:
        """Every figure again for `day` (nothing happens when it is the day shown)."""
        if day != self.as_of:
            # A day the user chose stays chosen; today (typed or 'today') moves on.
            self.follows_today = day == self.clock()
            self._show(as_of=day)
            self.reload("as-of")

    def action_change_as_of(self) -> None:
        def chosen(day: dt.date | None) -> None:
            if day is not None:
                self.change_as_of(day)

        self.push_screen(AsOfDialog(self.as_of), chosen)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_toggle_dark(self) -> None:
        self.theme = LIGHT_THEME if self.current_theme.dark else DARK_THEME

    def action_save_screenshot(self) -> None:
        def take() -> None:
            # Taken before the dialog opens: the screen the user was looking at.
            self.push_screen(ScreenshotDialog(self.export_screenshot()))

        self.set_timer(0.1, take)

    @on(requests.Export)
    def _export(self, message: requests.Export) -> None:
        self.push_screen(ExportDialog(message.request))

    @on(requests.Open)
    def _open(self, message: requests.Open) -> None:
        """The one place that decides what opens, and where in the stack it goes."""
        subject = message.subject
        match subject:
            case requests.Overview():
                self._to_overview()
            case requests.Team(name):
                self.open_team(name)
            case requests.Teams():
                self.open_teams(subject)
            case requests.Worker(staff_ref, from_team):
                self.open_worker(staff_ref, from_team=from_team)
            case requests.Case(case_ref, holder, unallocated):
                self.open_case(case_ref, holder, unallocated)
            case requests.Trend(level, key):
                self.open_trend(level, key)
            case requests.Unallocated(team):
                self.open_unallocated(team)
            case requests.Problems():
                self.open_problems()

    def _to_overview(self) -> None:
        while len(self.screen_stack) > 1:
            self.pop_screen()

    def _reused(self, name: str, factory: type[ScreenKind]) -> ScreenKind:
        """One installed instance per kind of drill-down screen: opening another team or
        worker re-points it instead of composing a new screen (a drill-down is one
        `set_frame`, not a dozen new widgets to style)."""
        if not self.is_screen_installed(name):
            self.install_screen(factory(), name)
        screen = self.get_screen(name)
        if not isinstance(screen, factory):
            raise TypeError(f"screen {name!r} is not a {factory.__name__}")
        return screen

    def open_team(self, team: str) -> None:
        """Show a team's screen on top of the overview, whatever screen is open now."""
        self._to_overview()
        screen = self._reused("team", TeamScreen)
        screen.show_subject(team)
        self.push_screen(screen)

    def open_teams(self, chosen: requests.Teams) -> None:
        """The workers of several teams in one list, on top of the overview."""
        self._to_overview()
        screen = self._reused("teams", TeamsScreen)
        screen.show_subject(chosen)
        self.push_screen(screen)

    def open_worker(self, staff_ref: str, *, from_team: bool = False) -> None:
        """Show a worker's supervision view; from the palette, above their team's screen
        so that going back goes to the team."""
        import polars as pl

        if self.snapshot is None:
            return
        if not from_team:
            row = self.snapshot.workers.filter(pl.col("staff_ref") == staff_ref)
            if row.height:
                self.open_team(row.item(0, "team"))
            else:
                self._to_overview()
        screen = self._reused("worker", WorkerScreen)
        screen.show_subject(staff_ref)
        self.push_screen(screen)

    def open_case(self, case_ref: str, holder: str, unallocated: bool) -> None:
        """From the palette: the worker who holds a case, with the cursor on it; or, for a
        case nobody holds, its team's unallocated cases, saying so."""
        if unallocated:
            self._to_overview()
            self.open_unallocated(holder or None)
            self.notify(f"{case_ref} is unallocated ({holder or 'no team'}).", timeout=5)
        else:
            self.open_worker(holder)
        if isinstance(self.screen, TableScreen):
            self.screen.point_at(case_ref)

    def open_trend(self, level: str, key: str | None) -> None:
        """The measures over time for the organisation, a team or a worker, above the
        screen it was opened from (so escape goes back there)."""
        screen = self._reused("trend", TrendScreen)
        if screen in self.screen_stack:
            return
        screen.show_subject((level, key))
        self.push_screen(screen)

    def action_trend(self) -> None:
        """From the palette: the trend of what the screen shows, else the organisation's."""
        trend = getattr(self.screen, "action_trend", None)
        if callable(trend):
            trend()
        else:
            self.open_trend("organisation", None)

    def open_unallocated(self, team: str | None) -> None:
        screen = self._reused("unallocated", UnallocatedScreen)
        screen.show_subject(team)
        self.push_screen(screen)

    def open_problems(self) -> None:
        """The data problems behind the figures, above the overview."""
        self._to_overview()
        screen = self._reused("problems", ProblemsScreen)
        screen.show_subject(None)
        self.push_screen(screen)

    # --- the scenario: moves tried, never made ------------------------------------------

    def _rebased(self, scenario: Scenario | None, snapshot: Snapshot | None) -> Scenario | None:
        """The scenario's moves on newly read figures; dropped, saying so, when they no
        longer fit (a case closed, a worker left)."""
        if scenario is None or snapshot is None:
            return None
        try:
            return whatif.rebased(scenario, snapshot)
        except ScenarioError as error:
            self.notify(
                f"The scenario was discarded: {whatif.error_sentence(error)}",
                title="Figures read again",
                severity="warning",
                timeout=8,
            )
            return None

    @on(requests.ChooseMove)
    def _choose_move(self, message: requests.ChooseMove) -> None:
        """The picker of workers for a case; the one chosen gets it, in the scenario."""
        styles = status_styles(self.theme_variables)
        found = whatif.choices(self.view, message.case_ref)

        def chosen(staff_ref: str | None) -> None:
            if staff_ref is not None:
                to = None if staff_ref == LEAVE_UNALLOCATED else staff_ref
                self.add_move(Move(message.case_ref, to, message.from_staff_ref))

        picker = MovePicker(
            message.shown, found, styles, can_leave=message.from_staff_ref is not None
        )
        self.push_screen(picker, chosen)

    def add_move(self, move: Move) -> bool:
        """Add `move` to the scenario (every screen then shows its figures, and the SCENARIO
        banner says which case went where); a move that cannot be made is said in one
        sentence and changes nothing."""
        view = self.view
        if view.snapshot is None:
            return False
        scenario = view.scenario or Scenario(view.snapshot)
        try:
            scenario = scenario.add(move)
        except ScenarioError as error:
            self.notify(whatif.error_sentence(error), title="Not moved", severity="warning")
            return False
        self.view = dataclasses.replace(view, scenario=scenario)
        return True

    def action_undo_move(self) -> None:
        scenario = self.view.scenario
        if scenario is None or not len(scenario):
            self.notify("No moves to undo.", timeout=2)
            return
        # Said by the banner, as a move is: its count and last move, or no banner at all.
        self.view = dataclasses.replace(self.view, scenario=scenario.undo())

    def action_discard_scenario(self) -> None:
        if self.view.scenario is None or not self.view.moves:
            self.notify("No scenario to discard.", timeout=2)
            return
        self.view = dataclasses.replace(self.view, scenario=None)
        self.notify("Scenario discarded: the figures are as they are.", timeout=3)

    def action_list_moves(self) -> None:
        if not self.view.moves:
            self.notify("No moves tried yet (w on a case tries one).", timeout=3)
            return

        def then(what: str | None) -> None:
            if what == "undo":
                self.action_undo_move()
            elif what == "discard":
                self.action_discard_scenario()
            elif what == "export":
                self.action_export_scenario()

        table = whatif.moves_table(self.view, status_styles(self.theme_variables))
        self.push_screen(MovesDialog(table), then)

    def action_export_scenario(self) -> None:
        request = whatif.proposal_request(self.view)
        if request is None:
            self.notify("No moves to export.", timeout=2)
            return
        self.push_screen(ExportDialog(request))

    # --- presenter mode -----------------------------------------------------------------

    def action_toggle_presenting(self) -> None:
        """Names as initials and staff ref, references only on the open worker's screen."""
        presenting = not self.view.presenting
        snapshot = self.view.snapshot
        self.view = dataclasses.replace(
            self.view,
            presenting=presenting,
            redactor=_redactor(snapshot) if presenting and snapshot is not None else None,
            named=self.view.named if presenting else None,
        )
        self.notify(
            "Presenting: colleagues' names are initials and staff refs; case and family "
            "references show only on the open worker's screen."
            if presenting
            else "Presenting off: names and references shown.",
            timeout=4,
        )

    @on(requests.ShowName)
    def _show_name(self, message: requests.ShowName) -> None:
        named = None if self.view.named == message.staff_ref else message.staff_ref
        self.view = dataclasses.replace(self.view, named=named)
        self.notify(
            "Showing this worker's name (they are in the room)."
            if named
            else "This worker's name is hidden again.",
            timeout=3,
        )

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Scenario keys only while there is a scenario (the key bar shows what works)."""
        if action in ("undo_move", "list_moves", "discard_scenario", "export_scenario"):
            return self.view.moves > 0
        return True

    # --- the command palette ------------------------------------------------------

    def get_system_commands(self, screen: Screen[object]) -> Iterable[SystemCommand]:
        """The app's own actions. Textual's silent "Screenshot" is replaced by one that
        asks for a file name and says where it wrote."""
        yield SystemCommand("Reload", "Read the database again now", self.action_reload)
        yield SystemCommand(
            "Change the as-of date",
            "Recompute every figure for another day",
            self.action_change_as_of,
        )
        yield SystemCommand("Help", "Every key on this screen", self.action_help)
        yield SystemCommand("Overview", "Back to the organisation overview", self._to_overview)
        yield SystemCommand(
            "Trend",
            "Charts and a table of the measures over two years, for what this screen shows",
            self.action_trend,
        )
        yield SystemCommand(
            "Unallocated cases",
            "Every open case with nobody allocated",
            lambda: self.open_unallocated(None),
        )
        yield SystemCommand(
            "Data problems",
            "What could not be judged, by staff and case reference (as cfmonitor check)",
            self.open_problems,
        )
        what_if = getattr(screen, "action_what_if", None)
        if callable(what_if):
            yield SystemCommand(
                "Move this case to…",
                "What if the case under the cursor went to another worker (never written)",
                what_if,
            )
        if self.view.moves:
            yield SystemCommand(
                "Undo the last move", "Take back the last move tried", self.action_undo_move
            )
            yield SystemCommand(
                "List the moves", "The moves tried, before → after", self.action_list_moves
            )
            yield SystemCommand(
                "Discard the scenario", "Forget every move tried", self.action_discard_scenario
            )
            yield SystemCommand(
                "Export the scenario as a proposal…",
                "Case, from, to, utilisation before and after, for the manager",
                self.action_export_scenario,
            )
        yield SystemCommand(
            "Presenter mode off" if self.view.presenting else "Presenter mode",
            "Hide colleagues' names and case references for a shared screen",
            self.action_toggle_presenting,
        )
        show_name = getattr(screen, "action_show_name", None)
        if self.view.presenting and callable(show_name):
            yield SystemCommand(
                "Show this worker's name",
                "The worker whose screen is open is the person in the room",
                show_name,
            )
        if isinstance(screen, TableScreen):
            if screen.can_show_flagged():
                yield SystemCommand(
                    "Flagged only",
                    "Show only rows that are over or near",
                    screen.action_toggle_flagged,
                )
            yield SystemCommand(
                "Export table…", "Write the rows shown to a file you name", screen.action_export
            )
        yield SystemCommand(
            "Light / dark", "Switch between the light and dark theme", self.action_toggle_dark
        )
        yield SystemCommand(
            "Save screenshot…",
            "Write this screen, as shown, to an SVG file you name",
            self.action_save_screenshot,
        )
        yield SystemCommand("Quit", "Quit cfmonitor", self.action_quit)


def cfmonitor_app(app: object) -> CfmonitorApp:
    """`app` as the CfmonitorApp it is: screens and the palette provider run in no other."""
    if not isinstance(app, CfmonitorApp):
        raise TypeError(f"expected the cfmonitor app, not {type(app).__name__}")
    return app


def _redactor(snapshot: Snapshot | None) -> Redactor:
    """One numbering of stand-ins for a Snapshot's case and family references."""
    redactor = Redactor()
    if snapshot is not None:
        for frame in (snapshot.worker_cases, snapshot.unallocated_cases):
            redactor.learn("case", frame.get_column("case_ref").to_list())
            redactor.learn("family", frame.get_column("family_ref").to_list())
    return redactor


def run_app(
    choice: DatabaseChoice, *, policy: Policy, as_of: dt.date | None, present: bool = False
) -> None:
    """Open the terminal UI on `choice` (called by `cfmonitor` with no subcommand)."""
    app = CfmonitorApp(choice, policy=policy, as_of=as_of, present=present)
    app.run()
    if app.crashed_with is not None:
        raise CfmonitorError(
            f"the terminal UI stopped on an unexpected {app.crashed_with}; nothing was changed. "
            "Please report what you did (CFMONITOR_DEBUG=1 shows the details)."
        )
