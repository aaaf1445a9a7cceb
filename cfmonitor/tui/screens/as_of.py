"""The as-of dialog: pick the day the figures are worked out for."""

from __future__ import annotations

import datetime as dt
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from cfmonitor.dates import parse_date
from cfmonitor.tui.screens.dialog import Dialog, cancel_binding
from cfmonitor.tui.widgets.keybar import KeyBar


def parse_day(text: str, today: dt.date | None = None) -> dt.date:
    """DD/MM/YYYY, YYYY-MM-DD or `today` (the same rule as `--as-of`); anything else
    raises ValueError with one sentence naming the value."""
    return parse_date(text, today=today or dt.date.today())


class AsOfDialog(Dialog["dt.date | None"]):
    """Enter applies (the whole app recomputes); esc leaves the date as it was."""

    BINDINGS: ClassVar[list[BindingType]] = [
        cancel_binding("cancel-as-of", "Keep the current as-of date.")
    ]

    def __init__(self, current: dt.date) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(id="dialog", classes="dialog"):
            yield Static(Text("Work out the figures as of", style="bold"))
            yield Input(
                self.current.strftime("%d/%m/%Y"), placeholder="DD/MM/YYYY", id="as-of-input"
            )
            yield Static(
                Text("DD/MM/YYYY, YYYY-MM-DD or 'today'; enter applies, esc cancels.", "dim"),
                id="as-of-hint",
            )
        yield KeyBar()

    @on(Input.Submitted, "#as-of-input")
    def _submitted(self, event: Input.Submitted) -> None:
        try:
            day = parse_day(event.value, getattr(self.app, "clock", dt.date.today)())
        except ValueError as error:
            hint = self.query_one("#as-of-hint", Static)
            hint.update(Text(str(error), style=self.app.theme_variables.get("text-error", "")))
            hint.add_class("-error")
            return
        self.dismiss(day)
