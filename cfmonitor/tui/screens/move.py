"""What if this case moved? The picker of workers (each "52% → 59%"), and the moves tried.

The app works out the choices (the engine's `candidates`: every worker's utilisation were
they given the case) and hands them in ready as a frame; choosing one returns its staff
ref, and the app adds the move to the scenario. Nothing here reads or writes the database.

The picker is a `CaseloadTable`, which draws only the lines on screen: at England size
it lists 35,000 workers, and a list that measured and formatted every row up front (an
OptionList) took seconds to open.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import ClassVar

import polars as pl
from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Static

from cfmonitor.presentation import format_percent
from cfmonitor.safe_text import safe_text, visible
from cfmonitor.tui.changes import before_after_text
from cfmonitor.tui.screens.dialog import Dialog, cancel_binding
from cfmonitor.tui.widgets.cells import status_text
from cfmonitor.tui.widgets.keybar import KeyBar
from cfmonitor.tui.widgets.table import CaseloadTable, Column

LEAVE_UNALLOCATED = "\tunallocated"
"""The picker's choice that leaves the case with nobody (never a staff ref: it has a tab)."""
LEAVE_TEXT = "Leave it unallocated"
NAME_CELLS = 24
CHOICE_COLUMNS = ("staff_ref", "name", "team", "same_team", "utilisation", "status")


class ChoiceTable(CaseloadTable, inherit_bindings=False):
    """The picker's rows: the table's cursor keys and enter, without its sorting (the
    order is the picker's meaning: the same team first, then the least loaded after)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        binding
        for binding in CaseloadTable.BINDINGS
        if isinstance(binding, Binding)
        and binding.id
        in {
            "table.select",
            "table.up",
            "table.down",
            "table.page_up",
            "table.page_down",
            "table.first",
            "table.last",
        }
    ]


def choice_columns(styles: Mapping[str, str]) -> list[Column]:
    """`Halith Wrencombe   52% → 59%  ● near   Team`, drawn only for the rows on screen."""

    def percent(value: object, status: object) -> Text:
        shown = format_percent(value if isinstance(value, float) else None)
        return Text(shown, styles.get(str(status or ""), ""))

    def name(value: object, row: Mapping[str, object]) -> Text:
        if row["staff_ref"] == LEAVE_UNALLOCATED:
            return Text(LEAVE_TEXT, "italic")
        return safe_text(visible(str(value or row["staff_ref"])))

    def utilisation(value: object, row: Mapping[str, object]) -> Text:
        if row["staff_ref"] == LEAVE_UNALLOCATED:
            return Text("")
        return before_after_text(
            percent(row["utilisation"], row["status"]), percent(value, row["status_after"])
        )

    def status(value: object, row: Mapping[str, object]) -> Text:
        if row["staff_ref"] == LEAVE_UNALLOCATED:
            return Text("")
        return status_text(None if value is None else str(value), styles)

    def team(value: object, row: Mapping[str, object]) -> Text:
        if row["staff_ref"] == LEAVE_UNALLOCATED:
            return Text("")
        return safe_text(visible(str(value or "–")), style="" if row["same_team"] else "dim")

    # Nothing filters the picker: no search text is made for its (up to 35,000) rows.
    return [
        Column("name", "Worker", NAME_CELLS, render=name, priority=9, searchable=False),
        Column("utilisation_after", "Now → after", 13, "right", utilisation, priority=8),
        Column("status_after", "After", 9, render=status, priority=7, searchable=False),
        Column(
            "team",
            "Team",
            40,
            render=team,
            priority=5,
            min_width=12,
            cut_last=True,
            searchable=False,
        ),
    ]


class MovePicker(Dialog["str | None"]):
    """Enter chooses, esc cancels; the same team comes first, then the least loaded after."""

    BINDINGS: ClassVar[list[BindingType]] = [
        cancel_binding("cancel-move", "Move nothing."),
    ]

    def __init__(
        self,
        case_shown: str,
        choices: pl.DataFrame,
        styles: Mapping[str, str],
        *,
        can_leave: bool,
    ) -> None:
        super().__init__()
        self.case_shown = case_shown
        self.choices = choices
        """The workers offered, in order (the engine's `candidates`, redacted if need be)."""
        self._status_styles = styles
        self.can_leave = can_leave

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="move-dialog"):
            yield Static(Text(f"Move {self.case_shown} to…", style="bold"))
            yield Static(
                Text("utilisation now → after the move · enter chooses, esc cancels", "dim")
            )
            yield ChoiceTable(id="move-choices")
        yield KeyBar()

    def on_mount(self) -> None:
        rows = self.choices.select(*CHOICE_COLUMNS, "utilisation_after", "status_after")
        if self.can_leave:
            leave = pl.DataFrame({"staff_ref": [LEAVE_UNALLOCATED]})
            rows = pl.concat([rows, leave], how="diagonal_relaxed")
        table = self.query_one(ChoiceTable)
        table.set_frame(rows, "staff_ref", choice_columns(self._status_styles))
        table.focus()

    @on(CaseloadTable.RowSelected, "#move-choices")
    def _chosen(self, event: CaseloadTable.RowSelected) -> None:
        event.stop()
        self.dismiss(None if event.key is None else str(event.key))


class MovesDialog(Dialog["str | None"]):
    """The moves tried, in order, with each worker's utilisation before → after; `e`
    exports them as a proposal, `z` undoes the last, `X` discards them all (the dialog
    returns which, and the app does it)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        cancel_binding("close-moves", "Back to the screen (the scenario stays)."),
        Binding(
            "e",
            "choose('export')",
            "Export proposal",
            id="export-proposal",
            tooltip="Write the moves as a proposal (CSV, Excel or Markdown) for the manager.",
        ),
        Binding(
            "z", "choose('undo')", "Undo last", id="moves-undo", tooltip="Take back the last move."
        ),
        Binding(
            "X",
            "choose('discard')",
            "Discard all",
            id="moves-discard",
            tooltip="Forget every move tried.",
        ),
    ]

    def __init__(self, table: Table) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="moves-dialog"):
            yield Static(Text("Moves tried (nothing is written anywhere)", style="bold"))
            yield Static(self.table, id="moves-table")
        yield KeyBar()

    def action_choose(self, what: str) -> None:
        self.dismiss(what)
