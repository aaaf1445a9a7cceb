"""One team: every worker in post, most overloaded first, and the team's unallocated cases."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from cfmonitor.data.caseload import Snapshot
from cfmonitor.tui.screens.base import BACK_BINDING, FLAGGED_BINDING, TableScreen, text_width
from cfmonitor.tui.screens.overview import summary_figures
from cfmonitor.tui.widgets.cells import status_text, utilisation_bar, utilisation_percent
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, text_cell


class TeamScreen(TableScreen):
    """Enter opens a worker's supervision view; `u` lists the team's unallocated cases."""

    BINDINGS: ClassVar[list[BindingType]] = [
        BACK_BINDING,
        FLAGGED_BINDING,
        Binding(
            "u",
            "unallocated",
            "Unallocated",
            id="unallocated",
            tooltip="This team's open cases with nobody allocated.",
        ),
    ]
    TABLE_KEY = "staff_ref"
    TABLE_NAME = "workers"

    def __init__(self, team: str | None = None) -> None:
        super().__init__()
        self.subject = team

    @property
    def team(self) -> str:
        return str(self.subject)

    def crumbs(self) -> list[str]:
        return ["Organisation", self.team]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")

    def render_figures(self, snapshot: Snapshot) -> None:
        rows = snapshot.teams.filter(pl.col("team") == self.team)
        figures = self.query_one(Figures)
        if rows.is_empty():
            figures.show([Figure("Team", Text("not in this database any more"))])
            return
        row = rows.row(0, named=True)
        figures.show(
            [
                Figure("Workers in post", Text(str(row["workers_in_post"]))),
                *summary_figures(row, self.status_styles()),
            ]
        )

    def table_frame(self, snapshot: Snapshot) -> pl.DataFrame:
        return snapshot.workers.filter(pl.col("team") == self.team).select(
            "staff_ref",
            "name",
            "cohort",
            "fte",
            "employment",
            "cases",
            "weighted_load",
            "capacity",
            "utilisation",
            pl.col("utilisation").alias("utilisation_bar"),
            "status",
            "status_rank",
            pl.col("status").is_in(["over", "near"]).alias("flagged"),
        )

    def table_columns(self, frame: pl.DataFrame) -> list[Column]:
        styles = self.status_styles()
        columns = [
            Column("name", "Name", text_width(frame, "name", 14, 30), priority=9, min_width=14),
            Column("staff_ref", "Staff ref", text_width(frame, "staff_ref", 9, 16), priority=2),
            Column("cohort", "Cohort", 11, render=text_cell, priority=4, min_width=5),
            Column("fte", "FTE", 4, "right", number_cell(2), priority=5),
            Column("employment", "Employ", 9, render=text_cell, priority=1),
            Column("cases", "Cases", 5, "right", count_cell, priority=7),
            Column("weighted_load", "Load", 5, "right", number_cell(1), priority=6),
            Column("capacity", "Capacity", 8, "right", number_cell(1), priority=6, min_width=5),
            Column(
                "utilisation",
                "Util",
                5,
                "right",
                lambda value, row: utilisation_percent(value, row["status"], styles),
                priority=8,
            ),
            Column(
                "utilisation_bar",
                "",
                11,
                render=lambda value, row: utilisation_bar(value, row["status"], styles),
                priority=3,
            ),
            Column(
                "status_rank",
                "Status",
                16,
                render=lambda value, row: status_text(row["status"], styles),
                priority=10,
                min_width=6,
                sort_descending_first=False,
            ),
        ]
        if self.narrow:  # the name matters more than the reference and contract type
            columns = [c for c in columns if c.key not in ("staff_ref", "employment")]
        return columns

    def open_row(self, key: object) -> None:
        self.cfapp.open_worker(str(key), from_team=True)

    def action_unallocated(self) -> None:
        self.cfapp.open_unallocated(self.team)
