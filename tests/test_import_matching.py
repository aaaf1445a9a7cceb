"""Matching file rows to stored rows by a hash of the key: exact even when hashes collide."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cfmonitor.importing import matching
from cfmonitor.importing.matching import positions, taken

DAY = dt.date(2026, 1, 5)
LATER = dt.date(2026, 2, 2)


def stored() -> pl.DataFrame:
    return pl.DataFrame(
        {"ref": ["C1", "C2", "C3", None], "start": [DAY, DAY, LATER, DAY], "id": [10, 20, 30, 40]}
    )


def file_rows() -> pl.DataFrame:
    # C2 on the stored day; a new key; a null key; C1; C2 on another day (new).
    return pl.DataFrame(
        {"ref": ["C2", "C9", None, "C1", "C2"], "start": [DAY, DAY, DAY, DAY, LATER]}
    )


def test_each_row_finds_the_stored_row_with_its_whole_key() -> None:
    found = positions(file_rows(), stored(), ["ref", "start"])
    assert found.to_list() == [1, None, None, 0, None]
    assert positions(file_rows(), stored(), ["ref"]).to_list() == [1, None, None, 0, 1]


def test_a_null_key_matches_nothing_not_even_a_stored_null() -> None:
    rows = pl.DataFrame({"ref": [None], "start": [DAY]}, schema=stored().drop("id").schema)
    assert positions(rows, stored(), ["ref", "start"]).to_list() == [None]


def test_colliding_hashes_never_make_a_false_match(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every key hashing alike: the stored side then has one hash many times, so the
    match is made exactly; with a single stored row, the value check catches it."""

    def collide(frame: pl.DataFrame, key: list[str]) -> pl.Series:
        present = pl.all_horizontal(pl.col(name).is_not_null() for name in key)
        hashed = pl.when(present).then(pl.lit(7, pl.UInt64)).alias("_key_hash")
        return frame.select(hashed).to_series()

    monkeypatch.setattr(matching, "_key_hash", collide)
    assert positions(file_rows(), stored(), ["ref", "start"]).to_list() == [1, None, None, 0, None]
    only_c1 = stored().head(1)
    assert positions(file_rows(), only_c1, ["ref", "start"]).to_list() == [
        None,
        None,
        None,
        0,
        None,
    ]


def test_a_key_held_twice_matches_its_first_row() -> None:
    twice = pl.DataFrame({"ref": ["C1", "C1", "C2"], "start": [DAY, DAY, DAY]})
    assert positions(file_rows(), twice, ["ref"]).to_list() == [2, None, None, 0, 2]


def test_taken_marks_the_stored_rows_some_file_row_matched() -> None:
    found = positions(file_rows(), stored(), ["ref", "start"])
    assert taken(4, found).to_list() == [True, True, False, False]
    assert taken(2, pl.Series([None, None], dtype=pl.UInt32)).to_list() == [False, False]
