"""The supervision view explains the figures: how capacity and load are made, reductions,
and the cases with families marked."""

from __future__ import annotations

import datetime as dt

from cfmonitor.tui.screens.worker import WorkerScreen
from tests.factory import DatabaseBuilder
from tests.tui.helpers import screen_lines, settle, table


async def test_the_supervision_view_shows_how_the_figures_are_made(tmp_path, make_app):
    builder = DatabaseBuilder()
    team = builder.team("Hollow Lane", establishment_fte=2.0)
    worker = builder.worker(team, name="Ada Stone", fte=0.8, cohort="nqsw")
    builder.reduction(worker, 25, reason="Phased return", end_date="2027-01-31")
    builder.reduction(worker, 10, reason="Old one", start_date="2020-01-01", end_date="2021-01-01")
    builder.cases_for(worker, team, 3)
    builder.cases_for(worker, team, 2, complexity="complex", family_ref="FAM-9")
    db = builder.write(tmp_path / "small.db")
    app = make_app(db, is_demo=False, as_of=dt.date(2026, 11, 26))
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("enter", "enter")
        assert isinstance(app.screen, WorkerScreen)
        text = "\n".join(screen_lines(app))
        # 15 (nqsw) × 0.80 × (1 − 25%) = 9.0; 3 × 1.0 + 2 × 1.2 = 5.4; 5.4 / 9.0 = 60%
        assert "15.0 (nqsw maximum) × 0.80 FTE × (1 − 25% reductions) = 9.0" in text
        assert "3 standard × 1.0 + 2 complex × 1.2 = 5.4" in text
        assert "60%" in text and "✓ ok" in text
        assert "25% Phased return" in text and "ends 2027-01-31" in text
        assert "Old one" not in text
        assert table(pilot).row_count == 5
        marks = [line for line in text.splitlines() if "FAM-9" in line]
        assert len(marks) == 2 and all("◆ 2" in line for line in marks)
        assert "DEMO DATA" not in text
        assert "Organisation › Hollow Lane › Ada Stone" in text
