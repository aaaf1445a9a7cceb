"""The rows a caseload table shows: one Polars frame, filtered, flagged and sorted.

No Textual and no rendering here. Sorting is on the raw values (numbers as numbers, text
case-insensitively, an Enum in its own order, nulls and NaN last in both directions) and
filtering matches every word typed, in any order, each as a case-insensitive substring of
the row's searchable text (the words the columns show), all done in Polars so a 35,000-row
frame re-sorts or re-filters in milliseconds.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import polars as pl

ROW_ID = "__cfm_row"
"""Hidden column: the row's position in the frame given to `load`, its identity for caching."""
ROW_STYLE = "__cfm_row_style"
"""Hidden column: the Rich style (or component class) of the whole row, or null."""
SEARCH = "__cfm_search"
"""Hidden column: the lower-cased searchable text of the row."""
HIDDEN = (ROW_ID, ROW_STYLE, SEARCH)

_SEARCH_SEPARATOR = "\x00"


def holds_text(dtype: pl.DataType) -> bool:
    """Whether a column of this type is text a user might type (searched by default)."""
    return isinstance(dtype, pl.String | pl.Categorical | pl.Enum)


class TableRows:
    """A frame and the view of it the user asked for (filter text, flagged only, sort)."""

    def __init__(self) -> None:
        self._frame = pl.DataFrame(
            {
                ROW_ID: pl.Series([], dtype=pl.UInt32),
                ROW_STYLE: pl.Series([], dtype=pl.String),
                SEARCH: pl.Series([], dtype=pl.String),
            }
        )
        self._sorted = self._frame
        self._view = self._frame
        self.key = ROW_ID
        self.filter_text = ""
        self.flag: pl.Expr | None = None
        self.sort_key: str | None = None
        self.sort_descending = False
        self.loaded = False

    def load(
        self,
        frame: pl.DataFrame,
        key: str,
        search_columns: Sequence[str | pl.Expr],
        row_style: pl.Expr | str | None = None,
    ) -> None:
        """Take a new frame, keeping the filter, flag and sort (if its column is still there).

        `search_columns` are frame columns, or expressions giving the text a column shows
        (a status drawn from a rank, the words behind a symbol).
        """
        names = [name for name in search_columns if isinstance(name, str)]
        for name in (key, *names):
            if name not in frame.columns:
                raise ValueError(f"the table's frame has no column {name!r}")
        style: pl.Expr
        if row_style is None:
            style = pl.lit(None, dtype=pl.String)
        elif isinstance(row_style, str):
            style = pl.col(row_style).cast(pl.String)
        else:
            style = row_style.cast(pl.String)
        if search_columns:
            search = pl.concat_str(
                [
                    (pl.col(name) if isinstance(name, str) else name)
                    .cast(pl.String)
                    .str.to_lowercase()
                    for name in search_columns
                ],
                separator=_SEARCH_SEPARATOR,
                ignore_nulls=True,
            )
        else:
            search = pl.lit("", dtype=pl.String)
        self._frame = frame.with_columns(
            pl.int_range(pl.len(), dtype=pl.UInt32).alias(ROW_ID),
            style.alias(ROW_STYLE),
            search.alias(SEARCH),
        )
        self.key = key
        self.loaded = True
        if self.sort_key is not None and self.sort_key not in frame.columns:
            self.sort_key = None
        self._resort()

    def set_filter(self, text: str) -> None:
        self.filter_text = text
        self._refilter()

    def set_flag(self, predicate: pl.Expr | None) -> None:
        self.flag = predicate
        self._refilter()

    def set_sort(self, column_key: str | None, descending: bool = False) -> None:
        if column_key is not None and column_key not in self._frame.columns:
            raise ValueError(f"the table's frame has no column {column_key!r}")
        self.sort_key = column_key
        self.sort_descending = descending
        self._resort()

    def _resort(self) -> None:
        if self.sort_key is None:
            self._sorted = self._frame
        else:
            column = pl.col(self.sort_key)
            dtype = self._frame.schema[self.sort_key]
            if dtype.is_float():
                column = column.fill_nan(None)
            elif isinstance(dtype, pl.String | pl.Categorical):
                column = column.cast(pl.String).str.to_lowercase()
            # An Enum sorts in the order of its categories (e.g. over, near, ok): its meaning.
            self._sorted = self._frame.sort(
                [column, pl.col(ROW_ID)],
                descending=[self.sort_descending, False],
                nulls_last=True,
                maintain_order=True,
            )
        self._refilter()

    def _refilter(self) -> None:
        if not self.loaded:
            return  # a flag naming a column of the frame to come cannot be tried yet
        conditions: list[pl.Expr] = []
        words = self.filter_text.lower().replace(_SEARCH_SEPARATOR, "").split()
        conditions.extend(pl.col(SEARCH).str.contains(word, literal=True) for word in words)
        if self.flag is not None:
            conditions.append(self.flag.fill_null(False))
        self._view = self._sorted.filter(*conditions) if conditions else self._sorted

    def __len__(self) -> int:
        return self._view.height

    @property
    def total(self) -> int:
        """How many rows the frame has, shown or not."""
        return self._frame.height

    @property
    def frame(self) -> pl.DataFrame:
        """The whole frame last loaded, as given."""
        return self._frame.drop(HIDDEN)

    @property
    def visible_frame(self) -> pl.DataFrame:
        """The rows shown, in the order shown, without the hidden columns."""
        return self._view.drop(HIDDEN)

    def key_at(self, index: int) -> object:
        return self._view.get_column(self.key)[index]

    def index_of(self, key: object) -> int | None:
        """Where the row with `key` is in the view, or None when it is not shown."""
        if not isinstance(key, str | int | float | dt.date):  # None, or no key column's type
            return None
        try:
            return self._view.get_column(self.key).index_of(key)
        except (TypeError, OverflowError, pl.exceptions.PolarsError):  # a key of another type
            return None

    def row_id(self, index: int) -> int:
        return int(self._view.get_column(ROW_ID)[index])

    def row_style(self, index: int) -> str | None:
        style = self._view.get_column(ROW_STYLE)[index]
        return None if style is None else str(style)

    def row(self, index: int) -> dict[str, object]:
        """The raw values of the row at `index` of the view, by frame column name."""
        return self._view.row(index, named=True)
