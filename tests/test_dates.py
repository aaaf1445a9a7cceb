"""Dates typed by a person: DD/MM/YYYY as `import` reads them, never month-first (issue 8)."""

from __future__ import annotations

import datetime as dt

import pytest

from cfmonitor.dates import parse_date
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder


@pytest.fixture
def good_db(tmp_path):
    builder = DatabaseBuilder()
    team_id = builder.team("Alpha")
    builder.cases_for(builder.worker(team_id), team_id, 3)
    return builder.write(tmp_path / "good.db")


@pytest.mark.parametrize(
    ("typed", "day"),
    [
        ("26/11/2026", dt.date(2026, 11, 26)),
        ("1/6/2026", dt.date(2026, 6, 1)),
        (" 2026-11-26 ", dt.date(2026, 11, 26)),
        ("12/12/2026", dt.date(2026, 12, 12)),
    ],
)
def test_day_first_and_iso_dates_are_read(typed: str, day: dt.date) -> None:
    assert parse_date(typed) == day


@pytest.mark.parametrize(
    ("typed", "sentence"),
    [
        ("12/31/2026", "'12/31/2026' looks month-first (US); write the day first"),
        ("31/02/2026", "'31/02/2026' is not a day of the calendar"),
        ("1/6/26", "'1/6/26' is ambiguous: write the year in full"),
        ("next week", "'next week' is not a date; write DD/MM/YYYY or YYYY-MM-DD"),
        ("26/11/0026", "'26/11/0026' is not a plausible year"),
        ("today", "'today' is not a date"),
    ],
)
def test_anything_else_is_refused_in_one_sentence_naming_it(typed: str, sentence: str) -> None:
    with pytest.raises(ValueError, match="^" + sentence.replace("(", r"\(").replace(")", r"\)")):
        parse_date(typed)


def test_today_is_a_word_only_where_it_is_offered() -> None:
    assert parse_date("Today", today=dt.date(2026, 1, 2)) == dt.date(2026, 1, 2)


@pytest.mark.parametrize(
    "command",
    [("report",), ("check",), ("report", "--trend")],
)
def test_every_as_of_reads_day_first_and_refuses_month_first(capsys, good_db, command) -> None:
    ok = run_cli(capsys, *command, "--db", str(good_db), "--as-of", "26/11/2026")
    assert ok.code in (0, 1), ok.err  # check exits 1 on data problems
    assert "Traceback" not in ok.err and "not a date" not in ok.err
    bad = run_cli(capsys, *command, "--db", str(good_db), "--as-of", "12/31/2026")
    assert bad.code == 2
    assert bad.err.strip() == (
        "cfmonitor: Invalid value for '--as-of': '12/31/2026' looks month-first (US); write "
        "the day first, as DD/MM/YYYY, e.g. 26/11/2026 or 2026-11-26."
    )
