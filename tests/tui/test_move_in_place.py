"""A what-if move redraws in place (issue 12's 50 ms): the screen is not laid out again,
nothing on it moves, and a panel that needs more lines still gets them.

A layout of the whole screen costs a move more than the move's own figures; these tests
count the layouts a move and its undo cause, and check what the user sees stays right.
"""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.screen import Screen
from textual.widgets import Static

from cfmonitor.data.engine import Move
from cfmonitor.tui.screens.worker import WorkerScreen
from cfmonitor.tui.widgets.figures import Figure, Figures
from cfmonitor.tui.widgets.in_place import update_in_place
from tests.tui.helpers import settle, table


def count_layouts(monkeypatch) -> list[int]:
    """Every full layout of any screen from now on, one entry each."""
    layouts: list[int] = []
    original = Screen._refresh_layout

    def counted(self, *args, **kwargs):
        layouts.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Screen, "_refresh_layout", counted)
    return layouts


async def test_a_move_and_its_undo_redraw_the_worker_screen_without_a_layout(
    demo_db, make_app, monkeypatch
):
    """With notifications on, as a user has them: the banner, not a toast, says what
    was moved and undone (mounting a toast would lay the screen out)."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        colleague = str(table(pilot).frame.item(3, "staff_ref"))
        await pilot.press("enter")
        await pilot.pause()
        worker = app.screen
        assert isinstance(worker, WorkerScreen)
        held = table(pilot).frame.height
        table_top = table(pilot).region.y
        case_ref = str(table(pilot).cursor_key)
        layouts = count_layouts(monkeypatch)

        assert app.add_move(Move(case_ref, colleague, worker.staff_ref))
        await pilot.pause()
        assert layouts == []
        banner = worker.query_one("#scenario-banner", Static)
        assert "SCENARIO · 1 move, not made" in str(banner.render())
        assert table(pilot).frame.height == held - 1
        assert table(pilot).region.y == table_top  # the banner took its own blank line

        app.action_undo_move()
        await pilot.pause()
        assert layouts == []
        assert str(banner.render()).strip() == ""
        assert table(pilot).frame.height == held
        assert table(pilot).region.y == table_top


class _Panels(App[None]):
    """A Static and a Figures panel, each as tall as what it shows."""

    CSS = "Static, Figures { height: auto; }"

    def compose(self) -> ComposeResult:
        yield Static("one line", id="panel")
        yield Figures(id="figures")


async def test_a_panel_redrawn_in_place_still_grows_and_shrinks_with_its_lines():
    app = _Panels()
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        panel = app.query_one("#panel", Static)
        update_in_place(panel, Text("first\nsecond\nthird"))
        await pilot.pause()
        assert panel.size.height == 3
        update_in_place(panel, Text("the same\nnumber of\nlines"))
        await pilot.pause()
        assert panel.size.height == 3
        assert "number of" in str(panel.render())
        update_in_place(panel, Text("x" * 50 + " " + "y" * 50))  # wraps once at 60
        await pilot.pause()
        assert panel.size.height == 2


async def test_figures_that_take_more_lines_are_given_them():
    app = _Panels()
    async with app.run_test(size=(60, 20), notifications=True) as pilot:
        figures = app.query_one(Figures)
        figures.show([Figure("Open cases", Text("10"))])
        await pilot.pause()
        one_row = figures.size.height
        figures.show([Figure(f"Figure {n}", Text(str(n))) for n in range(12)])
        await pilot.pause()
        assert figures.size.height > one_row
        figures.show([Figure("Open cases", Text("11"))])
        await pilot.pause()
        assert figures.size.height == one_row
