"""Report headers say exactly what is shown: the team asked for, the statuses asked for,
the first row's date, demo data when it is, and an as-of outside the data's dates."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import zipfile
from pathlib import Path

import polars as pl
import pytest

from tests.cli_runner import run_cli
from tests.test_cli import DAY, build_small_db, report


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return build_small_db(tmp_path / "small.db")


def test_only_over_lists_only_the_teams_with_someone_over(capsys, small_db: Path) -> None:
    shown = report(capsys, small_db, "--only", "over")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert "workers over" in lines[0]
    teams = lines[lines.index(next(x for x in lines if x.startswith("Teams"))) :]
    teams = teams[: teams.index(next(x for x in teams if x.startswith("Workers")))]
    assert any("Alpha" in line for line in teams)
    assert not any("Beta" in line for line in teams)
    document = json.loads(report(capsys, small_db, "--only", "over", "--format", "json").out)
    assert [team["team"] for team in document["teams"]] == ["Alpha"]


def test_team_report_is_headed_with_the_teams_figures(capsys, small_db: Path) -> None:
    shown = report(capsys, small_db, "--team", "beta")
    assert shown.code == 0, shown.err
    lines = shown.out.splitlines()
    assert lines[0].startswith(f"Caseloads as of {DAY} (data as of: not recorded) · Beta")
    assert "Organisation" not in shown.out
    # Beta: one agency worker at 0.5 FTE of an establishment of 1: the team's own gap.
    assert "0.5 FTE (50.0%)" in shown.out
    assert "1.5 FTE" not in shown.out  # the organisation's gap (4 posts, 2.5 FTE in post)
    markdown = report(capsys, small_db, "--team", "beta", "--format", "markdown").out
    assert markdown.startswith(f"# Caseloads as of {DAY} (data as of: not recorded) · Beta\n")
    assert "## Organisation" not in markdown and "## Beta" in markdown


def test_near_has_its_symbol_in_the_rich_report(capsys, small_db: Path) -> None:
    shown = report(capsys, small_db).out
    assert "▲ 1 / ● 1" in shown  # the headline: workers over / near
    alpha = next(line for line in shown.splitlines() if line.strip().startswith("Alpha"))
    assert alpha.split()[-4:] == ["▲", "1", "●", "1"]


def test_trend_header_names_the_first_row_shown(capsys, small_db: Path) -> None:
    args = ["report", "--db", str(small_db), "--trend", "--from", "2024-05-02"]
    args += ["--to", "2024-06-01"]
    table = run_cli(capsys, *args)
    assert table.code == 0, table.err
    # Weekly points step back from 2024-06-01: the first is 2024-05-04, not 2024-05-02.
    assert (
        table.out.splitlines()[0]
        == "Caseloads from 2024-05-04 to 2024-06-01, every week · data as of: not recorded"
    )
    markdown = run_cli(capsys, *args, "--format", "markdown").out
    assert markdown.startswith(
        "# Caseloads from 2024-05-04 to 2024-06-01, every week (data as of: not recorded)\n"
    )


def test_files_carry_the_title_and_date(capsys, small_db: Path, tmp_path: Path) -> None:
    csv = report(capsys, small_db, "--format", "csv").out
    assert csv.splitlines()[0] == f"Caseloads as of {DAY} (data as of: not recorded) · Organisation"
    out = tmp_path / "r.xlsx"
    assert report(capsys, small_db, "--format", "xlsx", "--output", str(out)).code == 0
    workers = pl.read_excel(out, sheet_name="Workers", has_header=False)
    assert workers.row(0)[0] == f"Caseloads as of {DAY} (data as of: not recorded) · Organisation"
    headings = next(row for row in workers.iter_rows() if row[0] == "Staff ref")
    assert "Load" in headings and "weighted_load" not in headings
    with zipfile.ZipFile(out) as archive:
        sheet = archive.read("xl/worksheets/sheet3.xml").decode()
        styles = archive.read("xl/styles.xml").decode()
    assert "<autoFilter" in sheet and "<cols>" in sheet
    assert 'formatCode="0%"' in styles  # utilisation as a percentage, still a number


def test_a_copy_of_a_demo_database_is_labelled_everywhere(
    capsys, tmp_path: Path, demo_copy: Path
) -> None:
    table = run_cli(capsys, "report", "--db", str(demo_copy), "--as-of", "2026-11-26")
    assert "DEMO DATA" in table.out.splitlines()[0]
    csv = run_cli(capsys, "report", "--db", str(demo_copy), "--format", "csv").out
    assert csv.splitlines()[0].endswith("· DEMO DATA")
    document = json.loads(run_cli(capsys, "report", "--db", str(demo_copy), "--format", "json").out)
    assert document["demo_data"] is True


def test_an_as_of_outside_the_data_is_a_warning_not_an_error(capsys, small_db: Path) -> None:
    before = run_cli(capsys, "report", "--db", str(small_db), "--as-of", "2019-12-31")
    assert before.code == 0
    assert "warning: 2019-12-31 is before the first date in the database (2020-01-01)" in (
        before.err
    )
    after = run_cli(
        capsys, "report", "--db", str(small_db), "--as-of", "2030-01-01", "--format", "json"
    )
    assert after.code == 0 and json.loads(after.out)["as_of"] == "2030-01-01"
    assert "warning: 2030-01-01 is after the last date in the database (2020-01-01)" in after.err
    inside = run_cli(capsys, "report", "--db", str(small_db), "--as-of", "2020-01-01")
    assert "warning" not in inside.err


@pytest.fixture
def demo_copy(tmp_path: Path) -> Path:
    from cfmonitor.data.demo import write_demo_database

    made = tmp_path / "made.db"
    write_demo_database(made, seed=2, today=dt.date(2026, 11, 26))
    copy = tmp_path / "caseloads.db"  # nothing in the name says demo
    shutil.copy(made, copy)
    return copy


def test_trend_only_over_lists_only_the_teams_with_someone_over(capsys, small_db: Path) -> None:
    args = ["report", "--db", str(small_db), "--trend", "--from", "2024-05-18", "--to", DAY]
    document = json.loads(run_cli(capsys, *args, "--only", "over", "--format", "json").out)
    assert {row["team"] for row in document["teams"]} == {"Alpha"}
    assert {row["date"] for row in document["teams"]} == {"2024-05-18", "2024-05-25", DAY}
    everyone = json.loads(run_cli(capsys, *args, "--format", "json").out)
    assert {row["team"] for row in everyone["teams"]} == {"Alpha", "Beta"}
