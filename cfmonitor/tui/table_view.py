"""A table screen's table, declared: what a row is, which rows are flagged, what exports.

Each table screen declares one `TableView` and two methods, `rows` (the frame, one row
per team, worker, case or week) and `columns` (labels, widths, priorities when the
terminal is narrow; each sorts on its frame column's raw value). The shared base
(`screens/base.py`) renders it, filters it, flags it and exports it, so these rules live
here rather than as conventions of column names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import polars as pl

from cfmonitor.tui.widgets.table import Column

FLAG_COLUMN = "flagged"
"""The column the base adds from `TableView.flag`: true on rows over or near."""


@dataclass(frozen=True)
class TableView:
    """One screen's table."""

    key: str
    """The frame column that identifies a row (team name, staff reference, case reference):
    the cursor stays on it across reloads, and a request can point at it."""
    name: str
    """What the table lists (`teams`, `workers`): names the export's file and title."""
    flag: pl.Expr | None = None
    """True on the rows that are over or near (`f` shows only those); None: this table
    has no such rows, and `f` is not offered."""
    helpers: tuple[str, ...] = ()
    """Frame columns that exist for drawing or sorting only (a bar, a sparkline's series,
    a struct to sort by): never exported, whether or not a column shows them."""
    exported_as: Mapping[str, str] = field(default_factory=dict)
    """A column sorting on one frame column but exporting another: `status_rank` sorts a
    status by severity, the export carries the `status` word."""
    row_style: pl.Expr | None = None
    """A style per row (teams with anyone over in bold); None for plain rows."""

    def flagged(self, frame: pl.DataFrame) -> pl.DataFrame:
        """`frame` with the flag column added (when the table has one)."""
        if self.flag is None:
            return frame
        return frame.with_columns(self.flag.fill_null(False).alias(FLAG_COLUMN))

    def is_helper(self, name: str) -> bool:
        return name == FLAG_COLUMN or name in self.helpers

    def export_headings(self, columns: Sequence[Column]) -> list[tuple[str, str]]:
        """(field, the heading on screen) for each column shown, helpers left out."""
        headings = []
        for column in columns:
            name = self.exported_as.get(column.key, column.key)
            if not self.is_helper(name):
                headings.append((name, column.label))
        return headings

    def export_frame(self, shown: pl.DataFrame, columns: Sequence[Column]) -> pl.DataFrame:
        """The rows shown, in the order shown, in the table's columns (helpers left out)."""
        fields = [name for name, _ in self.export_headings(columns) if name in shown.columns]
        if not fields:
            return shown.drop([name for name in shown.columns if self.is_helper(name)])
        return shown.select(fields)
