"""Half-open date ranges on a grid of sample dates, and the one overlap finder.

A record open over [start, end) covers the sample dates [lo, hi) of a sorted grid;
counts over the grid come from +1/−1 events and cumulative sums, in NumPy (imported by
the functions that use it: a day's problems need only `overlapping`). `overlapping` finds
ranges that share a key and overlap: the problems list, the import checks and the
series all use it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import polars as pl

from cfmonitor.data.contract import FAR_FUTURE
from cfmonitor.scalars import as_int

if TYPE_CHECKING:
    import numpy as np


def whole_number(value: object) -> int:
    """A Polars scalar (min, max) of a non-empty integer column, as the `int` it is."""
    number = as_int(value)
    if number is None:
        raise ValueError("an empty id column has no minimum or maximum")
    return number


def positions_of(points: pl.Series, days: pl.Series) -> pl.Series:
    """Position of the first sample date on or after each day (null days: past the end)."""
    return points.search_sorted(days.fill_null(FAR_FUTURE), side="left").cast(pl.Int64)


def covered(frame: pl.DataFrame, points: pl.Series, start: pl.Expr, end: pl.Expr) -> pl.DataFrame:
    """Give each row the sample dates [lo, hi) its half-open range [start, end) covers;
    rows that cover none are left out. In Polars alone, so a day's weeks over (which
    imports no NumPy) and the series find their ranges the same way."""
    bounds = frame.select(start.alias("start"), end.alias("end"))
    lo = positions_of(points, bounds.get_column("start"))
    hi = positions_of(points, bounds.get_column("end"))
    covers = lo < hi
    return frame.filter(covers).with_columns(
        lo.filter(covers).alias("lo"), hi.filter(covers).alias("hi")
    )


def explode(frame: pl.DataFrame) -> pl.DataFrame:
    """One row per sample date covered, numbered `i`."""
    return frame.with_columns(pl.int_ranges("lo", "hi").alias("i")).explode("i")


def merge_overlaps(ranges: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """Merge overlapping [lo, hi) ranges that share `keys`, so each date counts once.

    One sort, then running maxima: the group number is folded into the value
    (group × width + hi) so a single cumulative maximum never crosses groups.
    """
    ordered = ranges.sort([*keys, "lo"])
    changed = pl.any_horizontal(*[pl.col(key) != pl.col(key).shift(1) for key in keys])
    new_group = changed.fill_null(True)
    width = whole_number(ordered.get_column("hi").max() or 0) + 1
    group = new_group.cast(pl.Int64).cum_sum()
    ordered = ordered.with_columns(
        ((group * width + pl.col("hi")).cum_max() - group * width).alias("_reach"),
        new_group.alias("_new_group"),
    ).with_columns(
        (pl.col("_new_group") | (pl.col("lo") > pl.col("_reach").shift(1))).alias("_new_run")
    )
    last_of_run = pl.col("_new_run").shift(-1).fill_null(True)
    starts = ordered.filter(pl.col("_new_run")).drop("hi", "_reach", "_new_group", "_new_run")
    ends = ordered.filter(last_of_run).get_column("_reach").alias("hi")
    return starts.with_columns(ends).select(ranges.columns)


def running_totals(
    spans: pl.DataFrame, ranges: pl.DataFrame, key: str, indicators: list[str]
) -> dict[str, np.ndarray]:
    """For each indicator, how many `ranges` cover each (key, date) cell of a grid.

    The grid holds, for each row of `spans` (key, lo, hi, offset), the dates [lo, hi)
    at rows offset … offset + hi − lo. Each range adds 1 where it starts and takes it away
    where it ends; a cumulative sum within each key's block gives the count on every
    date. Ranges must lie within their key's span.
    """
    import numpy as np

    size = int((spans.get_column("hi") - spans.get_column("lo")).sum())
    # Each range's block by lookup, not by a join: ranges can number millions.
    rows = rows_of(spans.get_column(key), ranges.get_column(key))
    inside = rows >= 0
    rows = rows[inside]
    span_lo = spans.get_column("lo").to_numpy()[rows]
    span_hi = spans.get_column("hi").to_numpy()[rows]
    offset = spans.get_column("offset").to_numpy()[rows]
    range_lo = ranges.get_column("lo").to_numpy()[inside]
    range_hi = ranges.get_column("hi").to_numpy()[inside]
    start_at = offset + range_lo - span_lo
    ends_inside = range_hi < span_hi
    end_at = offset + range_hi - span_lo
    block_starts = spans.get_column("offset").to_numpy()
    lengths = (spans.get_column("hi") - spans.get_column("lo")).to_numpy()
    totals: dict[str, np.ndarray] = {}
    for name in indicators:
        chosen = ranges.get_column(name).to_numpy()[inside] > 0
        starts = start_at[chosen]
        ends = end_at[chosen & ends_inside]
        delta = np.bincount(starts, minlength=size) - np.bincount(ends, minlength=size)
        running = np.cumsum(delta)
        before = (running - delta)[block_starts] if size else np.zeros(0, dtype=np.int64)
        totals[name] = running - np.repeat(before, lengths)
    return totals


def numbered_spans(frame: pl.DataFrame) -> pl.DataFrame:
    """Number the grid rows of covered ranges: each row's block starts at `offset`."""
    return frame.with_columns(
        ((pl.col("hi") - pl.col("lo")).cum_sum() - (pl.col("hi") - pl.col("lo"))).alias("offset")
    )


def rows_of(keys: pl.Series, wanted: pl.Series) -> np.ndarray:
    """Position of each `wanted` id among the unique `keys`, −1 where it is absent.

    Ids are small whole numbers in practice, so a lookup table does the work of a join
    (no hash table, no wide joined frame); anything else falls back to a join.
    """
    import numpy as np

    if keys.is_empty() or wanted.is_empty():
        return np.full(len(wanted), -1, dtype=np.int64)
    low = min(whole_number(keys.min()), whole_number(wanted.min()))
    top = max(whole_number(keys.max()), whole_number(wanted.max()))
    if low >= 0 and top < 4 * (len(keys) + len(wanted)) + 1024:
        table = np.full(top + 1, -1, dtype=np.int64)
        table[keys.to_numpy()] = np.arange(len(keys))
        return table[wanted.to_numpy()]
    found = pl.DataFrame({"key": wanted}).join(
        pl.DataFrame({"key": keys}).with_row_index("row"),
        on="key",
        how="left",
        maintain_order="left",
    )
    return found.get_column("row").cast(pl.Int64).fill_null(-1).to_numpy()


def repeated(first: pl.Series, second: pl.Series | None = None) -> np.ndarray:
    """True for each row whose id (or (first, second) pair) occurs more than once. Sorts
    one whole-number key where the ids allow (less memory than hashing), else hashes."""
    import numpy as np

    if first.is_empty():
        return np.zeros(0, dtype=bool)
    other = second if second is not None else pl.Series([0])
    low = min(whole_number(first.min()), whole_number(other.min()))
    top = max(whole_number(first.max()), whole_number(other.max()))
    if low < 0 or top >= 2**31:
        both = {"a": first} if second is None else {"a": first, "b": second}
        return pl.DataFrame(both).is_duplicated().to_numpy()
    key = first.to_numpy().astype(np.int64)
    if second is not None:
        key = key * 2**31 + second.to_numpy()
    order = np.argsort(key, kind="stable")
    ordered = key[order]
    same = ordered[1:] == ordered[:-1]
    flagged = np.zeros(len(key), dtype=bool)
    flagged[1:] |= same
    flagged[:-1] |= same
    repeated = np.empty(len(key), dtype=bool)
    repeated[order] = flagged
    return repeated


def placed(spans: pl.DataFrame, rows: pl.DataFrame, key: str) -> pl.DataFrame:
    """Rows keyed (key, i) that fall inside the grid `spans` numbers, with their `position`
    in it; rows outside (a reduction while not in post, say) are left out."""
    return (
        rows.join(spans.select(key, "lo", "hi", "offset"), on=key, how="inner")
        .filter((pl.col("i") >= pl.col("lo")) & (pl.col("i") < pl.col("hi")))
        .with_columns((pl.col("offset") + pl.col("i") - pl.col("lo")).alias("position"))
    )


def overlapping(
    frame: pl.DataFrame, keys: Sequence[str], order: str, *, carry: Sequence[str] = ()
) -> pl.DataFrame:
    """Rows whose half-open range [start_date, end_date) begins before an earlier range
    with the same `keys` has ended (ranges sorted by start, then `order`), each with
    `_previous_<name>` of the row just before it for each name in `carry` (a leading
    underscore dropped).

    The one overlap finder: the problems list (allocations by case and worker id), the
    import checks (by case and staff reference) and, through `merge_overlaps`, the series.
    Rows without a start or a key, or whose range is empty (ending on or before its
    start), cover no day and overlap nothing.
    """
    start, end = pl.col("start_date"), pl.col("end_date")
    usable = pl.all_horizontal(start.is_not_null(), *[pl.col(key).is_not_null() for key in keys])
    ordered = frame.filter(usable & (end.is_null() | (end > start))).sort(
        [*keys, "start_date", order], nulls_last=True
    )
    # Nearly every key occurs once; a window over hundreds of thousands of tiny groups is
    # slow, so keep only the keys that repeat (neighbours once sorted).
    same_as_previous = pl.all_horizontal(*[pl.col(key) == pl.col(key).shift(1) for key in keys])
    same_as_next = pl.all_horizontal(*[pl.col(key) == pl.col(key).shift(-1) for key in keys])
    ordered = ordered.filter(same_as_previous.fill_null(False) | same_as_next.fill_null(False))
    group = list(keys)
    return (
        ordered.with_columns(
            end.fill_null(FAR_FUTURE).cum_max().shift(1).over(group).alias("_previous_end"),
            *[
                pl.col(name).shift(1).over(group).alias(f"_previous_{name.lstrip('_')}")
                for name in carry
            ],
        )
        .filter(start < pl.col("_previous_end"))
        .drop("_previous_end")
    )
