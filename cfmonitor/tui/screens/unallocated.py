"""Open cases with nobody allocated: one team's (from its screen) or everyone's (`u` at the top)."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType

from cfmonitor.data.engine import Snapshot
from cfmonitor.presentation import format_count
from cfmonitor.scalars import as_int
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import BACK_BINDING, WHAT_IF_BINDING
from cfmonitor.tui.changes import before_after_text
from cfmonitor.tui.columns import case_columns, date_cell, text_width
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column, count_cell, text_cell

COMPLEXITIES = ("standard", "complex", "intense")


class UnallocatedScreen(TableScreen):
    """The cases waiting for a worker, longest waiting first: since when, and who held
    each one last (a case whose worker left last month has waited a month)."""

    BINDINGS: ClassVar[list[BindingType]] = [BACK_BINDING, WHAT_IF_BINDING]
    TABLE = TableView(key="case_ref", name="unallocated")

    def __init__(self, team: str | None = None) -> None:
        super().__init__()
        self.subject = team

    @property
    def team(self) -> str | None:
        return None if self.subject is None else str(self.subject)

    def crumbs(self) -> list[str]:
        if self.team is None:
            return ["Organisation", "Unallocated cases"]
        return ["Organisation", self.team, "Unallocated cases"]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")

    def _cases(self, snapshot: Snapshot) -> pl.DataFrame:
        cases = snapshot.unallocated_cases
        if self.team is not None:
            cases = cases.filter(pl.col("team") == self.team)
        return cases

    def render_figures(self, snapshot: Snapshot) -> None:
        cases = self._cases(snapshot)
        counts = {level: 0 for level in COMPLEXITIES}
        for level, count in cases.group_by("complexity").len().iter_rows():
            if level in counts:
                counts[level] = count
        oldest = as_int(cases.get_column("days_unallocated").max()) if cases.height else None
        figures = [Figure("Unallocated cases", Text(format_count(cases.height)))]
        figures += [
            Figure(level.capitalize(), Text(format_count(n))) for level, n in counts.items()
        ]
        figures.append(Figure("Longest waiting", Text(f"{format_count(oldest)} days")))
        before = self.before
        if before is not None:
            was = self._cases(before).height
            figures[0] = Figure(
                "Unallocated cases",
                before_after_text(Text(format_count(was)), Text(format_count(cases.height))),
            )
        self.query_one(Figures).show(figures)

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        return self._cases(snapshot).select(
            "case_ref",
            pl.col("team").fill_null("–"),
            "case_type",
            "complexity",
            "weight",
            "opened_on",
            "unallocated_since",
            "days_unallocated",
            "last_staff_ref",
            "family_ref",
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        columns = case_columns(
            frame,
            since=("unallocated_since", "Unallocated since"),
            days=("days_unallocated", "Days waiting"),
            with_team=self.team is None,
        )
        last_worker = Column(
            "last_staff_ref",
            "Last worker",
            text_width(frame, "last_staff_ref", 11, 20),
            render=lambda value, row: text_cell("–" if value is None else value, row),
            priority=5,
        )
        opened = Column("opened_on", "Opened", 10, render=date_cell, priority=3)
        at = next(i for i, c in enumerate(columns) if c.key == "unallocated_since")
        # The since column's label is longer than a date: let it shrink to one.
        columns[at] = Column(
            "unallocated_since",
            "Unallocated since",
            17,
            render=date_cell,
            priority=8,
            min_width=10,
        )
        columns[at + 1] = Column(
            "days_unallocated", "Days waiting", 12, "right", count_cell, priority=8, min_width=7
        )
        columns[at:at] = [opened]
        columns.insert(at + 3, last_worker)
        return columns

    def action_what_if(self) -> None:
        """`w`: give the case under the cursor to a worker, in the scenario."""
        key = self.table.cursor_key
        if key is None:
            self.notify("No case here to give.", timeout=2)
            return
        shown = str(key)
        redactor = self.redactor()
        case_ref = shown if redactor is None else redactor.reference(shown)
        self.post_message(requests.ChooseMove(case_ref, None, shown))
