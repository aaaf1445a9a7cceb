"""What if this case moved? The picker of workers (each "52% → 59%"), and the moves tried.

The app works out the choices (the engine's `if_given`: every worker's utilisation were
they given the case) and hands them in ready; choosing one returns its staff ref, and
the app adds the move to the scenario. Nothing here reads or writes the database.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from cfmonitor.tui.screens.dialog import Dialog, cancel_binding
from cfmonitor.tui.widgets.keybar import KeyBar

LEAVE_UNALLOCATED = "\tunallocated"
"""The picker's choice that leaves the case with nobody (never a staff ref: it has a tab)."""


@dataclass(frozen=True)
class Choice:
    """One worker the case could go to: `Halith Wrencombe · Team  52% → 59% ● near`."""

    staff_ref: str
    label: Text
    same_team: bool


class MovePicker(Dialog["str | None"]):
    """Type to jump, enter chooses, esc cancels; the same team comes first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        cancel_binding("cancel-move", "Move nothing."),
    ]

    def __init__(self, case_shown: str, choices: Sequence[Choice], *, can_leave: bool) -> None:
        super().__init__()
        self.case_shown = case_shown
        self.choices = list(choices)
        self.can_leave = can_leave

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog", id="move-dialog"):
            yield Static(Text(f"Move {self.case_shown} to…", style="bold"))
            yield Static(
                Text("utilisation now → after the move · enter chooses, esc cancels", "dim")
            )
            options: list[Option] = []
            same = [choice for choice in self.choices if choice.same_team]
            options += [Option(choice.label, id=choice.staff_ref) for choice in same]
            if same and len(same) < len(self.choices):
                options.append(Option(Text("── other teams ──", "dim"), disabled=True))
            options += [
                Option(choice.label, id=choice.staff_ref)
                for choice in self.choices
                if not choice.same_team
            ]
            if self.can_leave:
                options.append(Option(Text("Leave it unallocated", "italic"), id=LEAVE_UNALLOCATED))
            yield OptionList(*options, id="move-choices")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected, "#move-choices")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id)


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
