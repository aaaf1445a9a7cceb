"""Loading in the worker: as-of changes, reloads when the file changes, errors as messages.

Loading at another date and reloading run over both backends (the `backend` fixture):
on PostgreSQL the app reads the server, and notices another program's write."""

from __future__ import annotations

import datetime as dt
import sqlite3

import polars as pl
import pytest

from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.screens.as_of import AsOfDialog
from cfmonitor.tui.screens.error import ErrorScreen
from cfmonitor.tui.screens.overview import OverviewScreen
from cfmonitor.tui.screens.team import TeamScreen
from tests.postgres.backends import Backend, Database
from tests.tui.helpers import DEMO_DAY, settle, table


@pytest.fixture
def demo_on_backend(backend: Backend, demo_db) -> Database:
    """A private copy of the demo, on the backend: a test may change it."""
    return backend.copy_of_demo(demo_db)


def _app(make_app, database: Database, *, watch_seconds: float = 0) -> CfmonitorApp:
    """The app on the file (`make_app`'s), or reading the PostgreSQL database itself."""
    if not database.on_postgres:
        return make_app(database.path, watch_seconds=watch_seconds)
    return CfmonitorApp(
        database.choice(is_demo=True),
        policy=Policy(),
        as_of=DEMO_DAY,
        watch_seconds=watch_seconds,
    )


async def test_as_of_dialog_recomputes_every_screen(demo_on_backend, make_app):
    app = _app(make_app, demo_on_backend)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter")
        team = app.screen.team
        before = app.snapshot
        await pilot.press("a")
        assert isinstance(app.screen, AsOfDialog)
        assert app.screen.query_one("#as-of-input").value == "26/11/2026"
        await pilot.press("ctrl+a", "ctrl+k", *"01/06/2026", "enter")
        await settle(pilot)
        assert isinstance(app.screen, TeamScreen)
        assert app.snapshot.as_of == dt.date(2026, 6, 1) != before.as_of
        assert "Mon 1 Jun 2026" in str(app.screen.query_one("#as-of").render())
        workers = app.snapshot.workers.filter(pl.col("team") == team)
        assert table(pilot).visible_frame.get_column("staff_ref").to_list() == (
            workers.get_column("staff_ref").to_list()
        )
        overview = app.screen_stack[0]
        await pilot.press("escape")  # the screen under it draws the new day when shown again
        await pilot.pause()
        assert app.screen is overview and overview.snapshot is app.snapshot
        assert "Mon 1 Jun 2026" in str(overview.query_one("#as-of").render())


async def test_as_of_dialog_refuses_a_bad_date_and_esc_keeps_the_old_one(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("a", "ctrl+a", "ctrl+k", *"11/26/2026", "enter")
        assert isinstance(app.screen, AsOfDialog)
        hint = str(app.screen.query_one("#as-of-hint").render())
        assert "'11/26/2026' looks month-first (US)" in hint
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.snapshot.as_of == dt.date(2026, 11, 26)


def _add_case_for(backend: Backend, database: Database, staff_ref: str) -> None:
    """Another program writes: one more open case allocated to the worker."""
    if database.on_postgres:
        backend.execute(
            database,
            "INSERT INTO cases (id, case_ref, team_id, case_type, complexity, opened_on) "
            "SELECT (SELECT MAX(id) + 1 FROM cases), 'NEW-1', team_id, 'CIN', 'intense', "
            f"DATE '2026-01-01' FROM workers WHERE staff_ref = '{staff_ref}'",
            "INSERT INTO allocations (id, case_id, worker_id, start_date) "
            "SELECT (SELECT MAX(id) + 1 FROM allocations), (SELECT MAX(id) FROM cases), id, "
            f"DATE '2026-01-02' FROM workers WHERE staff_ref = '{staff_ref}'",
        )
        return
    connection = sqlite3.connect(database.path, isolation_level=None)
    worker_id, team_id = connection.execute(
        "SELECT id, team_id FROM workers WHERE staff_ref = ?", (staff_ref,)
    ).fetchone()
    case_id = connection.execute(
        "INSERT INTO cases (case_ref, team_id, case_type, complexity, opened_on)"
        " VALUES ('NEW-1', ?, 'CIN', 'intense', '2026-01-01')",
        (team_id,),
    ).lastrowid
    connection.execute(
        "INSERT INTO allocations (case_id, worker_id, start_date) VALUES (?, ?, '2026-01-02')",
        (case_id, worker_id),
    )
    connection.close()


async def test_reloads_when_the_file_changes_and_keeps_the_cursor_row(
    backend, demo_on_backend, make_app
):
    app = _app(make_app, demo_on_backend, watch_seconds=0.05)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "down", "down", "down")
        staff_ref = table(pilot).cursor_key
        cases_before = app.snapshot.workers.filter(pl.col("staff_ref") == staff_ref).item(
            0, "cases"
        )
        first = app.snapshot
        _add_case_for(backend, demo_on_backend, staff_ref)
        for _ in range(100):
            await pilot.pause(0.05)
            if app.snapshot is not first and not app.is_loading:
                break
        await settle(pilot)
        assert app.snapshot is not first
        cases_after = app.snapshot.workers.filter(pl.col("staff_ref") == staff_ref).item(0, "cases")
        assert cases_after == cases_before + 1
        assert table(pilot).cursor_key == staff_ref


async def test_r_reloads_on_demand(demo_on_backend, make_app):
    app = _app(make_app, demo_on_backend)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        first = app.snapshot
        await pilot.press("r")
        await settle(pilot)
        assert app.snapshot is not first
        assert app.snapshot.teams.equals(first.teams)


async def test_a_file_that_is_not_a_database_shows_the_engines_message(tmp_path, make_app):
    bad = tmp_path / "notes.db"
    bad.write_text("these are not the tables you are looking for\n")
    app = make_app(bad, is_demo=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert f"{bad}: not a SQLite database." in message
        assert "Traceback" not in message
        assert not app.screen.check_action("back", ())
        await pilot.press("q")
        await pilot.pause()
        assert not app.is_running


async def test_a_missing_file_is_not_created_and_retry_recovers(tmp_path, demo_master, make_app):
    import shutil

    missing = tmp_path / "later.db"
    app = make_app(missing, is_demo=False)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        assert "no such database file" in str(app.screen.query_one("#error-message").render())
        assert not missing.exists()
        shutil.copy(demo_master, missing)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.snapshot is not None


async def test_a_reload_that_fails_keeps_the_last_figures_reachable(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        good = app.snapshot
        demo_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        await pilot.press("r")
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        await pilot.press("escape")
        assert isinstance(app.screen, OverviewScreen)
        assert app.snapshot is good


async def test_loading_shows_progress_on_the_first_screen(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        screen = app.screen
        assert screen.has_class("-first-load") or app.snapshot is not None
        await settle(pilot)
        assert not screen.has_class("-first-load")
        assert screen.query_one("#body").display


async def test_below_a_usable_size_it_says_so(demo_db, make_app):
    app = make_app(demo_db)
    async with app.run_test(size=(50, 12), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert screen.has_class("-too-small")
        notice = screen.query_one("#too-small")
        assert notice.display and "too small" in str(notice.render())
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert not screen.has_class("-too-small")
        assert screen.has_class("-narrow")


async def test_a_failed_reload_after_a_change_keeps_the_figures_and_says_so(demo_db, make_app):
    app = make_app(demo_db, watch_seconds=0.05)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        good = app.snapshot
        demo_db.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
        for _ in range(100):
            await pilot.pause(0.05)
            if app._notifications:
                break
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.snapshot is good
        messages = [str(n.message) for n in app._notifications]
        assert any("Could not re-read the database" in m and str(demo_db) in m for m in messages)
