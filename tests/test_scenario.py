"""What-if moves on a small database whose figures are counted by hand (issue 12).

Team A: SW0001 (experienced, 18 of their own standard cases plus one co-worked: 19,
over), SW0002 (8 of their own plus the co-worked one: 9, 50%); SW0004 left in 2024-01.
Team B: SW0003 (nqsw, maximum 15, no cases). One case of team B waits unallocated.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data.caseload import Snapshot, load_snapshot
from cfmonitor.data.engine import Caseloads
from cfmonitor.data.reading import load_frames
from cfmonitor.data.scenario import (
    Move,
    Scenario,
    ScenarioError,
    parse_move,
)
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder
from tests.scenario_reference import assert_same_figures, from_scratch

DAY = dt.date(2024, 6, 3)


@pytest.fixture
def database(builder: DatabaseBuilder, db_path: Path) -> Path:
    team_a = builder.team("Team A", establishment_fte=2.0)
    team_b = builder.team("Team B", service_area="North", establishment_fte=1.0)
    first = builder.worker(team_a)
    second = builder.worker(team_a)
    builder.worker(team_b, cohort="nqsw")
    builder.worker(team_a, end_date="2024-01-01")
    builder.cases_for(first, team_a, 17)  # C000001 … C000017
    family_one = builder.case(team_a, family_ref="F1")  # C000018, SW0001's
    builder.allocate(family_one, first)
    family_two = builder.case(team_a, family_ref="F1")  # C000019, SW0002's
    builder.allocate(family_two, second)
    builder.cases_for(second, team_a, 7)  # C000020 … C000026
    shared = builder.case(team_a)  # C000027, co-worked
    builder.allocate(shared, first)
    builder.allocate(shared, second, start_date="2024-03-01")
    builder.case(team_b, opened_on="2024-05-01")  # C000028, unallocated
    builder.case(team_a, closed_on="2024-02-01")  # C000029, closed
    return builder.write(db_path)


@pytest.fixture
def snapshot(database: Path) -> Snapshot:
    return load_snapshot(database, Policy(), DAY)


def row(snapshot: Snapshot, frame: str, column: str, value: str) -> dict:
    rows = getattr(snapshot, frame).filter(pl.col(column) == value).to_dicts()
    assert len(rows) == 1
    return rows[0]


def test_the_fixture_is_what_the_docstring_says(snapshot: Snapshot) -> None:
    assert row(snapshot, "workers", "staff_ref", "SW0001")["cases"] == 19
    assert row(snapshot, "workers", "staff_ref", "SW0001")["status"] == "over"
    assert row(snapshot, "workers", "staff_ref", "SW0002")["utilisation"] == pytest.approx(0.5)
    assert snapshot.unallocated_cases.get_column("case_ref").to_list() == ["C000028"]
    assert snapshot.organisation_row["over"] == 1


def test_a_move_changes_both_workers_their_teams_and_the_organisation(snapshot):
    after = Scenario(snapshot).add(Move("C000001", "SW0003")).snapshot
    first = row(after, "workers", "staff_ref", "SW0001")
    newcomer = row(after, "workers", "staff_ref", "SW0003")
    assert (first["cases"], first["status"]) == (18, "near")  # 18 / 18: at the limit
    assert first["utilisation"] == pytest.approx(1.0)
    assert (newcomer["cases"], newcomer["status"]) == (1, "ok")
    assert newcomer["utilisation"] == pytest.approx(1 / 15)
    team_a, team_b = row(after, "teams", "team", "Team A"), row(after, "teams", "team", "Team B")
    assert (team_a["over"], team_a["near"]) == (0, 1)
    assert team_a["average_caseload"] == pytest.approx((18 + 9) / 2)  # was (19 + 9) / 2
    assert team_b["average_caseload"] == pytest.approx(1.0)  # was 0
    assert team_b["allocated_cases"] == 0  # the case is still team A's
    organisation = after.organisation_row
    assert (organisation["over"], organisation["near"]) == (0, 1)
    assert organisation["average_caseload"] == pytest.approx(28 / 3)  # unchanged
    moved = after.worker_cases.filter(pl.col("case_ref") == "C000001").to_dicts()
    assert [(r["worker_id"], r["allocated_since"], r["days_held"]) for r in moved] == [(3, DAY, 0)]
    assert row(after, "service_areas", "service_area", "North")["over"] == 0


def test_an_unallocated_case_given_to_a_worker_leaves_the_list(snapshot):
    after = Scenario(snapshot).add(parse_move("C000028:SW0002")).snapshot
    assert after.unallocated_cases.is_empty()
    assert row(after, "workers", "staff_ref", "SW0002")["cases"] == 10
    team_b = row(after, "teams", "team", "Team B")  # the case belongs to team B
    assert (team_b["allocated_cases"], team_b["unallocated_cases"]) == (1, 0)
    assert after.organisation_row["unallocated_cases"] == 0


def test_a_case_moved_to_unallocated_waits_from_today_and_was_last_with_its_worker(snapshot):
    after = Scenario(snapshot).add(parse_move("C000020:unallocated")).snapshot
    waiting = row(after, "unallocated_cases", "case_ref", "C000020")
    assert (waiting["unallocated_since"], waiting["days_unallocated"]) == (DAY, 0)
    assert waiting["last_staff_ref"] == "SW0002"
    assert after.unallocated_cases.get_column("case_ref").to_list() == ["C000028", "C000020"]
    assert after.organisation_row["unallocated_cases"] == 2
    assert row(after, "workers", "staff_ref", "SW0002")["cases"] == 8


def test_a_co_worked_case_needs_to_say_whose_share_moves(snapshot):
    with pytest.raises(ScenarioError) as refused:
        Scenario(snapshot).add(parse_move("C000027:SW0003"))
    assert str(refused.value) == (
        "--move: case C000027 is co-worked by SW0001 and SW0002; "
        "say whose share moves, as C000027:SW0001:SW0003."
    )
    after = Scenario(snapshot).add(parse_move("C000027:SW0001:SW0003")).snapshot
    holders = after.worker_cases.filter(pl.col("case_ref") == "C000027")
    assert sorted(holders.get_column("worker_id").to_list()) == [2, 3]  # SW0002 keeps theirs
    # Taking one worker off a co-worked case leaves it allocated to the other.
    alone = Scenario(snapshot).add(parse_move("C000027:SW0002:unallocated")).snapshot
    assert alone.unallocated_cases.get_column("case_ref").to_list() == ["C000028"]
    assert row(alone, "workers", "staff_ref", "SW0002")["cases"] == 8


def test_family_counts_follow_the_case(snapshot):
    after = Scenario(snapshot).add(Move("C000018", "SW0002")).snapshot
    family = after.worker_cases.filter(pl.col("family_ref") == "F1")
    assert family.select("worker_id", "family_cases").rows() == [(2, 2), (2, 2)]


@pytest.mark.parametrize(
    ("move", "sentence"),
    [
        ("C999999:SW0002", "--move: no case has reference 'C999999'."),
        ("C000029:SW0002", "--move: case C000029 is not open on 2024-06-03."),
        ("C000001:SW9999", "--move: no worker has staff ref 'SW9999'."),
        ("C000001:SW0004",
         "--move: worker SW0004 is not in post on 2024-06-03 (left on 2024-01-01)."),
        ("C000001:SW0001", "--move: case C000001 is already with worker SW0001."),
        ("C000028:unallocated", "--move: case C000028 is already unallocated."),
        (
            "C000001:SW0002:SW0003",
            "--move: worker SW0002 does not hold case C000001 (it is held by SW0001).",
        ),
        (
            "C000028:SW0002:SW0003",
            "--move: worker SW0002 does not hold case C000028 (it is unallocated).",
        ),
        ("C000001", "--move 'C000001': write it as CASE_REF:STAFF_REF, CASE_REF:unallocated or, "
         "for a co-worked case, CASE_REF:FROM_STAFF_REF:TO_STAFF_REF."),
    ],
)  # fmt: skip
def test_a_bad_move_is_one_sentence(snapshot, database, move, sentence):
    scenario = Caseloads(DatabaseChoice(database, False), Policy()).scenario(snapshot)
    with pytest.raises(ScenarioError) as refused:
        scenario.add(parse_move(move))
    assert str(refused.value) == sentence


def test_without_the_database_a_missing_worker_or_case_is_still_one_sentence(snapshot):
    with pytest.raises(ScenarioError, match=r"^--move: no worker with staff ref 'SW0004' is in"):
        Scenario(snapshot).add(Move("C000001", "SW0004"))
    with pytest.raises(ScenarioError, match=r"^--move: no case 'C000029' is open on 2024-06-03"):
        Scenario(snapshot).add(Move("C000029", "SW0002"))


def test_undo_gives_back_the_snapshot_before_the_move_and_discard_the_base(snapshot):
    one = Scenario(snapshot).add(Move("C000001", "SW0003"))
    two = one.add(Move("C000028", "SW0002"))
    assert two.moves == (Move("C000001", "SW0003"), Move("C000028", "SW0002"))
    assert two.undo().snapshot is one.snapshot
    assert two.discard().snapshot is snapshot
    assert Scenario(snapshot).undo().snapshot is snapshot
    assert len(two) == 2 and len(two.undo()) == 1


def test_moving_a_case_there_and_back_gives_the_same_figures(snapshot):
    back = Scenario(snapshot).add(Move("C000001", "SW0003")).add(Move("C000001", "SW0001"))
    for name in ("teams", "service_areas", "organisation"):
        assert getattr(back.snapshot, name).equals(getattr(snapshot, name))
    columns = ["staff_ref", "cases", "weighted_load", "capacity", "utilisation", "status"]
    assert back.snapshot.workers.select(columns).equals(snapshot.workers.select(columns))


def test_every_kind_of_move_equals_the_snapshot_computed_from_scratch(database, snapshot):
    scenario = Scenario(snapshot).add_all(
        [
            Move("C000001", "SW0003"),
            Move("C000028", "SW0002"),
            Move("C000027", "SW0003", from_staff_ref="SW0001"),
            Move("C000020", None),
            Move("C000018", "SW0002"),
            Move("C000001", None),
            Move("C000027", None, from_staff_ref="SW0003"),
        ]
    )
    frames = load_frames(database, as_of=DAY)
    assert_same_figures(scenario.snapshot, from_scratch(frames, scenario, Policy()))


def test_the_database_is_never_written(database, snapshot):
    before = database.read_bytes()
    Caseloads(DatabaseChoice(database, False), Policy()).scenario(snapshot).add(
        Move("C000001", "SW0003")
    )
    with pytest.raises(ScenarioError):
        Caseloads(DatabaseChoice(database, False), Policy()).scenario(snapshot).add(
            Move("C1", "SW9")
        )
    assert database.read_bytes() == before
    assert sorted(path.name for path in database.parent.iterdir()) == [database.name]


def test_the_picker_shows_what_the_move_would_do(snapshot):
    from cfmonitor.data.picker import candidates

    rows = candidates(snapshot, "C000001")
    assert rows.get_column("staff_ref").to_list() == ["SW0002", "SW0003"]  # Team A first
    assert rows.get_column("same_team").to_list() == [True, False]
    for row in rows.iter_rows(named=True):
        moved = Scenario(snapshot).add(Move("C000001", row["staff_ref"])).snapshot
        after = moved.workers.filter(pl.col("staff_ref") == row["staff_ref"]).row(0, named=True)
        assert (row["utilisation_after"], row["status_after"]) == (
            after["utilisation"],
            after["status"],
        )
    assert rows.row(1, named=True)["utilisation_after"] == pytest.approx(1 / 15)
    assert candidates(snapshot, "C000027").get_column("staff_ref").to_list() == ["SW0003"]
    assert candidates(snapshot, "C000029").is_empty()


def test_weeks_over_after_a_move(database):
    from cfmonitor.data.engine import Caseloads
    from cfmonitor.locate import DatabaseChoice

    snapshot = Caseloads(DatabaseChoice(database, False), Policy()).report(DAY)
    first = row(snapshot, "workers", "staff_ref", "SW0001")
    assert first["weeks_over"] > 0  # over since the cases were given in 2020
    moved = Scenario(snapshot).add(Move("C000001", "SW0003")).snapshot
    first = row(moved, "workers", "staff_ref", "SW0001")
    assert (first["status"], first["weeks_over"], first["sustained"]) == ("near", 0, False)
    assert moved.organisation_row["sustained"] == 0
    assert row(moved, "teams", "team", "Team A")["sustained"] == 0
    # Ten more cases put SW0002 over: since when is history the Snapshot does not hold.
    crowded = (
        Scenario(snapshot).add_all([Move(f"C0000{n:02d}", "SW0002") for n in range(1, 11)]).snapshot
    )
    second = row(crowded, "workers", "staff_ref", "SW0002")
    assert (second["status"], second["weeks_over"], second["sustained"]) == ("over", None, None)
