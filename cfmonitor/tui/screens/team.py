"""One team: every worker in post, most overloaded first, and the team's unallocated cases."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from cfmonitor.data.engine import Snapshot
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import BACK_BINDING, TREND_BINDING
from cfmonitor.tui.columns import summary_figures_before_after
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.workers_table import WorkersScreen


class TeamScreen(WorkersScreen):
    """One team: enter opens a worker's supervision view; `u` lists the team's
    unallocated cases."""

    BINDINGS: ClassVar[list[BindingType]] = [
        BACK_BINDING,
        Binding(
            "u",
            "unallocated",
            "Unallocated",
            id="unallocated",
            tooltip="This team's open cases with nobody allocated.",
        ),
        TREND_BINDING,
    ]

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
        before = None
        if self.before is not None:
            earlier = self.before.teams.filter(pl.col("team") == self.team)
            before = earlier.row(0, named=True) if earlier.height else None
        figures.show(
            [
                Figure("Workers in post", Text(str(row["workers_in_post"]))),
                *summary_figures_before_after(before, row, self.status_styles()),
            ]
        )

    def team_names(self) -> list[str]:
        return [self.team]

    def action_unallocated(self) -> None:
        self.request(requests.Unallocated(self.team))

    def action_trend(self) -> None:
        self.request(requests.Trend("team", self.team))
