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


def travel_table(
    series: pl.DataFrame | None,
    direction: pl.DataFrame | None,
    width: int,
    note: str = HISTORY_LOADING,
) -> RenderableType:
    """One line per measure: `Average caseload ▇▆▅▄▃▂ 13.4 ↓ −0.2 in 12 wk ↓ −0.8 in 12 mo`.

    `series` is the level's rows of the trend (oldest first) and `direction` its rows of
    the direction of travel; None while the history is still being worked out (or when it
    could not be), and then `note` says which.
    """
    if series is None or direction is None:
        return Text(note, "dim")
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
