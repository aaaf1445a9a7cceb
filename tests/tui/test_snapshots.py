"""Every screen at 80×24 and 120×36 on the demo data at 2026-11-26 (pytest-textual-snapshot).

Update after a deliberate change with `pytest tests/tui/test_snapshots.py --snapshot-update`
and look at the report before committing.
"""

from __future__ import annotations

import pytest

from cfmonitor.tui.screenshots import SCREENS
from tests.tui.helpers import SIZES, settle


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
