"""The caseload rules of issue 2, checked on small hand-built databases (no terminal)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
import pytest

from cfmonitor.data.caseload import load_snapshot
from cfmonitor.policy import Policy
from tests.factory import DatabaseBuilder

DAY = dt.date(2024, 6, 1)


def snapshot_of(builder: DatabaseBuilder, path: Path, policy: Policy | None = None, day=DAY):
    builder.write(path)
    return load_snapshot(path, policy or Policy(), day)


def worker(snapshot, staff_ref: str) -> dict:
    rows = snapshot.workers.filter(pl.col("staff_ref") == staff_ref).to_dicts()
    assert len(rows) == 1, f"{staff_ref} not in post"
    return rows[0]


def team(snapshot, name: str) -> dict:
    return snapshot.teams.filter(pl.col("team") == name).to_dicts()[0]


@pytest.mark.parametrize(
    ("cases", "complexity", "status"),
    [
        (18, "standard", "near"),  # exactly at the limit is not over
        (19, "standard", "over"),
        (15, "complex", "near"),  # 15 x 1.2 = 18.0: at the limit despite float error
        (16, "complex", "over"),
        (12, "intense", "near"),
        (13, "intense", "over"),
        (16, "standard", "ok"),  # 16/18 = 0.889 < 0.90
        (17, "standard", "near"),
    ],
)
def test_status_of_full_time_experienced_worker(builder, db_path, cases, complexity, status):
    team_id = builder.team()
    worker_id = builder.worker(team_id)
    builder.cases_for(worker_id, team_id, cases, complexity=complexity)
    row = worker(snapshot_of(builder, db_path), "SW0001")
    assert row["status"] == status
    assert row["cases"] == cases
    assert row["capacity"] == pytest.approx(18.0)


def test_eighteen_standard_cases_is_not_over_but_nineteen_is(builder, db_path):
    team_id = builder.team()
    at_limit = builder.worker(team_id)
    over = builder.worker(team_id)
    builder.cases_for(at_limit, team_id, 18)
    builder.cases_for(over, team_id, 19)
    snapshot = snapshot_of(builder, db_path)
    assert worker(snapshot, "SW0001")["status"] == "near"
    assert worker(snapshot, "SW0002")["status"] == "over"
    assert worker(snapshot, "SW0002")["utilisation"] == pytest.approx(19 / 18)


def test_capacity_is_pro_rata_and_reduced(builder, db_path):
    team_id = builder.team()
    nqsw = builder.worker(team_id, cohort="nqsw", fte=0.6)
    builder.reduction(nqsw, 20, reason="ASYE protected time", end_date="2025-01-01")
    builder.reduction(nqsw, 10, reason="Union duties", start_date="2024-06-02")  # not yet
    builder.reduction(nqsw, 50, reason="Phased return", end_date="2024-06-01")  # ended
    builder.cases_for(nqsw, team_id, 7)
    row = worker(snapshot_of(builder, db_path), "SW0001")
    assert row["capacity"] == pytest.approx(15 * 0.6 * 0.8)
    assert row["weighted_load"] == pytest.approx(7.0)
    assert row["status"] == "near"  # 7 / 7.2 = 0.97


def test_reductions_are_capped_at_one_hundred_percent(builder, db_path):
    team_id = builder.team()
    worker_id = builder.worker(team_id)
    builder.reduction(worker_id, 80)
    builder.reduction(worker_id, 70)
    builder.cases_for(worker_id, team_id, 1)
    row = worker(snapshot_of(builder, db_path), "SW0001")
    assert row["capacity"] == 0
    assert row["utilisation"] is None
    assert row["status"] == "over"  # capacity 0 with any case held


def test_zero_capacity_without_cases_is_ok(builder, db_path):
    team_id = builder.team()
    builder.worker(team_id, cohort="team_manager")
    policy = Policy(cohorts={"experienced": 18, "team_manager": 0})
    row = worker(snapshot_of(builder, db_path, policy), "SW0001")
    assert row["status"] == "ok"
    assert row["utilisation"] is None


def test_team_manager_holding_a_case_is_flagged(builder, db_path):
    team_id = builder.team()
    manager = builder.worker(team_id, cohort="team_manager")
    builder.cases_for(manager, team_id, 1)
    policy = Policy(cohorts={"experienced": 18, "team_manager": 0})
    assert worker(snapshot_of(builder, db_path, policy), "SW0001")["status"] == "over"


def test_unknown_cohort_is_shown_not_dropped(builder, db_path):
    team_id = builder.team()
    mystery = builder.worker(team_id, cohort="senior_practitioner")
    builder.cases_for(mystery, team_id, 30)
    snapshot = snapshot_of(builder, db_path)
    row = worker(snapshot, "SW0001")
    assert row["status"] == "unknown-cohort"
    assert row["capacity"] is None
    problem = snapshot.problems.filter(pl.col("kind") == "unknown-cohort").to_dicts()
    assert problem[0]["rows"] == [mystery]
    assert "SW0001" in problem[0]["detail"]
    assert "senior_practitioner" in problem[0]["detail"]


def test_half_open_dates(builder, db_path):
    """Start dates count on the day; end dates do not."""
    team_id = builder.team()
    starts_today = builder.worker(team_id, start_date=DAY.isoformat())
    leaves_today = builder.worker(team_id, end_date=DAY.isoformat())
    builder.worker(team_id, start_date="2024-06-02")  # not yet in post
    opens_today = builder.case(team_id, opened_on=DAY.isoformat())
    closes_today = builder.case(team_id, closed_on=DAY.isoformat())
    builder.allocate(opens_today, starts_today, start_date=DAY.isoformat())
    builder.allocate(closes_today, starts_today)
    ended = builder.case(team_id)
    builder.allocate(ended, starts_today, end_date=DAY.isoformat())
    builder.allocate(ended, leaves_today, start_date=DAY.isoformat())
    snapshot = snapshot_of(builder, db_path)
    assert snapshot.workers.get_column("staff_ref").to_list() == ["SW0001"]
    assert worker(snapshot, "SW0001")["cases"] == 1
    assert leaves_today not in snapshot.workers.get_column("worker_id").to_list()
    summary = team(snapshot, "Team A")
    assert summary["open_cases"] == 2  # opens_today and ended; closes_today is closed
    assert summary["unallocated_cases"] == 1


def test_co_working_counts_for_each_worker(builder, db_path):
    team_id = builder.team()
    first = builder.worker(team_id)
    second = builder.worker(team_id)
    shared = builder.case(team_id, complexity="intense")
    builder.allocate(shared, first)
    builder.allocate(shared, second)
    snapshot = snapshot_of(builder, db_path)
    assert worker(snapshot, "SW0001")["weighted_load"] == pytest.approx(1.5)
    assert worker(snapshot, "SW0002")["weighted_load"] == pytest.approx(1.5)
    summary = team(snapshot, "Team A")
    assert (summary["open_cases"], summary["allocated_cases"]) == (1, 1)


def test_team_and_organisation_figures(builder, db_path):
    alpha = builder.team("Alpha", service_area="North", establishment_fte=4.0)
    beta = builder.team("Beta", service_area="North", establishment_fte=2.0)
    builder.team("Empty", service_area="South", establishment_fte=0)
    permanent = builder.worker(alpha, fte=1.0)
    agency = builder.worker(alpha, fte=0.5, employment="agency")
    builder.worker(alpha, cohort="team_manager", fte=1.0)
    other = builder.worker(beta, fte=1.0)
    builder.cases_for(permanent, alpha, 20)
    builder.cases_for(agency, alpha, 8)
    builder.cases_for(other, beta, 10)
    builder.case(beta)  # unallocated
    builder.case(beta)  # unallocated
    policy = Policy(cohorts={"experienced": 18, "team_manager": 0})
    snapshot = snapshot_of(builder, db_path, policy)

    a = team(snapshot, "Alpha")
    assert a["workers_in_post"] == 3
    assert a["fte_in_post"] == pytest.approx(2.5)
    assert a["vacancy_fte"] == pytest.approx(1.5)
    assert a["vacancy_rate"] == pytest.approx(1.5 / 4)
    assert a["agency_fte"] == pytest.approx(0.5)
    assert a["agency_rate"] == pytest.approx(0.5 / 2.5)
    assert a["average_caseload"] == pytest.approx(28 / 1.5)  # the manager holds no caseload
    assert (a["over"], a["near"]) == (1, 0)
    assert a["unallocated_cases"] == 0

    b = team(snapshot, "Beta")
    assert (b["open_cases"], b["allocated_cases"], b["unallocated_cases"]) == (12, 10, 2)
    assert b["vacancy_fte"] == pytest.approx(1.0)

    empty = team(snapshot, "Empty")
    assert empty["workers_in_post"] == 0
    assert empty["vacancy_rate"] is None
    assert empty["agency_rate"] is None
    assert empty["average_caseload"] is None

    org = snapshot.organisation_row
    assert org["workers_in_post"] == 4
    assert org["establishment_fte"] == pytest.approx(6.0)
    assert org["vacancy_rate"] == pytest.approx(2.5 / 6.0)
    assert org["agency_rate"] == pytest.approx(0.5 / 3.5)
    assert org["average_caseload"] == pytest.approx(38 / 2.5)
    assert org["unallocated_cases"] == 2
    north = snapshot.service_areas.filter(pl.col("service_area") == "North").to_dicts()[0]
    assert north["fte_in_post"] == pytest.approx(3.5)


def test_overstaffed_team_has_no_negative_vacancy(builder, db_path):
    team_id = builder.team(establishment_fte=1.0)
    builder.worker(team_id)
    builder.worker(team_id)
    summary = team(snapshot_of(builder, db_path), "Team A")
    assert summary["vacancy_fte"] == 0
    assert summary["vacancy_rate"] == 0


def test_problems_name_the_rows(builder, db_path):
    team_id = builder.team()
    staff = builder.worker(team_id)
    leaver = builder.worker(team_id, end_date="2024-01-01")
    open_case = builder.case(team_id)
    closed_case = builder.case(team_id, closed_on="2024-03-01")
    to_leaver = builder.allocate(open_case, leaver)
    to_closed = builder.allocate(closed_case, staff)
    twice_a = builder.allocate(open_case, staff, start_date="2023-01-01")
    twice_b = builder.allocate(open_case, staff, start_date="2024-02-01")
    backwards = builder.allocate(open_case, staff, start_date="2022-05-01", end_date="2022-04-01")
    problems = snapshot_of(builder, db_path).problems
    by_kind = {kind: rows for kind, rows in problems.select("kind", "rows").iter_rows()}
    assert by_kind["worker-not-in-post"] == [to_leaver]
    assert by_kind["case-not-open"] == [to_closed]
    assert by_kind["double-allocation"] == [twice_a, twice_b]
    assert by_kind["ends-before-start"] == [backwards]
    detail = " ".join(problems.get_column("detail").to_list())
    assert "SW0002" in detail and "C000002" in detail
    assert "Worker 1" not in detail  # names never appear in problems


def test_double_allocation_found_across_history(builder, db_path):
    """Overlaps that ended before the day are still reported by a full-history load."""
    from cfmonitor.data.caseload import compute_snapshot
    from cfmonitor.data.reading import load_frames

    team_id = builder.team()
    staff = builder.worker(team_id)
    case_id = builder.case(team_id)
    builder.allocate(case_id, staff, start_date="2021-01-01", end_date="2021-06-01")
    builder.allocate(case_id, staff, start_date="2021-03-01", end_date="2021-04-01")
    builder.write(db_path)
    frames = load_frames(db_path, as_of=None)
    problems = compute_snapshot(frames, Policy(), DAY).problems
    assert problems.get_column("kind").to_list() == ["double-allocation"]


def test_back_to_back_allocations_are_not_double(builder, db_path):
    team_id = builder.team()
    staff = builder.worker(team_id)
    case_id = builder.case(team_id)
    builder.allocate(case_id, staff, start_date="2021-01-01", end_date="2022-01-01")
    builder.allocate(case_id, staff, start_date="2022-01-01")
    snapshot = snapshot_of(builder, db_path)
    assert snapshot.problems.is_empty()
    assert worker(snapshot, "SW0001")["cases"] == 1


def test_worker_cases_for_supervision(builder, db_path):
    team_id = builder.team()
    staff = builder.worker(team_id)
    sibling_a = builder.case(team_id, family_ref="F1", complexity="complex")
    sibling_b = builder.case(team_id, family_ref="F1")
    alone = builder.case(team_id, family_ref="F2")
    builder.allocate(sibling_a, staff, start_date="2024-05-01")
    builder.allocate(sibling_b, staff, start_date="2024-05-22")
    builder.allocate(alone, staff, start_date="2024-01-01")
    cases = snapshot_of(builder, db_path).worker_cases
    rows = {row["case_ref"]: row for row in cases.to_dicts()}
    assert rows["C000001"]["days_held"] == 31
    assert rows["C000001"]["weight"] == pytest.approx(1.2)
    assert rows["C000001"]["family_cases"] == 2
    assert rows["C000003"]["family_cases"] == 1


def test_sorted_most_urgent_first(builder, db_path):
    team_id = builder.team()
    light = builder.worker(team_id)
    heavy = builder.worker(team_id)
    middle = builder.worker(team_id)
    builder.cases_for(light, team_id, 3)
    builder.cases_for(heavy, team_id, 25)
    builder.cases_for(middle, team_id, 17)
    refs = snapshot_of(builder, db_path).workers.get_column("staff_ref").to_list()
    assert refs == ["SW0002", "SW0003", "SW0001"]


def test_empty_database_gives_empty_snapshot(builder, db_path):
    snapshot = snapshot_of(builder, db_path)
    assert snapshot.workers.is_empty()
    assert snapshot.teams.is_empty()
    assert snapshot.organisation_row["workers_in_post"] == 0
    assert snapshot.problems.is_empty()


def test_census_comparable_figures_beside_the_councils_own(builder, db_path):
    """The DfE census's definitions, worked out by hand on a tiny organisation.

    Alpha (establishment 6.0): permanent 1.0 (12 cases), permanent 0.5 (6 cases),
    permanent 1.0 (no cases), agency 1.0 (15 cases), a permanent team manager 1.0
    (no cases). In post 4.5 FTE, of which permanent 3.5 and agency 1.0.
      vacancy gap (agency fills a post): 6.0 - 4.5 = 1.5 FTE, 1.5 / 6.0 = 25%
      census vacancy (agency does not):  6.0 - 3.5 = 2.5 FTE, 2.5 / (2.5 + 3.5) = 41.7%
      agency rate: 1.0 / 4.5 = 22.2%
      census caseload: (12 + 6 + 15) cases / (1.0 + 0.5 + 1.0) FTE holding any = 13.2
      (the council's own average counts the caseless worker: 33 / 3.5 = 9.43)
    Beta (establishment 1.0, over-staffed): permanent 1.0 (3 cases), agency 0.5 (none).
      census vacancy 0 FTE, 0 / (0 + 1.0) = 0%; agency 0.5 / 1.5 = 33.3%; caseload 3 / 1.0
    Empty (establishment 0, nobody): no rate can be worked out.
    Organisation: establishment 7.0, permanent 4.5, in post 6.0, agency 1.5.
      census vacancy 7.0 - 4.5 = 2.5 FTE, 2.5 / 7.0 = 35.7%; vacancy gap 1.0 / 7.0 = 14.3%
      agency 1.5 / 6.0 = 25%; census caseload 36 / 3.5 = 10.29
    """
    alpha = builder.team("Alpha", establishment_fte=6.0)
    beta = builder.team("Beta", establishment_fte=1.0)
    builder.team("Empty", establishment_fte=0)
    builder.cases_for(builder.worker(alpha, fte=1.0), alpha, 12)
    builder.cases_for(builder.worker(alpha, fte=0.5), alpha, 6)
    builder.worker(alpha, fte=1.0)
    builder.cases_for(builder.worker(alpha, fte=1.0, employment="agency"), alpha, 15)
    builder.worker(alpha, cohort="team_manager", fte=1.0)
    builder.cases_for(builder.worker(beta, fte=1.0), beta, 3)
    builder.worker(beta, fte=0.5, employment="agency")
    policy = Policy(cohorts={"experienced": 18, "team_manager": 0})
    snapshot = snapshot_of(builder, db_path, policy)

    a = team(snapshot, "Alpha")
    assert a["vacancy_fte"] == pytest.approx(1.5)
    assert a["vacancy_rate"] == pytest.approx(0.25)
    assert a["permanent_fte"] == pytest.approx(3.5)
    assert a["census_vacancy_fte"] == pytest.approx(2.5)
    assert a["census_vacancy_rate"] == pytest.approx(2.5 / 6.0)
    assert a["agency_rate"] == pytest.approx(1.0 / 4.5)
    assert a["census_average_caseload"] == pytest.approx(13.2)
    assert a["average_caseload"] == pytest.approx(33 / 3.5)

    b = team(snapshot, "Beta")
    assert b["census_vacancy_fte"] == 0
    assert b["census_vacancy_rate"] == 0
    assert b["agency_rate"] == pytest.approx(1 / 3)
    assert b["census_average_caseload"] == pytest.approx(3.0)

    empty = team(snapshot, "Empty")
    assert empty["census_vacancy_rate"] is None
    assert empty["census_average_caseload"] is None

    org = snapshot.organisation_row
    assert org["census_vacancy_fte"] == pytest.approx(2.5)
    assert org["census_vacancy_rate"] == pytest.approx(2.5 / 7.0)
    assert org["vacancy_rate"] == pytest.approx(1.0 / 7.0)
    assert org["agency_rate"] == pytest.approx(0.25)
    assert org["census_average_caseload"] == pytest.approx(36 / 3.5)
    area = snapshot.service_areas.row(0, named=True)
    assert area["census_vacancy_rate"] == pytest.approx(2.5 / 7.0)


@pytest.mark.parametrize("percent", [10.0, 20.0, 33.3, 45.0, 70.0, 90.0])
def test_a_worker_judged_alone_is_judged_as_among_others(percent: float):
    """Found by the trend property test: a worker 70% reduced had capacity 0.9000000000000001
    in a one-row frame and 0.8999999999999998 among others, so a series and a snapshot
    disagreed (Polars divides a longer column by a number through its reciprocal)."""
    from cfmonitor.data.rules import judge_workers

    row = {
        "cohort": "experienced",
        "fte": 1.0,
        "cases": 3,
        "standard_cases": 3,
        "complex_cases": 0,
        "intense_cases": 0,
        "reduction_percent": percent,
    }
    alone = judge_workers(pl.DataFrame([row]), Policy())
    among = judge_workers(pl.DataFrame([row, {**row, "fte": 0.5}, row]), Policy())
    assert alone.row(0) == among.row(0) == among.row(2)
