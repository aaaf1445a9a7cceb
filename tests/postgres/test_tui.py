"""The TUI on PostgreSQL: the same figures as from the file, a reload when another
program writes, and a failure shown as the engine's sentence, never the password."""

from __future__ import annotations

import polars as pl

from cfmonitor.database.location import parse_location
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.screens.error import ErrorScreen
from cfmonitor.tui.screenshots import settle
from tests.postgres import server as pg
from tests.postgres.conftest import DEMO_DAY


def _app(url_or_path, *, watch_seconds: float = 0) -> CfmonitorApp:
    location = parse_location(url_or_path)
    where = getattr(location, "path", location)
    return CfmonitorApp(
        DatabaseChoice(where, is_demo=False),
        policy=Policy(),
        as_of=DEMO_DAY,
        watch_seconds=watch_seconds,
    )


async def test_the_same_figures_as_from_the_file(postgres) -> None:
    snapshots = []
    for where in (postgres.sqlite_demo, postgres.demo):
        app = _app(where)
        async with app.run_test(size=(120, 36), notifications=True) as pilot:
            await settle(pilot)
            assert not isinstance(app.screen, ErrorScreen)
            snapshots.append(app.snapshot)
    from_file, from_postgres = snapshots
    for name in ("workers", "teams", "organisation", "unallocated_cases", "problems"):
        assert getattr(from_postgres, name).equals(getattr(from_file, name)), name


def _add_case_for(postgres, database: str, staff_ref: str) -> None:
    """Another program writes: one more open case allocated to the worker."""
    pg.execute(
        postgres.server,
        database,
        "INSERT INTO cases (id, case_ref, team_id, case_type, complexity, opened_on) "
        "SELECT (SELECT MAX(id) + 1 FROM cases), 'NEW-1', team_id, 'CIN', 'intense', "
        f"DATE '2026-01-01' FROM workers WHERE staff_ref = '{staff_ref}'",
        "INSERT INTO allocations (id, case_id, worker_id, start_date) "
        "SELECT (SELECT MAX(id) + 1 FROM allocations), (SELECT MAX(id) FROM cases), id, "
        f"DATE '2026-01-02' FROM workers WHERE staff_ref = '{staff_ref}'",
    )


async def test_reloads_when_another_program_writes(postgres) -> None:
    url = postgres.copy_of_demo("tui_reload")
    app = _app(url, watch_seconds=0.1)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        first = app.snapshot
        staff_ref = first.workers.sort("staff_ref").item(0, "staff_ref")
        before = first.workers.filter(pl.col("staff_ref") == staff_ref).item(0, "cases")
        _add_case_for(postgres, "tui_reload", staff_ref)
        for _ in range(200):
            await pilot.pause(0.05)
            if app.snapshot is not first and not app.is_loading:
                break
        await settle(pilot)
        assert app.snapshot is not first
        after = app.snapshot.workers.filter(pl.col("staff_ref") == staff_ref).item(0, "cases")
        assert after == before + 1


async def test_a_wrong_password_is_one_sentence_without_it(postgres) -> None:
    wrong = "Tui-Wrong-Pass-1"
    app = _app(postgres.url(password=wrong))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ErrorScreen)
        message = str(app.screen.query_one("#error-message").render())
        assert "the server refused the password for user reader" in message
        assert wrong not in message
        assert wrong not in app.export_screenshot()
        assert "Traceback" not in message
