"""`e`: write the rows a table shows now (filter, flagged-only and sort applied) to a file.

The file is written by `cfmonitor.export.write_table`, which refuses to replace an
existing file unless asked; the dialog says exactly where it wrote. The file starts with
a title (what the rows are, the as-of date, DEMO DATA when it is) and carries the
headings shown on screen; its default name says the same, in the last folder used. In a
browser (`cfmonitor serve`) the file is sent to the user's downloads instead, never
written on the server.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical
from textual.widgets import Checkbox, Input, Select, Static

from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import safe_text
from cfmonitor.tui.requests import SUFFIXES, ExportRequest
from cfmonitor.tui.screens.dialog import Dialog, cancel_binding
from cfmonitor.tui.widgets.keybar import KeyBar

FORMATS = (("CSV", "csv"), ("Excel (xlsx)", "xlsx"), ("Markdown", "markdown"))
REPLACE_LABEL = "Replace an existing file"
REPLACE_HINT = f"tick “{REPLACE_LABEL}” to overwrite it"


_last_folder: Path | None = None
"""Where the last export went, for this run of the app (nothing is saved to disk)."""


def default_folder() -> Path:
    """The folder of the last export, else the home folder: one the user can find again."""
    if _last_folder is not None and _last_folder.is_dir():
        return _last_folder
    return Path.home()


class ExportDialog(Dialog[Path | None]):
    """File path, format and whether to replace; enter writes, esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [cancel_binding("cancel-export", "Write nothing.")]

    def __init__(self, request: ExportRequest) -> None:
        super().__init__()
        self.request = request
        self.frame = request.frame

    def compose(self) -> ComposeResult:
        web = self.app.is_web
        name = self.request.file_name()
        with Vertical(classes="dialog"):
            yield Static(Text(f"Export the {self.frame.height:,} rows shown", style="bold"))
            yield Static(safe_text(self.request.title, "dim"), id="export-title")
            yield Input(name if web else str(default_folder() / name), id="export-path")
            with Horizontal(id="export-options"):
                yield Select(FORMATS, value="csv", allow_blank=False, id="export-format")
                if not web:
                    yield Checkbox(REPLACE_LABEL, id="export-force")
            hint = "enter downloads it in your browser" if web else "enter writes"
            yield Static(Text(f"{hint}, esc cancels.", "dim"), id="export-hint")
        yield KeyBar()

    @on(Select.Changed, "#export-format")
    def _format_changed(self, event: Select.Changed) -> None:
        path_input = self.query_one("#export-path", Input)
        path = Path(path_input.value)
        if path.suffix in SUFFIXES.values():
            path_input.value = str(path.with_suffix(SUFFIXES[str(event.value)]))

    @on(Input.Submitted, "#export-path")
    def _submitted(self, event: Input.Submitted) -> None:
        from cfmonitor.export import write_table

        global _last_folder
        fmt = str(self.query_one("#export-format", Select).value)
        if self.app.is_web:
            self._download(event.value, fmt)
            return
        path = Path(event.value.strip()).expanduser()
        force = self.query_one("#export-force", Checkbox).value
        try:
            if self.request.writer is not None:
                written = self.request.writer(path, fmt, force)
            else:
                written = write_table(
                    self.frame,
                    path,
                    fmt,
                    force=force,
                    title=self.request.title,
                    labels=self.request.labels,
                    replace_hint=REPLACE_HINT,
                )
        except CfmonitorError as error:
            self.query_one("#export-hint", Static).update(safe_text(str(error), "bold"))
            return
        _last_folder = written.resolve().parent
        self.app.notify(f"Wrote {self.frame.height:,} rows to {written}", timeout=8)
        self.dismiss(written)

    def _download(self, value: str, fmt: str) -> None:
        """In a browser: the file goes to the user's downloads, not the server's disk."""
        from cfmonitor.export import MIME_TYPES, table_bytes

        name = Path(value.strip()).name
        hint = self.query_one("#export-hint", Static)
        if not name:
            hint.update(Text("Give the file a name.", "bold"))
            return
        try:
            data = table_bytes(
                self.frame,
                fmt,
                name=Path(name).stem,
                title=self.request.title,
                labels=self.request.labels,
            )
        except CfmonitorError as error:
            hint.update(safe_text(str(error), "bold"))
            return
        self.app.deliver_binary(io.BytesIO(data), save_filename=name, mime_type=MIME_TYPES[fmt])
        self.app.notify(f"Sent {self.frame.height:,} rows to your browser as {name}", timeout=8)
        self.dismiss(None)
