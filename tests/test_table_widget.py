"""The caseload table, driven as a user drives it (Textual's Pilot on a tiny app)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl
import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from cfmonitor.tui.widgets.table import (
    CaseloadTable,
    Column,
    count_cell,
    number_cell,
    percent_cell,
    status_cell,
)

HOSTILE = [
    "[@click=app.quit]x",
    "[/]",
    "[bold red]x",
    "unterminated [",
    "\x1b]2;title\x07",
    "\x1b[2J",
    "abc\u202edef",
    "漢字漢字漢字漢字漢字漢字漢字",
    "😀😀😀😀😀😀😀😀😀😀😀😀",
]


def people() -> pl.DataFrame:
    return pl.DataFrame(
        {
            "ref": ["W1", "W2", "W3", "W4", "W5"],
            "name": ["bob", "Ann", "Joanne", "carl", "Dee"],
            "team": ["North", "South", "North", "East", "South"],
            "cases": [10, 9, None, 100, 2],
            "utilisation": [0.5, float("nan"), 1.2, None, 0.95],
            "status": ["ok", None, "over", "near", "near"],
        }
    )


COLUMNS = (
    Column("name", "Name", 16, priority=10),
    Column("team", "Team", 8, priority=5),
    Column("cases", "Cases", 6, "right", count_cell, priority=8),
    Column("utilisation", "Util", 6, "right", percent_cell, priority=7),
    Column("status", "Status", 7, priority=1),
)


class TableApp(App[None]):
    """One table, filled on mount, recording the messages it posts."""

    def __init__(
        self, frame: pl.DataFrame, columns: Sequence[Column] = COLUMNS, **set_frame: object
    ) -> None:
        super().__init__()
        self.frame = frame
        self.table_columns = columns
        self.set_frame_options = set_frame
        self.highlighted: list[object] = []
        self.selected: list[object] = []

    def compose(self) -> ComposeResult:
        yield CaseloadTable()

    def on_mount(self) -> None:
        table = self.query_one(CaseloadTable)
        table.set_frame(self.frame, "ref", self.table_columns, **self.set_frame_options)
        table.focus()

    def on_caseload_table_row_highlighted(self, message: CaseloadTable.RowHighlighted) -> None:
        self.highlighted.append(message.key)

    def on_caseload_table_row_selected(self, message: CaseloadTable.RowSelected) -> None:
        self.selected.append(message.key)


def lines(table: CaseloadTable) -> list[str]:
    """The text of every line the table paints, header first."""
    return [table.render_line(y).text for y in range(table.size.height)]


def shown_keys(table: CaseloadTable) -> list[object]:
    return table.visible_frame.get_column("ref").to_list()


def cell_span(table: CaseloadTable, column_key: str) -> tuple[int, int]:
    """Where a column is drawn on a line: (first cell, end)."""
    start = 0
    for column, width in table.column_widths:
        if column.key == column_key:
            return start, start + width
        start += width + 1
    raise AssertionError(f"{column_key} is not shown")


async def test_sorts_numbers_as_numbers_with_nulls_last_both_ways() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        table.sort_by("cases", descending=False)
        await pilot.pause()
        assert shown_keys(table) == ["W5", "W2", "W1", "W4", "W3"]  # 2 < 9 < 10 < 100, null
        painted = lines(table)
        start, end = cell_span(table, "cases")
        assert [line[start:end].strip() for line in painted[1:6]] == ["2", "9", "10", "100", "–"]
        table.sort_by("cases", descending=True)
        await pilot.pause()
        assert shown_keys(table) == ["W4", "W1", "W2", "W5", "W3"]


async def test_nan_sorts_with_the_nulls_and_text_sorts_without_regard_to_case() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        for descending in (False, True):
            table.sort_by("utilisation", descending=descending)
            await pilot.pause()
            assert set(shown_keys(table)[-2:]) == {"W2", "W4"}  # NaN and null, last both ways
        table.sort_by("name")
        await pilot.pause()
        assert table.visible_frame.get_column("name").to_list() == [
            "Ann",
            "bob",
            "carl",
            "Dee",
            "Joanne",
        ]


async def test_s_sorts_by_the_next_column_and_capital_s_reverses() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.press("s")
        assert (table.sort_key, table.sort_descending) == ("name", False)
        await pilot.press("s", "s")
        assert (table.sort_key, table.sort_descending) == ("cases", True)  # numbers: big first
        assert "Cases▼" in lines(table)[0]  # the arrow takes the place of the gap when tight
        await pilot.press("S")
        assert (table.sort_key, table.sort_descending) == ("cases", False)
        assert "▲" in lines(table)[0] and "▼" not in lines(table)[0]
        await pilot.press("s", "s", "s")
        assert table.sort_key == "name"  # wraps round


async def test_filter_is_a_case_insensitive_substring_over_text_columns() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        table.filter_text("ANN")
        await pilot.pause()
        assert shown_keys(table) == ["W2", "W3"]  # Ann, Joanne
        assert [line.split()[0] for line in lines(table)[1:3]] == ["Ann", "Joanne"]
        table.filter_text("north")
        assert shown_keys(table) == ["W1", "W3"]
        table.filter_text("10")  # numbers are not searched as text
        assert shown_keys(table) == []
        await pilot.pause()
        assert "No rows match." in lines(table)[1]
        table.filter_text("")
        assert shown_keys(table) == ["W1", "W2", "W3", "W4", "W5"]


async def test_filter_text_is_literal_not_a_pattern() -> None:
    frame = people().with_columns(pl.Series("name", ["a.c", "abc", "[x", "(y", "z*"]))
    app = TableApp(frame)
    async with app.run_test(size=(100, 12), notifications=True):
        table = app.query_one(CaseloadTable)
        for needle, expected in [(".", ["W1"]), ("[", ["W3"]), ("(", ["W4"]), ("*", ["W5"])]:
            table.filter_text(needle)
            assert shown_keys(table) == expected
        assert app.is_running


async def test_flagged_only_shows_rows_matching_the_predicate_and_nulls_are_not_flagged() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        table.set_flagged_only(pl.col("status").is_in(["over", "near"]))
        await pilot.pause()
        assert shown_keys(table) == ["W3", "W4", "W5"]
        assert table.flagged_only
        table.filter_text("dee")
        assert shown_keys(table) == ["W5"]
        table.set_flagged_only(None)
        assert shown_keys(table) == ["W5"]
        table.filter_text("")
        assert table.row_count == table.total_count == 5


async def test_cursor_stays_on_the_same_row_across_sort_filter_and_reload() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.press("down", "down", "down")
        assert table.cursor_key == "W4"
        table.sort_by("cases")
        await pilot.pause()
        assert table.cursor_key == "W4" and table.cursor_row == 0  # 100 is the biggest
        table.filter_text("carl")
        assert table.cursor_key == "W4"
        table.filter_text("north")  # carl hidden: the cursor goes to the first row shown
        assert table.cursor_key == "W1"
        table.filter_text("")  # carl back: the cursor goes back to him
        assert table.cursor_key == "W4"
        reloaded = people().with_columns(pl.Series("cases", [1, 2, 3, 4, 5]))
        table.set_frame(reloaded, "ref", COLUMNS)  # carl is now second by cases
        await pilot.pause()
        assert table.cursor_key == "W4" and table.cursor_row == 1
        assert table.move_cursor_to_key("W2")
        assert not table.move_cursor_to_key("nobody")
        assert table.cursor_key == "W2" and table.cursor_row == 3
        table.set_frame(reloaded.filter(pl.col("ref") != "W2"), "ref", COLUMNS)
        assert table.cursor_row == 3 and table.cursor_key == "W1"  # gone: stay in place
        await pilot.pause()
        assert app.highlighted[0] == "W1" and app.highlighted[-1] == "W1"


async def test_keys_move_the_cursor_and_enter_selects_its_row() -> None:
    frame = pl.DataFrame(
        {
            "ref": [f"C{n:03d}" for n in range(200)],
            "name": [f"person {n}" for n in range(200)],
            "team": ["T"] * 200,
            "cases": list(range(200)),
            "utilisation": [0.5] * 200,
            "status": ["ok"] * 200,
        }
    )
    app = TableApp(frame)
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.press("down", "enter")
        assert app.selected == ["C001"]
        await pilot.press("pagedown")
        body = table.scrollable_content_region.height - 1
        assert table.cursor_row == 1 + body
        await pilot.press("end")
        await pilot.pause()
        assert table.cursor_key == "C199"
        assert lines(table)[-1].startswith("person 199")  # scrolled into view
        assert lines(table)[0].startswith("Name")  # the header stays put
        await pilot.press("pageup", "up", "home", "enter")
        assert table.cursor_row == 0
        assert app.selected == ["C001", "C000"]
        assert app.highlighted[:2] == ["C000", "C001"]


async def test_clicking_a_header_sorts_by_it_and_again_reverses() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        start, _ = cell_span(table, "cases")
        await pilot.click(CaseloadTable, offset=(start + 1, 0))
        assert (table.sort_key, table.sort_descending) == ("cases", True)
        await pilot.click(CaseloadTable, offset=(start + 1, 0))
        assert (table.sort_key, table.sort_descending) == ("cases", False)
        await pilot.pause()
        assert "▲" in lines(table)[0][start:]


async def test_clicking_a_row_moves_the_cursor_and_clicking_it_again_selects() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.click(CaseloadTable, offset=(2, 3))  # header, then W1, W2, W3
        assert table.cursor_key == "W3" and app.selected == []
        await pilot.click(CaseloadTable, offset=(60, 3))  # right of the last column
        assert app.selected == ["W3"]


@pytest.mark.parametrize("hostile", HOSTILE)
async def test_hostile_data_shows_literally_in_exact_cell_widths(hostile: str) -> None:
    frame = people().with_columns(
        pl.Series("name", [hostile, "Ann", hostile, "carl", "Dee"]),
        pl.Series("team", [hostile] * 5),
    )
    app = TableApp(frame)
    async with app.run_test(size=(80, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.press("down", "enter", "s", "S", "down", "up")
        await pilot.click(CaseloadTable, offset=(2, 1))
        await pilot.click(CaseloadTable, offset=(2, 1))  # a click on the cursor row selects
        table.filter_text(hostile[:3])
        await pilot.pause()
        table.filter_text("")
        await pilot.pause()
        assert app.is_running
        shown = hostile.replace("\x1b", "\\x1b").replace("\x07", "\\x07")
        shown = shown.replace("\u202e", "\\u202e")
        width = table.scrollable_content_region.width
        name_start, name_end = cell_span(table, "name")
        cases_start, cases_end = cell_span(table, "cases")
        names, figures = [], set()
        for y in range(1, 6):
            strip = table.render_line(y)
            assert strip.cell_length == width
            assert "\x1b" not in strip.text and "\x07" not in strip.text
            assert all(set(segment.style.meta) == {"row"} for segment in strip)  # no actions
            name_cell = strip.crop(name_start, name_end).text
            assert Text(name_cell).cell_len == name_end - name_start
            names.append(name_cell.rstrip())
            # The figures to the right are in their place on every line.
            figures.add(strip.crop(cases_start, cases_end).text.strip())
        assert figures == {"10", "9", "–", "100", "2"}
        literal = [name for name in names if name not in ("Ann", "carl", "Dee")]
        assert len(literal) == 2
        for name in literal:  # all of the literal text, or its start and an ellipsis
            assert name == shown or (name.endswith("…") and shown.startswith(name[:-1].rstrip()))


async def test_a_renderer_that_returns_markup_or_control_characters_is_shown_literally() -> None:
    columns = (
        Column("name", "Name", 20, render=lambda value, row: f"[bold]{value}"),  # type: ignore[arg-type, return-value]
        Column("team", "Team", 20, render=lambda value, row: Text(f"\x1b[2J{value}")),
    )
    app = TableApp(people(), columns)
    async with app.run_test(size=(60, 10), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        first = lines(table)[1]
        assert first.startswith("[bold]bob")
        assert "\\x1b[2JNorth" in first
        assert "\x1b" not in first


async def test_at_80_columns_low_priority_columns_go_before_figures_are_cut() -> None:
    wide = (
        Column("name", "Name", 30, min_width=14, priority=10),
        Column("team", "Team", 20, priority=2),
        Column("cases", "Cases", 8, "right", count_cell, priority=9),
        Column("utilisation", "Utilisation", 12, "right", percent_cell, priority=8),
        Column("status", "Status", 10, priority=5),
    )
    frame = people().with_columns(pl.Series("cases", [10, 9, 123456, 100, 2]))
    app = TableApp(frame, wide)
    async with app.run_test(size=(80, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        assert len(table.shown_columns) == 5  # the name column gives up 4 cells first
        assert cell_span(table, "name") == (0, 26)
        await pilot.resize_terminal(50, 12)
        await pilot.pause()
        assert [c.key for c in table.shown_columns] == ["name", "cases", "utilisation", "status"]
        await pilot.resize_terminal(40, 12)
        await pilot.pause()
        assert [c.key for c in table.shown_columns] == ["name", "cases", "utilisation"]
        painted = lines(table)
        assert "Team" not in painted[0] and "Status" not in painted[0]
        assert any("123,456" in line for line in painted)
        assert all(table.render_line(y).cell_length == 40 for y in range(6))
        await pilot.resize_terminal(200, 12)
        await pilot.pause()
        assert len(table.shown_columns) == 5
        assert lines(table)[1].startswith("bob" + " " * 27 + " North")


async def test_row_style_and_cursor_use_the_theme_in_dark_and_light() -> None:
    app = TableApp(people(), row_style=pl.when(pl.col("status") == "over").then(pl.lit("bold")))
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        for theme in ("textual-dark", "textual-light"):
            app.theme = theme
            await pilot.pause()
            cursor = table.get_component_rich_style("table--cursor")
            first = list(table.render_line(1))
            assert all(segment.style.bgcolor == cursor.bgcolor for segment in first)
            plain = list(table.render_line(2))
            assert all(segment.style.bgcolor != cursor.bgcolor for segment in plain)
            over = list(table.render_line(3))  # W3 is over
            assert all(segment.style.bold for segment in over if segment.text.strip())
            assert not any(segment.style.bold for segment in plain)


async def test_empty_table_has_no_cursor_and_enter_does_nothing() -> None:
    app = TableApp(people().clear())
    async with app.run_test(size=(60, 8), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.press("down", "enter", "end", "s")
        assert table.cursor_key is None and app.selected == []
        assert "No rows." in lines(table)[1]
        assert app.is_running


async def test_visible_frame_is_what_is_shown_without_helper_columns() -> None:
    app = TableApp(people())
    async with app.run_test(size=(100, 12), notifications=True):
        table = app.query_one(CaseloadTable)
        table.filter_text("o")
        table.sort_by("cases", descending=True)
        expected = (
            people()
            .filter(pl.col("name").str.contains("o") | pl.col("team").str.contains("o"))
            .sort("cases", descending=True, nulls_last=True)
        )
        assert table.visible_frame.equals(expected)


def test_renderers_write_figures_and_statuses_for_people() -> None:
    assert number_cell(2)(3.14159, {}).plain == "3.14"
    assert count_cell(1234, {}).plain == "1,234"
    assert percent_cell(None, {}).plain == "–"
    assert status_cell("over", {}).plain == "▲ over"
    assert status_cell("[/]", {}).plain == "? [/]"
    assert status_cell(None, {}).plain == ""


async def test_a_table_with_no_frame_yet_says_so_and_takes_keys() -> None:
    class BareApp(App[None]):
        def compose(self) -> ComposeResult:
            yield CaseloadTable()

    app = BareApp()
    async with app.run_test(size=(60, 8), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        table.focus()
        await pilot.press("down", "enter", "s", "S", "end")
        await pilot.pause()
        assert "No rows." in lines(table)[1]
        assert table.cursor_key is None and table.visible_frame.is_empty()
        assert app.is_running


async def test_scrollbar_appearing_refits_columns_without_a_sideways_scrollbar() -> None:
    def rows(count: int) -> pl.DataFrame:
        return pl.DataFrame(
            {"ref": [f"R{n}" for n in range(count)], "a": ["x" * 60] * count, "b": ["y"] * count}
        )

    columns = (Column("a", "A", 60, min_width=10), Column("b", "B", 39))
    app = TableApp(rows(3), columns)
    async with app.run_test(size=(100, 10), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        assert not table.show_vertical_scrollbar and cell_span(table, "a") == (0, 60)
        table.set_frame(rows(100), "ref", columns)
        await pilot.pause()
        assert table.show_vertical_scrollbar and not table.show_horizontal_scrollbar
        assert cell_span(table, "a") == (0, 58)
        assert all(table.render_line(y).cell_length == 98 for y in range(9))


async def test_row_style_may_name_a_theme_component_and_bad_styles_are_ignored() -> None:
    style = (
        pl.when(pl.col("status") == "over")
        .then(pl.lit("table--flagged"))
        .when(pl.col("status") == "near")
        .then(pl.lit("not a [style"))
    )
    app = TableApp(people(), row_style=style)
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        over = [s for s in table.render_line(3) if s.text.strip()]  # W3
        near = [s for s in table.render_line(4) if s.text.strip()]  # W4
        assert all(segment.style.bold for segment in over)
        assert not any(segment.style.bold for segment in near)


async def test_a_frame_without_the_named_columns_is_refused_clearly() -> None:
    app = TableApp(people())
    async with app.run_test(size=(60, 8), notifications=True):
        table = app.query_one(CaseloadTable)
        with pytest.raises(ValueError, match="'missing'"):
            table.set_frame(people(), "ref", [Column("missing", "M", 5)])
        with pytest.raises(ValueError, match="'nokey'"):
            table.set_frame(people(), "nokey", COLUMNS)
        with pytest.raises(ValueError, match="'nope'"):
            table.sort_by("nope")


async def test_sort_filter_and_flag_chosen_before_the_rows_arrive_apply_to_them() -> None:
    class LateApp(App[None]):
        def compose(self) -> ComposeResult:
            table = CaseloadTable()
            table.sort_by("cases")
            table.filter_text("o")
            table.set_flagged_only(pl.col("status").is_not_null())
            yield table

    app = LateApp()
    async with app.run_test(size=(100, 12), notifications=True) as pilot:
        table = app.query_one(CaseloadTable)
        await pilot.pause()
        assert table.row_count == 0 and "No rows." in lines(table)[1]
        table.set_frame(people(), "ref", COLUMNS)
        await pilot.pause()
        assert (table.sort_key, table.sort_descending) == ("cases", True)
        assert shown_keys(table) == ["W1", "W5", "W3"]  # bob 10, Dee 2, Joanne null
        assert "Cases▼" in lines(table)[0]
