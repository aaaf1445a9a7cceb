"""The line at the top of every screen: where you are, which day, and whether it is demo data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Horizontal
from textual.widget import Widget
from textual.widgets import Static

from cfmonitor.data.engine import DataAge, Source
from cfmonitor.presentation import DEMO_LABEL
from cfmonitor.safe_text import visible
from cfmonitor.tui.widgets.cells import long_date

SEPARATOR = " › "
PRESENTING_LABEL = "PRESENTING"


def breadcrumb_text(crumbs: Sequence[str], width: int = 0) -> Text:
    """`Organisation › Team › Worker`, each part shown literally, the last in bold.

    When `width` is too small the parts before the last give way first (the top level
    becomes `…`, a team name is cut short), so the screen's own subject stays readable.
    """
    parts = [visible(crumb) for crumb in crumbs]

    def build(shown: list[str]) -> Text:
        text = Text(no_wrap=True, overflow="ellipsis")
        for index, part in enumerate(shown):
            if index:
                text.append(SEPARATOR, "dim")
            text.append(part, "bold" if index == len(shown) - 1 else "")
        return text

    text = build(parts)
    for index in range(len(parts) - 1):
        if not width or text.cell_len <= width:
            break
        room = width - build([*parts[:index], "", *parts[index + 1 :]]).cell_len
        if room > 4 and index:  # a team name cut short still says which team
            shortened = Text(parts[index])
            shortened.truncate(room, overflow="ellipsis")
            parts[index] = shortened.plain
        else:
            parts[index] = "…"
        text = build(parts)
    if width and text.cell_len > width:
        text = Text("…" + visible(crumbs[-1])[-(width - 1) :], "bold", no_wrap=True)
    return text


class Crumbs(Widget):
    """The breadcrumbs, shortened to fit the width they are given."""

    DEFAULT_CSS = "Crumbs { height: 1; width: 1fr; }"

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._crumbs: list[str] = []

    def show(self, crumbs: Sequence[str]) -> None:
        self._crumbs = list(crumbs)
        self.refresh()

    @property
    def plain(self) -> str:
        return breadcrumb_text(self._crumbs).plain

    @property
    def full_width(self) -> int:
        """The cells the breadcrumbs take when nothing is shortened."""
        return breadcrumb_text(self._crumbs).cell_len

    def render(self) -> Text:
        return breadcrumb_text(self._crumbs, self.size.width)


def data_age_text(age: DataAge | None) -> Text:
    """`· data as of 26 Nov 2026`; when stale, `⚠ … (40 days old)` for the warning style.
    A database with no import recorded (hand-made, or version 1) says nothing here, where
    room is short: `cfmonitor report` says "not recorded"."""
    if age is None or age.last_import is None:
        return Text("")
    if age.stale:
        return Text(f" ⚠ {age.short} ({age.age_days} days old)", no_wrap=True)
    return Text.assemble((" · ", "dim"), (age.short, "dim"), no_wrap=True)


def outside_data_text(source: Source | None, as_of: dt.date | None) -> Text | None:
    """`⚠ before the data (from 18 Sep 2024)` / `⚠ after the data (to 26 Nov 2026)`: an
    as-of day the database has no rows for is said beside the date, not only guessed."""
    if source is None or as_of is None or source.outside_data(as_of) is None:
        return None
    if source.first_day is not None and as_of < source.first_day:
        return Text(f"⚠ before the data (from {long_date(source.first_day)})", no_wrap=True)
    last = source.last_day or as_of
    return Text(f"⚠ after the data (to {long_date(last)})", no_wrap=True)


class TopBar(Horizontal):
    """Breadcrumbs on the left; the DEMO DATA label, the as-of date and how fresh the
    data is ("data as of", a warning when old) on the right."""

    DEFAULT_CSS = """
    TopBar #data-as-of { width: auto; }
    TopBar #data-as-of.-stale { color: $text-warning; text-style: bold; }
    TopBar.-crowded #data-as-of.-fresh { display: none; }
    TopBar #outside { width: auto; padding: 0 1; color: $text-warning; text-style: bold; }
    """

    _age_width = 0
    GAP = 2
    """Cells kept free between the breadcrumbs and what stands right of them."""

    def compose(self) -> ComposeResult:
        yield Crumbs(id="crumbs")
        yield Static(Text("reloading…"), id="busy")
        yield Static(Text(PRESENTING_LABEL), id="presenting")
        yield Static(Text(DEMO_LABEL), id="demo")
        yield Static(id="outside")
        yield Static(id="as-of")
        yield Static(id="data-as-of")

    def show(
        self,
        crumbs: Sequence[str],
        as_of: dt.date | None,
        is_demo: bool,
        source: Source | None = None,
    ) -> None:
        """`source` (the snapshot's) says whether `as_of` is outside the data's dates."""
        self.query_one("#crumbs", Crumbs).show(crumbs)
        self.query_one("#demo", Static).display = is_demo
        outside = outside_data_text(source, as_of)
        warning = self.query_one("#outside", Static)
        warning.display = outside is not None
        warning.update(outside or "")
        day = Text("as of ", "dim")
        day.append(long_date(as_of) if as_of else "…", "bold")
        self.query_one("#as-of", Static).update(day)
        self.call_after_refresh(self._make_room)

    def on_resize(self, event: events.Resize) -> None:
        self._make_room()

    def _make_room(self) -> None:
        """Fresh data's "data as of" gives its room to the breadcrumbs when both do not
        fit (stale data's warning always shows; help and every report still say it)."""
        label = self.query_one("#data-as-of", Static)
        others = sum(
            widget.outer_size.width
            for widget in self.query(Static)
            if widget.display and widget is not label
        )
        wanted = self.query_one("#crumbs", Crumbs).full_width + others + self._age_width
        self.set_class(wanted + self.GAP > self.size.width, "-crowded")

    def show_data_age(self, age: DataAge | None) -> None:
        label = self.query_one("#data-as-of", Static)
        label.update(data_age_text(age))
        stale = bool(age and age.stale)
        label.set_class(stale, "-stale")
        label.set_class(not stale, "-fresh")
        self._age_width = data_age_text(age).cell_len
        self.call_after_refresh(self._make_room)

    @property
    def data_age_plain(self) -> str:
        """What the freshness part of the bar says, as plain text (for tests and help)."""
        return str(self.query_one("#data-as-of", Static).render()).strip()

    def show_presenting(self, presenting: bool) -> None:
        """PRESENTING, for as long as names and references are hidden for a room."""
        self.query_one("#presenting", Static).display = presenting
        self.call_after_refresh(self._make_room)

    def show_busy(self, busy: bool) -> None:
        """A quiet `reloading…` while a reload runs behind figures that stay readable."""
        self.query_one("#busy", Static).display = busy
