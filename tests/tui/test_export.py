"""`e` writes the rows a table shows, as shown, to the file the user names (issue 4)."""

from __future__ import annotations

import polars as pl

from cfmonitor.tui.screens.export import ExportDialog
from tests.tui.helpers import settle, table


async def test_e_exports_the_visible_rows_as_csv(demo_db, make_app, tmp_path):
    app = make_app(demo_db)
    target = tmp_path / "arun.csv"
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("f", "slash", *"arun", "enter", "e")
        assert isinstance(app.screen, ExportDialog)
        shown = app.screen_stack[0].export_frame()
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert table(pilot).row_count == shown.height
    written = pl.read_csv(target, infer_schema=False, skip_rows=2)  # below the title
    assert written.get_column("Team").to_list() == shown.get_column("team").to_list()
    assert "flagged" not in written.columns and "Flagged" not in written.columns
    assert any(str(target) in str(n.message) for n in app._notifications)


async def test_export_refuses_to_replace_a_file_unless_asked(demo_db, make_app, tmp_path):
    app = make_app(demo_db)
    target = tmp_path / "keep.csv"
    target.write_text("mine\n")
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")
        app.screen.query_one("#export-path").value = str(target)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ExportDialog)
        assert target.read_text() == "mine\n"
        app.screen.query_one("#export-force").value = True
        app.screen.query_one("#export-path").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
        assert "Staff ref" in target.read_text()
