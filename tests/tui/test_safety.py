"""Hostile data shows literally and runs nothing; the app never writes the database; the
palette writes nothing to disk unless asked, and then says where."""

from __future__ import annotations

import hashlib
import os

import polars as pl
from textual.command import CommandPalette

from cfmonitor.safe_text import visible
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.team import TeamScreen
from cfmonitor.tui.screens.unallocated import UnallocatedScreen
from cfmonitor.tui.screens.worker import WorkerScreen
from tests.tui.helpers import (
    HOSTILE,
    assert_safe,
    hostile_database,
    palette_offers,
    screen_lines,
    settle,
    table,
)


async def test_hostile_names_show_literally_and_run_nothing(tmp_path, make_app):
    db = hostile_database(tmp_path / "hostile.db")
    app = make_app(db, is_demo=False)
    async with app.run_test(size=(200, 50), notifications=True) as pilot:
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        for bad in HOSTILE:
            assert visible(f"{bad} team")[:30] in text
        assert_safe(app)
        for index in range(1, len(HOSTILE)):  # each once: a second click would open the row
            await pilot.click("#table", offset=(35, 1 + index))
        assert app.is_running and isinstance(app.screen, OverviewScreen)
        team = table(pilot).cursor_key
        await pilot.press("enter")
        assert isinstance(app.screen, TeamScreen) and app.screen.team == team
        assert visible(team) in "\n".join(screen_lines(app))
        assert_safe(app)
        await pilot.press("enter")
        assert isinstance(app.screen, WorkerScreen)
        text = "\n".join(screen_lines(app))
        assert visible(team) in text  # in the breadcrumbs
        assert "reason" in text
        assert_safe(app)
        await pilot.press("escape", "u")
        assert isinstance(app.screen, UnallocatedScreen)
        assert_safe(app)
        await pilot.press("escape", "escape", "ctrl+p")
        await pilot.pause()
        await pilot.press(*"name")
        await pilot.pause(0.3)
        assert isinstance(app.screen, CommandPalette)
        assert_safe(app)
        await pilot.press("escape")
        assert app.is_running


async def test_the_database_file_is_byte_for_byte_unchanged(demo_db, make_app):
    before = hashlib.sha256(demo_db.read_bytes()).hexdigest()
    listing = sorted(os.listdir(demo_db.parent))
    app = make_app(demo_db, watch_seconds=0.05)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u", "escape", "f", "f", "slash", "a", "escape")
        await pilot.press("enter", "u", "escape", "s", "S", "enter", "question_mark", "escape")
        await pilot.press("a")
        app.screen.query_one("#as-of-input").value = "2026-06-01"
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        await pilot.press("escape", "escape", "q")
    assert hashlib.sha256(demo_db.read_bytes()).hexdigest() == before
    assert sorted(os.listdir(demo_db.parent)) == listing  # no journal, WAL or lock left


async def test_the_palette_jumps_to_a_worker_by_name(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        row = app.snapshot.workers.row(40, named=True)
        await pilot.press("ctrl+p")
        app.screen.query_one("#--input Input").value = row["name"]
        assert await palette_offers(pilot, row["name"])
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, WorkerScreen)
        assert app.screen.staff_ref == row["staff_ref"]
        await pilot.press("escape")
        assert isinstance(app.screen, TeamScreen) and app.screen.team == row["team"]


async def test_the_palette_jumps_to_a_team(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        team = app.snapshot.teams.item(5, "team")
        await pilot.press("ctrl+p")
        app.screen.query_one("#--input Input").value = team
        assert await palette_offers(pilot, team)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, TeamScreen) and app.screen.team == team


async def test_the_palette_has_no_silent_screenshot(demo_db, make_app, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        titles = [command.title for command in app.get_system_commands(app.screen)]
        assert "Screenshot" not in titles
        assert "Save screenshot…" in titles
        await pilot.press("ctrl+p", *"save scr")
        assert await palette_offers(pilot, "Save screenshot")
        await pilot.press("enter")
        await pilot.pause(0.3)
        assert sorted(tmp_path.iterdir()) == [demo_db]  # nothing written yet
        target = tmp_path / "shot.svg"
        app.screen.query_one("#screenshot-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert target.exists() and "Organisation" in target.read_text()
        assert oct(target.stat().st_mode & 0o777) == "0o600"
        messages = [str(n.message) for n in app._notifications]
        assert any(str(target) in message for message in messages)
        assert isinstance(app.screen, OverviewScreen)


async def test_a_screenshot_never_replaces_a_file(demo_db, make_app, tmp_path):
    app = make_app(demo_db)
    existing = tmp_path / "keep.svg"
    existing.write_text("mine")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        app.action_save_screenshot()
        await pilot.pause(0.3)
        app.screen.query_one("#screenshot-path").value = str(existing)
        await pilot.press("enter")
        await pilot.pause()
        assert existing.read_text() == "mine"
        assert "already exists" in str(app.screen.query_one("#screenshot-hint").render())


async def test_status_survives_no_color(demo_db, make_app):
    assert os.environ.get("NO_COLOR")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        text = "\n".join(screen_lines(app))
        team = app.snapshot.workers.filter(pl.col("team") == app.screen.team)
        for status, label in (("over", "▲ over"), ("near", "● near"), ("ok", "✓ ok")):
            if team.filter(pl.col("status") == status).height:
                assert label in text


def test_the_palette_index_shows_hostile_names_literally_and_shortlists_by_letters():
    import polars as pl

    from cfmonitor.tui.commands import shortlist, visible_column

    frame = pl.DataFrame({"text": list(HOSTILE)})
    assert visible_column(frame, "text").get_column("text").to_list() == [
        visible(bad) for bad in HOSTILE
    ]
    index = pl.DataFrame({"text": ["Ann Lee", "Nan Rowe", "Bob Hale"]}).with_columns(
        pl.col("text").str.to_lowercase().alias("folded")
    )
    assert shortlist(index, "ann").get_column("text").to_list() == ["Ann Lee", "Nan Rowe"]
    assert shortlist(index, "[/").is_empty()
    assert shortlist(index, "  ").is_empty()
