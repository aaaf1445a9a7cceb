"""Which columns a caseload table shows at a given width (no Textual needed)."""

from __future__ import annotations

import pytest

from cfmonitor.tui.widgets.table_columns import Column, fit_columns


def widths(columns: list[Column], width: int) -> dict[str, int]:
    return {column.key: cells for column, cells in fit_columns(columns, width)}


def test_everything_fits_at_preferred_widths_when_there_is_room() -> None:
    columns = [Column("a", "A", 10), Column("b", "B", 5)]
    assert widths(columns, 80) == {"a": 10, "b": 5}


def test_shrinkable_columns_shrink_before_any_column_is_dropped() -> None:
    columns = [Column("name", "Name", 30, min_width=10, priority=9), Column("n", "N", 5)]
    assert widths(columns, 20) == {"name": 14, "n": 5}  # 14 + 1 gap + 5


def test_lowest_priority_goes_first_then_the_rightmost_of_equals() -> None:
    columns = [
        Column("name", "Name", 10, priority=9),
        Column("a", "A", 10, priority=1),
        Column("b", "B", 10, priority=1),
        Column("c", "C", 10, priority=5),
    ]
    assert list(widths(columns, 32)) == ["name", "a", "c"]
    assert list(widths(columns, 21)) == ["name", "c"]
    assert list(widths(columns, 3)) == ["name"]  # one column always stays


def test_a_column_that_does_not_make_sense_is_refused() -> None:
    with pytest.raises(ValueError, match="min_width"):
        Column("a", "A", 5, min_width=6)
    with pytest.raises(ValueError, match="width"):
        Column("a", "A", 0)
    with pytest.raises(ValueError, match="align"):
        Column("a", "A", 5, align="centre")  # type: ignore[arg-type]


def test_a_name_keeps_its_width_until_nothing_of_lower_priority_is_left():
    """Issue 8: redundant columns go before a name is cut; then it may shrink to its
    `min_width` (the width at which rows still read apart), never below."""
    name = Column("name", "Name", 30, priority=9, min_width=12, cut_last=True)
    area = Column("area", "Area", 12, priority=1)
    cases = Column("cases", "Cases", 5, "right", priority=7)
    status = Column("status", "Status", 8, priority=10)
    columns = [area, name, cases, status]
    assert fit_columns(columns, 60) == ((area, 12), (name, 30), (cases, 5), (status, 8))
    assert fit_columns(columns, 50) == ((name, 30), (cases, 5), (status, 8))
    assert fit_columns(columns, 40) == ((name, 30), (status, 8))  # cases gave way first
    assert fit_columns(columns, 25) == ((name, 16), (status, 8))  # only now is it cut
    assert fit_columns(columns, 21) == ((name, 12), (status, 8))


def test_a_name_shrinks_only_as_far_as_it_still_tells_rows_apart() -> None:
    import polars as pl

    from cfmonitor.tui.columns import distinct_width

    def width(names: list[str | None], least: int = 4, most: int = 40) -> int:
        return distinct_width(
            pl.DataFrame({"name": names}, schema={"name": pl.String}), "name", least, most
        )

    # In 11 cells both are "Alexandra …"; in 12, "Alexandra S…" and "Alexandra J…".
    assert width(["Alexandra Smith", "Alexandra Jones", "Bo"]) == 12
    assert width(["Alexandra Smith", "Alexandra Smyth"]) == 14  # "…Smi…", "…Smy…"
    assert width(["Alexandra Smith", "Alexandra Smyth"], most=12) == 12  # never wider
    assert width(["Ann Lee", "Ann Lea"]) == 7  # only in full
    assert width(["Al", None]) == 4  # never narrower than asked
    assert width([]) == 4
