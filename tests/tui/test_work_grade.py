"""What a manager reads and does in a working day (issue 8): names whole, rows on small
terminals, one-line key bar, sorting, finding, help, problems, and a day that moves on."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from textual.pilot import Pilot

from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.screens.help import HelpScreen
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.problems import ProblemsScreen
from cfmonitor.tui.screens.unallocated import UnallocatedScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from cfmonitor.tui.widgets.keybar import KeyBar
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.tui.helpers import palette_offers, paste, settle, table


def screen_lines(app: CfmonitorApp) -> list[str]:
    """The characters on the terminal, line by line, as the compositor draws them."""
    return [strip.text for strip in app.screen._compositor.render_strips()]


async def shown_column(pilot: Pilot, key: str) -> list[str]:
    """Every row's text in one column, as drawn, scrolling the table page by page."""
    grid = table(pilot)
    offset = 0
    for column, width in grid.column_widths:
        if column.key == key:
            start, cells = offset, width
            break
        offset += width + 1
    else:
        raise AssertionError(f"column {key} is not shown")
    seen: dict[int, str] = {}
    body = grid.scrollable_content_region.height - 1
    for top in range(0, grid.row_count, body):
        grid.scroll_to(y=top, animate=False)
        await pilot.pause()
        for y in range(1, body + 1):
            index = round(grid.scroll_y) + y - 1
            if index < grid.row_count:
                seen[index] = grid.render_line(y).text[start : start + cells].rstrip()
    return [seen[index] for index in sorted(seen)]


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_every_team_name_on_the_overview_can_be_told_apart(demo_db, make_app, size):
    app = make_app(demo_db)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        names = await shown_column(pilot, "team")
        teams = app.snapshot.teams.get_column("team").to_list()
        assert len(names) == len(teams)
        assert len(set(names)) == len(teams), [n for n in names if names.count(n) > 1]
        assert names == teams  # at these widths the demo's names are not cut at all
        shown = {column.key for column in table(pilot).shown_columns}
        if size[0] == 80:
            assert "service_area" not in shown  # the redundant column gave way first


@pytest.mark.parametrize("size", [(80, 24), (120, 36)])
async def test_worker_names_are_whole_on_the_team_screen(demo_db, make_app, size):
    app = make_app(demo_db)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        names = await shown_column(pilot, "name")
        expected = app.snapshot.workers.filter(pl.col("team") == app.screen.team)
        assert names == expected.get_column("name").to_list()


async def test_an_unknown_cohort_reads_whole_at_80_columns(tmp_path, capsys):
    builder = DatabaseBuilder()
    team = builder.team("Alpha")
    builder.cases_for(builder.worker(team, cohort="mystery", name="Ann Example"), team, 3)
    path = builder.write(tmp_path / "odd.db")
    app = CfmonitorApp(
        DatabaseChoice(path, is_demo=False),
        policy=Policy(),
        as_of=dt.date(2026, 11, 26),
        watch_seconds=0,
    )
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert "? unknown-cohort" in "\n".join(screen_lines(app))
        await pilot.press("escape", "p")
        await pilot.pause()
        assert isinstance(app.screen, ProblemsScreen)
        details = table(pilot).visible_frame.get_column("detail").to_list()
        staff_ref = app.snapshot.workers.item(0, "staff_ref")
        assert any(staff_ref in detail and "mystery" in detail for detail in details), details
        assert any(
            line.startswith("unknown-cohort") and "worker SW0001 has cohort 'mystery'" in line
            for line in screen_lines(app)
        ), screen_lines(app)
    checked = run_cli(capsys, "check", "--db", str(path), "--as-of", "26/11/2026")
    assert "  unknown-cohort: worker SW0001 has cohort 'mystery'" in checked.out


@pytest.mark.parametrize(("size", "least"), [((80, 24), 12), ((60, 16), 2)])
async def test_small_terminals_keep_rows_for_the_table(demo_db, make_app, size, least):
    app = make_app(demo_db)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        lines = screen_lines(app)
        teams = app.snapshot.teams.get_column("team").to_list()
        rows = [line for line in lines if any(line.startswith(team[:20]) for team in teams)]
        assert len(rows) >= least, "\n".join(lines)
        if size == (80, 24):
            assert sum("12 wk" in line for line in lines) == 0 or any(
                line.strip().startswith("Last 12 wk:") for line in lines
            )


async def test_the_key_bar_is_one_line_at_80_columns_on_every_screen(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        for keys in ((), ("enter",), ("enter",), ("t",), ("escape", "escape", "u")):
            await pilot.press(*keys)
            await settle(pilot)
            bar = app.screen.query_one(KeyBar)
            assert bar.size.height == 1, type(app.screen).__name__
            assert "? Help" in bar.render().plain
        await pilot.press("escape", "escape")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)
        assert "esc Clear" not in app.screen.query_one(KeyBar).render().plain
        await pilot.press("slash", "x")
        await pilot.pause()
        assert "esc Clear" in app.screen.query_one(KeyBar).render().plain
        await pilot.press("escape", "f")
        await pilot.pause()
        assert "esc Clear" in app.screen.query_one(KeyBar).render().plain
        await pilot.press("escape")
        await pilot.pause()
        assert not app.screen.flagged_only
        assert "esc Clear" not in app.screen.query_one(KeyBar).render().plain


async def test_sorting_by_over_near_uses_near_to_break_ties(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        for _ in range(15):
            if table(pilot).sort_key == "over_near":
                break
            await pilot.press("s")
        shown = table(pilot).visible_frame.select("over", "near").rows()
        assert shown == sorted(shown, reverse=True)  # biggest over first, then near
        ties = [near for over, near in shown if over == shown[0][0]]
        assert ties == sorted(ties, reverse=True)


async def test_brackets_pick_the_sort_column_and_o_goes_back_to_families(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter", "enter")
        assert isinstance(app.screen, WorkerScreen)
        own = table(pilot).visible_frame.get_column("case_ref").to_list()
        keys = [column.key for column in table(pilot).shown_columns]
        await pilot.press("right_square_bracket")
        assert table(pilot).sort_key == keys[0]
        await pilot.press("right_square_bracket", "right_square_bracket")
        assert table(pilot).sort_key == keys[2]
        await pilot.press("left_square_bracket")
        assert table(pilot).sort_key == keys[1]
        await pilot.press("o")
        assert table(pilot).sort_key is None
        frame = table(pilot).visible_frame
        assert frame.get_column("case_ref").to_list() == own
        families = [f for f in frame.get_column("family_ref").to_list() if f is not None]
        runs = [f for i, f in enumerate(families) if i == 0 or families[i - 1] != f]
        assert len(runs) == len(set(families))  # each family's cases sit together


async def test_j_k_g_and_G_move_as_elsewhere(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        teams = app.snapshot.teams.get_column("team").to_list()
        await pilot.press("j", "j")
        assert table(pilot).cursor_key == teams[2]
        await pilot.press("k")
        assert table(pilot).cursor_key == teams[1]
        await pilot.press("G")
        assert table(pilot).cursor_key == teams[-1]
        await pilot.press("g")
        assert table(pilot).cursor_key == teams[0]


async def test_the_filter_matches_the_words_shown_in_any_order(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"horsham")  # typed: the filter follows each key
        assert table(pilot).row_count == 2  # Horsham's two teams
        await paste(pilot, " interv")
        assert table(pilot).visible_frame.get_column("team").to_list() == [
            "Horsham Assessment and Intervention"
        ]
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, "interv horsham")
        assert table(pilot).row_count == 1
        await pilot.press("ctrl+a", "ctrl+k")
        await paste(pilot, "near")
        teams = app.snapshot.teams
        assert table(pilot).row_count == teams.filter(pl.col("near") > 0).height
        await pilot.press("escape", "enter")
        team = app.screen.team
        await pilot.press("slash")
        await paste(pilot, "sustained")
        expected = app.snapshot.workers.filter((pl.col("team") == team) & pl.col("sustained"))
        assert 0 < table(pilot).row_count == expected.height


async def test_the_palette_opens_the_worker_who_holds_a_case(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        held = app.snapshot.worker_cases.row(100, named=True)
        holder = app.snapshot.workers.filter(pl.col("worker_id") == held["worker_id"])
        await pilot.press("ctrl+p")
        await paste(pilot, held["case_ref"])
        assert await palette_offers(pilot, held["case_ref"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, WorkerScreen)
        assert app.screen.staff_ref == holder.item(0, "staff_ref")
        assert table(pilot).cursor_key == held["case_ref"]


async def test_the_palette_says_when_nobody_holds_a_case(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        waiting = app.snapshot.unallocated_cases.row(3, named=True)
        await pilot.press("ctrl+p")
        await paste(pilot, waiting["case_ref"])
        assert await palette_offers(pilot, waiting["case_ref"])
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, UnallocatedScreen)
        assert table(pilot).cursor_key == waiting["case_ref"]
        messages = [str(n.message) for n in app._notifications]
        assert f"{waiting['case_ref']} is unallocated ({waiting['team']})." in messages


async def test_the_palette_starts_with_a_short_list_of_the_apps_actions(demo_db, make_app):
    from textual.command import CommandList

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause(0.5)
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        assert 0 < len(prompts) <= 13, prompts  # presenter mode is one of them
        assert any("Reload" in prompt for prompt in prompts)
        teams = app.snapshot.teams.get_column("team").to_list()
        assert not any(team in prompt for prompt in prompts for team in teams)


async def test_help_lists_the_apps_keys_before_textuals(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        assert isinstance(app.screen, HelpScreen)
        names = [name for _key, name, _tip in app.screen.rows]
        own = [name for _key, name, _tip in app.screen.own_rows]
        assert names[: len(own)] == own
        assert "Focus Next" in names[len(own) :] and "Focus Next" not in own
        assert {"Flagged", "Filter", "Sort", "Own order", "Problems"} <= set(own)


async def test_an_app_without_as_of_follows_today_across_midnight(demo_db):
    days = [dt.date(2026, 11, 25)]
    app = CfmonitorApp(
        DatabaseChoice(demo_db, is_demo=True),
        policy=Policy(),
        as_of=None,
        watch_seconds=0,
        clock=lambda: days[-1],
        day_check_seconds=0.05,
    )
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert app.snapshot.as_of == dt.date(2026, 11, 25)
        days.append(dt.date(2026, 11, 26))  # midnight passes
        for _ in range(200):
            await pilot.pause(0.05)
            if app.snapshot.as_of == days[-1] and not app.is_loading:
                break
        assert app.snapshot.as_of == dt.date(2026, 11, 26)
        assert "Thu 26 Nov 2026" in str(app.screen.query_one("#as-of").render())
        days.append(dt.date(2026, 11, 27))
        await pilot.press("r")  # a reload reads today again too
        await settle(pilot)
        assert app.snapshot.as_of == dt.date(2026, 11, 27)


async def test_an_as_of_date_chosen_stays_chosen(demo_db):
    days = [dt.date(2026, 11, 26)]
    app = CfmonitorApp(
        DatabaseChoice(demo_db, is_demo=True),
        policy=Policy(),
        as_of=dt.date(2026, 6, 1),
        watch_seconds=0,
        clock=lambda: days[-1],
        day_check_seconds=0.05,
    )
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        days.append(dt.date(2026, 11, 27))
        await pilot.press("r")
        await settle(pilot)
        assert app.snapshot.as_of == dt.date(2026, 6, 1)
        assert isinstance(app.screen, OverviewScreen)
