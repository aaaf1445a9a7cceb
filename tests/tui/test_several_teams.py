"""Several teams in one list (issue 12): space marks teams on the overview, W opens the
workers of the marked teams (or of the cursor's service area), from the palette too; the
list drills down, filters, flags, exports, shows a scenario and hides names while
presenting, as the team screen does. Pilot with notifications on.
"""

from __future__ import annotations

import json
import re

import polars as pl

from cfmonitor.safe_text import visible
from cfmonitor.tui.screens.export import ExportDialog
from cfmonitor.tui.screens.help import HelpScreen
from cfmonitor.tui.screens.move import MovePicker
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.teams import TeamsScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from tests.cli_runner import run_cli
from tests.tui.helpers import (
    DEMO_DAY,
    HOSTILE,
    assert_safe,
    crumbs,
    hostile_database,
    palette_offers,
    paste,
    screen_lines,
    settle,
    shows_toast,
    table,
)


def screen_text(app) -> str:
    """What the terminal shows now, as text (the SVG a screenshot writes, tags removed)."""
    svg = app.export_screenshot()
    text = re.sub(r"<[^>]+>", "", svg)
    return text.replace("&#160;", " ").replace("&amp;", "&")


def figure(app, label: str) -> str:
    """The value under a headline figure's label, as shown."""
    lines = screen_text(app).splitlines()
    for number, line in enumerate(lines):
        if label in line:
            at = line.index(label)
            return lines[number + 1][at : at + 18].strip()
    raise AssertionError(f"no figure {label!r} on screen")


def teams_of(app, names: list[str]) -> pl.DataFrame:
    return app.view.snapshot.teams.filter(pl.col("team").is_in(names))


async def test_space_marks_teams_and_w_lists_their_workers(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        overview = app.screen
        assert isinstance(overview, OverviewScreen)
        first = str(table(pilot).cursor_key)
        await pilot.press("space")
        assert await shows_toast(pilot, f"Marked {first}; 1 team marked")
        assert "■" in screen_text(app)
        await pilot.press("G")
        last = str(table(pilot).cursor_key)
        await pilot.press("space")
        assert await shows_toast(pilot, "2 teams marked")
        marked = table(pilot).frame.filter(pl.col("marked")).get_column("team").to_list()
        assert sorted(marked) == sorted([first, last])
        await pilot.press("W")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TeamsScreen)
        assert crumbs(pilot) == "Organisation › 2 chosen teams"
        rows = table(pilot).frame
        chosen = teams_of(app, [first, last])
        assert set(rows.get_column("team").to_list()) == {first, last}
        assert rows.height == chosen.get_column("workers_in_post").sum()
        assert "Team" in screen_text(app)
        # The set's over and near: the two teams' counts added up, as on the overview.
        over, near = chosen.get_column("over").sum(), chosen.get_column("near").sum()
        assert figure(app, "Over") == f"▲ {over}"
        assert figure(app, "Near") == f"● {near}"
        # Back on the overview, the marks are kept; space unmarks.
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is overview and overview.marked == (first, last)
        await pilot.press("space")
        assert await shows_toast(pilot, f"Unmarked {last}; 1 team marked")
        await pilot.press("g", "space")
        assert await shows_toast(pilot, "0 teams marked")
        assert "■" not in screen_text(app)


async def test_w_without_marks_lists_the_cursors_service_area(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down")
        team = str(table(pilot).cursor_key)
        snapshot = app.view.snapshot
        area = snapshot.teams.filter(pl.col("team") == team).item(0, "service_area")
        in_area = snapshot.teams.filter(pl.col("service_area") == area)
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        assert crumbs(pilot) == f"Organisation › Service area: {area} · {in_area.height} teams"
        rows = table(pilot).frame
        assert set(rows.get_column("team").to_list()) == set(in_area.get_column("team"))
        assert rows.height == in_area.get_column("workers_in_post").sum()
        assert figure(app, "Workers in post") == str(rows.height)
        # Most urgent first across the teams: every over before any near, before any ok.
        ranks = rows.get_column("status_rank").to_list()
        assert ranks == sorted(ranks)
        # f: only those over or near, as many as the area's over and near counts.
        await pilot.press("f")
        assert await shows_toast(pilot, "Showing only rows over or near.")
        shown = table(pilot).visible_frame
        assert set(shown.get_column("status").to_list()) <= {"over", "near"}
        assert shown.height == in_area.get_column("over").sum() + in_area.get_column("near").sum()
        # enter: that worker's supervision view; esc comes back to the list.
        staff_ref = str(table(pilot).cursor_key)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkerScreen) and app.screen.staff_ref == staff_ref
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        await pilot.press("q")
        await pilot.pause()
        assert isinstance(app.screen, OverviewScreen)


async def test_the_filter_and_export_take_the_rows_shown(demo_db, make_app, tmp_path):
    app = make_app(demo_db)
    target = tmp_path / "area.csv"
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "W")
        await pilot.pause()
        team = str(table(pilot).frame.item(0, "team"))
        words = team.split()[0].lower()  # the team's first word: "arun", say
        await pilot.press("slash", *words, "enter")
        await pilot.pause()
        shown = table(pilot).visible_frame
        assert shown.height and set(shown.get_column("team").to_list()) == {team}
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        assert await shows_toast(pilot, f"Wrote {shown.height} rows")
    written = pl.read_csv(target, infer_schema=False, skip_rows=2)
    assert written.get_column("Team").to_list() == [team] * shown.height
    assert written.get_column("Staff ref").to_list() == shown.get_column("staff_ref").to_list()


async def test_a_move_shows_before_and_after_on_the_list(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "W")
        await pilot.pause()
        before_over = figure(app, "Over")
        await pilot.press("enter")  # the most urgent worker of the area
        await pilot.pause()
        source = app.screen.staff_ref
        await pilot.press("w")
        await pilot.pause()
        picker = app.screen
        assert isinstance(picker, MovePicker)
        chosen = picker.choices.item(0, "staff_ref")  # the first row, where enter chooses
        await pilot.press("enter")
        await pilot.pause()
        assert "SCENARIO · 1 move, not made" in str(
            app.screen.query_one("#scenario-banner").render()
        )
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        rows = table(pilot).frame
        moved = rows.filter(pl.col("staff_ref").is_in([source, chosen]))
        assert moved.height >= 1
        assert moved.get_column("cases").to_list() != moved.get_column("cases__was").to_list()
        text = screen_text(app)
        assert "SCENARIO · 1 move" in text and re.search(r"\d+% → \d+%", text)
        after = app.view.scenario.snapshot.teams
        names = list(rows.get_column("team").unique())
        over = teams_of(app, names).get_column("over").sum()
        now = after.filter(pl.col("team").is_in(names)).get_column("over").sum()
        assert figure(app, "Over") == (before_over if now == over else f"▲ {over} → ▲ {now}")


async def test_presenting_shows_no_colleague_names(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        names = set(app.view.snapshot.workers.get_column("name").to_list())
        await pilot.press("P")
        assert await shows_toast(pilot, "Presenting:")
        await pilot.press("down", "down", "W")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        text = screen_text(app)
        assert "PRESENTING" in text
        assert [name for name in names if name in text] == []
        shown = table(pilot).frame.get_column("name").to_list()
        assert shown and all(re.fullmatch(r"[A-Z]+ \(DEMO-SW\d+\)", name) for name in shown)
        await pilot.press("ctrl+p", *"workers")
        await pilot.pause(0.4)
        text = screen_text(app)
        assert "Workers in service area" in text
        assert [name for name in names if name in text] == []


async def test_the_palette_opens_an_area_and_the_marked_teams(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        snapshot = app.view.snapshot
        area = snapshot.teams.item(2, "service_area")  # an area of several teams
        count = snapshot.teams.filter(pl.col("service_area") == area).height
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await paste(pilot, "marked")
        await pilot.pause(0.4)
        assert "marked teams" not in screen_text(app)  # none marked: not offered
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await paste(pilot, f"workers in service area {area}".lower())
        assert await palette_offers(pilot, area)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        assert crumbs(pilot).endswith(f"Service area: {area} · {count} teams")
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("G", "space")
        await pilot.pause()
        last = str(table(pilot).cursor_key)
        await pilot.press("ctrl+p")
        await pilot.pause(0.2)
        await paste(pilot, "workers in the marked")
        assert await palette_offers(pilot, "marked teams")
        assert "marked teams" in screen_text(app)  # the matched letters are drawn apart
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        assert crumbs(pilot) == "Organisation › 1 chosen team"
        assert set(table(pilot).frame.get_column("team")) == {last}


async def test_help_lists_the_new_keys(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        rows = {name: (key, tip) for key, name, tip in app.screen.own_rows}
        assert rows["Mark"][0] == "space" and "W" in rows["Mark"][1]
        assert rows["Workers"][0] == "W" and "service area" in rows["Workers"][1]


async def test_hostile_team_and_area_names_show_literally(tmp_path, make_app):
    """A service area called `[@click=app.quit]x area`: literal in the breadcrumbs, the
    Team and Service area columns and the palette, and nothing runs."""
    db = hostile_database(tmp_path / "hostile.db")
    app = make_app(db, is_demo=False)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await settle(pilot)
        for _ in HOSTILE:
            await pilot.press("space", "down")
        assert await shows_toast(pilot, f"{len(HOSTILE)} teams marked")
        assert_safe(app)
        await pilot.press("W")
        await pilot.pause()
        assert isinstance(app.screen, TeamsScreen)
        assert crumbs(pilot) == f"Organisation › {len(HOSTILE)} chosen teams"
        text = "\n".join(screen_lines(app))
        for bad in HOSTILE:
            assert visible(f"{bad} team")[:20] in text
        assert_safe(app)
        await pilot.press("escape", "g")
        for _ in HOSTILE:
            await pilot.press("space", "down")
        assert await shows_toast(pilot, "0 teams marked")
        await pilot.press("g", "W")  # none marked: the cursor's area
        await pilot.pause()
        area = str(
            app.view.snapshot.teams.filter(
                pl.col("team") == table(pilot).frame.item(0, "team")
            ).item(0, "service_area")
        )
        assert visible(area) in crumbs(pilot)
        assert_safe(app)
        await pilot.press("escape", "ctrl+p")
        await pilot.pause(0.2)
        await paste(pilot, "workers in service")
        await pilot.pause(0.4)
        assert_safe(app)
        await pilot.press("escape")
        assert app.is_running


async def test_the_screen_lists_what_report_service_area_lists(demo_db, make_app, capsys):
    """The same workers, one for one, with the same team, status and utilisation."""
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("down", "down", "W")
        await pilot.pause()
        area = app.screen.chosen.areas[0]
        shown = table(pilot).frame.select("staff_ref", "team", "status", "utilisation")
    result = run_cli(
        capsys, "report", "--db", str(demo_db), "--as-of", DEMO_DAY.isoformat(),
        "--service-area", area, "--format", "json",
    )  # fmt: skip
    assert result.code == 0, result.err
    reported = {
        row["staff_ref"]: (row["team"], row["status"], row["utilisation"])
        for row in json.loads(result.out)["workers"]
    }
    on_screen = {
        ref: (team, status, round(utilisation, 4) if utilisation is not None else None)
        for ref, team, status, utilisation in shown.iter_rows()
    }
    assert on_screen == reported
