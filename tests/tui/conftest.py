"""TUI fixtures: the demo database at a fixed date, small built databases, a ready app."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from cfmonitor.cli import cli
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from cfmonitor.tui.app import CfmonitorApp

DEMO_DAY = dt.date(2026, 11, 26)
SIZES = {"narrow": (80, 24), "normal": (120, 36)}


@pytest.fixture(scope="session")
def demo_master(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """`cfmonitor demo PATH --seed 7 --today 2026-11-26`, made once per test session."""
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    cli.main(
        ["demo", str(path), "--seed", "7", "--today", DEMO_DAY.isoformat()],
        standalone_mode=False,
    )
    return path


@pytest.fixture
def demo_db(demo_master: Path, tmp_path: Path) -> Path:
    """A private copy, so a test that changes the file cannot disturb another."""
    return Path(shutil.copy(demo_master, tmp_path / "demo.db"))


@pytest.fixture
def make_app() -> Callable[..., CfmonitorApp]:
    def make(
        path: Path, *, is_demo: bool = True, as_of: dt.date = DEMO_DAY, watch_seconds: float = 0
    ) -> CfmonitorApp:
        return CfmonitorApp(
            DatabaseChoice(path, is_demo=is_demo),
            policy=Policy(),
            as_of=as_of,
            watch_seconds=watch_seconds,
        )

    return make
