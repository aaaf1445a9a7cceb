"""The reference a scenario is checked against: the day's frames with the allocations
changed as a case-management system would change them, computed from scratch."""

from __future__ import annotations

import dataclasses

import polars as pl
from polars.testing import assert_frame_equal

from cfmonitor.data.caseload import Snapshot, compute_snapshot, open_on
from cfmonitor.data.scenario import Scenario
from cfmonitor.data.store import Frames
from cfmonitor.policy import Policy

COMPARED = ("workers", "teams", "service_areas", "organisation", "worker_cases", "problems")


def frames_with_moves(frames: Frames, scenario: Scenario) -> Frames:
    """Each move ends the source worker's open allocation of the case on the day and
    opens one for the new worker from that day."""
    day = scenario.base.as_of
    allocations = frames.allocations
    staff = dict(zip(*frames.workers.select("staff_ref", "id").to_dict().values(), strict=True))
    cases = dict(zip(*frames.cases.select("case_ref", "id").to_dict().values(), strict=True))
    next_id = int(allocations.get_column("id").max() or 0) + 1
    for step in scenario.steps:
        case_id = cases[step.move.case_ref]
        if step.from_staff_ref is not None:
            mine = (
                (pl.col("case_id") == case_id)
                & (pl.col("worker_id") == staff[step.from_staff_ref])
                & open_on("start_date", "end_date", day)
            )
            allocations = allocations.with_columns(
                pl.when(mine).then(pl.lit(day)).otherwise("end_date").alias("end_date")
            )
        if step.to_staff_ref is not None:
            row = pl.DataFrame(
                {
                    "id": [next_id],
                    "case_id": [case_id],
                    "worker_id": [staff[step.to_staff_ref]],
                    "start_date": [day],
                    "end_date": [None],
                },
                schema=allocations.schema,
            )
            allocations = pl.concat([allocations, row])
            next_id += 1
    return dataclasses.replace(frames, allocations=allocations)


def from_scratch(frames: Frames, scenario: Scenario, policy: Policy) -> Snapshot:
    return compute_snapshot(frames_with_moves(frames, scenario), policy, scenario.base.as_of)


def assert_same_figures(got: Snapshot, expected: Snapshot) -> None:
    """Frame equality on every frame a view shows. An unallocated case's `closed_on` (a
    closing date after the day) is not in the Snapshot's case rows, so it is left out."""
    for name in COMPARED:
        assert_frame_equal(getattr(got, name), getattr(expected, name), check_exact=True)
    assert_frame_equal(
        got.unallocated_cases.drop("closed_on"),
        expected.unallocated_cases.drop("closed_on"),
        check_exact=True,
    )
