"""The supervision view of one worker: how capacity and load are made, and every case held."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Any, ClassVar

import polars as pl
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from cfmonitor.data.engine import Snapshot, intake_of, shared_work, worker_dates
from cfmonitor.presentation import format_count, format_number
from cfmonitor.redact import Redactor, shown_name
from cfmonitor.safe_text import safe_text, visible
from cfmonitor.tui import requests
from cfmonitor.tui.bindings import BACK_BINDING, TREND_BINDING, WHAT_IF_BINDING
from cfmonitor.tui.changes import before_after_text
from cfmonitor.tui.columns import case_columns, date_cell, text_width
from cfmonitor.tui.kept import Kept
from cfmonitor.tui.screens.base import TableScreen
from cfmonitor.tui.table_view import TableView
from cfmonitor.tui.widgets.cells import (
    sparkline,
    status_text,
    utilisation_bar,
    utilisation_percent,
    weeks_over_text,
)
from cfmonitor.tui.widgets.in_place import update_in_place
from cfmonitor.tui.widgets.table import Column, text_cell

if TYPE_CHECKING:
    from cfmonitor.data.engine import Trend

COMPLEXITIES = ("standard", "complex", "intense")


@dataclasses.dataclass(frozen=True)
class _Dates:
    """The worker's dates line and their reductions open on the day (one dict each)."""

    line: Text
    reductions: list[dict[str, Any]]


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

    BINDINGS: ClassVar[list[BindingType]] = [
        BACK_BINDING,
        WHAT_IF_BINDING,
        Binding(
            "n",
            "show_name",
            "Show name",
            id="show-name",
            tooltip="While presenting: show this worker's name (they are the person in the "
            "room); press again to hide it.",
        ),
        TREND_BINDING,
    ]
    TABLE = TableView(key="case_ref", name="cases")

    def __init__(self, staff_ref: str | None = None) -> None:
        super().__init__()
        self.subject = staff_ref
        self._worker_name = ""
        self._team = ""
        # Kept while the frames they come from are the same (`Kept`): a move's redraw
        # asks for each several times, and changes the dates and the series not at all.
        self._rows_kept: Kept[dict[str, Any] | None] = Kept(size=2)  # after, and before
        self._mine_kept: Kept[pl.DataFrame] = Kept()
        self._dates_kept: Kept[_Dates] = Kept()
        self._series_kept: Kept[list[float | None]] = Kept()

    @property
    def staff_ref(self) -> str:
        return str(self.subject)

    @property
    def open_staff_ref(self) -> str | None:
        return None if self.subject is None else str(self.subject)

    def redact(self, frame: pl.DataFrame, redactor: Redactor) -> pl.DataFrame:
        """The open worker's own cases: their references stay on their own screen."""
        return frame

    def show_subject(self, subject: object) -> None:
        self._worker_name = self._team = ""
        super().show_subject(subject)

    def crumbs(self) -> list[str]:
        name = self._worker_name or self.staff_ref
        view = self.view
        if view is not None and view.presenting and view.named != self.staff_ref:
            name = shown_name(self._worker_name, self.staff_ref)
        return ["Organisation", self._team or "…", name]

    def compose_figures(self) -> ComposeResult:
        yield Static(id="supervision")

    def _worker_row(self, snapshot: Snapshot) -> dict[str, Any] | None:
        """The open worker's row of `snapshot` (kept for the two Snapshots drawn last: a
        move's draw asks for it four times, of the figures and of those before)."""

        def find() -> dict[str, Any] | None:
            rows = snapshot.workers.filter(pl.col("staff_ref") == self.staff_ref)
            return rows.row(0, named=True) if rows.height else None

        return self._rows_kept.get((snapshot.workers, self.staff_ref), find)

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
        before = self._worker_row(self.before) if self.before is not None else None
        grid = Table.grid(padding=(0, 1))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(ratio=1)
        who = safe_text(row["staff_ref"])
        who.append(" · ")
        who.append(visible(row["cohort"]))
        who.append(f" · {format_number(row['fte'], 2)} FTE · {visible(row['employment'])}")
        who.append_text(self._dates_text(snapshot, row))
        grid.add_row(Text("Worker"), who)
        grid.add_row(Text("Capacity"), capacity_line(row))
        weights = dict(snapshot.policy.weights)
        load = load_line(row, weights)
        if before is not None and before["weighted_load"] != row["weighted_load"]:
            load.append(f" (was {format_number(before['weighted_load'])})", "dim")
        grid.add_row(Text("Load"), load)
        judged = self._judged(row, styles)
        if before is not None:
            judged = before_after_text(self._judged(before, styles, bar=False), judged)
        grid.add_row(Text("Utilisation"), judged)
        grid.add_row(Text("Intake"), self._intake_text(snapshot, row))
        grid.add_row(Text("Weeks over"), self._history_line(row, styles))
        reductions = self._dates(snapshot, row["worker_id"]).reductions
        if not reductions:
            grid.add_row(Text("Reductions"), Text("none active", "dim"))
        for index, reduction in enumerate(reductions):
            line = Text(f"{format_number(reduction['percent'], 0)}% ")
            line.append(visible(reduction["reason"]))
            end = reduction["end_date"]
            line.append(
                f"  since {reduction['start_date'].isoformat()}, "
                + (f"ends {end.isoformat()}" if end else "no end date"),
                "dim",
            )
            grid.add_row(Text("Reductions" if index == 0 else ""), line)
        update_in_place(panel, grid)

    @staticmethod
    def _judged(row: dict[str, Any], styles: dict[str, str], *, bar: bool = True) -> Text:
        """`59% ▅▅▅▅▅▅ ● near · 14 cases` (without the bar, as it was before a move)."""
        judged = utilisation_percent(row["utilisation"], row["status"], styles)
        if bar:
            judged.append(" ")
            judged.append_text(utilisation_bar(row["utilisation"], row["status"], styles))
        judged.append(" ")
        judged.append_text(status_text(row["status"], styles))
        judged.append(f" · {format_count(row['cases'])} cases", "dim")
        return judged

    def _mine(self, snapshot: Snapshot, worker_id: int) -> pl.DataFrame:
        """The worker's own rows of `worker_cases`: the table, its notes and the intake
        line all want them (one scan of England's allocations for all three)."""
        cases = snapshot.worker_cases
        return self._mine_kept.get(
            (cases, worker_id), lambda: cases.filter(pl.col("worker_id") == worker_id)
        )

    def _dates_text(self, snapshot: Snapshot, row: dict[str, Any]) -> Text:
        """` · in post since 2021-03-01 · ASYE`. A move changes neither the worker's dates
        nor their reductions, so the line is kept while those frames are the same."""
        return self._dates(snapshot, row["worker_id"]).line.copy()

    def _dates(self, snapshot: Snapshot, worker_id: int) -> _Dates:
        """The worker's dates line and their reductions on the day. A move changes
        neither, so both are kept while the reductions frame is the same."""
        return self._dates_kept.get(
            (snapshot.reductions, worker_id), lambda: self._find_dates(snapshot, worker_id)
        )

    @staticmethod
    def _find_dates(snapshot: Snapshot, worker_id: int) -> _Dates:
        dates = worker_dates(
            dataclasses.replace(
                snapshot, workers=snapshot.workers.filter(pl.col("worker_id") == worker_id)
            )
        )
        text = Text()
        if dates.height:
            found = dates.row(0, named=True)
            if found["start_date"] is not None:
                text.append(f" · in post since {found['start_date'].isoformat()}", "dim")
            if found["asye"]:
                text.append(" · ASYE (newly qualified)", "bold")
        reductions = snapshot.reductions.filter(pl.col("worker_id") == worker_id).to_dicts()
        return _Dates(text, reductions)

    def _intake_text(self, snapshot: Snapshot, row: dict[str, Any]) -> Text:
        """`2 in the last 7 days · 5 in the last 30`: cases allocated to them lately."""
        found = intake_of(self._mine(snapshot, row["worker_id"]))
        return Text(
            f"{format_count(found['intake_7_days'])} in the last 7 days · "
            f"{format_count(found['intake_30_days'])} in the last 30 (cases still held)"
        )

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
        series = self._utilisation_series(history.trend, row["worker_id"])
        if series:
            line.append("  ")
            line.append(sparkline(series, 10 if self.narrow else 24, low=0.0, high=1.2))
            line.append(" utilisation, 2 years", "dim")
        return line

    def _utilisation_series(self, trend: Trend, worker_id: int) -> list[float | None]:
        """The worker's weekly utilisation, oldest first: the history's, which no move
        changes (kept while the trend is the same)."""
        return self._series_kept.get(
            (trend, worker_id),
            lambda: (
                trend.workers.filter(pl.col("worker_id") == worker_id)
                .sort("date")
                .get_column("utilisation")
                .to_list()
            ),
        )

    def rows(self, snapshot: Snapshot) -> pl.DataFrame:
        row = self._worker_row(snapshot)
        worker_id = row["worker_id"] if row else -1
        mine = self._mine(snapshot, worker_id)
        shared = shared_work(snapshot, worker_id, mine)
        families = [
            None
            if family_ref is None or family_ref not in shared.families
            else shared.families[family_ref].note()
            for family_ref in mine.get_column("family_ref").to_list()
        ]
        with_whom = [
            ", ".join(shared.co_workers[case_id]) if case_id in shared.co_workers else None
            for case_id in mine.get_column("case_id").to_list()
        ]
        return mine.with_columns(
            pl.Series("co_workers", with_whom, pl.String),
            pl.Series("family_note", families, pl.String),
        ).select(
            "case_ref",
            "case_type",
            "complexity",
            "weight",
            "opened_on",
            "allocated_since",
            "days_held",
            "co_workers",
            "family_ref",
            "family_cases",
            "family_note",
        )

    def columns(self, frame: pl.DataFrame) -> list[Column]:
        columns = case_columns(
            frame,
            since=("allocated_since", "Since"),
            days=("days_held", "Days"),
            with_family_mark=True,
        )
        at = next(i for i, c in enumerate(columns) if c.key == "allocated_since")
        columns.insert(at, Column("opened_on", "Opened", 10, render=date_cell, priority=3))
        with_whom = Column(
            "co_workers",
            "Co-worked with",
            text_width(frame, "co_workers", 14, 30),
            render=lambda value, row: text_cell("" if value is None else value, row),
            priority=5,
        )
        columns.insert(at + 3, with_whom)
        shared = next(i for i, c in enumerate(columns) if c.key == "family_cases")
        columns[shared] = Column(
            "family_cases",
            "Shared",
            text_width(frame, "family_note", 6, 34),
            render=lambda value, row: text_cell(row.get("family_note") or "", row),
            priority=5,
            search_text=pl.col("family_note"),
        )
        return columns

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "show_name":  # a choice only while presenting
            return self.view is not None and self.view.presenting
        return super().check_action(action, parameters)

    def action_what_if(self) -> None:
        """`w`: move the case under the cursor to another worker, in the scenario."""
        key = self.table.cursor_key
        if key is None:
            self.notify("No case here to move.", timeout=2)
            return
        self.post_message(requests.ChooseMove(str(key), self.staff_ref, str(key)))

    def action_show_name(self) -> None:
        """`n`: while presenting, this worker's name shows (they are in the room)."""
        view = self.view
        if view is None or not view.presenting:
            self.notify("Names are shown already (P starts presenter mode).", timeout=3)
            return
        self.post_message(requests.ShowName(self.staff_ref))

    def action_trend(self) -> None:
        self.request(requests.Trend("worker", self.staff_ref))
