"""The caseload computation: (frames, policy, as_of) → Snapshot. Pure; no I/O.

Every figure a manager sees is made here, in Polars, by the rules in `rules`, so that
the report, the TUI and the tests agree by construction. Date ranges are half-open: a
record is open on day d when start <= d and (end is null or d < end).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cfmonitor.data.contract import COMPLEXITY_LEVELS
from cfmonitor.data.contract_rules import unjudgeable_workers
from cfmonitor.data.freshness import DataAge, data_age
from cfmonitor.data.problems import Day, find_problems
from cfmonitor.data.reading import load_frames
from cfmonitor.data.rules import (
    REDUCTION_ORDER,
    STATUS_RANK,
    STATUS_UNKNOWN,
    WORKER_ORDER,
    WORKER_ORDER_DESCENDING,
    WORKER_TOTALS,
    judge_workers,
    open_on,
    reduction_totals,
    roll_up,
    summarise_teams,
)
from cfmonitor.data.store import Frames, Source
from cfmonitor.policy import Policy

WORKER_FIELDS = (
    "staff_ref",
    "name",
    "team",
    "service_area",
    "cohort",
    "fte",
    "employment",
    "cases",
    "weighted_load",
    "capacity",
    "utilisation",
    "status",
)


CENSUS_FIELDS = (
    "permanent_fte",
    "census_vacancy_fte",
    "census_vacancy_rate",
    "census_average_caseload",
)
"""Figures defined as the DfE workforce census defines them, to set beside its national
statistics: an agency worker covers a vacancy rather than filling it, and the average
caseload is over case holders only (workers holding at least one case). The census's
agency rate is `agency_rate` (agency FTE over all FTE in post) already."""


SUMMARY_FIELDS = (
    "workers_in_post",
    "fte_in_post",
    "establishment_fte",
    "vacancy_fte",
    "vacancy_rate",
    "agency_fte",
    "agency_rate",
    "open_cases",
    "allocated_cases",
    "unallocated_cases",
    "average_caseload",
    "over",
    "near",
    *CENSUS_FIELDS,
)


TEAM_FIELDS = ("team", "service_area", *SUMMARY_FIELDS)


@dataclass(frozen=True)
class Snapshot:
    """Everything known about caseloads on one day. Screens and reports are views of it."""

    as_of: dt.date
    policy: Policy
    source: Source | None
    workers: pl.DataFrame
    """One row per worker in post, most urgent first within each team."""
    teams: pl.DataFrame
    """One row per team (every team, even one with nobody in post)."""
    service_areas: pl.DataFrame
    """The team figures summed by service area."""
    organisation: pl.DataFrame
    """One row: the team figures summed for the whole organisation."""
    worker_cases: pl.DataFrame
    """One row per (worker in post, open case allocated to them)."""
    unallocated_cases: pl.DataFrame
    """Open cases with no open allocation to a worker in post, longest waiting first:
    since when (`unallocated_since`, `days_unallocated`) and who held it last."""
    reductions: pl.DataFrame
    """Reductions open on the day, for workers in post."""
    problems: pl.DataFrame
    """What could not be judged: kind, table, row ids and a plain sentence."""
    team: str | None = None
    """The one team this view was narrowed to (`report --team`); None for everyone."""
    only: str | None = None
    """The status this view was narrowed to, and worse (`report --only`); None for all."""

    @property
    def organisation_row(self) -> dict[str, Any]:
        return self.organisation.row(0, named=True)

    @property
    def data_age(self) -> DataAge:
        """How fresh the data is on the as-of day ("data as of …", and whether it is stale)."""
        last = self.source.last_import if self.source else None
        return data_age(last, self.as_of, self.policy.stale_after_days)


def _weights(cases: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    return cases.with_columns(
        pl.col("complexity")
        .replace_strict(dict(policy.weights), default=None, return_dtype=pl.Float64)
        .alias("weight")
    )


def _unknown_where_unjudgeable(workers: pl.DataFrame, frames: Frames) -> pl.DataFrame:
    """Workers whose figures rest on a value outside the contract: `unknown`, never `ok`."""
    unjudgeable = pl.col("worker_id").is_in(unjudgeable_workers(frames).implode())
    return workers.with_columns(
        pl.when(unjudgeable).then(pl.lit(STATUS_UNKNOWN)).otherwise("status").alias("status"),
        pl.when(unjudgeable)
        .then(pl.lit(STATUS_RANK[STATUS_UNKNOWN], pl.Int8))
        .otherwise("status_rank")
        .alias("status_rank"),
        *[
            pl.when(unjudgeable).then(None).otherwise(name).alias(name)
            for name in ("capacity", "utilisation")
        ],
    )


def load_snapshot(
    path: Path | str, policy: Policy, as_of: dt.date, *, is_demo: bool = False
) -> Snapshot:
    """Read the database (read-only) and compute the snapshot for one day."""
    return compute_snapshot(load_frames(path, as_of=as_of, is_demo=is_demo), policy, as_of)


UNALLOCATED_FIELDS = (
    "case_ref",
    "team",
    "service_area",
    "case_type",
    "complexity",
    "opened_on",
    "unallocated_since",
    "days_unallocated",
    "last_staff_ref",
)
"""What the report and the exports say about each case waiting for a worker."""


def last_allocations(
    case_ids: pl.DataFrame, allocations: pl.DataFrame, workers: pl.DataFrame, day: dt.date
) -> pl.DataFrame:
    """For each case in `case_ids`, when its last allocation ended (on or before `day`)
    and to whom: `last_end`, `last_staff_ref`.

    An allocation ends at its end date, or earlier when its worker left first (an
    allocation still open to someone who has left ended with their leaving). A case
    never allocated by `day` has no row.
    """
    day_lit = pl.lit(day, dtype=pl.Date)
    staff = workers.select(
        pl.col("id").alias("worker_id"), "staff_ref", pl.col("end_date").alias("_worker_end")
    )
    return (
        allocations.join(case_ids, on="case_id", how="semi")
        .filter(pl.col("start_date") <= day_lit)
        .join(staff, on="worker_id", how="left")
        .with_columns(pl.min_horizontal("end_date", "_worker_end").alias("last_end"))
        .filter(pl.col("last_end") <= day_lit)
        .sort(
            ["case_id", "last_end", "start_date", "staff_ref"],
            descending=[False, True, True, False],
        )
        .group_by("case_id", maintain_order=True)
        .first()
        .select("case_id", "last_end", pl.col("staff_ref").alias("last_staff_ref"))
    )


def unallocated_cases(
    waiting: pl.DataFrame, frames: Frames, teams: pl.DataFrame, day: dt.date
) -> pl.DataFrame:
    """Open cases with nobody allocated, longest waiting first.

    A case is unallocated since its last allocation ended (or since it opened, if it was
    never allocated): a case open for years whose worker left last month has waited a
    month, not years.
    """
    day_lit = pl.lit(day, dtype=pl.Date)
    waiting = waiting.rename({"id": "case_id"})
    last = last_allocations(waiting.select("case_id"), frames.allocations, frames.workers, day)
    return (
        waiting.join(teams.select("team_id", "team", "service_area"), on="team_id", how="left")
        .join(last, on="case_id", how="left")
        .with_columns(
            (day_lit - pl.col("opened_on")).dt.total_days().alias("days_open"),
            pl.max_horizontal("opened_on", "last_end").alias("unallocated_since"),
        )
        .with_columns(
            (day_lit - pl.col("unallocated_since")).dt.total_days().alias("days_unallocated")
        )
        .drop("last_end")
        .sort(["unallocated_since", "opened_on", "case_ref"])
    )


def compute_snapshot(frames: Frames, policy: Policy, as_of: dt.date) -> Snapshot:
    """Judge every worker in post on `as_of` against the policy, and sum up by team."""
    day = as_of
    day_lit = pl.lit(day, dtype=pl.Date)
    teams = frames.teams.select(
        pl.col("id").alias("team_id"),
        pl.col("name").alias("team"),
        "service_area",
        "establishment_fte",
    )
    workers_in_post = frames.workers.filter(open_on("start_date", "end_date", day))
    cases = _weights(frames.cases, policy)
    open_cases = cases.filter(open_on("opened_on", "closed_on", day))
    open_allocations = frames.allocations.filter(open_on("start_date", "end_date", day))

    in_post_ids = workers_in_post.select(pl.col("id").alias("worker_id"))
    # One row per (worker, case): the same case allocated twice to one worker counts once.
    # Deduplicate on ids first, then bring in the case's columns.
    held = (
        open_allocations.join(in_post_ids, on="worker_id", how="semi")
        .group_by(["worker_id", "case_id"])
        .agg(pl.col("start_date").min().alias("allocated_since"))
        .join(
            open_cases.select(
                pl.col("id").alias("case_id"),
                "case_ref",
                pl.col("team_id").alias("case_team_id"),
                "case_type",
                "complexity",
                "weight",
                "opened_on",
                "family_ref",
            ),
            on="case_id",
            how="inner",
        )
    )
    worker_cases = held.with_columns(
        (day_lit - pl.col("allocated_since")).dt.total_days().alias("days_held"),
        pl.when(pl.col("family_ref").is_not_null())
        .then(pl.len().over(["worker_id", "family_ref"]))
        .otherwise(1)
        .cast(pl.Int64)
        .alias("family_cases"),
    ).sort(
        ["worker_id", "family_ref", "allocated_since", "case_ref"],
        nulls_last=True,
        # Measured at England scale on 2 cores: the parallel sort of these string keys
        # took ~1.7x the CPU and more wall time than sorting on one thread.
        multithreaded=False,
    )

    loads = held.group_by("worker_id").agg(
        pl.len().cast(pl.Int64).alias("cases"),
        *[
            (pl.col("complexity") == level).sum().cast(pl.Int64).alias(f"{level}_cases")
            for level in COMPLEXITY_LEVELS
        ],
    )
    active_reductions = (
        frames.reductions.filter(open_on("start_date", "end_date", day))
        .join(in_post_ids, on="worker_id", how="semi")
        .sort(REDUCTION_ORDER)
    )
    reduction_total = reduction_totals(active_reductions, ["worker_id"])

    workers = judge_workers(
        workers_in_post.rename({"id": "worker_id"})
        .join(teams, on="team_id", how="left")
        .join(loads, on="worker_id", how="left")
        .join(reduction_total, on="worker_id", how="left"),
        policy,
    )
    workers = _unknown_where_unjudgeable(workers, frames).sort(
        WORKER_ORDER, descending=WORKER_ORDER_DESCENDING, nulls_last=True
    )

    case_totals = open_cases.group_by("team_id").agg(pl.len().alias("open_cases"))
    allocated_totals = (
        held.select("case_id", "case_team_id")
        .unique("case_id")
        .group_by("case_team_id")
        .agg(pl.len().alias("allocated_cases"))
        .rename({"case_team_id": "team_id"})
    )
    team_rows = summarise_teams(
        teams,
        workers.group_by("team_id").agg(WORKER_TOTALS),  # exact sums: any order will do
        case_totals.join(allocated_totals, on="team_id", how="full", coalesce=True),
        on=["team_id"],
    ).sort(["service_area", "team"])
    service_areas = roll_up(team_rows, ["service_area"]).sort("service_area")
    organisation = roll_up(team_rows, [])

    allocated_ids = held.select(pl.col("case_id").alias("id")).unique()
    unallocated = unallocated_cases(
        open_cases.join(allocated_ids, on="id", how="anti"), frames, teams, day
    )

    problems = find_problems(Day(frames, policy, day, workers_in_post, open_allocations, cases))

    return Snapshot(
        as_of=day,
        policy=policy,
        source=frames.source,
        workers=workers,
        teams=team_rows,
        service_areas=service_areas,
        organisation=organisation,
        worker_cases=worker_cases,
        unallocated_cases=unallocated,
        reductions=active_reductions,
        problems=problems,
    )
