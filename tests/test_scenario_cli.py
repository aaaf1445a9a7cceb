"""`cfmonitor report --move …`: the scenario's figures in every format, the moves listed,
a bad move one sentence and exit 2, and the database never written.

The database is tests/test_scenario.py's: SW0001 holds 19 cases (over), SW0002 9,
SW0003 (nqsw) none; C000028 waits unallocated. The figures are checked over both
backends (`on_backend`): on PostgreSQL the output must be the file's.
"""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest

from tests.postgres.backends import Backend, Database, run_cli
from tests.test_scenario import DAY
from tests.test_scenario import database as database  # the fixture

AS_OF = DAY.isoformat()
MOVES = ("--move", "C000001:SW0003", "--move", "C000028:SW0002")


@pytest.fixture
def on_backend(database: Path, backend: Backend) -> Database:
    """The same database on the backend."""
    return backend.database(database)


def report(capsys, database: Path | Database, *args: str):
    where = database if isinstance(database, Database) else str(database)
    return run_cli(capsys, "report", "--db", where, "--as-of", AS_OF, *args)


def test_json_has_the_moves_their_effect_and_the_figures_with_them_made(capsys, on_backend):
    result = report(capsys, on_backend, *MOVES, "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    scenario = document["scenario"]
    assert scenario["banner"] == "SCENARIO: 2 moves, not made"
    moves = [(m["case_ref"], m["from_staff_ref"], m["to_staff_ref"]) for m in scenario["moves"]]
    assert moves == [("C000001", "SW0001", "SW0003"), ("C000028", "unallocated", "SW0002")]
    first = scenario["moves"][0]
    assert (first["from_utilisation_before"], first["from_utilisation_after"]) == (
        round(19 / 18, 4),
        1.0,
    )
    assert (first["to_utilisation_before"], first["to_utilisation_after"]) == (0.0, 0.0667)
    workers = {row["staff_ref"]: row for row in document["workers"]}
    assert (workers["SW0001"]["cases"], workers["SW0001"]["status"]) == (18, "near")
    assert workers["SW0002"]["cases"] == 10
    assert workers["SW0003"]["cases"] == 1
    assert document["organisation"]["unallocated_cases"] == 0
    assert document["unallocated"] == []
    changed = {row["staff_ref"] for row in scenario["workers"]}
    assert changed == {"SW0001", "SW0002", "SW0003"}
    organisation = {row["measure"]: row for row in scenario["organisation"]}
    assert (organisation["over"]["before"], organisation["over"]["after"]) == (1, 0)


def test_the_same_moves_in_the_other_formats(capsys, on_backend, tmp_path):
    database = on_backend
    table = report(capsys, database, *MOVES)
    assert table.code == 0, table.err
    assert "SCENARIO: 2 moves, not made" in table.out
    assert "106% → 100%" in table.out  # SW0001: 19/18 → 18/18
    assert "▲ over → ● near" in table.out
    assert "0% → 7%" in table.out  # SW0003: 1/15
    csv = report(capsys, database, *MOVES, "--format", "csv")
    assert csv.out.splitlines()[0].endswith("· SCENARIO: 2 moves, not made")
    assert "2024-06-03,1,C000001,standard,SW0001," in csv.out
    markdown = report(capsys, database, *MOVES, "--format", "markdown")
    assert "## Proposed moves" in markdown.out
    assert "| 2024-06-03 | 2 | C000028 | standard | unallocated |" in markdown.out
    out = tmp_path / "scenario.xlsx"
    written = report(capsys, database, *MOVES, "--format", "xlsx", "--output", str(out))
    assert written.code == 0, written.err
    proposal = pl.read_excel(out, sheet_name="Proposed moves", read_options={"header_row": 2})
    assert proposal.get_column("Case").to_list() == ["C000001", "C000028"]
    assert proposal.get_column("To").to_list() == ["SW0003", "SW0002"]
    workers = pl.read_excel(out, sheet_name="Workers", read_options={"header_row": 2})
    cases = dict(workers.select("Staff ref", "Cases").iter_rows())
    assert cases == {"SW0001": 18, "SW0002": 10, "SW0003": 1}


@pytest.mark.parametrize(
    ("move", "sentence"),
    [
        ("C999999:SW0002", "cfmonitor: --move: no case has reference 'C999999'.\n"),
        ("C000001:SW9999", "cfmonitor: --move: no worker has staff ref 'SW9999'.\n"),
        (
            "C000002:SW0002:SW0003",
            "cfmonitor: --move: worker SW0002 does not hold case C000002 (it is held by SW0001).\n",
        ),
        ("C000001:SW0004", "cfmonitor: --move: worker SW0004 is not in post on 2024-06-03 "
         "(left on 2024-01-01).\n"),
        ("C000027:SW0003", "cfmonitor: --move: case C000027 is co-worked by SW0001 and SW0002; "
         "say whose share moves, as C000027:SW0001:SW0003.\n"),
        ("nonsense", "cfmonitor: --move 'nonsense': write it as CASE_REF:STAFF_REF, "
         "CASE_REF:unallocated or, for a co-worked case, CASE_REF:FROM_STAFF_REF:TO_STAFF_REF.\n"),
    ],
)  # fmt: skip
def test_a_bad_move_is_one_sentence_and_exit_2(capsys, database, move, sentence):
    before = database.read_bytes()
    result = report(capsys, database, "--move", "C000001:SW0003", "--move", move)
    assert (result.code, result.out, result.err) == (2, "", sentence)
    assert database.read_bytes() == before


def test_moves_leave_the_database_as_it_was(capsys, database, tmp_path):
    before = database.read_bytes()
    for fmt in ("table", "csv", "json", "markdown"):
        assert report(capsys, database, *MOVES, "--format", fmt).code == 0
    assert database.read_bytes() == before
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


def test_move_and_trend_do_not_go_together(capsys, database):
    result = report(capsys, database, "--move", "C000001:SW0003", "--trend")
    assert result.code == 2
    assert result.err == (
        "cfmonitor: --move and --redact apply to one day's report, not to --trend.\n"
    )


def test_fail_on_judges_the_figures_with_the_moves_made(capsys, on_backend):
    assert report(capsys, on_backend, "--fail-on", "over", "--format", "json").code == 1
    moved = report(capsys, on_backend, "--fail-on", "over", "--format", "json", *MOVES)
    assert moved.code == 0
