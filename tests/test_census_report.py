"""The census-comparable figures in every report format, on a team worked out by hand.

One team, establishment 4.0: a permanent worker (1.0 FTE, 10 cases), an agency worker
(1.0 FTE, 8 cases) and a permanent worker with no cases (1.0 FTE). In post 3.0 FTE,
permanent 2.0, agency 1.0.
  vacancy gap (agency fills a post): 4.0 - 3.0 = 1.0 FTE, 1.0 / 4.0 = 25%
  census vacancy (agency does not):  4.0 - 2.0 = 2.0 FTE, 2.0 / (2.0 + 2.0) = 50%
  agency rate: 1.0 / 3.0 = 33.3%
  census caseload: 18 cases / 2.0 FTE of the two holding any = 9.0 (own average 18 / 3 = 6.0)
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

DAY = "2024-06-01"


def census_team(path: Path) -> Path:
    builder = DatabaseBuilder()
    team = builder.team("Alpha", establishment_fte=4.0)
    builder.cases_for(builder.worker(team), team, 10)
    builder.cases_for(builder.worker(team, employment="agency"), team, 8)
    builder.worker(team)
    return builder.write(path)


@pytest.fixture
def census_db(tmp_path: Path) -> Path:
    return census_team(tmp_path / "census.db")


def report(capsys, db: Path, *args: str):
    result = run_cli(capsys, "report", "--db", str(db), "--as-of", DAY, *args)
    assert result.code == 0, result.err
    return result.out


def test_json_adds_the_census_fields_beside_the_old_ones(capsys, census_db):
    document = json.loads(report(capsys, census_db, "--format", "json"))
    for row in (document["organisation"], document["teams"][0]):
        assert row["vacancy_fte"] == 1.0 and row["vacancy_rate"] == 0.25
        assert row["permanent_fte"] == 2.0
        assert row["census_vacancy_fte"] == 2.0
        assert row["census_vacancy_rate"] == 0.5
        assert row["agency_rate"] == round(1 / 3, 4)
        assert row["average_caseload"] == 6.0
        assert row["census_average_caseload"] == 9.0


def test_table_labels_each_definition(capsys, census_db):
    lines = report(capsys, census_db).splitlines()

    def line(label: str) -> str:
        return next(text for text in lines if label in text)

    assert "1.0 FTE (25.0%)" in line("Vacancy gap (agency cover fills a post)")
    assert "50.0% (2.0 FTE)" in line("Census vacancy rate (agency cover is vacant)")
    assert "1 (33.3% of FTE)" in line("Agency workers (census agency rate)")
    assert line("Average caseload per FTE").rstrip().endswith("6.0")
    assert line("Census caseload (case holders only)").rstrip().endswith("9.0")
    team = line("Alpha")
    assert "25%" in team and "50%" in team and "9.0" in team


def test_markdown_and_xlsx_carry_the_census_columns(capsys, census_db, tmp_path):
    markdown = report(capsys, census_db, "--format", "markdown")
    lines = markdown.splitlines()
    header = next(line for line in lines if "Census vacancy" in line)
    cells = [cell.strip() for cell in header.strip("|").split("|")]
    organisation = lines[lines.index(header) + 2]
    shown = [cell.strip() for cell in organisation.strip("|").split("|")]
    values = dict(zip(cells, shown, strict=True))
    assert values["Census vacancy"] == "50.0%"
    assert values["Census caseload"] == "9.0"

    target = tmp_path / "report.xlsx"
    report(capsys, census_db, "--format", "xlsx", "--output", str(target))
    sheet = pl.read_excel(target, sheet_name="Organisation", has_header=False)
    rows = list(sheet.iter_rows())
    headings = next(row for row in rows if "Census vacancy" in row)
    figures = dict(zip(headings, rows[rows.index(headings) + 1], strict=True))
    assert float(figures["Census vacancy"]) == 0.5  # a number, shown as a percentage
    assert float(figures["Census caseload"]) == 9
