"""Before → after: what a scenario's moves change, as frames the TUI and the report both
render, and the proposal a manager carries out in the case-management system.

Raw values only (fractions, counts, status names); formatting is the renderer's job, with
the shared vocabulary of `presentation.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.scenario import UNALLOCATED, Scenario

WORKER_MEASURES = ("cases", "weighted_load", "utilisation", "status")
TEAM_MEASURES = ("over", "near", "average_caseload", "unallocated_cases")
ORGANISATION_MEASURES = (
    "over",
    "near",
    "unallocated_cases",
    "allocated_cases",
    "average_caseload",
    "census_average_caseload",
)


def _changed(measures: tuple[str, ...]) -> pl.Expr:
    differs = [pl.col(f"{name}_before").ne_missing(pl.col(f"{name}_after")) for name in measures]
    return pl.any_horizontal(differs).alias("changed")


def _side_by_side(
    before: pl.DataFrame, after: pl.DataFrame, keys: list[str], measures: tuple[str, ...]
) -> pl.DataFrame:
    """`after`'s rows in its order, each measure as `<name>_before` and `<name>_after`."""
    old = before.select(*keys, *[pl.col(name).alias(f"{name}_before") for name in measures])
    new = after.select(*keys, *[pl.col(name).alias(f"{name}_after") for name in measures])
    paired = new.join(old, on=keys, how="left", maintain_order="left", nulls_equal=True)
    columns = [f"{name}_{when}" for name in measures for when in ("before", "after")]
    return paired.select(*keys, *columns, _changed(measures))


def compare_workers(before: Snapshot, after: Snapshot) -> pl.DataFrame:
    """One row per worker in post (the after order: most urgent first within each team):
    staff_ref, name, team, then cases, weighted_load, utilisation and status before and
    after, and `changed`."""
    keys = ["staff_ref"]
    paired = _side_by_side(before.workers, after.workers, keys, WORKER_MEASURES)
    return after.workers.select("staff_ref", "name", "team").join(
        paired, on=keys, how="left", maintain_order="left"
    )


def compare_teams(before: Snapshot, after: Snapshot) -> pl.DataFrame:
    """One row per team: over and near counts, average caseload and unallocated cases
    before and after, and `changed`."""
    paired = _side_by_side(before.teams, after.teams, ["team_id"], TEAM_MEASURES)
    return after.teams.select("team_id", "team", "service_area").join(
        paired, on="team_id", how="left", maintain_order="left"
    )


def compare_organisation(before: Snapshot, after: Snapshot) -> pl.DataFrame:
    """One row per headline measure: `measure`, `before`, `after` (as floats: counts are
    whole), `changed`."""
    old, new = before.organisation_row, after.organisation_row
    values = {
        "measure": list(ORGANISATION_MEASURES),
        "before": [old[name] for name in ORGANISATION_MEASURES],
        "after": [new[name] for name in ORGANISATION_MEASURES],
    }
    frame = pl.DataFrame(
        values, schema={"measure": pl.String, "before": pl.Float64, "after": pl.Float64}
    )
    return frame.with_columns(pl.col("before").ne_missing(pl.col("after")).alias("changed"))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Every before → after a scenario screen or report shows."""

    workers: pl.DataFrame
    teams: pl.DataFrame
    organisation: pl.DataFrame

    @property
    def changed_workers(self) -> pl.DataFrame:
        return self.workers.filter("changed")

    @property
    def changed_teams(self) -> pl.DataFrame:
        return self.teams.filter("changed")


def compare(before: Snapshot, after: Snapshot) -> Comparison:
    return Comparison(
        compare_workers(before, after),
        compare_teams(before, after),
        compare_organisation(before, after),
    )


def compare_scenario(scenario: Scenario) -> Comparison:
    return compare(scenario.base, scenario.snapshot)


MOVE_SCHEMA = {
    "move": pl.Int64,
    "case_ref": pl.String,
    "from_staff_ref": pl.String,
    "to_staff_ref": pl.String,
}


def moves_frame(scenario: Scenario) -> pl.DataFrame:
    """The moves in order: number, case, from whom and to whom (`unallocated` for nobody)."""
    rows = [
        (number, step.move.case_ref, step.from_staff_ref or UNALLOCATED, step.to_staff_ref)
        for number, step in enumerate(scenario.steps, start=1)
    ]
    frame = pl.DataFrame(rows, schema=MOVE_SCHEMA, orient="row")
    return frame.with_columns(pl.col("to_staff_ref").fill_null(UNALLOCATED))


PROPOSAL_FIELDS = (
    "as_of",
    "move",
    "case_ref",
    "complexity",
    "from_staff_ref",
    "from_name",
    "from_utilisation_before",
    "from_utilisation_after",
    "to_staff_ref",
    "to_name",
    "to_utilisation_before",
    "to_utilisation_after",
)


def proposal(scenario: Scenario) -> pl.DataFrame:
    """The scenario as a proposal: one row per move, with each worker's utilisation before
    any move and after all of them (what the manager is asked to agree to), and the day."""
    people = scenario.base.workers.select(
        "staff_ref", "name", pl.col("utilisation").alias("utilisation_before")
    ).join(
        scenario.snapshot.workers.select(
            "staff_ref", pl.col("utilisation").alias("utilisation_after")
        ),
        on="staff_ref",
        how="left",
    )
    cases = pl.concat(
        [
            scenario.base.worker_cases.select("case_ref", "complexity"),
            scenario.base.unallocated_cases.select("case_ref", "complexity"),
        ]
    ).unique("case_ref", keep="first", maintain_order=True)
    moves = moves_frame(scenario).join(cases, on="case_ref", how="left", maintain_order="left")
    for side in ("from", "to"):
        named = people.rename(
            {
                "staff_ref": f"{side}_staff_ref",
                "name": f"{side}_name",
                "utilisation_before": f"{side}_utilisation_before",
                "utilisation_after": f"{side}_utilisation_after",
            }
        )
        moves = moves.join(named, on=f"{side}_staff_ref", how="left", maintain_order="left")
    return moves.with_columns(pl.lit(scenario.base.as_of, dtype=pl.Date).alias("as_of")).select(
        PROPOSAL_FIELDS
    )
