"""In a browser, an export and a screenshot go to the user's downloads, never the server's disk.

(The browser test proves the download arrives in Chromium; these check what the app hands
to `deliver_binary` and that nothing is written where the server runs.)
"""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import polars as pl
import pytest
from textual.widgets import Checkbox, Input

from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from cfmonitor.tui.screens.export import ExportDialog
from cfmonitor.tui.screens.screenshot import ScreenshotDialog
from cfmonitor.tui.screenshots import settle
from tests.serve.conftest import TEAM


class Delivered(list):
    """What the app handed to `deliver_binary`: (the bytes, the options)."""

    def __call__(self, path_or_file: io.BytesIO, **options: object) -> str:
        assert isinstance(path_or_file, io.BytesIO)
        self.append((path_or_file.getvalue(), options))
        return "key"


@pytest.fixture
def web_app(small_db: Path, monkeypatch: pytest.MonkeyPatch) -> CfmonitorApp:
    """The app as `cfmonitor serve` runs it (`is_web`), recording what it delivers."""
    monkeypatch.setattr(CfmonitorApp, "is_web", property(lambda self: True))
    app = CfmonitorApp(
        DatabaseChoice(small_db, is_demo=False),
        policy=Policy(),
        as_of=dt.date(2026, 11, 26),
        watch_seconds=0,
    )
    app.deliver_binary = Delivered()  # type: ignore[method-assign]
    return app


@pytest.fixture
def server_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "server-cwd"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


async def test_an_export_in_the_browser_is_a_download_of_the_rows_shown(
    web_app: CfmonitorApp, server_folder: Path
) -> None:
    app = web_app
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "e")  # into the team, then export its workers
        dialog = app.screen
        assert isinstance(dialog, ExportDialog)
        name = dialog.query_one("#export-path", Input).value
        assert re.fullmatch(r"[a-z0-9-]+-workers-\d{4}-\d\d-\d\d\.csv", name)  # no folder
        assert not dialog.query(Checkbox)  # nothing to replace on the user's side
        shown = app.screen_stack[-2].export_frame()
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ExportDialog)
    [(data, options)] = app.deliver_binary
    assert options == {"save_filename": name, "mime_type": "text/csv"}
    title, table = data.decode("utf-8").split("\n", 1)
    assert title.startswith("Caseloads as of ")  # the same title row as a file on disk
    sent = pl.read_csv(io.BytesIO(table.encode()), infer_schema=False)
    assert sent.height == shown.height == 2
    assert sent.get_column("Staff ref").to_list() == shown.get_column("staff_ref").to_list()
    assert sorted(sent.get_column("Staff ref")) == ["SW0001", "SW0002"]
    assert any(f"Sent 2 rows to your browser as {name}" in n.message for n in app._notifications)
    assert list(server_folder.iterdir()) == []


async def test_a_screenshot_in_the_browser_is_a_download_of_the_svg(
    web_app: CfmonitorApp, server_folder: Path
) -> None:
    app = web_app
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        app.action_save_screenshot()
        await pilot.pause(0.3)
        dialog = app.screen
        assert isinstance(dialog, ScreenshotDialog)
        name = dialog.query_one("#screenshot-path", Input).value
        assert name.startswith("cfmonitor-") and name.endswith(".svg") and "/" not in name
        await pilot.press("enter")
        await pilot.pause()
        assert not isinstance(app.screen, ScreenshotDialog)
    [(data, options)] = app.deliver_binary
    assert options == {"save_filename": name, "mime_type": "image/svg+xml"}
    assert data.startswith(b"<svg") and TEAM.split()[0].encode() in data  # the team row
    assert list(server_folder.iterdir()) == []
