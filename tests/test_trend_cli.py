"""`cfmonitor report --trend`: a row for date d is the row `report --as-of d` gives; on
SQLite and PostgreSQL alike (the `backend` fixture: PostgreSQL's output is the file's)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from tests.postgres.backends import DEMO_DAY, Database, run_cli

TODAY = DEMO_DAY


@pytest.fixture
def demo_path(demo_database: Database) -> Database:
    """The demo (seed 7, 26 Nov 2026) on the backend."""
    return demo_database


def trend(capsys, db: Path | Database, *args: str):
    return run_cli(capsys, "report", "--db", db, "--trend", *args)


def without_date(rows: list[dict], day: str) -> list[dict]:
    return [{k: v for k, v in row.items() if k != "date"} for row in rows if row["date"] == day]


def test_each_dated_row_equals_the_report_for_that_day(capsys, demo_path: Database) -> None:
    before = hashlib.sha256(demo_path.path.read_bytes()).hexdigest()
    result = trend(
        capsys, demo_path, "--from", "2026-09-20", "--to", "2026-11-26", "--format", "json"
    )
    assert result.code == 0, result.err
    series = json.loads(result.out)
    assert list(series) == [
        *("from", "to", "every", "data_as_of", "freshness"),
        *("organisation", "teams", "workers"),
    ]
    assert series["data_as_of"] == "2026-11-26"  # the demo's own extract date
    assert (series["from"], series["to"], series["every"]) == ("2026-09-20", "2026-11-26", "week")
    days = [row["date"] for row in series["organisation"]]
    assert days[-1] == "2026-11-26" and len(days) == 10
    assert any(row["sustained"] for row in series["workers"])
    for day in (days[0], days[4], days[-1]):
        result = run_cli(capsys, "report", "--db", demo_path, "--as-of", day, "--format", "json")
        assert result.code == 0, result.err
        report = json.loads(result.out)
        assert without_date(series["organisation"], day) == [report["organisation"]]
        assert without_date(series["teams"], day) == report["teams"]
        assert without_date(series["workers"], day) == report["workers"]
    assert hashlib.sha256(demo_path.path.read_bytes()).hexdigest() == before


def test_defaults_are_two_years_weekly_to_the_as_of_date(capsys, demo_path: Database) -> None:
    result = trend(
        capsys, demo_path, "--as-of", "2026-11-26", "--format", "json", "--team", "mash north"
    )
    assert result.code == 0, result.err
    series = json.loads(result.out)
    assert (series["from"], series["to"], series["every"]) == ("2024-11-26", "2026-11-26", "week")
    assert len(series["organisation"]) == 105
    assert {row["team"] for row in series["teams"]} == {"MASH North"}
    assert {row["team"] for row in series["workers"]} == {"MASH North"}


def test_monthly_csv_markdown_and_table(capsys, demo_path: Database) -> None:
    common = ("--from", "2026-06-01", "--to", "2026-11-26", "--every", "month")
    csv = trend(capsys, demo_path, *common, "--format", "csv")
    assert csv.code == 0, csv.err
    lines = csv.out.splitlines()
    assert lines[0].startswith("date,team,service_area,workers_in_post,")
    assert lines[1].startswith("2026-06-26,,,")  # the organisation, then its teams
    markdown = trend(capsys, demo_path, *common, "--format", "markdown")
    assert "## Organisation" in markdown.out and "| date |" in markdown.out
    table = trend(capsys, demo_path, *common, "--only", "over")
    assert table.code == 0, table.err
    for heading in ("Direction of travel", "Workers in sustained overload on 2026-11-26"):
        assert heading in table.out
    assert "2026-10-26" in table.out and "12 months ago" in table.out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--trend", "--from", "2026-03-01", "--to", "2026-01-01"), "is after --to"),
        (("--trend", "--from", "2026-13-01"), "'2026-13-01' is not a day of the calendar"),
        (("--trend", "--to", "11/26/2026"), "'11/26/2026' looks month-first"),
        (("--trend", "--every", "fortnight"), "'fortnight' is not one of"),
        (("--from", "2026-01-01"), "--from only applies to a trend report"),
        (("--every", "month"), "--every only applies to a trend report"),
        (("--trend", "--fail-on", "over"), "cannot be used with --trend"),
        (("--trend", "--as-of", "2026-01-01", "--to", "2026-02-01"), "give only one"),
        (("--trend", "--team", "Nobody"), "no team is called 'Nobody'"),
        (("--trend", "--output", "series.json"), "no --output or xlsx yet"),
    ],
)
def test_bad_trend_requests_get_one_sentence_and_exit_2(
    capsys, sqlite_demo: Path, args: tuple[str, ...], message: str
) -> None:
    result = run_cli(capsys, "report", "--db", str(sqlite_demo), *args, "--format", "json")
    assert result.code == 2
    assert message in result.err
    assert "Traceback" not in result.err
    assert result.out == ""
