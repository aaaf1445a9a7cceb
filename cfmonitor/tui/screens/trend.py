"""Measures over time: a chart (textual-plotext) and, beneath it, the same numbers as a
table for people who would rather read than look, and for screen readers.

One screen for the three levels: the organisation (from the overview), a team (from its
screen) or a worker (from the supervision view). Everything shown comes from the app's
History (the engine's `compute_trend`); until it has been worked out the screen says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

import polars as pl
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static
from textual_plotext import PlotextPlot

from cfmonitor.data.engine import Snapshot
from cfmonitor.redact import shown_name
from cfmonitor.tui.bindings import BACK_BINDING
from cfmonitor.tui.columns import judged_columns
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.table import (
    Column,
    count_cell,
    number_cell,
    percent_cell,
    text_cell,
)

ORGANISATION, TEAM, WORKER = "organisation", "team", "worker"


CHART_ROWS_GUESS = 12
"""A chart's height before the layout has given it one."""
CHART_FRAME_ROWS = 4
"""Rows of a chart that are not its plot area: the frame, the dates and the x label."""


def percent_ticks(top: float, height: int) -> list[float]:
    """Percentage ticks from 0 to `top`, every 25, 50, 100 or 200 points: the smallest step
    whose ticks each get a row of their own, at most one on every other row. Ticks
    sharing a row would let either label be drawn there (plotext picks one), and every
    step but 200 puts 100% on a labelled line."""
    rows = max(height - CHART_FRAME_ROWS, 2)
    for step in (25.0, 50.0, 100.0, 200.0):
        if int(top // step) + 1 <= rows // 2 + 1:
            break
    return [step * n for n in range(int(top // step) + 1)]


@dataclass(frozen=True)
class Chart:
    """One chart: a title in the app's own words and the series drawn on it."""

    title: str
    measures: tuple[tuple[str, str], ...]
    """(frame column, legend label) pairs."""
    percent: bool = False
    threshold: float | None = None
    """A line across the chart at this value (100% of capacity on utilisation)."""


MARKERS = ("•", "×", "+")
"""One marker per series, so the series can be told apart without colour (NO_COLOR)."""
THRESHOLD_MARKER = "─"


GROUP_CHARTS = (
    Chart("Average caseload (cases per caseholding FTE)", (("average_caseload", "average"),)),
    Chart(
        "Workers over, near and in sustained overload",
        (("over", "over"), ("near", "near"), ("sustained", "sustained")),
    ),
    Chart("Vacancy and agency rates (%)", (("vacancy_rate", "vacancy"), ("agency_rate", "agency"))),
)
WORKER_CHARTS = (
    Chart("Utilisation (%)", (("utilisation", "utilisation"),), percent=True, threshold=100.0),
    Chart(
        "Cases, weighted load and capacity",
        (("cases", "cases"), ("weighted_load", "load"), ("capacity", "capacity")),
    ),
)
GROUP_COLUMNS = (
    "date",
    "average_caseload",
    "over",
    "near",
    "sustained",
    "workers_in_post",
    "fte_in_post",
    "vacancy_rate",
    "agency_rate",
    "open_cases",
    "unallocated_cases",
)
WORKER_COLUMNS = (
    "date",
    "cases",
    "weighted_load",
    "capacity",
    "utilisation",
    "status",
    "status_rank",
    "weeks_over",
    "sustained",
)


class TrendScreen(TableScreen):
    """`m` shows the next chart; the table beneath holds every measure, latest first."""

    BINDINGS: ClassVar[list[BindingType]] = [
        BACK_BINDING,
        Binding(
            "m",
            "next_chart",
            "Chart",
            id="next-chart",
            tooltip="Show the next chart of these measures; the table beneath holds them all.",
        ),
    ]
    TABLE = TableView(key="date", name="trend", flag=(pl.col("over") + pl.col("near")) > 0)
    WORKER_TABLE = TableView(
        key="date",
        name="trend",
        flag=pl.col("status").is_in(["over", "near"]),
        helpers=("status_rank",),
        exported_as={"status_rank": "status"},
    )
    """A worker's weeks are flagged by their status, a group's by anyone over or near."""

    subject: tuple[str, str | None]
    """(level, key): the organisation (key None), a team's name or a worker's staff ref."""

    def __init__(self) -> None:
        super().__init__()
        self.subject = (ORGANISATION, None)
        self.chart_index = 0

    @property
    def level(self) -> str:
        return self.subject[0]

    @property
    def key(self) -> str | None:
        return self.subject[1]

    @property
    def charts(self) -> tuple[Chart, ...]:
        return WORKER_CHARTS if self.level == WORKER else GROUP_CHARTS

    @property
    def table_view(self) -> TableView:
        return self.WORKER_TABLE if self.level == WORKER else self.TABLE

    def show_subject(self, subject: object) -> None:
        self.chart_index = 0
        super().show_subject(subject)

    def _worker_row(self) -> dict[str, Any] | None:
        snapshot = self.view.snapshot if self.view is not None else None
        if snapshot is None or self.level != WORKER:
            return None
        rows = snapshot.workers.filter(pl.col("staff_ref") == self.key)
        return rows.row(0, named=True) if rows.height else None

    def crumbs(self) -> list[str]:
        if self.level == TEAM:
            return ["Organisation", str(self.key), "Trend"]
        if self.level == WORKER:
            row = self._worker_row()
            team, name = (row["team"], row["name"]) if row else ("…", str(self.key))
            view = self.view
            if view is not None and view.presenting and view.named != self.key:
                name = shown_name(name if row else None, str(self.key))
            return ["Organisation", team, name, "Trend"]
        return ["Organisation", "Trend"]

    def compose_figures(self) -> ComposeResult:
        yield Static(id="chart-note")
        yield PlotextPlot(id="chart")

    # --- the numbers ------------------------------------------------------------------

    def series(self) -> pl.DataFrame | None:
        """This level's rows of the trend, oldest first; None until the history is in."""
        history = self.history
        if history is None:
            return None
        trend = history.trend
        if self.level == TEAM:
            return trend.teams.filter(pl.col("team") == self.key).sort("date")
        if self.level == WORKER:
            ids = trend.worker_details.filter(pl.col("staff_ref") == self.key)
            return trend.workers.filter(
                pl.col("worker_id").is_in(ids.get_column("worker_id").implode())
            ).sort("date")
        return trend.organisation.sort("date")

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        columns = WORKER_COLUMNS if self.level == WORKER else GROUP_COLUMNS
        series = self.series()
        if series is None:  # the same columns, no rows, until the history is in
            kinds = {"date": pl.Date, "status": pl.String, "sustained": pl.Boolean}
            series = pl.DataFrame(schema={name: kinds.get(name, pl.Float64) for name in columns})
        return series.select(columns).sort("date", descending=True)

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        styles = self.status_styles()
        date = Column("date", "Week to", 10, render=text_cell, priority=10, searchable=True)
        if self.level == WORKER:
            return [date, *judged_columns(styles, frame)]
        return [
            date,
            Column("average_caseload", "Avg load", 8, "right", number_cell(1), priority=9),
            Column("over", "Over", 5, "right", count_cell, priority=9),
            Column("near", "Near", 5, "right", count_cell, priority=6),
            Column("sustained", "Sustained", 9, "right", count_cell, priority=8),
            Column("workers_in_post", "Workers", 7, "right", count_cell, priority=3),
            Column("fte_in_post", "FTE", 7, "right", number_cell(1), priority=2),
            Column("vacancy_rate", "Vacancy", 7, "right", percent_cell, priority=7),
            Column("agency_rate", "Agency", 6, "right", percent_cell, priority=7),
            Column("open_cases", "Open", 6, "right", count_cell, priority=4),
            Column("unallocated_cases", "Unalloc", 7, "right", count_cell, priority=4),
        ]

    # --- the chart --------------------------------------------------------------------

    def render_figures(self, snapshot: Snapshot) -> None:
        note = self.query_one("#chart-note", Static)
        chart = self.charts[self.chart_index % len(self.charts)]
        series = self.series()
        plot = self.query_one("#chart", PlotextPlot)
        plt = plot.plt
        plt.clear_figure()
        if series is None:
            note.update(Text(self.history_note, "dim"))
            plot.refresh()
            return
        position = f"chart {self.chart_index % len(self.charts) + 1} of {len(self.charts)}"
        if series.is_empty():
            note.update(Text("No figures in these two years.", "dim"))
            plot.refresh()
            return
        plt.date_form("Y-m-d")
        scale = 100.0 if chart.percent or chart.measures[0][0].endswith("_rate") else 1.0
        # The legend goes in the line above the chart, where it cannot cover the data.
        legend = Text.assemble(chart.title, "  ")
        highest = chart.threshold or 0.0
        for (column, label), marker in zip(chart.measures, MARKERS, strict=False):
            points = series.select("date", column).drop_nulls()
            if points.is_empty():
                continue
            dates = [day.isoformat() for day in points.get_column("date").to_list()]
            values = [float(value) * scale for value in points.get_column(column).to_list()]
            highest = max(highest, *values)
            plt.plot(dates, values, marker=marker)
            legend.append(f" {marker} {label}")
        if chart.threshold is not None:
            plt.hline(chart.threshold)
            legend.append(f"  {THRESHOLD_MARKER} {chart.threshold:.0f}% of capacity")
        legend.append(f"  ·  {position} (m: next)", "dim")
        note.update(legend)
        top = highest * 1.08 or 1.0
        plt.ylim(0, top)  # from zero, so a small change looks small
        if chart.threshold is not None:  # ticks that put the threshold on a labelled line
            if not plot.size.height:  # not laid out yet: draw again once it has its size
                self.call_after_refresh(self._redraw_laid_out)
            ticks = percent_ticks(top, plot.size.height or CHART_ROWS_GUESS)
            plt.yticks(ticks, [f"{tick:.0f}%" for tick in ticks])
        plt.xlabel("week")
        plot.refresh()

    def _redraw_laid_out(self) -> None:
        if self.snapshot is not None and self.query_one("#chart", PlotextPlot).size.height:
            self.render_figures(self.snapshot)

    def on_resize(self, event: events.Resize) -> None:
        """The ticks are chosen for the chart's height: choose them again once laid out."""
        super().on_resize(event)
        self.call_after_refresh(self._redraw_laid_out)

    def action_next_chart(self) -> None:
        self.chart_index = (self.chart_index + 1) % len(self.charts)
        if self.snapshot is not None:
            self.render_figures(self.snapshot)
