"""Data problems: what the engine could not judge, each named by its natural keys (staff
reference, case reference), in the words `cfmonitor check` prints (`kind: detail`)."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType

from cfmonitor.data.engine import Snapshot
from cfmonitor.presentation import format_count
from cfmonitor.tui.bindings import BACK_BINDING
from cfmonitor.tui.columns import text_width
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column


class ProblemsScreen(TableScreen):
    """Every problem of the snapshot; `/` filters by a reference or a kind."""

    BINDINGS: ClassVar[list[BindingType]] = [BACK_BINDING]
    TABLE = TableView(key="number", name="problems")

    def crumbs(self) -> list[str]:
        return ["Organisation", "Data problems"]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")

    def render_figures(self, snapshot: Snapshot) -> None:
        problems = snapshot.problems
        figures = [Figure("Data problems", Text(format_count(problems.height)))]
        for kind, count in problems.group_by("kind").len().sort("kind").iter_rows():
            figures.append(Figure(str(kind).replace("-", " ").capitalize(), Text(str(count))))
        if problems.is_empty():
            figures.append(Figure("", Text("none: every figure could be judged", "dim")))
        self.query_one(Figures).show(figures)

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        return snapshot.problems.select(
            pl.int_range(pl.len()).alias("number"),
            "kind",
            "table",
            "detail",
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        return [
            Column(
                "kind",
                "Problem",
                text_width(frame, "kind", 9, 20),
                priority=10,
                # `unknown-cohort`, as `cfmonitor check` prints it; `/` finds it as words too
                search_text=pl.concat_str(
                    "kind", pl.col("kind").str.replace_all("-", " "), separator=" "
                ),
            ),
            Column("table", "In", text_width(frame, "table", 5, 12), priority=2),
            Column(
                "detail",
                "Detail",
                text_width(frame, "detail", 20, 120),
                priority=9,
                min_width=20,
            ),
        ]
