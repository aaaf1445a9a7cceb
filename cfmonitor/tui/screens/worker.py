"""The supervision view of one worker: how capacity and load are made, and every case held."""

from __future__ import annotations

from typing import Any, ClassVar

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Static

from cfmonitor.data.engine import Snapshot
from cfmonitor.presentation import format_count, format_number
from cfmonitor.safe_text import safe_text, visible
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import BACK_BINDING, TREND_BINDING
from cfmonitor.tui.columns import case_columns
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.cells import (
    sparkline,
    status_text,
    utilisation_bar,
    utilisation_percent,
    weeks_over_text,
)
from cfmonitor.tui.widgets.table import Column

COMPLEXITIES = ("standard", "complex", "intense")


def capacity_line(row: dict[str, Any]) -> Text:
    """`18.0 (experienced maximum) × 0.80 FTE × (1 − 20% reductions) = 11.5`."""
    text = Text(no_wrap=False)
    if row["cohort_maximum"] is None:
        text.append("unknown: the policy has no maximum for cohort ")
        text.append(visible(row["cohort"]), "bold")
        return text
    text.append(f"{format_number(row['cohort_maximum'])} (")
    text.append(visible(row["cohort"]))
    text.append(f" maximum) × {format_number(row['fte'], 2)} FTE")
    if row["reduction_percent"]:
        text.append(f" × (1 − {format_number(row['reduction_percent'], 0)}% reductions)")
    text.append(f" = {format_number(row['capacity'])}", "bold")
    return text


def load_line(row: dict[str, Any], weights: dict[str, float]) -> Text:
    """`10 standard × 1.0 + 3 complex × 1.2 = 13.6`: the cases by complexity, weighted."""
    parts = [
        f"{row[f'{level}_cases']} {level} × {format_number(weights.get(level))}"
        for level in COMPLEXITIES
        if row[f"{level}_cases"]
    ]
    text = Text(" + ".join(parts) if parts else "no cases")
    text.append(f" = {format_number(row['weighted_load'])}", "bold")
    return text


class WorkerScreen(TableScreen):
    """Figures and their making on top; the cases below, families kept together."""

    BINDINGS: ClassVar[list[BindingType]] = [BACK_BINDING, TREND_BINDING]
    TABLE = TableView(key="case_ref", name="cases")

    def __init__(self, staff_ref: str | None = None) -> None:
        super().__init__()
        self.subject = staff_ref
        self._worker_name = ""
        self._team = ""

    @property
    def staff_ref(self) -> str:
        return str(self.subject)

    def show_subject(self, subject: object) -> None:
        self._worker_name = self._team = ""
        super().show_subject(subject)

    def crumbs(self) -> list[str]:
        return ["Organisation", self._team or "…", self._worker_name or self.staff_ref]

    def compose_figures(self) -> ComposeResult:
        yield Static(id="supervision")

    def _worker_row(self, snapshot: Snapshot) -> dict[str, Any] | None:
        rows = snapshot.workers.filter(pl.col("staff_ref") == self.staff_ref)
        return rows.row(0, named=True) if rows.height else None

    def show_snapshot(self, snapshot: Snapshot) -> None:
        row = self._worker_row(snapshot)
        if row is not None:
            self._worker_name, self._team = row["name"], row["team"]
        super().show_snapshot(snapshot)

    def render_figures(self, snapshot: Snapshot) -> None:
        panel = self.query_one("#supervision", Static)
        row = self._worker_row(snapshot)
        if row is None:
            panel.update(
                safe_text(f"{self.staff_ref} is not in post on {snapshot.as_of.isoformat()}.")
            )
            return
        styles = self.status_styles()
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        who = safe_text(row["staff_ref"])
        who.append(" · ")
        who.append(visible(row["cohort"]))
        who.append(f" · {format_number(row['fte'], 2)} FTE · {visible(row['employment'])}")
        grid.add_row(Text("Worker"), who)
        grid.add_row(Text("Capacity"), capacity_line(row))
        grid.add_row(Text("Load"), load_line(row, dict(snapshot.policy.weights)))
        judged = utilisation_percent(row["utilisation"], row["status"], styles)
        judged.append(" ")
        judged.append_text(utilisation_bar(row["utilisation"], row["status"], styles))
        judged.append(" ")
        judged.append_text(status_text(row["status"], styles))
        judged.append(f" · {format_count(row['cases'])} cases", "dim")
        grid.add_row(Text("Utilisation"), judged)
        grid.add_row(Text("Weeks over"), self._history_line(row, styles))
        reductions = snapshot.reductions.filter(pl.col("worker_id") == row["worker_id"])
        if reductions.is_empty():
            grid.add_row(Text("Reductions"), Text("none active", "dim"))
        for index, reduction in enumerate(reductions.iter_rows(named=True)):
            line = Text(f"{format_number(reduction['percent'], 0)}% ")
            line.append(visible(reduction["reason"]))
            end = reduction["end_date"]
            line.append(
                f"  since {reduction['start_date'].isoformat()}, "
                + (f"ends {end.isoformat()}" if end else "no end date"),
                "dim",
            )
            grid.add_row(Text("Reductions" if index == 0 else ""), line)
        panel.update(grid)

    def _history_line(self, row: dict[str, Any], styles: dict[str, str]) -> Text:
        """`6 ↻ sustained (over 4+ weeks in a row)  ▁▂▃▅▇ utilisation, two years`; a note
        until the history is known."""
        history = self.history
        if history is None or "weeks_over" not in row:
            return Text(self.history_note, "dim")
        line = weeks_over_text(row["weeks_over"], row["sustained"], styles)
        weeks = history.trend.policy.sustained_weeks
        line.append(
            f" (over {weeks}+ weeks in a row)" if row["sustained"] else f" (sustained at {weeks})",
            "dim",
        )
        series = (
            history.trend.workers.filter(pl.col("worker_id") == row["worker_id"])
            .sort("date")
            .get_column("utilisation")
            .to_list()
        )
        if series:
            line.append("  ")
            line.append(sparkline(series, 10 if self.narrow else 24, low=0.0, high=1.2))
            line.append(" utilisation, 2 years", "dim")
        return line

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        row = self._worker_row(snapshot)
        cases = snapshot.worker_cases
        worker_id = row["worker_id"] if row else -1
        return cases.filter(pl.col("worker_id") == worker_id).select(
            "case_ref",
            "case_type",
            "complexity",
            "weight",
            "allocated_since",
            "days_held",
            "family_ref",
            "family_cases",
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        return case_columns(
            frame,
            since=("allocated_since", "Since"),
            days=("days_held", "Days"),
            with_family_mark=True,
        )

    def action_trend(self) -> None:
        self.request(requests.Trend("worker", self.staff_ref))
