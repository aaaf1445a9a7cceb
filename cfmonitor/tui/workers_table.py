"""The workers table the team screen and the several-teams screen share: every worker
in post of some teams, most overloaded first, with their judged figures, recent intake
and two years of utilisation. A screen says which teams (`team_names`); enter opens a
worker's supervision view above it.

It lives beside the screens rather than among them: a screen imports no sibling screen.
"""

from __future__ import annotations

import polars as pl
from rich.text import Text

from cfmonitor.data.engine import Snapshot, intake_counts
from cfmonitor.scalars import as_float, as_floats, as_str
from cfmonitor.tui import requests
from cfmonitor.tui.columns import (
    SPARK_WIDTH,
    distinct_width,
    judged_columns,
    text_width,
    utilisation_series,
)
from cfmonitor.tui.kept import Kept
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.cells import sparkline, utilisation_bar
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, text_cell


class WorkersScreen(TableScreen):
    """Workers in post of some teams, most overloaded first: what the team screen and the
    several-teams screen share. Enter opens a worker's supervision view."""

    TABLE = TableView(
        key="staff_ref",
        name="workers",
        flag=pl.col("status").is_in(["over", "near"]),
        helpers=("status_rank", "utilisation_bar", "utilisation_series", "utilisation_spark"),
        exported_as={"status_rank": "status"},
    )

    def __init__(self) -> None:
        super().__init__()
        self._series_kept: Kept[pl.DataFrame] = Kept()

    def team_names(self) -> list[str]:
        """The teams whose workers are listed."""
        raise NotImplementedError

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        workers = snapshot.workers.filter(pl.col("team").is_in(self.team_names()))
        if "weeks_over" not in workers.columns:  # the history is still being worked out
            workers = workers.with_columns(
                pl.lit(None, pl.Int64).alias("weeks_over"),
                pl.lit(None, pl.Boolean).alias("sustained"),
            )
        ids = workers.get_column("worker_id")
        intake = intake_counts(
            snapshot.worker_cases.filter(pl.col("worker_id").is_in(ids.implode()))
        )
        return (
            workers.join(self._series(ids), on="worker_id", how="left", maintain_order="left")
            .join(intake, on="worker_id", how="left", maintain_order="left")
            .select(
                "staff_ref",
                "name",
                "team",
                "service_area",
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
                "weeks_over",
                "sustained",
                "utilisation_series",
                pl.col("utilisation").alias("utilisation_spark"),
                pl.col("intake_7_days", "intake_30_days").fill_null(0),
            )
        )

    def _series(self, ids: pl.Series) -> pl.DataFrame:
        """The workers' two-year utilisation. A move changes neither the history nor who
        is in the teams, so it is kept while both are the same."""
        history = self.history
        return self._series_kept.get(
            (history, frozenset(ids.to_list())), lambda: utilisation_series(history, ids)
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        styles = self.status_styles()
        judged = judged_columns(styles, frame)
        columns = [
            Column(
                "name",
                "Name",
                text_width(frame, "name", 14, 40),
                priority=9,
                min_width=distinct_width(frame, "name", 10, 40),
                cut_last=True,
            ),
            Column("staff_ref", "Staff ref", text_width(frame, "staff_ref", 9, 16), priority=2),
            Column("cohort", "Cohort", text_width(frame, "cohort", 6, 16), priority=4),
            Column("fte", "FTE", 4, "right", number_cell(2), priority=5),
            Column("employment", "Employ", 9, render=text_cell, priority=1),
            *judged[:4],
            Column(
                "utilisation_bar",
                "",
                11,
                render=lambda value, row: utilisation_bar(
                    as_float(value), as_str(row["status"]), styles
                ),
                priority=3,
            ),
            *judged[4:],
            Column("intake_7_days", "New 7d", 6, "right", count_cell, priority=3),
            Column("intake_30_days", "30d", 4, "right", count_cell, priority=2),
            Column(
                "utilisation_spark",
                "2 years",
                SPARK_WIDTH,
                render=lambda value, row: Text(
                    sparkline(as_floats(row["utilisation_series"]), SPARK_WIDTH, low=0.0, high=1.2)
                ),
                priority=4,
            ),
        ]
        # Where room is short the name and the judged figures stay; the reference, the
        # contract type, the bar (a picture of the percentage beside it) and the sparkline
        # give way first (their priorities).
        return columns

    def open_row(self, key: object) -> None:
        self.request(requests.Worker(str(key), from_team=True))
