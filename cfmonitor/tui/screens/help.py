"""`?`: every key of the screen it was opened from, with what it does."""

from __future__ import annotations

from dataclasses import replace
from typing import ClassVar

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from cfmonitor.tui.widgets.keybar import KeyBar

INTRO = (
    "cfmonitor shows caseloads as of the date at the top right. "
    "Status is told by symbol and word as well as colour: "
    "▲ over (load above capacity), ● near (at or above the near band), ✓ ok, "
    "? unknown cohort (the policy has no maximum for it)."
)


def is_the_apps(binding: Binding) -> bool:
    """cfmonitor's own keys carry an id; Textual's built-in ones (focus, editing) do not."""
    return binding.id is not None


def key_rows(screen: Screen[object], *, own: bool | None = None) -> list[tuple[str, str, str]]:
    """(key, name, what it does) for every binding active on `screen`: the app's own keys
    first (the screen's, then the table's), Textual's built-in ones last. `own` True or
    False keeps only the app's, or only Textual's."""
    rows: dict[str, tuple[str, str, str]] = {}
    actives = sorted(
        (
            item
            for item in screen.active_bindings.items()
            if own is None or is_the_apps(item[1].binding) == own
        ),
        key=lambda item: (
            not is_the_apps(item[1].binding),
            item[1].node is not screen and item[1].node is not screen.app,
        ),
    )
    for key, active in actives:
        binding = active.binding
        if binding.system:
            continue
        # One binding may have several keys (esc, backspace, q) that share its key_display:
        # show each key by its own name.
        shown = (
            "esc"
            if key == "escape"
            else screen.app.get_key_display(replace(binding, key=key, key_display=None))
        )
        description = binding.description or binding.action
        name = (description, binding.tooltip or "")
        if name in {(row[1], row[2]) for row in rows.values()}:
            # esc, backspace and q share one binding: list them on one line.
            for existing, row in list(rows.items()):
                if (row[1], row[2]) == name:
                    rows[existing] = (f"{row[0]}, {shown}", row[1], row[2])
            continue
        rows[key] = (shown, description, binding.tooltip or "")
    return list(rows.values())


class HelpScreen(ModalScreen[None]):
    """A scrollable list of keys; any of esc, q or ? closes it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "escape,q,question_mark",
            "dismiss",
            "Close",
            key_display="esc",
            id="close-help",
            tooltip="Close the help (esc, q or ?).",
        ),
    ]

    def __init__(self, for_screen: Screen[object]) -> None:
        super().__init__()
        self.rows = key_rows(for_screen)
        self.own_rows = key_rows(for_screen, own=True)
        self.textual_rows = key_rows(for_screen, own=False)

    def compose(self) -> ComposeResult:
        with Vertical(id="help-box"):
            yield Static(Text("Keys on this screen", style="bold"), id="help-title")
            with VerticalScroll(id="help-scroll"):
                yield Static(Text(INTRO), id="help-intro")
                table = self._table(self.own_rows)
                table.add_row(
                    Text("click"), Text("Open"), Text("A click on the cursor row opens it.")
                )
                table.add_row(
                    Text("click a header"),
                    Text("Sort"),
                    Text("Sort by that column; again to reverse."),
                )
                yield Static(table, id="help-keys")
                if self.textual_rows:
                    yield Static(Text("Textual's own keys", "bold"), id="help-textual-title")
                    yield Static(self._table(self.textual_rows, "dim"), id="help-textual-keys")
        yield KeyBar()

    @staticmethod
    def _table(rows: list[tuple[str, str, str]], style: str = "") -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(no_wrap=True)
        table.add_column(style="dim")
        for key, name, tooltip in rows:
            table.add_row(Text(key, style), Text(name, style), Text(tooltip))
        return table

    async def action_dismiss(self, result: None = None) -> None:
        """Close at once: the help screen hands nothing back."""
        self.dismiss(None)
