"""Find each row's match in another table by a key, joining on a 64-bit hash of it.

A Polars join on text keys (or on several columns, which it encodes row by row) builds
a copy of every key on both sides: matching an England-sized file's allocations to the
database's took gigabytes. Here only one integer per row is joined; every pair found is
then checked value by value, so a hash collision can never make a false match.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

_KEY = "_key_hash"
_POSITION = "_position"


def _key_hash(frame: pl.DataFrame, key: Sequence[str]) -> pl.Series:
    """The key's hash per row; null when any part is null (a null key matches nothing)."""
    present = pl.all_horizontal(pl.col(name).is_not_null() for name in key)
    hashed = pl.struct(list(key)).hash() if len(key) > 1 else pl.col(key[0]).hash()
    return frame.select(pl.when(present).then(hashed).alias(_KEY)).to_series()


def _exact(
    left: pl.DataFrame, right: pl.DataFrame, left_on: Sequence[str], right_on: Sequence[str]
) -> pl.Series:
    """The plain join (for the rows a hash cannot settle); a key `right` holds twice (a
    file's duplicate, reported as such) matches its first row."""
    renamed = (
        right.select(
            *(pl.col(theirs).alias(mine) for mine, theirs in zip(left_on, right_on, strict=True))
        )
        .with_row_index(_POSITION)
        .unique(subset=list(left_on), keep="first", maintain_order=True)
    )
    return (
        left.select(left_on)
        .join(renamed, on=list(left_on), how="left", maintain_order="left")
        .get_column(_POSITION)
    )


def positions(
    left: pl.DataFrame,
    right: pl.DataFrame,
    left_on: Sequence[str],
    right_on: Sequence[str] | None = None,
) -> pl.Series:
    """For each row of `left`, the position of the `right` row with the same key (null
    when there is none; the first, should `right` hold a key twice)."""
    right_on = list(right_on or left_on)
    left_on = list(left_on)
    if left.height == 0 or right.height == 0:
        return pl.repeat(None, left.height, dtype=pl.UInt32, eager=True).alias(_POSITION)
    right_hash = pl.DataFrame({_KEY: _key_hash(right, right_on)}).with_row_index(_POSITION)
    try:
        found = (
            pl.DataFrame({_KEY: _key_hash(left, left_on)})
            .join(right_hash, on=_KEY, how="left", maintain_order="left", validate="m:1")
            .get_column(_POSITION)
        )
    except pl.exceptions.ComputeError:  # two different stored keys share a hash
        return _exact(left, right, left_on, right_on)
    del right_hash
    matched = found.is_not_null()
    at = found.drop_nulls()
    same = pl.repeat(True, at.len(), dtype=pl.Boolean, eager=True)
    for mine, theirs in zip(left_on, right_on, strict=True):
        # One column at a time: only it is gathered, and freed before the next.
        same = same & (left.get_column(mine).filter(matched) == right.get_column(theirs).gather(at))
    if same.all():
        return found
    # A hash collision: the left key is new but hashes like a stored one. Settle exactly.
    wrong = matched.arg_true().filter(~same)
    exact = _exact(left[wrong], right, left_on, right_on)
    return found.scatter(wrong, exact)


def taken(count: int, found: pl.Series) -> pl.Series:
    """A mask over `count` rows: True at every position in `found`."""
    mask = pl.repeat(False, count, dtype=pl.Boolean, eager=True)
    at = found.drop_nulls()
    return mask.scatter(at, True) if at.len() else mask
