"""The database could not be read: the engine's sentence, and what the user can do next."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import Screen
from textual.widgets import Static

from cfmonitor.safe_text import safe_text
from cfmonitor.tui.widgets.keybar import KeyBar


class ErrorScreen(Screen[None]):
    """No traceback: one sentence naming the file and the problem, and the keys to go on."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "app.reload", "Retry", id="retry", tooltip="Try reading the database again."),
        Binding(
            "a", "app.change_as_of", "As of", id="error-as-of", tooltip="Try another as-of date."
        ),
        Binding(
            "escape",
            "back",
            "Last data",
            key_display="esc",
            id="error-back",
            tooltip="Go back to the figures read before this failure (if any).",
        ),
        Binding("q", "app.quit", "Quit", id="error-quit", tooltip="Quit cfmonitor."),
    ]

    def __init__(self, message: str, *, has_data: bool) -> None:
        super().__init__()
        self.message = message
        self.has_data = has_data

    def compose(self) -> ComposeResult:
        with Vertical(id="error-box"):
            yield Static(Text("The database could not be read", style="bold"), id="error-title")
            yield Static(id="error-message")
            yield Static(id="error-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_message(self.message)

    def show_message(self, message: str) -> None:
        self.message = message
        text = safe_text(message)
        text.no_wrap = False
        text.overflow = "fold"
        self.query_one("#error-message", Static).update(text)
        hint = "r tries again · a picks another date · q quits"
        if self.has_data:
            hint += " · esc shows the figures read before"
        self.query_one("#error-hint", Static).update(Text(hint, "dim"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "back":
            return self.has_data
        return True

    def action_back(self) -> None:
        if self.has_data:
            self.app.pop_screen()
