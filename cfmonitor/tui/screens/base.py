"""What every screen shares: the top bar, the keys, the too-small notice, the table tools.

A `SnapshotScreen` is a view of the app's one Snapshot: the app calls `show_snapshot`
whenever a new one arrives (reload, as-of change, the file changed) and the screen
redraws from it without going back to the database.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, ClassVar

import polars as pl
from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Input, LoadingIndicator, Static

from cfmonitor.data.engine import Snapshot
from cfmonitor.scalars import as_int
from cfmonitor.tui.widgets.cells import status_styles
from cfmonitor.tui.widgets.keybar import KeyBar
from cfmonitor.tui.widgets.table import CaseloadTable, Column
from cfmonitor.tui.widgets.topbar import TopBar

if TYPE_CHECKING:
    from cfmonitor.tui.app import CfmonitorApp

MIN_WIDTH, MIN_HEIGHT = 60, 16
"""Below this the screens cannot show their figures; the app says so instead."""
NARROW_WIDTH = 100
"""At or below this width the figures and tables use their compact layout."""
SHORT_HEIGHT = 30
"""Below this height blocks above the table fold to one line, leaving rows for the table."""

COMMON_BINDINGS: list[BindingType] = [
    Binding("r", "app.reload", "Reload", id="reload", tooltip="Read the database again now."),
    Binding(
        "a",
        "app.change_as_of",
        "As of",
        id="as-of",
        tooltip="Change the day the figures are worked out for; everything is recomputed.",
    ),
    Binding(
        "question_mark",
        "app.help",
        "Help",
        key_display="?",
        id="help",
        tooltip="Every key on this screen, and what it does.",
    ),
]
BACK_BINDING = Binding(
    "escape,backspace,q",
    "back",
    "Back",
    key_display="esc",
    id="back",
    tooltip="Up one level (esc, backspace or q); with a filter open, close it first.",
)

EXPORT_BINDING = Binding(
    "e",
    "export",
    "Export",
    id="export",
    tooltip="Write the rows shown (filtered, sorted) to a CSV, Excel or Markdown file.",
)
HELPER_COLUMNS = (
    "flagged",
    "over_near",
    "status_rank",
    "utilisation_bar",
    "utilisation_series",
    "utilisation_spark",
)
"""Columns a screen adds for flagging and sorting; not part of an export."""

FLAGGED_BINDING = Binding(
    "f",
    "toggle_flagged",
    "Flagged",
    id="flagged",
    tooltip="Show only the rows with someone over or near (press again for every row).",
)


def text_width(frame: pl.DataFrame, column: str, least: int, most: int) -> int:
    """A text column's width from its longest value (references differ by source)."""
    if frame.is_empty():
        return least
    longest = frame.get_column(column).cast(pl.String).str.len_chars().max()
    return max(least, min(most, as_int(longest) or 0))


def distinct_width(frame: pl.DataFrame, column: str, least: int, most: int) -> int:
    """The fewest cells (from `least`, at most `most`) in which a name column, cut with an
    ellipsis, still tells every row apart: the width a name may shrink to, and no less."""
    if frame.is_empty():
        return least
    names = frame.get_column(column).cast(pl.String).fill_null("")
    longest = min(most, as_int(names.str.len_chars().max()) or 0)
    distinct = names.n_unique()
    for width in range(least, longest):
        cut = pl.select(
            pl.when(names.str.len_chars() <= width)
            .then(names)
            .otherwise(names.str.slice(0, width - 1) + "…")
        ).to_series()
        if cut.n_unique() == distinct:
            return width
    return max(least, longest)


class SnapshotScreen(Screen):
    """A screen that shows part of the app's Snapshot, with the top bar and the key bar."""

    BINDINGS: ClassVar[list[BindingType]] = COMMON_BINDINGS

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: Snapshot | None = None
        self._ready = False

    @property
    def cfapp(self) -> CfmonitorApp:
        from cfmonitor.tui.app import cfmonitor_app  # the app module imports the screens

        return cfmonitor_app(self.app)

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
        self.show_as_of(self.cfapp.as_of)
        self.show_progress(self.cfapp.loading_text if self.cfapp.is_loading else "")
        if self.cfapp.snapshot is not None:
            self.show_snapshot(self.cfapp.snapshot)
        self.watch(self.app, "theme", self._theme_changed, init=False)

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
        is_demo = source.is_demo if source is not None else self.cfapp.choice.is_demo
        self.query_one(TopBar).show(self.crumbs(), day, is_demo, source)

    def show_progress(self, text: str) -> None:
        """While loading: a spinner and what is being done; the old figures stay readable."""
        if not self._ready:
            return
        first = self.snapshot is None
        self.set_class(bool(text) and first, "-first-load")
        self.query_one("#loading-text", Static).update(Text(text))
        self.query_one(TopBar).show_busy(bool(text) and not first)

    def show_snapshot(self, snapshot: Snapshot) -> None:
        if not self._ready:
            return  # on_mount shows the app's snapshot
        self.snapshot = snapshot
        self.set_class(False, "-first-load")
        is_demo = snapshot.source.is_demo if snapshot.source else self.cfapp.choice.is_demo
        self.query_one(TopBar).show(self.crumbs(), snapshot.as_of, is_demo, snapshot.source)
        self.query_one(TopBar).show_data_age(snapshot.data_age)
        self.render_snapshot(snapshot)

    def action_back(self) -> None:
        self.app.pop_screen()


class TableScreen(SnapshotScreen):
    """A screen whose main part is one CaseloadTable: filter, flagged-only, sort, open a row."""

    BINDINGS: ClassVar[list[BindingType]] = [
        FLAGGED_BINDING,
        EXPORT_BINDING,
        Binding(
            "slash",
            "filter",
            "Filter",
            key_display="/",
            id="filter",
            tooltip="Filter this table as you type; enter keeps the filter, esc clears it.",
        ),
    ]
    TABLE_KEY: ClassVar[str] = ""
    """The frame column that identifies a row (team name, staff reference, case reference)."""
    FLAG_COLUMN: ClassVar[str | None] = None

    def __init__(self) -> None:
        super().__init__()
        self.flagged_only = False
        self._point_at: object = None

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

    def table_frame(self, snapshot: Snapshot) -> pl.DataFrame:
        raise NotImplementedError

    def table_columns(self, frame: pl.DataFrame) -> list[Column]:
        raise NotImplementedError

    def render_snapshot(self, snapshot: Snapshot) -> None:
        self.render_figures(snapshot)
        # The table keeps its filter, sort and the cursor's row (by key) across frames.
        frame = self.table_frame(snapshot)
        self.table.set_frame(
            frame, self.TABLE_KEY, self.table_columns(frame), row_style=self.row_style()
        )
        self.refresh_bindings()  # e.g. flagged-only once the history's weeks are in
        if self._point_at is not None and self.table.move_cursor_to_key(self._point_at):
            self._point_at = None

    def point_at(self, key: object) -> None:
        """Put the cursor on the row with `key`, now or as soon as the rows are drawn."""
        self._point_at = key
        if self._ready and self.table.move_cursor_to_key(key):
            self._point_at = None

    def row_style(self) -> pl.Expr | None:
        """Per-row style (e.g. teams with anyone over stand out); None for plain rows."""
        return None

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
        return "flagged" in self.table.frame.columns

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
        self.table.set_flagged_only(pl.col("flagged") if self.flagged_only else None)
        self.set_class(self.flagged_only, "-flagged-only")
        self.refresh_bindings()
        self.notify(
            "Showing only rows over or near." if self.flagged_only else "Showing every row.",
            timeout=2,
        )

    TABLE_NAME: ClassVar[str] = "table"
    """What the table lists (`teams`, `workers`): names the export's file and title."""

    def export_frame(self) -> pl.DataFrame:
        """The rows shown, in the order shown, in the table's columns (helpers left out)."""
        frame = self.table.visible_frame
        fields = [field for field, _ in self.export_headings() if field in frame.columns]
        if not fields:
            return frame.drop([name for name in HELPER_COLUMNS if name in frame.columns])
        return frame.select(fields)

    def export_headings(self) -> list[tuple[str, str]]:
        """(field, the heading on screen) for each column; a status column sorts on its
        rank but exports the status itself."""
        headings = []
        for column in self.table.columns:
            field = "status" if column.key == "status_rank" else column.key
            if field not in HELPER_COLUMNS:
                headings.append((field, column.label))
        return headings

    def action_export(self) -> None:
        """`e`: the rows shown (filter, flagged-only and sort applied) to a file, titled
        with what they are, the as-of date and DEMO DATA when it is."""
        from cfmonitor.tui.screens.export import ExportDialog, ExportRequest

        source = self.snapshot.source if self.snapshot is not None else None
        is_demo = source.is_demo if source is not None else self.cfapp.choice.is_demo
        request = ExportRequest(
            frame=self.export_frame(),
            labels=dict(self.export_headings()),
            crumbs=self.crumbs(),
            table_name=self.TABLE_NAME,
            as_of=self.snapshot.as_of if self.snapshot is not None else self.cfapp.as_of,
            is_demo=is_demo,
        )
        self.app.push_screen(ExportDialog(request))

    subject: object = None
    """What the screen shows (a team name, a staff reference); None for everything."""

    def show_subject(self, subject: object) -> None:
        """Re-point a reused screen at another team or worker, starting afresh: no filter,
        every row, the screen's own order."""
        self.subject = subject
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
        self.show_as_of(self.cfapp.as_of)
        if self.cfapp.snapshot is not None:
            self.show_snapshot(self.cfapp.snapshot)
        table.move_cursor(0)
        table.scroll_home(animate=False)
        table.focus()

    def open_row(self, key: object) -> None:
        """Enter (or a click) on a row: subclasses drill down."""

    @on(CaseloadTable.RowSelected, "#table")
    def _row_selected(self, event: CaseloadTable.RowSelected) -> None:
        if event.key is not None:
            self.open_row(event.key)
