"""A value read out of a frame is the type its column holds, or the read fails loudly."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cfmonitor.scalars import as_bool, as_date, as_float, as_floats, as_int, as_str

FRAME = pl.DataFrame(
    {
        "cases": [3, None],
        "fte": [0.8, None],
        "status": ["over", None],
        "sustained": [True, None],
        "opened_on": [dt.date(2026, 11, 2), None],
        "series": [[0.5, None, 1.2], None],
    }
)


def test_each_column_reads_as_its_own_type_and_a_null_as_none() -> None:
    first, second = FRAME.iter_rows(named=True)
    assert as_int(first["cases"]) == 3
    assert as_float(first["fte"]) == 0.8
    assert as_float(first["cases"]) == 3  # a whole number is a figure too
    assert as_str(first["status"]) == "over"
    assert as_bool(first["sustained"]) is True
    assert as_date(first["opened_on"]) == dt.date(2026, 11, 2)
    assert as_floats(first["series"]) == [0.5, None, 1.2]
    assert [as_int(second["cases"]), as_float(second["fte"]), as_str(second["status"])] == [
        None,
        None,
        None,
    ]
    assert as_bool(second["sustained"]) is None and as_date(second["opened_on"]) is None
    assert as_floats(second["series"]) == []
    assert as_int(FRAME.get_column("cases").max()) == 3


@pytest.mark.parametrize(
    ("read", "value"),
    [
        (as_int, 0.8),
        (as_int, True),
        (as_int, "3"),
        (as_float, "0.8"),
        (as_float, False),
        (as_str, 3),
        (as_bool, 1),
        (as_date, "2026-11-02"),
        (as_floats, "0.5"),
        (as_floats, ["a"]),
    ],
)
def test_a_value_of_another_type_is_refused(read, value) -> None:
    with pytest.raises(TypeError, match="expected"):
        read(value)
