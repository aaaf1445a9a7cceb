"""The overview shows the census-comparable figures beside the council's own, at both sizes.

The database is `tests/test_census_report.py`'s team, worked out there by hand: vacancy
gap 25%, census vacancy 50%, agency 33% of FTE, average caseload 6.0, census caseload 9.0.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.test_census_report import census_team
from tests.tui.helpers import SIZES, screen_lines, settle


@pytest.mark.parametrize("size", SIZES.values(), ids=SIZES.keys())
async def test_overview_shows_census_figures_labelled(tmp_path, make_app, size):
    db = census_team(tmp_path / "census.db")
    app = make_app(db, is_demo=False, as_of=dt.date(2024, 6, 1))
    async with app.run_test(size=size, notifications=True) as pilot:
        await settle(pilot)
        text = "\n".join(screen_lines(app))
        assert "Vacancy gap" in text and "1.0 FTE (25.0%)" in text
        assert "Census vacancy" in text and "50.0%" in text
        assert "Agency" in text and "1 (33.3% of FTE)" in text
        assert "Average caseload" in text and "6.0" in text
        assert "Census caseload" in text and "9.0" in text
        # The figures' lines (the direction of travel folded under them may end in "…").
        figures = [line for line in screen_lines(app)[1:6] if "Last 12 wk" not in line]
        assert not any("…" in line for line in figures), "a figure was cut short"
