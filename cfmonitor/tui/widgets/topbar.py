"""The line at the top of every screen: where you are, which day, and whether it is demo data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widgets import Static

from cfmonitor.safe_text import visible
from cfmonitor.tui.widgets.cells import long_date

SEPARATOR = " › "


def breadcrumb_text(crumbs: Sequence[str]) -> Text:
    """`Organisation › Team › Worker`, each part shown literally, the last in bold."""
    text = Text(no_wrap=True, overflow="ellipsis")
    for index, crumb in enumerate(crumbs):
        if index:
            text.append(SEPARATOR, "dim")
        last = index == len(crumbs) - 1
        text.append(visible(crumb), "bold" if last else "")
    return text


class TopBar(Horizontal):
    """Breadcrumbs on the left; the DEMO DATA label and the as-of date on the right."""

    def compose(self) -> ComposeResult:
        yield Static(id="crumbs")
        yield Static(Text("reloading…"), id="busy")
        yield Static(Text("DEMO DATA"), id="demo")
        yield Static(id="as-of")

    def show(self, crumbs: Sequence[str], as_of: dt.date | None, is_demo: bool) -> None:
        self.query_one("#crumbs", Static).update(breadcrumb_text(crumbs))
        self.query_one("#demo", Static).display = is_demo
        day = Text("as of ", "dim")
        day.append(long_date(as_of) if as_of else "…", "bold")
        self.query_one("#as-of", Static).update(day)

    def show_busy(self, busy: bool) -> None:
        """A quiet `reloading…` while a reload runs behind figures that stay readable."""
        self.query_one("#busy", Static).display = busy
