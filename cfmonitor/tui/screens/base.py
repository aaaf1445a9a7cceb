"""What every screen shares: the top bar, the keys, the too-small notice, the table tools.

A `SnapshotScreen` shows part of the app's one `View`: it watches the app's `view`
reactive and redraws from each new value (reload, as-of change, the file changed, the
history arriving) without going back to the database. It asks for anything else (open
a team, export the rows) by posting a request (`cfmonitor.tui.requests`) up to the app.
"""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

import polars as pl
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, LoadingIndicator, Static

from cfmonitor.data.engine import History, Snapshot
from cfmonitor.redact import Redactor
from cfmonitor.tui.bindings import (
    BACK_BINDING,
    COMMON_BINDINGS,
    EXPORT_BINDING,
    FILTER_BINDING,
    FLAGGED_BINDING,
)
from cfmonitor.tui.changes import with_before
from cfmonitor.tui.requests import Export, ExportRequest, Open, Subject
from cfmonitor.tui.scenario_line import scenario_line
from cfmonitor.tui.table_view import FLAG_COLUMN, TableView
from cfmonitor.tui.view import View
from cfmonitor.tui.widgets.cells import status_styles
from cfmonitor.tui.widgets.keybar import KeyBar
from cfmonitor.tui.widgets.table import CaseloadTable, Column
from cfmonitor.tui.widgets.topbar import TopBar
from cfmonitor.tui.widgets.travel import HISTORY_LOADING

__all__ = ["BACK_BINDING", "SnapshotScreen", "TableScreen"]

MIN_WIDTH, MIN_HEIGHT = 60, 16
"""Below this the screens cannot show their figures; the app says so instead."""
NARROW_WIDTH = 100
"""At or below this width the figures and tables use their compact layout."""
SHORT_HEIGHT = 30
"""Below this height blocks above the table fold to one line, leaving rows for the table."""


class SnapshotScreen(Screen[None]):
    """A screen that shows part of the app's View, with the top bar and the key bar."""

    BINDINGS: ClassVar[list[BindingType]] = COMMON_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Snapshot | None = None
        """The Snapshot drawn now (None before the first one arrives)."""
        self.view: View | None = None
        """The latest View the app handed down (drawn when this screen is in the stack)."""
        self._drawn: View | None = None
        self._ready = False
        self._top_shown: tuple[object, ...] | None = None
        """What the top bar was last given (crumbs, day, demo, source, data age)."""
        self._presenting_shown: bool | None = None
        self._progress_shown: str | None = None

    @property
    def history(self) -> History | None:
        return self.view.history if self.view is not None else None

    @property
    def history_note(self) -> str:
        return self.view.history_note if self.view is not None else HISTORY_LOADING

    @property
    def before(self) -> Snapshot | None:
        """The figures as they are, while a scenario's are drawn (None: no scenario)."""
        return self.view.before if self.view is not None else None

    @property
    def open_staff_ref(self) -> str | None:
        """The worker whose own screen this is (their references stay while presenting)."""
        return None

    def redactor(self) -> Redactor | None:
        """While presenting, how this screen hides names and references; else None."""
        return self.view.redactor_for(self.open_staff_ref) if self.view is not None else None

    def request(self, subject: Subject) -> None:
        """Ask the app to open `subject` (it decides which screen, and where)."""
        self.post_message(Open(subject))

    # --- subclasses fill these in ---------------------------------------------------

    def crumbs(self) -> list[str]:
        return ["Organisation"]

    def compose_body(self) -> ComposeResult:
        yield from ()

    def render_snapshot(self, snapshot: Snapshot) -> None:
        """Redraw the body from `snapshot` (cheap: everything is already computed)."""

    # --- shared -----------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield TopBar(id="topbar")
        yield Static(id="scenario-banner")
        with Vertical(id="loading"):
            yield LoadingIndicator()
            yield Static(id="loading-text")
        with Vertical(id="body"):
            yield from self.compose_body()
        yield Static(
            Text(
                f"The terminal is too small for cfmonitor: make it at least "
                f"{MIN_WIDTH}×{MIN_HEIGHT} (ctrl+q quits)."
            ),
            id="too-small",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self._ready = True
        self._fit(self.app.size.width, self.app.size.height)
        self.watch(self.app, "view", self._view_changed, init=True)
        self.watch(self.app, "theme", self._theme_changed, init=False)

    def _view_changed(self, view: View) -> None:
        """A new View from the app: draw what changed if this screen is the one shown.
        A screen under it draws the latest View when it is shown again (`on_screen_resume`),
        so a move redraws one screen, not the whole stack; a reused screen off the stack
        is drawn afresh by `show_subject` when it opens again."""
        self.view = view
        if self._ready and self.is_shown:
            self.draw_view(view)

    @property
    def is_shown(self) -> bool:
        """The top screen, or the one under a dialog: the figures the user can see."""
        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, SnapshotScreen):
                return screen is self
        return False

    def on_screen_resume(self) -> None:
        """Shown again (the screen above it closed): draw what changed while it was hidden."""
        if self._ready and self.view is not None and self.view is not self._drawn:
            self.draw_view(self.view)

    def draw_view(self, view: View, *, afresh: bool = False) -> None:
        """Draw `view`: the as-of day, the progress and the figures, each when it changed
        since the view drawn last (all of them `afresh`, or the first time)."""
        drawn = None if afresh else self._drawn
        self._drawn = view
        if drawn is None:  # first the day and the progress, then the figures over them
            self.show_as_of(view.as_of)
            self.show_progress(view.loading)
            self.show_modes(view)
            if view.figures is not None:
                self.show_snapshot(view.figures)
            return
        figures_changed = (
            view.snapshot is not drawn.snapshot
            or view.history is not drawn.history
            or view.history_note != drawn.history_note
            or view.scenario is not drawn.scenario
            or view.presenting != drawn.presenting
            or view.named != drawn.named
            or view.redactor is not drawn.redactor
        )
        if figures_changed:
            self.show_modes(view)
        if figures_changed and view.figures is not None:
            self.show_snapshot(view.figures)
        elif view.as_of != drawn.as_of:
            self.show_as_of(view.as_of)
        if figures_changed or view.loading != drawn.loading:
            self.show_progress(view.loading)

    def show_modes(self, view: View) -> None:
        """The SCENARIO banner (with the number of moves) and the PRESENTING marker."""
        if not self._ready:
            return
        banner = self.query_one("#scenario-banner", Static)
        banner.set_class(view.moves > 0, "-on")
        banner.update(scenario_line(view), layout=False)  # one line: no new layout
        if self._presenting_shown is not view.presenting:
            self._presenting_shown = view.presenting
            self.query_one(TopBar).show_presenting(view.presenting)

    def _theme_changed(self) -> None:
        """Status colours come from the theme: redraw from the Snapshot when it changes."""
        if self.snapshot is not None:
            self.render_snapshot(self.snapshot)

    def status_styles(self) -> dict[str, str]:
        return status_styles(self.app.theme_variables)

    def on_resize(self, event: events.Resize) -> None:
        self._fit(event.size.width, event.size.height)

    def _fit(self, width: int, height: int) -> None:
        self.set_class(width < MIN_WIDTH or height < MIN_HEIGHT, "-too-small")
        narrow = width <= NARROW_WIDTH
        short = height < SHORT_HEIGHT
        if narrow != self.has_class("-narrow") or short != self.has_class("-short"):
            self.set_class(narrow, "-narrow")
            self.set_class(short, "-short")
            if self.snapshot is not None:
                self.render_snapshot(self.snapshot)  # some screens choose columns by size

    @property
    def narrow(self) -> bool:
        return self.has_class("-narrow")

    @property
    def short(self) -> bool:
        """Fewer lines than SHORT_HEIGHT: fold what can be folded."""
        return self.has_class("-short")

    def show_as_of(self, day: dt.date) -> None:
        if not self._ready:
            return
        source = self.snapshot.source if self.snapshot is not None else None
        self._top_shown = None
        self.query_one(TopBar).show(self.crumbs(), day, self._is_demo(), source)

    def _is_demo(self) -> bool:
        """DEMO DATA: from the source of the Snapshot drawn, else the database chosen."""
        source = self.snapshot.source if self.snapshot is not None else None
        if source is not None:
            return source.is_demo
        return self.view.is_demo if self.view is not None else False

    def show_progress(self, text: str) -> None:
        """While loading: a spinner and what is being done; the old figures stay readable."""
        if not self._ready:
            return
        first = self.snapshot is None
        self.set_class(bool(text) and first, "-first-load")
        if text != self._progress_shown:  # unchanged (a move): no new layout for it
            self._progress_shown = text
            self.query_one("#loading-text", Static).update(Text(text))
        self.query_one(TopBar).show_busy(bool(text) and not first)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if not self._ready:
            return  # on_mount shows the app's snapshot
        self.snapshot = snapshot
        self.set_class(False, "-first-load")
        # A move changes none of the top bar: updating it anyway costs a new layout of the
        # whole screen on every move.
        top = (self.crumbs(), snapshot.as_of, self._is_demo(), snapshot.source, snapshot.data_age)
        if top != self._top_shown:
            self._top_shown = top
            self.query_one(TopBar).show(*top[:4])
            self.query_one(TopBar).show_data_age(snapshot.data_age)
        self.render_snapshot(snapshot)

    def action_back(self) -> None:
        self.app.pop_screen()


class TableScreen(SnapshotScreen):
    """A screen whose main part is one CaseloadTable: filter, flagged-only, sort, open a row."""

    BINDINGS: ClassVar[list[BindingType]] = [FLAGGED_BINDING, EXPORT_BINDING, FILTER_BINDING]
    TABLE: ClassVar[TableView]
    """The screen's table, declared (each table screen sets it)."""

    def __init__(self) -> None:
        super().__init__()
        self.flagged_only = False
        self._point_at: object = None
        self._offered: tuple[bool, ...] | None = None
        self._before_cache: tuple[tuple[object, ...], tuple[object, ...], pl.DataFrame] | None = (
            None
        )

    def compose_figures(self) -> ComposeResult:
        yield from ()

    def compose_body(self) -> ComposeResult:
        yield from self.compose_figures()
        yield Input(placeholder="filter…", id="filter")
        yield CaseloadTable(id="table")

    @property
    def table(self) -> CaseloadTable:
        return self.query_one("#table", CaseloadTable)

    @property
    def filter_input(self) -> Input:
        return self.query_one("#filter", Input)

    @property
    def table_view(self) -> TableView:
        """The table drawn now (a screen with a table per level chooses here)."""
        return self.TABLE

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        """The table's frame: one row per team, worker, case or week, raw values."""
        raise NotImplementedError

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        """The table's columns, for `frame` (widths may follow its longest values)."""
        raise NotImplementedError

    def redacted_rows(self, snapshot: Snapshot) -> pl.DataFrame:
        """The rows, flagged, and redacted while presenting."""
        frame = self.table_view.flagged(self.rows(snapshot))
        redactor = self.redactor()
        return frame if redactor is None else self.redact(frame, redactor)

    def redact(self, frame: pl.DataFrame, redactor: Redactor) -> pl.DataFrame:
        """Names to initials and staff ref, references to stand-ins (a screen of the open
        worker's own rows keeps them)."""
        return redactor.frame(frame)

    def render_snapshot(self, snapshot: Snapshot) -> None:
        self.render_figures(snapshot)
        # The table keeps its filter, sort and the cursor's row (by key) across frames.
        declared = self.table_view
        frame = self.redacted_rows(snapshot)
        columns = self.columns(frame)
        before = self.before
        if before is not None and before.as_of == snapshot.as_of:
            frame, columns = with_before(frame, self._rows_before(before), declared.key, columns)
        self.table.set_frame(frame, declared.key, columns, row_style=declared.row_style)
        # The keys on offer follow flagged-only (once the history's weeks are in), the
        # scenario's keys (once there is a move) and presenting; a move that changes none
        # of them leaves the key bar alone (redrawing it costs more than the move's rows).
        view = self.view
        offered = (
            self.can_show_flagged(),
            view is not None and view.moves > 0,
            view is not None and view.presenting,
        )
        if offered != self._offered:
            self._offered = offered
            self.refresh_bindings()
        if self._point_at is not None and self.table.move_cursor_to_key(self._point_at):
            self._point_at = None

    def _rows_before(self, before: Snapshot) -> pl.DataFrame:
        """The rows as they are without the scenario: the same for every move tried on one
        Snapshot, so worked out once per base, history, subject, table and redaction (a
        move then costs one `rows`, not two). `show_subject` forgets them."""
        view = self.view
        key = (
            before,
            self.history,
            self.table_view,
            view.redactor if view is not None else None,
            view.presenting if view is not None else False,
        )
        cached = self._before_cache
        if (
            cached is not None
            and all(a is b for a, b in zip(cached[0], key, strict=True))
            and cached[1] == (self.subject, view.named if view is not None else None)
        ):
            return cached[2]
        rows = self.redacted_rows(before)
        self._before_cache = (key, (self.subject, view.named if view is not None else None), rows)
        return rows

    def point_at(self, key: object) -> None:
        """Put the cursor on the row with `key`, now or as soon as the rows are drawn."""
        self._point_at = key
        if self._ready and self.table.move_cursor_to_key(key):
            self._point_at = None

    def render_figures(self, snapshot: Snapshot) -> None:
        """Headline figures above the table, if the screen has any."""

    def on_mount(self) -> None:
        super().on_mount()
        self.filter_input.display = False
        self.table.focus()

    def action_filter(self) -> None:
        self.filter_input.display = True
        # Focus now, not after the next refresh: letters typed straight after `/` (or
        # pasted) belong to the filter, not to the keys of the screen.
        self.set_focus(self.filter_input)
        self.refresh_bindings()

    @on(Input.Changed, "#filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.table.filter_text(event.value)
        self.refresh_bindings()

    @on(Input.Submitted, "#filter")
    def _filter_submitted(self, event: Input.Submitted) -> None:
        if not event.value:
            self.filter_input.display = False
        self.table.focus()
        self.refresh_bindings()

    def close_filter(self) -> bool:
        """Esc with a filter open clears it; returns False when there was none."""
        if self.filter_input.has_focus or self.filter_input.value:
            self.filter_input.value = ""
            self.table.filter_text("")
            self.filter_input.display = False
            self.table.focus()
            self.refresh_bindings()
            return True
        return False

    def action_back(self) -> None:
        if not self.close_filter():
            super().action_back()

    def can_show_flagged(self) -> bool:
        """Only tables of people or weeks have rows that are over or near."""
        return FLAG_COLUMN in self.table.frame.columns

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """The key bar and help offer only what works here now."""
        if action == "toggle_flagged":
            return self.can_show_flagged()
        return True

    def action_toggle_flagged(self) -> None:
        if not self.can_show_flagged():
            self.notify("This table has no rows that are over or near.", timeout=2)
            return
        self.flagged_only = not self.flagged_only
        self.table.set_flagged_only(pl.col(FLAG_COLUMN) if self.flagged_only else None)
        self.set_class(self.flagged_only, "-flagged-only")
        self.refresh_bindings()
        self.notify(
            "Showing only rows over or near." if self.flagged_only else "Showing every row.",
            timeout=2,
        )

    def export_frame(self) -> pl.DataFrame:
        """The rows shown, in the order shown, in the table's columns (helpers left out)."""
        return self.table_view.export_frame(self.table.visible_frame, self.table.columns)

    def export_headings(self) -> list[tuple[str, str]]:
        """(field, the heading on screen) for each column shown."""
        return self.table_view.export_headings(self.table.columns)

    def action_export(self) -> None:
        """`e`: the rows shown (filter, flagged-only and sort applied) to a file, titled
        with what they are, the as-of date and DEMO DATA when it is."""
        as_of = self.snapshot.as_of if self.snapshot is not None else None
        if as_of is None:
            as_of = self.view.as_of if self.view is not None else dt.date.today()
        request = ExportRequest(
            frame=self.export_frame(),
            labels=dict(self.export_headings()),
            crumbs=self.crumbs(),
            table_name=self.table_view.name,
            as_of=as_of,
            is_demo=self._is_demo(),
        )
        self.post_message(Export(request))

    subject: object = None
    """What the screen shows (a team name, a staff reference); None for everything."""

    def show_subject(self, subject: object) -> None:
        """Re-point a reused screen at another team or worker, starting afresh: no filter,
        every row, the screen's own order."""
        self.subject = subject
        self._before_cache = None
        if not self._ready:
            return
        self.filter_input.value = ""
        self.filter_input.display = False
        self.flagged_only = False
        self.set_class(False, "-flagged-only")
        table = self.table
        table.filter_text("")
        table.set_flagged_only(None)
        table.sort_by(None)
        if self.view is not None:
            self.draw_view(self.view, afresh=True)
        table.move_cursor(0)
        table.scroll_home(animate=False)
        table.focus()

    def open_row(self, key: object) -> None:
        """Enter (or a click) on a row: subclasses drill down."""

    @on(CaseloadTable.RowSelected, "#table")
    def _row_selected(self, event: CaseloadTable.RowSelected) -> None:
        if event.key is not None:
            self.open_row(event.key)
