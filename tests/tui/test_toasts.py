"""Toasts are drawn (notifications on) and never stop the app: `f` on each table screen,
an export, a new as-of date and the database file changing on disk (issue 8)."""

from __future__ import annotations

import os

from cfmonitor.tui.screens.export import ExportDialog
from tests.tui.helpers import settle, shows_toast


async def test_flagged_only_toasts_on_every_table_screen_that_has_it(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        for steps in ((), ("enter",), ("t",)):  # overview, team, the team's trend
            await pilot.press(*steps)
            await settle(pilot)
            app.clear_notifications()
            await pilot.press("f")
            assert await shows_toast(pilot, "Showing only rows over or near."), steps
            await pilot.press("f")
            assert await shows_toast(pilot, "Showing every row."), steps
        await pilot.press("escape", "enter")  # a worker's cases: nothing to flag
        await pilot.pause()
        app.screen.action_toggle_flagged()  # as the palette would
        assert await shows_toast(pilot, "no rows that are over or near")


async def test_an_export_says_where_it_wrote_and_the_app_goes_on(demo_db, make_app, tmp_path):
    app = make_app(demo_db)
    target = tmp_path / "teams.csv"
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        assert await shows_toast(pilot, str(target))
        assert target.exists()
        await pilot.press("enter")  # and the app still answers keys
        await pilot.pause()
        assert app.screen.__class__.__name__ == "TeamScreen"


async def test_a_new_as_of_date_says_the_figures_were_recomputed(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a", "ctrl+a", "ctrl+k", *"2026-06-01", "enter")
        assert await shows_toast(pilot, "Figures recomputed as of 2026-06-01.")


async def test_touching_the_database_reloads_and_says_so(demo_db, make_app):
    app = make_app(demo_db, watch_seconds=0.05)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        stat = demo_db.stat()
        os.utime(demo_db, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
        assert await shows_toast(pilot, "The database changed on disk; figures reloaded.")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "TeamScreen"
