"""The direction of travel: each headline measure's sparkline, its value now, and how it
moved over 12 weeks and 12 months — arrows and signs, so colour is never needed."""

from __future__ import annotations

import polars as pl
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from cfmonitor.presentation import format_measure
from cfmonitor.tui.widgets.cells import change_text, sparkline

TRAVEL_MEASURES = {
    "average_caseload": "Average caseload",
    "over": "Workers over",
    "vacancy_rate": "Vacancy rate",
    "agency_rate": "Agency rate",
}
"""The measures of `direction_of_travel`, with the words shown for each."""
HISTORY_LOADING = "history loading…"


def measure_value(measure: str, value: float | None) -> str:
    return format_measure(measure, value)


SHORT_LABELS = {
    "average_caseload": "Avg caseload",
    "over": "Over",
    "vacancy_rate": "Vacancy",
    "agency_rate": "Agency",
}


def travel_line(direction: pl.DataFrame) -> Text:
    """The direction of travel folded to one line for short terminals:
    `12 wk: Avg caseload 13.4 ↓ −0.2 · Over 135 ↑ +3 · …` (cut at the edge)."""
    changes = {row["measure"]: row for row in direction.iter_rows(named=True)}
    line = Text("Last 12 wk: ", "dim", no_wrap=True, overflow="ellipsis")
    first = True
    for measure, label in SHORT_LABELS.items():
        row = changes.get(measure)
        if row is None:
            continue
        if not first:
            line.append(" · ", "dim")
        first = False
        line.append(f"{label} ", "dim")
        line.append(measure_value(measure, row["now"]) + " ")
        change = change_text(row["change_12_weeks"], measure, "12 wk").plain
        line.append(change.removesuffix(" in 12 wk").removesuffix("in 12 wk").strip() or "–")
    return line


def travel_table(
    series: pl.DataFrame | None,
    direction: pl.DataFrame | None,
    width: int,
    note: str = HISTORY_LOADING,
    *,
    folded: bool = False,
) -> RenderableType:
    """One line per measure: `Average caseload ▇▆▅▄▃▂ 13.4 ↓ −0.2 in 12 wk ↓ −0.8 in 12 mo`;
    `folded`, one line for them all (`travel_line`).

    `series` is the level's rows of the trend (oldest first) and `direction` its rows of
    the direction of travel; None while the history is still being worked out (or when it
    could not be), and then `note` says which.
    """
    if series is None or direction is None:
        return Text(note, "dim")
    if folded:
        return travel_line(direction)
    spark_width = 24 if width >= 110 else 10
    grid = Table.grid(padding=(0, 1))
    grid.add_column(no_wrap=True, style="dim")
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True, justify="right")
    grid.add_column(no_wrap=True)
    grid.add_column(no_wrap=True)
    changes = {row["measure"]: row for row in direction.iter_rows(named=True)}
    for measure, label in TRAVEL_MEASURES.items():
        row = changes.get(measure)
        if row is None:
            continue
        values = series.get_column(measure).cast(pl.Float64).to_list()
        grid.add_row(
            Text(label),
            Text(sparkline(values, spark_width)),  # its own scale: the shape
            Text(measure_value(measure, row["now"])),
            change_text(row["change_12_weeks"], measure, "12 wk"),
            change_text(row["change_12_months"], measure, "12 mo"),
        )
    return grid
