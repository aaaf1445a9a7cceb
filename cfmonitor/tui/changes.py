"""What a scenario changes, drawn "before → after": table cells, headline figures, lines.

Every screen draws the scenario's figures; where one differs from the figures as they are,
it shows both. Nothing is worked out here: the before and after values are the engine's
(the base Snapshot and the scenario's), drawn by the column's or figure's own renderer.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

import polars as pl
from rich.text import Text

from cfmonitor.tui.widgets.figures import Figure
from cfmonitor.tui.widgets.table import Column

ARROW = " → "
WIDEST_CHANGE = 14
"""At most this many more cells for a changed column (a long text is cut, not a figure)."""
WAS = "__was"
"""Suffix of a frame column holding the value before the scenario's moves."""


def before_after_text(before: Text, after: Text) -> Text:
    """`52% → 59%` (each in its own style); `after` alone when they read the same."""
    if before.plain == after.plain:
        return after
    text = before.copy()
    text.stylize("dim")
    text.append(ARROW, "bold")
    text.append_text(after)
    return text


def _changed(frame: pl.DataFrame, name: str) -> bool:
    was = f"{name}{WAS}"
    if name not in frame.columns or was not in frame.columns:
        return False
    try:
        differs = frame.select(pl.col(name).ne_missing(pl.col(was)).any()).item()
    except pl.exceptions.PolarsError:  # a type without a comparison: compare as text
        differs = frame.select(
            pl.col(name).cast(pl.String).ne_missing(pl.col(was).cast(pl.String)).any()
        ).item()
    return bool(differs)


def _before_row(row: Mapping[str, object]) -> dict[str, object]:
    return {
        name: row.get(f"{name}{WAS}", value)
        for name, value in row.items()
        if not name.endswith(WAS)
    }


def _before_after_column(column: Column) -> Column:
    render = column.render

    def both(value: object, row: Mapping[str, object]) -> Text:
        before_row = _before_row(row)
        return before_after_text(render(before_row.get(column.key), before_row), render(value, row))

    width = min(column.width * 2 + len(ARROW), column.width + WIDEST_CHANGE)
    # Never cut short (an arrow with half a figure misleads): narrower columns give way.
    return dataclasses.replace(column, render=both, width=width, min_width=None)


def with_before(
    frame: pl.DataFrame, before: pl.DataFrame, key: str, columns: Sequence[Column]
) -> tuple[pl.DataFrame, list[Column]]:
    """`frame` with each value as it was before (`<name>__was`), and the columns whose
    values changed drawn "before → after" (wider by as much)."""
    shared = [name for name in frame.columns if name != key and name in before.columns]
    earlier = before.select(key, *[pl.col(name).alias(f"{name}{WAS}") for name in shared])
    joined = frame.join(earlier, on=key, how="left", maintain_order="left")
    try:  # every column compared in one pass over the frame
        differs = (
            joined.select(
                pl.col(name).ne_missing(pl.col(f"{name}{WAS}")).any() for name in shared
            ).row(0, named=True)
            if shared
            else {}
        )
        changed = {name for name in shared if differs[name]}
    except pl.exceptions.PolarsError:  # a type without a comparison: column by column
        changed = {name for name in shared if _changed(joined, name)}
    drawn = [_before_after_column(c) if c.key in changed else c for c in columns]
    return joined, drawn


def before_after_figures(before: Sequence[Figure], after: Sequence[Figure]) -> list[Figure]:
    """The figures after the moves, each changed one as "before → after"."""
    earlier = {figure.label: figure for figure in before}
    shown = []
    for figure in after:
        was = earlier.get(figure.label)
        if was is None:
            shown.append(figure)
        else:
            value = before_after_text(was.value, figure.value)
            shown.append(dataclasses.replace(figure, value=value))
    return shown
