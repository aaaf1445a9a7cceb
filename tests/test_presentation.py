"""One vocabulary: the report, the exports and the screens word a figure the same way."""

from __future__ import annotations

import datetime as dt

import polars as pl
from rich.console import Console

from cfmonitor import report
from cfmonitor.data.trend import Direction
from cfmonitor.presentation import (
    agency_share,
    format_change,
    title_line,
    vacancy_gap,
)
from cfmonitor.tui.widgets.cells import change_text

DIRECTION = Direction(
    as_of=dt.date(2026, 11, 26),
    teams=pl.DataFrame(),
    organisation=pl.DataFrame(
        {
            "measure": ["average_caseload", "over", "vacancy_rate", "agency_rate"],
            "now": [13.4, 40.0, 0.02, 0.14],
            "weeks_12_ago": [14.2, 43.0, 0.02, 0.13],
            "change_12_weeks": [-0.8, -3.0, 0.0, 0.012],
            "months_12_ago": [14.0, 40.0, 0.03, 0.15],
            "change_12_months": [-0.6, 0.0, -0.01, None],
        }
    ),
)


def _rendered(renderable) -> str:
    console = Console(width=160, record=True, color_system=None)
    console.print(renderable)
    return console.export_text()


def test_a_change_reads_the_same_in_the_report_and_on_screen() -> None:
    """Once `↓ -0.8` in the report and `↓ −0.8 in 12 wk` on screen."""
    shown = _rendered(report._direction_table(DIRECTION))
    for measure, change in [
        ("average_caseload", -0.8),
        ("over", -3.0),
        ("agency_rate", 0.012),
        ("vacancy_rate", -0.01),
    ]:
        words = format_change(change, measure)
        assert words in shown
        assert change_text(change, measure, "12 wk").plain == f"{words} in 12 wk"
    assert "↓ −0.8" in shown and "-0.8" not in shown
    assert "↑ +1.2 pts" in shown
    assert format_change(None, "over", "12 mo") == "– in 12 mo"


def test_headline_figures_read_the_same_in_the_report_and_on_screen() -> None:
    from cfmonitor.tui.screens.overview import summary_figures

    row = {
        "fte_in_post": 503.4,
        "establishment_fte": 511.0,
        "vacancy_fte": 7.6,
        "vacancy_rate": 7.6 / 511,
        "agency_workers": 81,
        "agency_rate": 0.142,
        "open_cases": 6829,
        "unallocated_cases": 116,
        "average_caseload": 13.4,
        "census_vacancy_rate": 0.155,
        "census_average_caseload": 15.1,
        "over": 40,
        "near": 61,
    }
    figures = {
        figure.label: figure.value.plain
        for figure in summary_figures(row, {"over": "", "near": ""})
    }
    assert figures["Vacancy gap"] == vacancy_gap(row) == "7.6 FTE (1.5%)"
    assert figures["Agency"] == agency_share(row) == "81 (14.2% of FTE)"
    assert figures["Near"] == "● 61" and figures["Over"] == "▲ 40"
    assert figures["Census vacancy"] == "15.5%" and figures["Census caseload"] == "15.1"


def test_titles_say_what_and_when_and_demo() -> None:
    assert (
        title_line("2026-11-26", "Horsham Assessment and Intervention", "workers", is_demo=True)
        == "Caseloads as of 2026-11-26 · Horsham Assessment and Intervention · workers · DEMO DATA"
    )
    assert title_line("2026-11-26", "Organisation", is_demo=False) == (
        "Caseloads as of 2026-11-26 · Organisation"
    )
