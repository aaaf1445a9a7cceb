"""What a caseload-table column is, how common cells are drawn, and which columns fit a width.

No Textual here: a `Column` says which frame column holds the raw value (used for sorting
and filtering) and how that value is drawn as a Rich `Text` (only ever via `safe_text`, so
markup in data is never parsed). `fit_columns` decides, for a given width, which columns are
shown and how wide each is: low-priority columns are dropped before figures are cut off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import polars as pl
from rich.text import Text

from cfmonitor.presentation import (
    STATUS_STYLES,
    format_count,
    format_number,
    format_percent,
    status_label,
)
from cfmonitor.safe_text import safe_text
from cfmonitor.scalars import as_float, as_int

CellRenderer = Callable[[object, Mapping[str, object]], Text]
"""Turns a raw value (and its whole row, by frame column name) into the `Text` of a cell."""

COLUMN_GAP = 1
"""Blank cells between two columns."""


def text_cell(value: object, row: Mapping[str, object]) -> Text:
    """Any value shown literally; nothing for a null."""
    return safe_text(value)


def count_cell(value: object, row: Mapping[str, object]) -> Text:
    """A whole number with thousands separators; a dash for a null."""
    return safe_text(format_count(as_int(value)))


def number_cell(places: int = 1) -> CellRenderer:
    """A renderer for a figure with `places` decimals; a dash for a null."""

    def render(value: object, row: Mapping[str, object]) -> Text:
        return safe_text(format_number(as_float(value), places))

    return render


def percent_cell(value: object, row: Mapping[str, object]) -> Text:
    """A fraction shown as a percentage (0.9 → 90%); a dash for a null."""
    return safe_text(format_percent(as_float(value)))


def status_cell(value: object, row: Mapping[str, object]) -> Text:
    """A status as symbol and word (`▲ over`), coloured as well but never by colour alone.

    To sort by severity rather than alphabetically, give the column the key of a rank
    column and draw the status from the row: `render=lambda _, row: status_cell(row["status"],
    row)`.
    """
    status = None if value is None else str(value)
    return safe_text(status_label(status), style=STATUS_STYLES.get(status or "", ""))


@dataclass(frozen=True)
class Column:
    """One column of a caseload table.

    `key` names the frame column with the raw value: the table sorts and filters on it,
    never on the displayed text. `width` is the preferred width in cells; the column may
    shrink to `min_width` (default: `width`, i.e. never shrink) when room is short. When
    even that does not fit, whole columns are dropped, lowest `priority` first (ties: the
    rightmost first), so a figure is hidden rather than cut. `searchable` says whether `/`
    filters on the column (default: when its frame column holds text).
    """

    key: str
    label: str
    width: int
    align: Literal["left", "right"] = "left"
    render: CellRenderer = text_cell
    priority: int = 0
    min_width: int | None = None
    searchable: bool | None = None
    sort_descending_first: bool | None = None
    """Direction of the first sort on this column (default: descending for numbers)."""
    search_text: pl.Expr | None = None
    """The words the column shows, for `/` (e.g. the status word drawn from a rank);
    default: the raw value, when it is text."""
    cut_last: bool = False
    """A name: lower-priority columns are dropped before it is cut below `width`."""

    def __post_init__(self) -> None:
        if self.width < 1:
            raise ValueError(f"column {self.key!r}: width must be at least 1, not {self.width}")
        if self.min_width is not None and not 1 <= self.min_width <= self.width:
            raise ValueError(
                f"column {self.key!r}: min_width must be between 1 and width ({self.width})"
            )
        if self.align not in ("left", "right"):
            raise ValueError(f"column {self.key!r}: align must be 'left' or 'right'")

    @property
    def narrowest(self) -> int:
        """The fewest cells this column can be drawn in."""
        return self.width if self.min_width is None else self.min_width


def _needed(columns: Sequence[Column]) -> int:
    return sum(column.narrowest for column in columns) + COLUMN_GAP * max(0, len(columns) - 1)


def fit_columns(columns: Sequence[Column], width: int) -> tuple[tuple[Column, int], ...]:
    """The columns shown in `width` cells, each with its drawn width, in their own order.

    A `cut_last` column (a name) keeps its whole width while any column of lower priority
    is left to drop; only then may it shrink towards its `min_width`. At least one column
    is always kept; if that alone is wider than `width`, the table scrolls sideways rather
    than cut it.
    """
    shown = list(columns)
    names = [column for column in shown if column.cut_last]
    if names:
        floor = min(column.priority for column in names)

        def whole(columns: Sequence[Column]) -> int:
            return sum(
                column.width if column.cut_last else column.narrowest for column in columns
            ) + COLUMN_GAP * max(0, len(columns) - 1)

        while whole(shown) > width:
            droppable = [column for column in shown if column.priority < floor]
            if not droppable:
                break
            position = {id(column): index for index, column in enumerate(shown)}
            shown.remove(
                min(droppable, key=lambda column: (column.priority, -position[id(column)]))
            )
    while len(shown) > 1 and _needed(shown) > width:
        position = {id(column): index for index, column in enumerate(shown)}
        victim = min(shown, key=lambda column: (column.priority, -position[id(column)]))
        shown.remove(victim)
    widths = [column.narrowest for column in shown]
    if names and whole(shown) <= width:  # the names fit whole: start them there
        widths = [c.width if c.cut_last else w for c, w in zip(shown, widths, strict=True)]
    spare = width - sum(widths) - COLUMN_GAP * max(0, len(shown) - 1)
    # Grow shrunken columns back towards their preferred width, most important first.
    for index in sorted(range(len(shown)), key=lambda i: (-shown[i].priority, i)):
        if spare <= 0:
            break
        grow = min(spare, shown[index].width - widths[index])
        widths[index] += grow
        spare -= grow
    return tuple(zip(shown, widths, strict=True))
