"""Several teams in one list: a service area's workers, or the teams marked on the overview.

Managers with more than one team ask for their workers side by side. This is the team
screen's table (`WorkersScreen`) over a set of teams, with the team and its service
area as columns, headed by the set's figures (the engine's roll-up, as the organisation's
are made): `report --team A --team B` and `--service-area` give the same rows.
"""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType

from cfmonitor.data.engine import Snapshot
from cfmonitor.selection import describe, set_row
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import BACK_BINDING
from cfmonitor.tui.columns import distinct_width, summary_figures_before_after, text_width
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column, text_cell
from cfmonitor.tui.workers_table import WorkersScreen


class TeamsScreen(WorkersScreen):
    """The workers of several teams; enter opens a worker, esc goes back to the overview."""

    BINDINGS: ClassVar[list[BindingType]] = [BACK_BINDING]

    def __init__(self, subject: requests.Teams | None = None) -> None:
        super().__init__()
        self.subject = subject

    @property
    def chosen(self) -> requests.Teams:
        subject = self.subject
        return subject if isinstance(subject, requests.Teams) else requests.Teams(())

    def team_names(self) -> list[str]:
        return list(self.chosen.teams)

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        """The team screen's rows for every team of the set, most urgent first across
        them all (as within one team: status, then utilisation); `s` sorts by team."""
        return (
            super()
            .rows(snapshot)
            .sort(
                ["status_rank", "utilisation", "weighted_load", "staff_ref"],
                descending=[False, True, True, False],
                nulls_last=True,
                maintain_order=True,
            )
        )

    def crumbs(self) -> list[str]:
        return ["Organisation", describe(self.chosen.teams, self.chosen.areas)]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")

    def _set_row(self, snapshot: Snapshot) -> dict[str, object] | None:
        rows = snapshot.teams.filter(pl.col("team").is_in(self.team_names()))
        return set_row(rows) if rows.height else None

    def render_figures(self, snapshot: Snapshot) -> None:
        figures = self.query_one(Figures)
        row = self._set_row(snapshot)
        if row is None:
            figures.show([Figure("Teams", Text("not in this database any more"))])
            return
        before = self._set_row(self.before) if self.before is not None else None
        figures.show(
            [
                Figure("Workers in post", Text(str(row["workers_in_post"]))),
                *summary_figures_before_after(before, row, self.status_styles()),
            ]
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        """The team screen's columns, with the team and its service area after the name."""
        columns = super().columns(frame)
        team = Column(
            "team",
            "Team",
            text_width(frame, "team", 12, 40),
            render=text_cell,
            priority=8,
            min_width=distinct_width(frame, "team", 10, 40),
        )
        area = Column(
            "service_area",
            "Service area",
            text_width(frame, "service_area", 12, 30),
            render=text_cell,
            priority=1,
        )
        return [columns[0], team, area, *columns[1:]]
