"""TUI fixtures: the demo database at a fixed date, small built databases, a ready app.

The demo is made once per test process, and so are its figures (`demo_figures`): an app
made by `make_app` on a fresh copy of it, for DEMO_DAY, is handed those figures instead of
reading and working them out again (about a second and a half a test). A test that
changes the copy, or asks for another day, reads the file as the app always does.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.app import App

from cfmonitor.cli import cli
from cfmonitor.data.engine import Caseloads
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp
from tests.tui.helpers import DEMO_DAY, SIZES, DemoCopyEngine, DemoFigures

__all__ = ["DEMO_DAY", "SIZES"]

_DEMO_COPIES: dict[Path, tuple[int, int] | None] = {}
"""Copies of the demo made by `demo_db`, each with its signature as made: the only files
the shared figures stand for, as long as they are as made."""
READ_AFRESH = bool(os.environ.get("CFMONITOR_TEST_READ_DEMO"))
"""Set CFMONITOR_TEST_READ_DEMO=1 to read the demo in every test, as before the seam."""
TOAST_STRETCH = 5
"""How many times longer a toast stays up in a Pilot test than for a user."""


@pytest.fixture(autouse=True)
def patient_toasts(monkeypatch: pytest.MonkeyPatch) -> None:
    """A toast stays up a few seconds; on a loaded two-core CI machine the steps between
    the key and the test's look can take longer. Stretched, the test still sees the toast
    the user saw (drawn, with notifications on) instead of failing by the clock."""
    notify = App.notify

    def patient(self: App[object], message: str, **options: object) -> None:
        seconds = options.get("timeout")
        stretched = (self.NOTIFICATION_TIMEOUT if seconds is None else seconds) * TOAST_STRETCH
        notify(self, message, **{**options, "timeout": stretched})

    monkeypatch.setattr(App, "notify", patient)


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cfmonitor demo PATH --seed 7 --today 2026-11-26`, made once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    cli.main(
        ["demo", str(path), "--seed", "7", "--today", DEMO_DAY.isoformat()],
        standalone_mode=False,
    )
    return path


@pytest.fixture(scope="session")
def demo_figures(demo_master: Path) -> DemoFigures:
    """The demo's figures at DEMO_DAY, worked out once per test process."""
    return DemoFigures.of(demo_master)


@pytest.fixture
def demo_db(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy, so a test that changes the file cannot disturb another."""
    path = Path(shutil.copy(demo_master, tmp_path / "demo.db"))
    _DEMO_COPIES[path] = Caseloads(DatabaseChoice(path, is_demo=True), Policy()).signature()
    return path


@pytest.fixture
def make_app(request: pytest.FixtureRequest) -> Callable[..., CfmonitorApp]:
    def make(
        path: Path,
        *,
        is_demo: bool = True,
        as_of: dt.date = DEMO_DAY,
        watch_seconds: float = 0,
        read_afresh: bool = READ_AFRESH,
    ) -> CfmonitorApp:
        """`read_afresh`: the app reads the file itself even on a fresh demo copy (a test
        that replaces part of the engine)."""
        choice = DatabaseChoice(path, is_demo=is_demo)
        engine = None
        if path in _DEMO_COPIES and is_demo and not read_afresh:
            figures = request.getfixturevalue("demo_figures")
            engine = DemoCopyEngine(choice, figures, made_as=_DEMO_COPIES[path])
        return CfmonitorApp(
            choice, policy=Policy(), as_of=as_of, watch_seconds=watch_seconds, engine=engine
        )

    return make
