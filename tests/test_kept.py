"""`Kept`: a screen's values kept while the frames they come from are the same objects."""

from __future__ import annotations

import polars as pl

from cfmonitor.tui.kept import Kept


def test_a_value_is_kept_for_the_same_frame_and_made_again_for_a_new_one() -> None:
    made: list[int] = []
    kept: Kept[int] = Kept()

    def make(value: int):
        return lambda: made.append(value) or value

    frame = pl.DataFrame({"a": [1]})
    assert kept.get((frame, 7), make(1)) == 1
    assert kept.get((frame, 7), make(2)) == 1  # the same frame, an equal id
    assert kept.get((pl.DataFrame({"a": [1]}), 7), make(3)) == 3  # equal, not the same
    assert kept.get((frame, 8), make(4)) == 4
    assert made == [1, 3, 4]


def test_the_last_size_keys_are_kept() -> None:
    kept: Kept[str] = Kept(size=2)
    before, after = pl.DataFrame({"a": [1]}), pl.DataFrame({"a": [2]})
    kept.get((before, "SW1"), lambda: "before")
    kept.get((after, "SW1"), lambda: "after")
    assert kept.get((before, "SW1"), lambda: "again") == "before"
    kept.get((pl.DataFrame(), "SW1"), lambda: "third")  # in place of the oldest made
    assert kept.get((after, "SW1"), lambda: "made again") == "after"
    assert kept.get((before, "SW1"), lambda: "made again") == "made again"
