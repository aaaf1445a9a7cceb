"""`cfmonitor report --team A --team B` and `--service-area NAME` (issue 12, several teams
in one list): the workers of the set in every format with the team as a column, headed by
the set's figures; an unknown name is one sentence and exit 2.

A small database counted by hand: area North holds N1 (SW0001 with 19 cases: over;
SW0002 with 5: ok) and N2 (SW0003 with 17: near); area South holds S1 (SW0004 with 20:
over). Every worker is experienced, full time: capacity 18.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.cli import cli
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

AS_OF = "2026-11-26"


@pytest.fixture
def database(tmp_path: Path) -> Path:
    builder = DatabaseBuilder()
    n1 = builder.team("N1", service_area="North", establishment_fte=2.0)
    n2 = builder.team("N2", service_area="North", establishment_fte=1.0)
    s1 = builder.team("S1", service_area="South", establishment_fte=1.0)
    for team, count in ((n1, 19), (n1, 5), (n2, 17), (s1, 20)):
        worker = builder.worker(team)
        builder.cases_for(worker, team, count)
    builder.case(n2)  # one case N2 has nobody for
    return builder.write(tmp_path / "teams.db")


def report(capsys, database: Path, *args: str):
    return run_cli(capsys, "report", "--db", str(database), "--as-of", AS_OF, *args)


def test_a_service_area_lists_its_teams_workers_headed_by_their_sum(capsys, database):
    result = report(capsys, database, "--service-area", "north", "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    workers = {row["staff_ref"]: (row["team"], row["status"]) for row in document["workers"]}
    assert workers == {
        "SW0001": ("N1", "over"),
        "SW0002": ("N1", "ok"),
        "SW0003": ("N2", "near"),
    }
    assert [row["team"] for row in document["teams"]] == ["N1", "N2"]
    chosen = document["chosen"]
    assert chosen["description"] == "Service area: North · 2 teams"
    assert chosen["teams"] == ["N1", "N2"]
    figures = chosen["figures"]
    assert (figures["workers_in_post"], figures["over"], figures["near"]) == (3, 1, 1)
    assert (figures["open_cases"], figures["unallocated_cases"]) == (19 + 5 + 17 + 1, 1)
    assert [case["team"] for case in document["unallocated"]] == ["N2"]
    assert document["organisation"]["workers_in_post"] == 4  # still the whole organisation


def test_teams_named_one_by_one_add_up_with_an_area(capsys, database):
    result = report(
        capsys, database, "--team", "S1", "--team", "n2", "--format", "csv"
    )  # names ignore case, as --team always has
    assert result.code == 0, result.err
    title, _, rest = result.out.partition("\n")
    assert title.endswith("· 2 chosen teams")
    table = rest.split("Unallocated cases")[0].split("Workers\n", 1)[1].strip()
    workers = pl.read_csv(table.encode())
    assert workers.get_column("Team").to_list() == ["N2", "S1"]
    both = report(capsys, database, "--service-area", "South", "--team", "N1", "--format", "json")
    teams = {row["team"] for row in json.loads(both.out)["workers"]}
    assert teams == {"N1", "S1"}


@pytest.mark.parametrize("fmt", ["table", "csv", "markdown", "json", "xlsx"])
def test_every_format_has_the_team_column_and_only_the_set(capsys, database, tmp_path, fmt):
    args = ["--service-area", "North", "--format", fmt]
    if fmt == "xlsx":
        out = tmp_path / "north.xlsx"
        result = report(capsys, database, *args, "--output", str(out))
        assert result.code == 0, result.err
        workers = pl.read_excel(
            out, sheet_name="Workers", read_options={"dtypes": "string", "header_row": 2}
        )
        assert sorted(workers.get_column("Team").to_list()) == ["N1", "N1", "N2"]
        return
    result = report(capsys, database, *args)
    assert result.code == 0, result.err
    assert "Service area: North · 2 teams" in result.out
    assert "SW0004" not in result.out and "S1" not in result.out.replace("SW", "")
    for ref in ("SW0001", "SW0002", "SW0003"):
        assert ref in result.out
    assert ("Team" if fmt != "json" else '"team"') in result.out


def test_one_team_is_still_a_teams_report(capsys, database):
    result = report(capsys, database, "--team", "N1", "--format", "json")
    document = json.loads(result.out)
    assert "chosen" not in document
    assert {row["staff_ref"] for row in document["workers"]} == {"SW0001", "SW0002"}


def test_moves_and_redaction_follow_the_set(capsys, database):
    result = report(
        capsys, database, "--service-area", "North", "--move", "C000001:SW0002", "--redact"
    )
    assert result.code == 0, result.err
    assert "SCENARIO: 1 move" in result.out and "Service area: North" in result.out
    assert "Worker 1" not in result.out and "Worker 4" not in result.out
    assert "S1" not in result.out.replace("SW", "")


@pytest.mark.parametrize(
    ("args", "sentence"),
    [
        (
            ("--service-area", "Nowhere"),
            "cfmonitor: --service-area: no service area is called 'Nowhere'.",
        ),
        (("--team", "N1", "--team", "Nobody"), "cfmonitor: --team: no team is called 'Nobody'."),
        (("--service-area", "North", "--team", "X"), "cfmonitor: --team: no team is called 'X'."),
        (("--service-area", "[/]\x1b"), "cfmonitor: --service-area: no service area is called"),
    ],
)
def test_an_unknown_name_is_one_sentence_and_exit_2(capsys, database, args, sentence):
    before = database.read_bytes()
    result = report(capsys, database, *args)
    assert result.code == 2
    assert result.err.startswith(sentence) and result.err.count("\n") == 1
    assert "Traceback" not in result.err and "\x1b" not in result.err
    assert database.read_bytes() == before


def test_a_trend_takes_one_team_only(capsys, database):
    result = report(capsys, database, "--trend", "--service-area", "North")
    assert result.code == 2
    assert "--service-area apply to one day's report" in result.err


# --- the demo, against its team screens -------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    cli.main(["demo", str(path), "--seed", "7", "--today", AS_OF], standalone_mode=False)
    return path


def test_the_demos_area_is_its_team_screens_one_after_another(capsys, demo):
    """The area's workers are, by staff ref, those of each of its team's own report
    (the team screen's rows); its over and near counts are theirs added up."""
    every = json.loads(report(capsys, demo, "--format", "json").out)
    area = every["teams"][2]["service_area"]
    teams = [row["team"] for row in every["teams"] if row["service_area"] == area]
    assert len(teams) > 1
    expected: set[str] = set()
    over = near = 0
    for team in teams:
        one = json.loads(report(capsys, demo, "--team", team, "--format", "json").out)
        expected |= {row["staff_ref"] for row in one["workers"]}
        over += sum(row["status"] == "over" for row in one["workers"])
        near += sum(row["status"] == "near" for row in one["workers"])
    result = json.loads(report(capsys, demo, "--service-area", area, "--format", "json").out)
    assert {row["staff_ref"] for row in result["workers"]} == expected
    assert len(result["workers"]) == len(expected)
    assert (result["chosen"]["figures"]["over"], result["chosen"]["figures"]["near"]) == (
        over,
        near,
    )
    assert result["chosen"]["figures"]["workers_in_post"] == len(expected)
