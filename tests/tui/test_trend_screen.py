"""The history in the TUI: the trend screen at each level, weeks over, sustained, the
direction of travel, and all of them moving with the as-of date."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from cfmonitor.data.trend import (
    compute_trend,
    default_range,
    direction_of_travel,
    load_history,
)
from cfmonitor.policy import Policy
from cfmonitor.presentation import format_count, format_number
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.team import TeamScreen
from cfmonitor.tui.screens.trend import TrendScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from cfmonitor.tui.widgets.cells import (
    SUSTAINED_LABEL,
    SUSTAINED_SYMBOL,
    change_text,
    sparkline,
)
from tests.tui.helpers import (
    DEMO_DAY,
    assert_safe,
    crumbs,
    hostile_database,
    screen_lines,
    settle,
    table,
)


@pytest.fixture(scope="module")
def engine(demo_master):
    """The engine's own answer for the demo at DEMO_DAY, to hold the screens to."""
    history = load_history(demo_master, is_demo=True)
    trend = compute_trend(history, Policy(), *default_range(DEMO_DAY))
    return trend, direction_of_travel(history, Policy(), DEMO_DAY)


def screen_text(app) -> str:
    return "\n".join(screen_lines(app))


async def test_the_organisation_trend_opens_with_t_and_tables_the_series(demo_db, make_app, engine):
    trend, _ = engine
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, TrendScreen) and app.screen.level == "organisation"
        assert crumbs(pilot) == "Organisation › Trend"
        shown = table(pilot).visible_frame
        expected = trend.organisation.sort("date", descending=True)
        assert shown.get_column("date").to_list() == expected.get_column("date").to_list()
        for column in ("average_caseload", "over", "sustained", "vacancy_rate"):
            # Polars' threaded sums may differ in the last bit between two runs.
            assert shown.get_column(column).to_list() == pytest.approx(
                expected.get_column(column).to_list(), rel=1e-12, nan_ok=True
            )
        latest = expected.row(0, named=True)
        first_line = next(line for line in screen_lines(app) if line.startswith("2026-11-26"))
        assert format_number(latest["average_caseload"]) in first_line
        assert format_count(latest["sustained"]) in first_line
        assert "Average caseload" in screen_text(app)
        await pilot.press("m")
        assert "Workers over, near and in sustained overload" in screen_text(app)
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)


async def test_a_team_trend_and_a_worker_trend_show_their_own_numbers(demo_db, make_app, engine):
    trend, _ = engine
    app = make_app(demo_db)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        team = app.screen.team
        await pilot.press("t")
        assert isinstance(app.screen, TrendScreen) and app.screen.key == team
        expected = trend.teams.filter(pl.col("team") == team).sort("date", descending=True)
        shown = table(pilot).visible_frame
        assert shown.get_column("over").to_list() == expected.get_column("over").to_list()
        assert shown.get_column("average_caseload").to_list() == (
            expected.get_column("average_caseload").to_list()
        )
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen)
        await pilot.press("enter")
        assert isinstance(app.screen, WorkerScreen)
        staff_ref, name = app.screen.staff_ref, app.screen._worker_name
        await pilot.press("t")
        assert isinstance(app.screen, TrendScreen) and app.screen.level == "worker"
        assert crumbs(pilot) == f"Organisation › {team} › {name} › Trend"
        ids = trend.worker_details.filter(pl.col("staff_ref") == staff_ref)
        expected = trend.workers.filter(
            pl.col("worker_id").is_in(ids.get_column("worker_id").implode())
        ).sort("date", descending=True)
        shown = table(pilot).visible_frame
        assert shown.height == expected.height > 0
        for column in ("cases", "utilisation", "weeks_over"):
            # Polars' threaded sums may differ in the last bit between two runs.
            assert shown.get_column(column).to_list() == pytest.approx(
                expected.get_column(column).to_list(), rel=1e-12, nan_ok=True
            )
        await pilot.press("escape")
        assert isinstance(app.screen, WorkerScreen)


async def test_the_palette_opens_the_trend_of_the_screen_shown(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        team = app.screen.team
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"trend")
        await pilot.pause(0.4)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TrendScreen)
        assert app.screen.level == "team" and app.screen.key == team


async def test_team_table_shows_weeks_over_and_marks_sustained_beside_the_status(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        shown = table(pilot).visible_frame
        workers = app.snapshot.workers.filter(pl.col("team") == app.screen.team)
        assert shown.get_column("weeks_over").to_list() == (
            workers.get_column("weeks_over").to_list()
        )
        assert "Weeks over" in screen_text(app)
        sustained = workers.filter(pl.col("sustained"))
        assert sustained.height > 0  # the demo's Arun team has someone over for months
        row = sustained.row(0, named=True)
        lines = [line for line in screen_lines(app) if row["name"][:12] in line]
        assert lines and SUSTAINED_LABEL in lines[0] and "▲ over" in lines[0]
        assert f"{row['weeks_over']} {SUSTAINED_SYMBOL}" in lines[0]
        statuses = set(workers.get_column("status").to_list())
        assert "sustained" not in statuses  # a flag beside the status, not a status
        not_sustained = workers.filter(~pl.col("sustained")).row(0, named=True)
        other = [line for line in screen_lines(app) if not_sustained["name"][:12] in line]
        assert other and SUSTAINED_SYMBOL not in other[0]
        await pilot.press("enter")  # the most overloaded worker is in sustained overload
        await pilot.pause()
        assert isinstance(app.screen, WorkerScreen)
        worker = app.snapshot.workers.filter(pl.col("staff_ref") == app.screen.staff_ref)
        text = screen_text(app)
        assert "Weeks over" in text
        assert f"{worker.item(0, 'weeks_over')} {SUSTAINED_LABEL}" in text


async def test_overview_shows_the_direction_of_travel_and_the_sustained_count(
    demo_db, make_app, engine
):
    trend, direction = engine
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        text = screen_text(app)
        change = direction.organisation.filter(pl.col("measure") == "average_caseload").row(
            0, named=True
        )
        arrow = "↓" if change["change_12_weeks"] < 0 else "↑"
        sign = "−" if change["change_12_weeks"] < 0 else "+"
        assert f"{arrow} {sign}{format_number(abs(change['change_12_weeks']))} in 12 wk" in text
        assert f"{format_number(abs(change['change_12_months']))} in 12 mo" in text
        series = trend.organisation.get_column("average_caseload").to_list()
        assert sparkline(series, 24) in text
        figures = {f.label: f.value.plain for f in app.screen.query_one("#figures").figures}
        assert figures["Sustained over"] == (
            f"{SUSTAINED_SYMBOL} {trend.organisation.item(-1, 'sustained')}"
        )


async def test_history_loading_is_said_until_it_arrives(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        for _ in range(400):
            if app.snapshot is not None:
                break
            await pilot.pause(0.01)
        if app.history is None:  # the snapshot is painted before the history is worked out
            assert "history loading…" in str(app.screen.query_one("#travel").render())
        await settle(pilot)
        assert app.history is not None and "history loading…" not in screen_text(app)


async def test_changing_the_as_of_date_moves_the_trend_and_the_direction(demo_db, make_app):
    day = dt.date(2026, 6, 1)
    history = load_history(demo_db, is_demo=True)
    trend = compute_trend(history, Policy(), *default_range(day))
    direction = direction_of_travel(history, Policy(), day)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        before = table(pilot).visible_frame
        await pilot.press("a", "ctrl+a", "ctrl+k", *day.isoformat(), "enter")
        await settle(pilot)
        assert isinstance(app.screen, TrendScreen)
        assert app.history is not None and app.history.as_of == day == app.snapshot.as_of
        shown = table(pilot).visible_frame
        assert shown.item(0, "date") == day != before.item(0, "date")
        expected = trend.organisation.sort("date", descending=True)
        assert shown.get_column("over").to_list() == expected.get_column("over").to_list()
        await pilot.press("escape")
        text = screen_text(app)
        change = direction.organisation.filter(pl.col("measure") == "over").row(0, named=True)
        assert f"{format_count(round(abs(change['change_12_months'])))} in 12 mo" in text
        assert app.snapshot.organisation_row["sustained"] == trend.organisation.item(
            -1, "sustained"
        )


async def test_hostile_names_are_safe_on_the_trend_screens(tmp_path, make_app):
    db = hostile_database(tmp_path / "hostile.db")
    app = make_app(db, is_demo=False)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("t")
        assert isinstance(app.screen, TrendScreen)
        assert_safe(app)
        await pilot.press("escape", "enter", "t")
        assert isinstance(app.screen, TrendScreen) and app.screen.level == "team"
        assert_safe(app)
        await pilot.press("escape", "enter", "t")
        assert isinstance(app.screen, TrendScreen) and app.screen.level == "worker"
        assert_safe(app)
        assert app.is_running


@pytest.mark.parametrize(
    ("values", "width", "drawn"),
    [
        ([0.0, 1.0], 2, "▁█"),
        ([0.0, 0.5, 1.0, None], 4, "▁▄█ "),
        ([1.0, 1.0, 3.0, 3.0], 2, "▁█"),
        ([2.0, 2.0], 5, "▁▁"),
        ([], 5, ""),
    ],
)
def test_sparkline_draws_buckets_on_the_series_scale(values, width, drawn):
    assert sparkline(values, width) == drawn


def test_sparkline_clips_to_a_fixed_scale():
    assert sparkline([0.0, 2.0], 2, low=0.0, high=1.0) == "▁█"


async def test_a_history_that_cannot_be_worked_out_leaves_the_figures_and_says_so(
    demo_db, make_app, monkeypatch
):
    import cfmonitor.data.trend as trend_module
    from cfmonitor.errors import CfmonitorError

    def refuse(*args, **kwargs):
        raise CfmonitorError("the allocations table could not be read as history.")

    monkeypatch.setattr(trend_module, "compute_trend", refuse)
    app = make_app(demo_db, read_afresh=True)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen) and app.snapshot is not None
        assert app.history is None
        assert "history not available" in str(app.screen.query_one("#travel").render())
        assert "Open cases" in screen_text(app)
        await pilot.press("t")
        assert isinstance(app.screen, TrendScreen)
        assert table(pilot).row_count == 0
        assert "history not available" in screen_text(app)


@pytest.mark.parametrize(
    ("change", "measure", "said"),
    [
        (-0.78, "average_caseload", "↓ −0.8 in 12 mo"),
        (12.0, "over", "↑ +12 in 12 mo"),
        (0.0123, "agency_rate", "↑ +1.2 pts in 12 mo"),
        (0.0, "vacancy_rate", "→ ±0.0 pts in 12 mo"),
        (None, "over", "– in 12 mo"),
    ],
)
def test_a_change_is_said_with_an_arrow_and_a_sign(change, measure, said):
    assert change_text(change, measure, "12 mo").plain == said


async def test_flagged_only_from_the_palette_keeps_the_weeks_with_anyone_over_or_near(
    demo_db, make_app
):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "enter", "enter", "t")
        assert isinstance(app.screen, TrendScreen) and app.screen.level == "worker"
        everything = table(pilot).visible_frame
        app.screen.action_toggle_flagged()
        await pilot.pause()
        shown = table(pilot).visible_frame
        assert set(shown.get_column("status").to_list()) <= {"over", "near"}
        assert shown.height == everything.filter(pl.col("status").is_in(["over", "near"])).height


def test_percent_ticks_never_share_a_row() -> None:
    """Two ticks on one row let plotext draw either label there (a flaky chart); each
    tick gets a row of its own, and 100% stays a labelled line while the step allows."""
    from cfmonitor.tui.screens.trend import CHART_FRAME_ROWS, percent_ticks

    for height in range(6, 40):
        for top in (30.0, 108.0, 160.0, 250.0, 420.0):
            ticks = percent_ticks(top, height)
            rows = height - CHART_FRAME_ROWS
            assert len(ticks) <= rows // 2 + 1 or ticks[1] == 200.0
            assert ticks[0] == 0.0 and ticks[-1] <= top
    assert percent_ticks(160.0, 30) == [0.0, 25.0, 50.0, 75.0, 100.0, 125.0, 150.0]
    assert percent_ticks(160.0, 10) == [0.0, 50.0, 100.0, 150.0]
