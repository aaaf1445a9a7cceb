"""Any sequence of moves gives the figures `compute_snapshot` gives from scratch on the
day's frames with those allocations changed; undoing them gives back the base exactly.

Random small organisations: two teams, part-time, agency and nqsw staff, a cohort the
policy does not know, reductions, workers who have left or not yet started, families,
co-worked and unallocated cases, closed cases and ended allocations. Two things are kept
out, as `cfmonitor/data/scenario.py` documents: an allocation ending exactly on the as-of
day (the engine could name its worker as "last with" a case a move leaves unallocated)
and one worker allocated the same case twice at once (a data problem `check` reports).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from cfmonitor.data.caseload import compute_snapshot
from cfmonitor.data.scenario import Move, Scenario, ScenarioError
from cfmonitor.data.store import FRAME_SCHEMAS, Frames, Source
from cfmonitor.policy import Policy
from tests.scenario_reference import assert_same_figures, from_scratch

DAY = dt.date(2025, 3, 5)
POLICY = Policy()
COHORTS = ("experienced", "experienced", "nqsw", "mystery")


def on(offset: int) -> dt.date:
    """A date `offset` days from the as-of day, never the day itself when odd."""
    return DAY + dt.timedelta(days=offset)


def frame(table: str, rows: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(rows, schema=FRAME_SCHEMAS[table], orient="row")


@st.composite
def organisations(draw) -> Frames:
    teams = [
        {"id": 1, "name": "Team A", "service_area": "North", "establishment_fte": 3.0},
        {"id": 2, "name": "Team B", "service_area": "South", "establishment_fte": 2.0},
    ]
    workers, reductions = [], []
    for number in range(1, draw(st.integers(3, 6)) + 1):
        start = draw(st.sampled_from([-900, -301, -301, 41]))  # 41: starts after the day
        end = draw(st.sampled_from([None, None, -41, 301]))  # -41: has left
        workers.append(
            {
                "id": number,
                "staff_ref": f"SW{number}",
                "name": f"Worker {number}",
                "team_id": draw(st.sampled_from([1, 2])),
                "cohort": draw(st.sampled_from(COHORTS)),
                "fte": draw(st.sampled_from([1.0, 0.6, 0.5])),
                "employment": draw(st.sampled_from(["permanent", "agency"])),
                "start_date": on(start),
                "end_date": None if end is None else on(end),
            }
        )
        if draw(st.booleans()):
            reductions.append(
                {
                    "id": len(reductions) + 1,
                    "worker_id": number,
                    "reason": "Protected time",
                    "percent": draw(st.sampled_from([10.0, 20.0, 100.0])),
                    "start_date": on(-101),
                    "end_date": draw(st.sampled_from([None, on(61)])),
                }
            )
    cases, allocations = [], []
    for number in range(1, draw(st.integers(3, 14)) + 1):
        cases.append(
            {
                "id": number,
                "case_ref": f"C{number}",
                "team_id": draw(st.sampled_from([1, 2])),
                "case_type": "CIN",
                "complexity": draw(st.sampled_from(["standard", "complex", "intense"])),
                "opened_on": on(draw(st.sampled_from([-501, -201, -3, 17]))),
                "closed_on": draw(st.sampled_from([None, None, on(-11), on(33)])),
                "family_ref": draw(st.sampled_from([None, None, "F1", "F2"])),
            }
        )
        holders = draw(st.lists(st.sampled_from([w["id"] for w in workers]), max_size=2))
        for worker_id in dict.fromkeys(holders):
            allocations.append(
                {
                    "id": len(allocations) + 1,
                    "case_id": number,
                    "worker_id": worker_id,
                    "start_date": on(draw(st.sampled_from([-401, -99, -7]))),
                    "end_date": draw(st.sampled_from([None, None, on(-51), on(9)])),
                }
            )
    source = Source(Path("memory"), False, 2, 0, 0)
    return Frames(
        teams=frame("teams", teams),
        workers=frame("workers", workers),
        reductions=frame("reductions", reductions),
        cases=frame("cases", cases),
        allocations=frame("allocations", allocations),
        source=source,
    )


def likely_move(data, scenario: Scenario) -> Move | None:
    """A move that can usually be made now: an open case, a worker in post or nobody, and
    (sometimes) one of the case's holders as the source."""
    snapshot = scenario.snapshot
    held = snapshot.worker_cases.join(
        snapshot.workers.select("worker_id", "staff_ref"), on="worker_id"
    )
    cases = sorted(
        {*held.get_column("case_ref").to_list()}
        | {*snapshot.unallocated_cases.get_column("case_ref").to_list()}
    )
    if not cases:
        return None
    case = data.draw(st.sampled_from(cases))
    holders = held.filter(pl.col("case_ref") == case).get_column("staff_ref").to_list()
    staff = snapshot.workers.get_column("staff_ref").to_list()
    source = data.draw(st.sampled_from([None, *holders]))
    return Move(case, data.draw(st.sampled_from([None, *staff])), source)


def any_move(data, frames: Frames) -> Move:
    cases = frames.cases.get_column("case_ref").to_list()
    staff = frames.workers.get_column("staff_ref").to_list()
    return Move(
        data.draw(st.sampled_from(cases)),
        data.draw(st.sampled_from([None, *staff])),
        data.draw(st.sampled_from([None, None, None, *staff])),
    )


@settings(max_examples=75, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_moves_give_the_figures_of_the_frames_with_those_allocations_changed(data) -> None:
    frames = data.draw(organisations())
    base = compute_snapshot(frames, POLICY, DAY)
    scenario = Scenario(base)
    for _ in range(data.draw(st.integers(1, 6))):
        likely = data.draw(st.integers(0, 4)) > 0
        move = (likely and likely_move(data, scenario)) or any_move(data, frames)
        try:
            scenario = scenario.add(move)
        except ScenarioError:
            continue  # an impossible move changes nothing
        event(f"moves applied: {min(len(scenario), 3)}+")
        assert_same_figures(scenario.snapshot, from_scratch(frames, scenario, POLICY))

    while len(scenario):
        scenario = scenario.undo()
    fresh = compute_snapshot(frames, POLICY, DAY)
    for name in ("workers", "teams", "service_areas", "organisation", "worker_cases"):
        assert_frame_equal(getattr(scenario.snapshot, name), getattr(fresh, name))
    assert_frame_equal(scenario.snapshot.unallocated_cases, fresh.unallocated_cases)
