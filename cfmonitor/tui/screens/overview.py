"""The organisation at a glance: headline figures, then every team grouped by service area."""

from __future__ import annotations

from typing import ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cfmonitor.data.engine import Snapshot
from cfmonitor.presentation import (
    agency_share,
    format_count,
    format_number,
    format_percent,
    fte_against_establishment,
    near_count,
    over_count,
    vacancy_gap,
)
from cfmonitor.scalars import as_int
from cfmonitor.tui.screens.base import TableScreen, distinct_width, text_width
from cfmonitor.tui.widgets.cells import SUSTAINED_SYMBOL, flag_text
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, percent_cell, text_cell
from cfmonitor.tui.widgets.travel import travel_table

TREND_BINDING = Binding(
    "t",
    "trend",
    "Trend",
    id="trend",
    tooltip="Charts and a table of the measures over the last two years, week by week.",
)


def summary_figures(row: dict, styles: dict[str, str], problems: int = 0) -> list[Figure]:
    """The headline figures of an organisation or a team row (SUMMARY_FIELDS)."""
    over, near = row["over"], row["near"]
    figures = [
        Figure("FTE in post", Text(fte_against_establishment(row))),
        Figure("Vacancy gap", Text(vacancy_gap(row))),
        Figure("Census vacancy", Text(format_percent(row["census_vacancy_rate"], 1))),
        Figure("Agency", Text(agency_share(row))),
        Figure("Open cases", Text(format_count(row["open_cases"]))),
        Figure(
            "Unallocated",
            Text(
                format_count(row["unallocated_cases"]),
                styles.get("near", "") if row["unallocated_cases"] else "",
            ),
        ),
        Figure("Average caseload", Text(format_number(row["average_caseload"]))),
        Figure("Census caseload", Text(format_number(row["census_average_caseload"]))),
        Figure("Over", Text(over_count(over), styles["over"] if over else "")),
        Figure("Near", Text(near_count(near), styles["near"] if near else "")),
    ]
    if "sustained" in row:  # once the history is in
        sustained = row["sustained"]
        figures.append(
            Figure(
                "Sustained over",
                Text(
                    f"{SUSTAINED_SYMBOL} {format_count(sustained)}",
                    styles["over"] if sustained else "",
                ),
            )
        )
    if problems:
        figures.append(
            Figure(
                "Data problems",
                Text(f"{problems} (p lists them)", styles.get("unknown-cohort", "")),
            )
        )
    return figures


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
            "p",
            "problems",
            "Problems",
            id="problems",
            tooltip="The data problems behind the figures, named by staff and case reference.",
        ),
    ]
    TABLE_KEY = "team"
    TABLE_NAME = "teams"

    def crumbs(self) -> list[str]:
        return ["Organisation"]

    def compose_figures(self) -> ComposeResult:
        yield Figures(id="figures")
        yield Static(id="travel")

    def render_figures(self, snapshot: Snapshot) -> None:
        self.query_one(Figures).show(
            summary_figures(
                snapshot.organisation_row, self.status_styles(), snapshot.problems.height
            )
        )
        history = self.cfapp.history
        self.query_one("#travel", Static).update(
            travel_table(
                history.trend.organisation if history else None,
                history.direction.organisation if history else None,
                self.app.size.width,
                self.cfapp.history_note,
                folded=self.short,
            )
        )

    def table_frame(self, snapshot: Snapshot) -> pl.DataFrame:
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
            ((pl.col("over") + pl.col("near")) > 0).alias("flagged"),
            pl.struct("over", "near").alias("over_near"),  # sorts on over, then near
        )

    def row_style(self) -> pl.Expr:
        """Teams with anyone over stand out in bold (their ▲ count is in the error colour)."""
        return pl.when(pl.col("over") > 0).then(pl.lit("bold"))

    def table_columns(self, frame: pl.DataFrame) -> list[Column]:
        styles = self.status_styles()
        return [
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
        self.cfapp.open_team(str(key))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "clear_filter":  # esc offers to clear only what there is to clear
            return self.filter_input.display or bool(self.filter_input.value) or self.flagged_only
        return super().check_action(action, parameters)

    def action_clear_filter(self) -> None:
        """esc at the top: close the filter, else show every row again."""
        if not self.close_filter() and self.flagged_only:
            self.action_toggle_flagged()

    def action_unallocated(self) -> None:
        self.cfapp.open_unallocated(None)

    def action_trend(self) -> None:
        self.cfapp.open_trend("organisation", None)

    def action_problems(self) -> None:
        self.cfapp.open_problems()
