"""One team: every worker in post, most overloaded first, and the team's unallocated cases."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, ClassVar

import polars as pl
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType

from cfmonitor.data.engine import Snapshot
from cfmonitor.scalars import as_bool, as_float, as_floats, as_int, as_str
from cfmonitor.tui.screens.base import BACK_BINDING, TableScreen, distinct_width, text_width
from cfmonitor.tui.screens.overview import TREND_BINDING, summary_figures
from cfmonitor.tui.widgets.cells import (
    SUSTAINED_SYMBOL,
    sparkline,
    status_text,
    utilisation_bar,
    utilisation_percent,
    weeks_over_text,
)
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, text_cell

if TYPE_CHECKING:
    from cfmonitor.data.engine import History

SPARK_WIDTH = 12


def utilisation_series(history: History | None, worker_ids: pl.Series) -> pl.DataFrame:
    """Each worker's utilisation at every point of the trend (oldest first), as a list for
    the sparkline cell; empty lists while the history is still being worked out."""
    if history is None:
        return pl.DataFrame(
            {"worker_id": worker_ids, "utilisation_series": [[]] * len(worker_ids)},
            schema={"worker_id": pl.Int64, "utilisation_series": pl.List(pl.Float64)},
        )
    return (
        history.trend.workers.filter(pl.col("worker_id").is_in(worker_ids.implode()))
        .sort("date")
        .group_by("worker_id", maintain_order=True)
        .agg(pl.col("utilisation").alias("utilisation_series"))
    )


def status_with_marker(row: Mapping[str, object], styles: Mapping[str, str]) -> Text:
    """`▲ over ↻`: the status, and beside it the sustained marker (not a status of its own)."""
    text = status_text(as_str(row["status"]), styles)
    if row.get("sustained"):
        text.append(f" {SUSTAINED_SYMBOL}", styles.get("over", ""))
    return text


def status_width(frame: pl.DataFrame) -> int:
    """Cells for the widest status shown (`? unknown-cohort`, `▲ over ↻`): never cut."""
    labels = {"over": 6, "near": 6, "ok": 4, "unknown-cohort": 16}
    present = frame.get_column("status").drop_nulls().unique().to_list() if frame.height else []
    widest = max((labels.get(status, 16) for status in present), default=8)
    return max(8, widest + (2 if "sustained" in frame.columns else 0))


STATUS_WORDS = pl.concat_str(
    pl.col("status").replace_strict(
        {"unknown-cohort": "? unknown-cohort"}, default=pl.col("status"), return_dtype=pl.String
    ),
    pl.when(pl.col("sustained").fill_null(False)).then(pl.lit("sustained")),
    separator=" ",
    ignore_nulls=True,
)
"""What the status column shows, as words `/` can find (`over`, `sustained`)."""


def judged_columns(styles: dict[str, str], frame: pl.DataFrame) -> list[Column]:
    """A worker's judged figures (cases, load, capacity, utilisation, status with the
    sustained marker, weeks over): the team table's and a worker's trend table's."""
    width = status_width(frame)
    return [
        Column("cases", "Cases", 5, "right", count_cell, priority=7),
        Column("weighted_load", "Load", 5, "right", number_cell(1), priority=6),
        Column("capacity", "Capacity", 8, "right", number_cell(1), priority=6, min_width=5),
        Column(
            "utilisation",
            "Util",
            5,
            "right",
            lambda value, row: utilisation_percent(as_float(value), as_str(row["status"]), styles),
            priority=8,
        ),
        Column(
            "status_rank",
            "Status",
            width,
            render=lambda value, row: status_with_marker(row, styles),
            priority=10,
            min_width=width,
            sort_descending_first=False,
            search_text=STATUS_WORDS,
        ),
        Column(
            "weeks_over",
            "Weeks over",
            15,
            render=lambda value, row: weeks_over_text(
                as_int(value), as_bool(row["sustained"]), styles
            ),
            priority=7,
        ),
    ]


class TeamScreen(TableScreen):
    """Enter opens a worker's supervision view; `u` lists the team's unallocated cases."""

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
        workers = snapshot.workers.filter(pl.col("team") == self.team)
        if "weeks_over" not in workers.columns:  # the history is still being worked out
            workers = workers.with_columns(
                pl.lit(None, pl.Int64).alias("weeks_over"),
                pl.lit(None, pl.Boolean).alias("sustained"),
            )
        return workers.join(
            utilisation_series(self.cfapp.history, workers.get_column("worker_id")),
            on="worker_id",
            how="left",
            maintain_order="left",
        ).select(
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
            "weeks_over",
            "sustained",
            "utilisation_series",
            pl.col("utilisation").alias("utilisation_spark"),
            pl.col("status").is_in(["over", "near"]).alias("flagged"),
        )

    def table_columns(self, frame: pl.DataFrame) -> list[Column]:
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
        self.cfapp.open_worker(str(key), from_team=True)

    def action_unallocated(self) -> None:
        self.cfapp.open_unallocated(self.team)

    def action_trend(self) -> None:
        self.cfapp.open_trend("team", self.team)
