"""Every screen's top bar says how fresh the data is, and an old extract is warned about
once, in a toast, as well as in the bar."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from cfmonitor.tui.widgets.topbar import TopBar
from tests.tui.helpers import DEMO_DAY, SIZES, screen_lines, settle

OLD = "2026-10-01"  # 56 days before DEMO_DAY; the default policy allows 35


def with_extract(path, extract: str | None):
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("UPDATE imports SET extract_date = ?", (extract,))
    connection.close()
    return path


def record_warnings(app) -> list[str]:
    """Every warning toast the app raises (a toast's own timeout can pass on a slow
    machine before the test looks at the screen's notifications)."""
    raised: list[str] = []
    notify = app.notify

    def recording(message: str, **options) -> None:
        if options.get("severity") == "warning":
            raised.append(message)
        notify(message, **options)

    app.notify = recording
    return raised


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_fresh_demo_data_says_data_as_of_without_a_warning(demo_db, make_app, size):
    app = make_app(demo_db)
    warnings = record_warnings(app)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.query_one(TopBar).data_age_plain == "· data as of 26 Nov 2026"
        top = screen_lines(app)[0].rstrip()
        # Where both fit, both show; fresh data's "data as of" would give way to the crumbs.
        assert top.startswith(" Organisation ")
        assert top.endswith("as of Thu 26 Nov 2026 · data as of 26 Nov 2026")
        assert warnings == []


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_an_old_extract_is_warned_about_on_every_screen(demo_db, make_app, size):
    app = make_app(with_extract(demo_db, OLD))
    warnings = record_warnings(app)
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        stale = "⚠ data as of 1 Oct 2026 (56 days old)"
        assert screen_lines(app)[0].rstrip().endswith(stale)
        (toast,) = warnings
        assert toast.startswith("The data is 56 days old on 2026-11-26 (extracted on 2026-10-01)")
        await pilot.press("enter")  # a team
        await pilot.pause()
        assert screen_lines(app)[0].rstrip().endswith(stale)
        await pilot.press("enter")  # a worker
        await pilot.pause()
        assert screen_lines(app)[0].rstrip().endswith(stale)
        await pilot.press("r")  # a reload does not warn again
        await settle(pilot)
        assert len(warnings) == 1


async def test_looking_back_before_the_extract_is_not_stale(demo_db, make_app):
    app = make_app(with_extract(demo_db, OLD), as_of=dt.date(2026, 10, 15))
    warnings = record_warnings(app)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.query_one(TopBar).data_age_plain == "· data as of 1 Oct 2026"
        assert warnings == []


async def test_a_file_without_an_extract_date_says_so(demo_db, make_app):
    app = make_app(with_extract(demo_db, None), is_demo=False)
    warnings = record_warnings(app)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        # The demo's import ran on its today, so the age counts from then: not stale.
        assert app.screen.query_one(TopBar).data_age_plain == (
            "· imported 26 Nov 2026 (no extract date)"
        )
        assert DEMO_DAY.isoformat() == "2026-11-26" and warnings == []
