"""The TUI on PostgreSQL: the same figures as from the file, and a failure shown as the
engine's sentence, never the password. (Loading at another date and reloading when
another program writes: tests/tui/test_loading.py, over both backends.)"""

from __future__ import annotations

from cfmonitor.database.location import parse_location
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.screens.error import ErrorScreen
from cfmonitor.tui.screenshots import settle
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
