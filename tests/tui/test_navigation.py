"""The app driven as a manager drives it: drill down and back, filter, flag, sort, keys."""

from __future__ import annotations

import polars as pl
import pytest

from cfmonitor.tui.screens.as_of import AsOfDialog
from cfmonitor.tui.screens.help import HelpScreen
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.team import TeamScreen
from cfmonitor.tui.screens.unallocated import UnallocatedScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from tests.tui.helpers import crumbs, settle, table


async def test_overview_shows_every_team_and_the_date(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert table(pilot).row_count == app.snapshot.teams.height
        assert "Thu 26 Nov 2026" in str(app.screen.query_one("#as-of").render())
        assert app.screen.query_one("#demo").display
        figures = {f.label: f.value.plain for f in app.screen.query_one("#figures").figures}
        org = app.snapshot.organisation_row
        assert figures["Open cases"] == f"{org['open_cases']:,}"
        assert figures["Over"].endswith(str(org["over"]))


async def test_drill_down_to_a_worker_and_back_up(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        team = table(pilot).cursor_key
        await pilot.press("enter")
        assert isinstance(app.screen, TeamScreen) and app.screen.team == team
        assert crumbs(pilot) == f"Organisation › {team}"
        workers = app.snapshot.workers.filter(pl.col("team") == team)
        shown = table(pilot).visible_frame
        assert shown.get_column("staff_ref").to_list() == workers.get_column("staff_ref").to_list()
        await pilot.press("down", "enter")
        assert isinstance(app.screen, WorkerScreen)
        staff_ref = workers.item(1, "staff_ref")
        assert app.screen.staff_ref == staff_ref
        worker_id = workers.item(1, "worker_id")
        held = app.snapshot.worker_cases.filter(pl.col("worker_id") == worker_id)
        assert table(pilot).row_count == held.height
        assert crumbs(pilot) == f"Organisation › {team} › {workers.item(1, 'name')}"
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen)
        assert table(pilot).cursor_key == staff_ref
        await pilot.press("backspace")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("enter", "q")
        assert isinstance(app.screen, OverviewScreen)
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_team_screen_puts_the_most_overloaded_first(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        shown = table(pilot).visible_frame
        ranks = shown.get_column("status_rank").to_list()
        assert ranks == sorted(ranks)
        over = shown.filter(pl.col("status") == "over").get_column("utilisation").to_list()
        assert over == sorted(over, reverse=True)


async def test_filter_as_you_type_then_clear_with_escape(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", "a", "r", "u", "n")
        expected = app.snapshot.teams.filter(
            pl.col("team").str.to_lowercase().str.contains("arun")
            | pl.col("service_area").str.to_lowercase().str.contains("arun")
        )
        assert 0 < table(pilot).row_count == expected.height
        await pilot.press("enter")
        assert table(pilot).has_focus
        assert table(pilot).row_count == expected.height
        await pilot.press("escape")
        assert table(pilot).row_count == app.snapshot.teams.height
        assert not app.screen.query_one("#filter").display


async def test_flagged_only_shows_over_and_near(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f")
        flagged = app.snapshot.teams.filter((pl.col("over") + pl.col("near")) > 0)
        assert table(pilot).row_count == flagged.height
        await pilot.press("enter")
        team = app.screen.team
        await pilot.press("f")
        statuses = set(table(pilot).visible_frame.get_column("status").to_list())
        assert statuses <= {"over", "near"}
        expected = app.snapshot.workers.filter(
            (pl.col("team") == team) & pl.col("status").is_in(["over", "near"])
        )
        assert table(pilot).row_count == expected.height
        await pilot.press("f")
        assert table(pilot).row_count == app.snapshot.workers.filter(pl.col("team") == team).height


async def test_sort_keys_and_header_click_sort_on_raw_values(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await pilot.press("s")
        first = table(pilot).sort_key
        assert first is not None
        for _ in range(12):  # on through the columns shown at this width, to Cases
            if table(pilot).sort_key == "cases":
                break
            await pilot.press("s")
        assert table(pilot).sort_key == "cases"
        cases = table(pilot).visible_frame.get_column("cases").to_list()
        assert cases == sorted(cases, reverse=True)  # numbers, not text: 9 after 10
        await pilot.press("S")
        cases = table(pilot).visible_frame.get_column("cases").to_list()
        assert cases == sorted(cases)
        await pilot.click("#table", offset=(2, 0))  # the header of the first column, Name
        assert table(pilot).sort_key == "name"


async def test_unallocated_cases_are_reachable_from_a_team_and_the_top(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert isinstance(app.screen, UnallocatedScreen)
        assert table(pilot).row_count == app.snapshot.unallocated_cases.height > 0
        await pilot.press("escape")
        waiting = app.snapshot.teams.filter(pl.col("unallocated_cases") > 0).item(0, "team")
        app.open_team(waiting)
        await pilot.pause()
        await pilot.press("u")
        assert isinstance(app.screen, UnallocatedScreen) and app.screen.team == waiting
        expected = app.snapshot.unallocated_cases.filter(pl.col("team") == waiting)
        assert table(pilot).row_count == expected.height > 0
        assert crumbs(pilot) == f"Organisation › {waiting} › Unallocated cases"


async def test_help_lists_every_key_of_the_screen(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        team_screen = app.screen
        expected = {
            active.binding.description
            for active in team_screen.active_bindings.values()
            if not active.binding.system
        }
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        listed = {name for _key, name, _tooltip in app.screen.rows}
        assert expected <= listed
        assert {"Back", "Filter", "Flagged", "Sort", "Reverse", "Reload", "As of", "Help"} <= listed
        await pilot.press("escape")
        assert app.screen is team_screen


@pytest.mark.parametrize("size", [(80, 24), (200, 50)])
async def test_every_binding_shows_in_the_key_bar_with_an_id_and_tooltip(demo_db, make_app, size):
    from cfmonitor.tui.widgets.keybar import KeyBar

    app = make_app(demo_db)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        for keys in ((), ("enter",), ("enter",), ("u",), ("a",)):
            await pilot.press(*keys)
            await pilot.pause()
            screen = app.screen
            for cls in [type(app), *type(screen).__mro__]:
                if cls.__module__.startswith("cfmonitor"):
                    for binding in cls.__dict__.get("BINDINGS", []):
                        assert binding.id and binding.tooltip, (cls.__name__, binding.key)
            bar = screen.query_one(KeyBar)
            painted = str(bar.render())
            assert bar.size.height == 1
            from cfmonitor.tui.screens.help import key_rows

            in_help = {name for _key, name, _tip in key_rows(screen)}
            for active in screen.active_bindings.values():
                binding = active.binding
                if binding.show and not binding.system:
                    # Wide, every key is on the bar; at 80 columns the least needed are
                    # left to the help, which lists them all.
                    where = painted if size[0] >= 200 else painted + " ".join(in_help)
                    assert binding.description in where, (type(screen).__name__, binding)
            if not isinstance(screen, AsOfDialog) and size[0] >= 200:
                assert "Palette" in painted


async def test_clicking_a_key_in_the_key_bar_presses_it(demo_db, make_app):
    from cfmonitor.tui.widgets.keybar import KeyBar

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        bar = app.screen.query_one(KeyBar)
        painted = str(bar.render())
        await pilot.click(KeyBar, offset=(1 + painted.index("Help"), 0))
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)


def test_breadcrumbs_keep_the_screens_own_subject_when_short_of_room():
    from cfmonitor.tui.widgets.topbar import breadcrumb_text

    crumbs = ["Organisation", "Arun Assessment and Intervention", "Ulnor Sorrelbrook"]
    assert breadcrumb_text(crumbs, 200).plain == " › ".join(crumbs)
    for width in (60, 45, 40, 30):
        shown = breadcrumb_text(crumbs, width).plain
        assert len(shown) <= width and shown.endswith(" › Ulnor Sorrelbrook"), shown
    assert breadcrumb_text(crumbs, 45).plain == "… › Arun Assessment and … › Ulnor Sorrelbrook"
    assert breadcrumb_text(crumbs, 8).plain == "…elbrook"
    assert breadcrumb_text(["[/]", "\x1b[2J"], 50).plain == "[/] › \\x1b[2J"


async def test_flagged_only_is_offered_only_where_rows_can_be_flagged(demo_db, make_app):
    """A case list has nobody over or near: the palette does not offer it, and asking
    anyway (by action) says so instead of failing."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Flagged only" in titles
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, WorkerScreen)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Flagged only" not in titles
        shown = table(pilot).row_count
        app.screen.action_toggle_flagged()
        await pilot.pause()
        assert app.is_running
        assert table(pilot).row_count == shown
        assert any("no rows that are over or near" in str(n.message) for n in app._notifications)
