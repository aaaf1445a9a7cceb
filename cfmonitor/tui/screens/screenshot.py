"""Save a screenshot only when asked, to a file the user names, and say where it went.

Textual's built-in palette command writes an SVG of the screen (names included) into the
current folder without asking; cfmonitor replaces it with this dialog. An existing file
is never overwritten and the new one is readable by its owner only. In a browser
(`cfmonitor serve`) the SVG is sent to the user's downloads instead of the server's disk.
"""

from __future__ import annotations

import datetime as dt
import io
import os
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.widgets import Input, Static

from cfmonitor.safe_text import safe_text
from cfmonitor.tui.screens.dialog import Dialog, cancel_binding
from cfmonitor.tui.widgets.keybar import KeyBar


def write_private(path: Path, text: str) -> None:
    """Create `path` (owner-only) and write `text`; refuse an existing file."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(text)


class ScreenshotDialog(Dialog[Path | None]):
    """Asks for a file name; writes the SVG of the screen underneath it."""

    BINDINGS: ClassVar[list[BindingType]] = [cancel_binding("cancel-screenshot", "Write nothing.")]

    def __init__(self, svg: str) -> None:
        super().__init__()
        self.svg = svg

    def compose(self) -> ComposeResult:
        name = f"cfmonitor-{dt.datetime.now():%Y%m%d-%H%M%S}.svg"
        default = name if self.app.is_web else str(Path.cwd() / name)
        with Vertical(classes="dialog"):
            yield Static(Text("Save a screenshot (SVG) of this screen", style="bold"))
            yield Static(Text("It shows names and case references: keep it somewhere safe.", "dim"))
            yield Input(default, id="screenshot-path")
            yield Static(
                Text(
                    "enter downloads it in your browser, esc cancels."
                    if self.app.is_web
                    else "enter saves, esc cancels; an existing file is never replaced.",
                    "dim",
                ),
                id="screenshot-hint",
            )
        yield KeyBar()

    @on(Input.Submitted, "#screenshot-path")
    def _submitted(self, event: Input.Submitted) -> None:
        hint = self.query_one("#screenshot-hint", Static)
        if self.app.is_web:
            self._download(Path(event.value.strip()).name, hint)
            return
        path = Path(event.value.strip()).expanduser()
        try:
            write_private(path, self.svg)
        except FileExistsError:
            hint.update(safe_text(f"{path} already exists; choose another name.", "bold"))
            return
        except OSError as error:
            hint.update(safe_text(f"{path}: {error.strerror or 'cannot be written'}.", "bold"))
            return
        self.app.notify(f"Screenshot saved to {path.resolve()}", timeout=8)
        self.dismiss(path)

    def _download(self, name: str, hint: Static) -> None:
        """In a browser: the SVG goes to the user's downloads, not the server's disk."""
        if not name:
            hint.update(Text("Give the file a name.", "bold"))
            return
        self.app.deliver_binary(
            io.BytesIO(self.svg.encode("utf-8")), save_filename=name, mime_type="image/svg+xml"
        )
        self.app.notify(f"Sent the screenshot to your browser as {name}", timeout=8)
        self.dismiss(None)
