"""The columns of a list of cases, shared by the worker's cases and the unallocated ones."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

import polars as pl
from rich.text import Text

from cfmonitor.scalars import as_int
from cfmonitor.tui.screens.base import text_width
from cfmonitor.tui.widgets.table import Column, count_cell, number_cell, text_cell

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
