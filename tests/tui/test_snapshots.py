"""Every screen at 80×24 and 120×36 on the demo data at 2026-11-26 (pytest-textual-snapshot).

Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest
from textual.pilot import Pilot

from tests.tui.conftest import SIZES
from tests.tui.test_navigation import settle


async def _overview(pilot: Pilot) -> None:
    await settle(pilot)


async def _team(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("down", "down", "enter")
    await pilot.pause()


async def _worker(pilot: Pilot) -> None:
    await _team(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def _unallocated(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("u")
    await pilot.pause()


async def _help(pilot: Pilot) -> None:
    await _team(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def _as_of(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()


async def _flagged_filtered(pilot: Pilot) -> None:
    await settle(pilot)
    await pilot.press("f", "slash", *"family", "enter")
    await pilot.pause()


SCREENS = {
    "overview": _overview,
    "team": _team,
    "worker": _worker,
    "unallocated": _unallocated,
    "help": _help,
    "as_of": _as_of,
    "flagged_filtered": _flagged_filtered,
}


@pytest.fixture(autouse=True)
def colour(monkeypatch: pytest.MonkeyPatch) -> None:
    """Snapshots keep colour (NO_COLOR is covered by a pilot test)."""
    monkeypatch.delenv("NO_COLOR", raising=False)


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
@pytest.mark.parametrize("screen", SCREENS, ids=list(SCREENS))
def test_screen(snap_compare, demo_db, make_app, screen: str, size: str) -> None:
    app = make_app(demo_db)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=SCREENS[screen])


@pytest.mark.parametrize("size", SIZES, ids=list(SIZES))
def test_error_screen(snap_compare, tmp_path, monkeypatch, make_app, size: str) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "notes.db").write_text("not a database\n")
    from pathlib import Path

    app = make_app(Path("notes.db"), is_demo=False)
    assert snap_compare(app, terminal_size=SIZES[size], run_before=settle)
