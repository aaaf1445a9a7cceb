"""The app's test seam: handed figures worked out elsewhere, it reads no database."""

from __future__ import annotations

from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.engine import ReadyFigures
from cfmonitor.tui.screens.overview import OverviewScreen
from tests.tui.helpers import DEMO_DAY, settle, table


async def test_an_app_handed_ready_figures_shows_them_and_reads_no_file(demo_figures, tmp_path):
    nowhere = tmp_path / "nowhere.db"
    figures = ReadyFigures(demo_figures.with_history, demo_figures.history)
    app = CfmonitorApp(
        DatabaseChoice(nowhere, is_demo=True),
        policy=Policy(),
        as_of=DEMO_DAY,
        watch_seconds=0,
        engine=figures,
    )
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, OverviewScreen)
        assert app.history is demo_figures.history
        shown = table(pilot).visible_frame.get_column("team").to_list()
        assert sorted(shown) == sorted(demo_figures.snapshot.teams.get_column("team").to_list())
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.snapshot is app.snapshot
    assert not nowhere.exists()


def test_ready_figures_refuse_another_day_in_one_sentence(demo_figures):
    import datetime as dt

    import pytest

    from cfmonitor.errors import CfmonitorError

    figures = ReadyFigures(demo_figures.snapshot)
    with pytest.raises(CfmonitorError, match="only the figures as of 2026-11-26"):
        figures.snapshot(dt.date(2026, 1, 1))
    with pytest.raises(CfmonitorError, match="no history"):
        figures.history(demo_figures.snapshot)
