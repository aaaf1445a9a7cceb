"""The organisation at a glance: headline figures, then every team grouped by service area."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cfmonitor.data.engine import Snapshot
from cfmonitor.scalars import as_int
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import TREND_BINDING
from cfmonitor.tui.columns import (
    distinct_width,
    summary_figures,
    summary_figures_before_after,
    text_width,
)
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.cells import flag_text
from cfmonitor.tui.widgets.figures import Figures
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, percent_cell, text_cell
from cfmonitor.tui.widgets.travel import travel_table

__all__ = ["OverviewScreen", "area_subject", "summary_figures"]

MARK = "■"
MARK_COLUMN = Column(
    "marked",
    "",
    1,
    render=lambda value, row: Text(MARK if value else "", "bold"),
    priority=10,
    searchable=True,
    search_text=pl.when(pl.col("marked")).then(pl.lit("marked")),
)
"""The teams marked with space (`/marked` finds them)."""


def area_subject(snapshot: Snapshot, area: str | None) -> requests.Teams:
    """Every team of the service area `area`, in the overview's order."""
    teams = snapshot.teams.filter(pl.col("service_area").eq_missing(area)).get_column("team")
    return requests.Teams(tuple(teams.to_list()), (area,) if area else ())


class OverviewScreen(TableScreen):
    """Top of the app: q quits here; enter opens a team."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "app.quit", "Quit", id="quit-top", tooltip="Quit cfmonitor."),
        Binding(
            "escape",
            "clear_filter",
            "Clear",
            key_display="esc",
            id="clear-filter",
            tooltip="Clear the filter, then flagged-only (the overview is the top level).",
        ),
        Binding(
            "u",
            "unallocated",
            "Unallocated",
            id="unallocated",
            tooltip="Every open case with nobody allocated, in every team.",
        ),
        TREND_BINDING,
        Binding(
            "space",
            "toggle_mark",
            "Mark",
            id="mark-team",
            tooltip="Mark this team (or unmark it), to list the workers of the marked teams "
            "together with W.",
        ),
        Binding(
            "W",
            "workers_of_teams",
            "Workers",
            id="workers-of-teams",
            tooltip="The workers of the marked teams in one list; with none marked, of this "
            "team's service area.",
        ),
        Binding(
            "p",
            "problems",
            "Problems",
            id="problems",
            tooltip="The data problems behind the figures, named by staff and case reference.",
        ),
    ]
    TABLE = TableView(
        key="team",
        name="teams",
        flag=(pl.col("over") + pl.col("near")) > 0,
        helpers=("over_near", "marked"),
        row_style=pl.when(pl.col("over") > 0).then(pl.lit("bold")),
    )
    """Teams with anyone over stand out in bold (their ▲ count is in the error colour)."""

    def __init__(self) -> None:
        super().__init__()
        self.marked: tuple[str, ...] = ()
        """The teams marked with space, in the order marked (W lists their workers)."""

    def crumbs(self) -> list[str]:
        return ["Organisation"]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")
        yield Static(id="travel")

    def render_figures(self, snapshot: Snapshot) -> None:
        before = self.before
        self.query_one(Figures).show(
            summary_figures_before_after(
                before.organisation_row if before is not None else None,
                snapshot.organisation_row,
                self.status_styles(),
                snapshot.problems.height,
            )
        )
        history = self.history
        self.query_one("#travel", Static).update(
            travel_table(
                history.trend.organisation if history else None,
                history.direction.organisation if history else None,
                self.app.size.width,
                self.history_note,
                folded=self.short,
            )
        )

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        return snapshot.teams.select(
            "team",
            "service_area",
            "workers_in_post",
            "fte_in_post",
            "vacancy_rate",
            "agency_rate",
            "open_cases",
            "unallocated_cases",
            "average_caseload",
            "over",
            "near",
        ).with_columns(
            pl.struct("over", "near").alias("over_near"),  # sorts on over, then near
            pl.col("team").is_in(list(self.marked)).alias("marked"),
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        styles = self.status_styles()
        marks = [MARK_COLUMN] if self.marked else []  # shown once a team is marked
        return [
            *marks,
            Column(
                "service_area",
                "Service area",
                text_width(frame, "service_area", 12, 30),
                render=text_cell,
                priority=1,
                min_width=12,
            ),
            Column(
                "team",
                "Team",
                text_width(frame, "team", 16, 60),
                render=text_cell,
                priority=9,
                min_width=distinct_width(frame, "team", 16, 60),
                cut_last=True,
            ),
            Column("workers_in_post", "Workers", 7, "right", count_cell, priority=5),
            Column("fte_in_post", "FTE", 6, "right", number_cell(1), priority=4),
            Column("vacancy_rate", "Vacancy", 7, "right", percent_cell, priority=3),
            Column("agency_rate", "Agency", 6, "right", percent_cell, priority=2),
            Column("open_cases", "Open", 6, "right", count_cell, priority=6),
            Column("unallocated_cases", "Unalloc", 7, "right", count_cell, priority=5),
            Column("average_caseload", "Avg load", 8, "right", number_cell(1), priority=4),
            Column(
                "over_near",
                "Over/near",
                9,
                render=lambda value, row: flag_text(
                    as_int(row["over"]), as_int(row["near"]), styles
                ),
                priority=10,
                sort_descending_first=True,
                search_text=pl.concat_str(
                    pl.when(pl.col("over") > 0).then(pl.lit("over")),
                    pl.when(pl.col("near") > 0).then(pl.lit("near")),
                    separator=" ",
                    ignore_nulls=True,
                ),
            ),
        ]

    def open_row(self, key: object) -> None:
        self.request(requests.Team(str(key)))

    def action_toggle_mark(self) -> None:
        """Mark the cursor's team, or unmark it; the mark column shows the marked."""
        key = self.table.cursor_key
        if key is None:
            return
        team = str(key)
        marked = team not in self.marked
        self.marked = (*self.marked, team) if marked else tuple(t for t in self.marked if t != team)
        if self.snapshot is not None:
            self.render_snapshot(self.snapshot)
        count = len(self.marked)
        self.notify(
            f"{'Marked' if marked else 'Unmarked'} {team}; {count} team"
            f"{'s' if count != 1 else ''} marked (W lists their workers).",
            timeout=3,
        )

    def marked_subject(self) -> requests.Teams | None:
        """The marked teams still in the figures, in the overview's order (None: none)."""
        if self.snapshot is None or not self.marked:
            return None
        teams = self.snapshot.teams.filter(pl.col("team").is_in(self.marked))
        names = tuple(teams.get_column("team").to_list())
        return requests.Teams(names) if names else None

    def action_workers_of_teams(self) -> None:
        """W: the marked teams' workers; with none marked, the cursor's service area's."""
        subject = self.marked_subject()
        if subject is None:
            subject = self._area_subject()
        if subject is None:
            self.notify("No team here: move to a team, or mark some with space.", timeout=3)
            return
        self.request(subject)

    def _area_subject(self) -> requests.Teams | None:
        key = self.table.cursor_key
        if self.snapshot is None or key is None:
            return None
        rows = self.snapshot.teams.filter(pl.col("team") == key)
        if rows.is_empty():
            return None
        return area_subject(self.snapshot, rows.item(0, "service_area"))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":  # esc offers to clear only what there is to clear
            return self.filter_input.display or bool(self.filter_input.value) or self.flagged_only
        return super().check_action(action, parameters)

    def action_clear_filter(self) -> None:
        """esc at the top: close the filter, else show every row again."""
        if not self.close_filter() and self.flagged_only:
            self.action_toggle_flagged()

    def action_unallocated(self) -> None:
        self.request(requests.Unallocated(None))

    def action_trend(self) -> None:
        self.request(requests.Trend("organisation", None))

    def action_problems(self) -> None:
        self.request(requests.Problems())
