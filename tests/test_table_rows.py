"""The rows a caseload table shows: filter, flag and sort in Polars (no Textual needed)."""

from __future__ import annotations

import polars as pl

from cfmonitor.tui.widgets.table_rows import TableRows

STATUS = pl.Enum(["over", "near", "ok"])


def loaded(frame: pl.DataFrame, search: tuple[str, ...] = ("name",)) -> TableRows:
    rows = TableRows()
    rows.load(frame, "ref", search)
    return rows


def refs(rows: TableRows) -> list[object]:
    return rows.visible_frame.get_column("ref").to_list()


def frame() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ref": ["a", "b", "c", "d"],
            "name": ["beth", None, "Alf", "carl"],
            "status": pl.Series(["ok", "over", None, "near"], dtype=STATUS),
        }
    )


def test_an_enum_sorts_in_its_own_order_and_text_ignores_case_with_nulls_last() -> None:
    rows = loaded(frame())
    rows.set_sort("status", descending=False)
    assert refs(rows) == ["b", "d", "a", "c"]  # over, near, ok, then the null
    rows.set_sort("status", descending=True)
    assert refs(rows) == ["a", "d", "b", "c"]
    rows.set_sort("name", descending=False)
    assert refs(rows) == ["c", "a", "d", "b"]  # Alf, beth, carl, then the null
    rows.set_sort("name", descending=True)
    assert refs(rows) == ["d", "a", "c", "b"]
    rows.set_sort(None)
    assert refs(rows) == ["a", "b", "c", "d"]


def test_a_reload_keeps_the_sort_and_filter_but_drops_a_sort_on_a_lost_column() -> None:
    rows = loaded(frame())
    rows.set_sort("name", descending=False)
    rows.set_filter("L")
    assert refs(rows) == ["c", "d"]
    rows.load(frame().reverse(), "ref", ("name",))
    assert refs(rows) == ["c", "d"]
    rows.load(frame().drop("name"), "ref", ())
    assert rows.sort_key is None


def test_the_filter_never_matches_across_two_columns() -> None:
    rows = loaded(frame().with_columns(pl.lit("x").alias("team")), ("name", "team"))
    rows.set_filter("bethx")
    assert refs(rows) == []
    rows.set_filter("beth\x00x")
    assert refs(rows) == []


def test_a_null_flag_counts_as_not_flagged() -> None:
    rows = loaded(frame())
    rows.set_flag(pl.col("status") != "ok")
    assert refs(rows) == ["b", "d"]


def test_looking_up_a_key_of_the_wrong_type_finds_nothing() -> None:
    rows = loaded(frame())
    assert rows.index_of("c") == 2
    assert rows.index_of(3) is None
    assert rows.index_of(None) is None
    assert rows.index_of(object()) is None
