"""An unexpected crash ends in one sentence: no traceback, no locals (they hold names)."""

from __future__ import annotations

import pytest

from cfmonitor.errors import CfmonitorError
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui import app as app_module


def test_a_crash_is_one_sentence_without_the_data(demo_db, monkeypatch, capsys):
    secret = "Ulnor Sorrelbrook"

    def crash(self) -> None:
        name = secret  # a local that Textual's own crash report would print
        raise RuntimeError(f"boom near {name}")

    monkeypatch.setattr(app_module.CfmonitorApp, "on_mount", crash)
    monkeypatch.setattr(
        app_module.CfmonitorApp, "run", lambda self: app_module.App.run(self, headless=True)
    )
    with pytest.raises(CfmonitorError, match="unexpected RuntimeError; nothing was changed"):
        app_module.run_app(DatabaseChoice(demo_db, is_demo=True), policy=Policy(), as_of=None)
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err + captured.out
    assert secret not in captured.err + captured.out
