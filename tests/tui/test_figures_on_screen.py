"""What the screens say about waiting cases, demo data and dates outside the data, and
what an export carries (issue 8: figures, labels and exports)."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl

from cfmonitor.tui.screens.export import ExportDialog
from cfmonitor.tui.screens.unallocated import UnallocatedScreen
from cfmonitor.tui.widgets.table import CaseloadTable
from tests.test_unallocated import DAY, waiting_db  # noqa: F401  (the fixture)
from tests.tui.helpers import settle


def lines(pilot) -> list[str]:
    table = pilot.app.screen.query_one("#table", CaseloadTable)
    return [table.render_line(y).text for y in range(table.size.height)]


async def test_unallocated_screen_shows_since_when_and_who_held_it_last(
    waiting_db: Path,  # noqa: F811
    make_app,
):
    app = make_app(waiting_db, is_demo=False, as_of=DAY)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("u")
        assert isinstance(app.screen, UnallocatedScreen)
        shown = lines(pilot)
        assert "Unallocated since" in shown[0] and "Last worker" in shown[0]
        lost = next(line for line in shown if "C-LOST" in line)
        since = (DAY - dt.timedelta(days=70)).isoformat()
        assert since in lost and "SW-LEFT" in lost and " 70 " in lost
        order = [ref for line in shown for ref in ("C-ENDED", "C-LOST", "C-NEVER") if ref in line]
        assert order == ["C-ENDED", "C-LOST", "C-NEVER"]  # longest waiting first, any team
        figures = {f.label: f.value.plain for f in app.screen.query_one("#figures").figures}
        assert figures["Longest waiting"] == "200 days"


async def test_a_copy_of_the_demo_opened_by_path_says_demo_data(demo_master, make_app, tmp_path):
    copy = Path(shutil.copy(demo_master, tmp_path / "caseloads.db"))
    app = make_app(copy, is_demo=False)  # as `cfmonitor --db caseloads.db` chooses it
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert app.screen.query_one("#demo").display
        app.open_team("Horsham Assessment and Intervention")
        await settle(pilot)
        assert app.screen.query_one("#demo").display


async def test_an_as_of_before_the_data_says_so_in_the_top_bar(demo_db, make_app):
    app = make_app(demo_db, as_of=dt.date(2001, 1, 1))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        outside = app.screen.query_one("#outside")
        assert outside.display
        assert str(outside.render()).startswith("⚠ before the data (from ")
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        assert not app.screen.query_one("#outside").display


async def test_export_is_titled_named_and_headed_as_the_screen(
    demo_db, make_app, tmp_path, monkeypatch
):
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr("cfmonitor.tui.screens.export._last_folder", None)
    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        app.open_team("Horsham Assessment and Intervention")
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.screen, ExportDialog)
        path = Path(app.screen.query_one("#export-path").value)
        assert path == tmp_path / "horsham-assessment-and-intervention-workers-2026-11-26.csv"
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        text = path.read_text().splitlines()
        assert text[0] == (
            "Caseloads as of 2026-11-26 · Organisation › Horsham Assessment and Intervention"
            " · workers · DEMO DATA"
        )
        written = pl.read_csv(path, skip_rows=2, infer_schema=False)
        assert "Load" in written.columns and "weighted_load" not in written.columns
        assert written.get_column("Util").str.ends_with("%").all()
        assert path.stat().st_mode & 0o777 == 0o600
        # The next export starts in the folder used last; its name is taken, and the dialog
        # speaks of its own checkbox, not of a command-line flag.
        await pilot.press("e")
        assert Path(app.screen.query_one("#export-path").value).parent == tmp_path
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        hint = str(app.screen.query_one("#export-hint").render())
        assert "already exists" in hint and "Replace an existing file" in hint
        assert "--force" not in hint
