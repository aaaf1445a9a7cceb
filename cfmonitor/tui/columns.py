"""Columns and figures more than one screen shows, each defined once.

Where to add a column: in the screen's own `columns` method (its `TableView`); a column
two screens share (a worker's judged figures, a list of cases) lives here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import polars as pl
from rich.text import Text

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
from cfmonitor.scalars import as_bool, as_float, as_int, as_str
from cfmonitor.tui.widgets.cells import (
    SUSTAINED_SYMBOL,
    status_text,
    utilisation_percent,
    weeks_over_text,
)
from cfmonitor.tui.widgets.figures import Figure
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, text_cell

if TYPE_CHECKING:
    from cfmonitor.data.engine import History


def text_width(frame: pl.DataFrame, column: str, least: int, most: int) -> int:
    """A text column's width from its longest value (references differ by source)."""
    if frame.is_empty():
        return least
    longest = frame.get_column(column).cast(pl.String).str.len_chars().max()
    return max(least, min(most, as_int(longest) or 0))


def distinct_width(frame: pl.DataFrame, column: str, least: int, most: int) -> int:
    """The fewest cells (from `least`, at most `most`) in which a name column, cut with an
    ellipsis, still tells every row apart: the width a name may shrink to, and no less.
    Counted in Python: a screen's names are a few dozen, and each width tried as a frame
    operation cost more than all of them (a move redraws this)."""
    if frame.is_empty():
        return least
    names = ["" if name is None else str(name) for name in frame.get_column(column).to_list()]
    longest = min(most, max(len(name) for name in names))
    distinct = len(set(names))
    for width in range(least, longest):
        cut = {name if len(name) <= width else name[: width - 1] + "…" for name in names}
        if len(cut) == distinct:
            return width
    return max(least, longest)


def summary_figures(row: dict[str, Any], styles: dict[str, str], problems: int = 0) -> list[Figure]:
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


def summary_figures_before_after(
    before: dict[str, Any] | None,
    after: dict[str, Any],
    styles: dict[str, str],
    problems: int = 0,
) -> list[Figure]:
    """`summary_figures`, each changed one as "before → after" while a scenario is tried."""
    from cfmonitor.tui.changes import before_after_figures

    shown = summary_figures(after, styles, problems)
    if before is None:
        return shown
    return before_after_figures(summary_figures(before, styles, problems), shown)


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


FAMILY_MARK = "◆"


def date_cell(value: object, row: Mapping[str, object]) -> Text:
    return Text(value.isoformat() if isinstance(value, dt.date) else "–", no_wrap=True)


def family_cell(value: object, row: Mapping[str, object]) -> Text:
    """`◆ 3` on each case of a family this worker holds more than one case of."""
    count = as_int(value) or 1
    return Text(f"{FAMILY_MARK} {count}" if count > 1 else "", no_wrap=True)


def case_columns(
    frame: pl.DataFrame,
    *,
    since: tuple[str, str],
    days: tuple[str, str],
    with_team: bool = False,
    with_family_mark: bool = False,
) -> list[Column]:
    """Reference, (team,) type, complexity, weight, a date, days since it, family.

    `since` and `days` are (frame column, label): allocated since / days held for a
    worker's cases, opened / waiting for unallocated ones. Narrow screens drop the
    family reference and the weight before they cut a reference short.
    """
    columns = [
        Column("case_ref", "Case", text_width(frame, "case_ref", 8, 20), priority=9),
        Column("case_type", "Type", text_width(frame, "case_type", 4, 16), priority=6, min_width=4),
        Column("complexity", "Complexity", 10, render=text_cell, priority=7, min_width=7),
        Column("weight", "Weight", 6, "right", number_cell(1), priority=2),
        Column(since[0], since[1], 10, render=date_cell, priority=4),
        Column(days[0], days[1], 7, "right", count_cell, priority=8),
        Column("family_ref", "Family", text_width(frame, "family_ref", 6, 20), priority=3),
    ]
    if with_team:
        team = Column("team", "Team", text_width(frame, "team", 16, 40), priority=6, min_width=16)
        columns.insert(1, team)
    if with_family_mark:
        columns.append(Column("family_cases", "Shared", 6, render=family_cell, priority=5))
    return columns
