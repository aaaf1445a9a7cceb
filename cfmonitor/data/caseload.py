"""The caseload computation: (frames, policy, as_of) → Snapshot. Pure; no I/O.

Every figure a manager sees is made here, in Polars, so that the report, the TUI and
the tests agree by construction. Date ranges are half-open: a record is open on day d
when start <= d and (end is null or d < end).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import polars as pl

from cfmonitor.data.contract_rules import contract_problems, unjudgeable_workers
from cfmonitor.data.freshness import DataAge, data_age
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import Frames, Source
from cfmonitor.policy import COMPLEXITY_LEVELS, Policy

TOLERANCE = 1e-9
"""Loads are sums of decimal weights; compare with this slack so 18 x 1.0 is not over 18."""

STATUS_OVER = "over"
STATUS_NEAR = "near"
STATUS_OK = "ok"
STATUS_UNKNOWN_COHORT = "unknown-cohort"
STATUS_UNKNOWN = "unknown"
"""A value the worker's figures depend on is outside the contract: nobody can judge them."""
STATUSES = (STATUS_OVER, STATUS_NEAR, STATUS_OK, STATUS_UNKNOWN_COHORT, STATUS_UNKNOWN)
STATUS_RANK = {
    STATUS_OVER: 0,
    STATUS_UNKNOWN: 1,
    STATUS_UNKNOWN_COHORT: 1,
    STATUS_NEAR: 2,
    STATUS_OK: 3,
}
"""Most urgent first: used to sort so the overloaded are seen before anyone else."""

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

PROBLEM_SCHEMA = {
    "kind": pl.String(),
    "table": pl.String(),
    "rows": pl.List(pl.Int64()),
    "detail": pl.String(),
}


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


def open_on(start: str, end: str, day: dt.date) -> pl.Expr:
    """True where the half-open range [start, end) contains `day`."""
    when = pl.lit(day, dtype=pl.Date)
    return (pl.col(start) <= when) & (pl.col(end).is_null() | (when < pl.col(end)))


def _problem(frame: pl.DataFrame, kind: str, table: str, rows: pl.Expr, detail: pl.Expr):
    return frame.select(
        pl.lit(kind).alias("kind"),
        pl.lit(table).alias("table"),
        rows.cast(pl.List(pl.Int64())).alias("rows"),
        detail.alias("detail"),
    )


def _weights(cases: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    return cases.with_columns(
        pl.col("complexity")
        .replace_strict(dict(policy.weights), default=None, return_dtype=pl.Float64)
        .alias("weight")
    )


def _cohort_maximum(policy: Policy) -> pl.Expr:
    return pl.col("cohort").replace_strict(
        dict(policy.cohorts), default=None, return_dtype=pl.Float64
    )


def _overlapping_allocations(allocations: pl.DataFrame) -> pl.DataFrame:
    """Pairs of allocations of one case to one worker whose date ranges overlap."""
    far_future = pl.lit(dt.date(9999, 12, 31), dtype=pl.Date)
    valid = allocations.filter(
        pl.col("end_date").is_null() | (pl.col("end_date") > pl.col("start_date"))
    )
    ordered = valid.sort(["case_id", "worker_id", "start_date", "id"]).with_columns(
        pl.col("end_date").fill_null(far_future).alias("_end")
    )
    pair = ["case_id", "worker_id"]
    # Nearly every pair has one allocation; a window over hundreds of thousands of tiny
    # groups is slow, so keep only pairs that repeat (neighbours once sorted).
    same_as_previous = (pl.col("case_id") == pl.col("case_id").shift(1)) & (
        pl.col("worker_id") == pl.col("worker_id").shift(1)
    )
    same_as_next = (pl.col("case_id") == pl.col("case_id").shift(-1)) & (
        pl.col("worker_id") == pl.col("worker_id").shift(-1)
    )
    ordered = ordered.filter(same_as_previous.fill_null(False) | same_as_next.fill_null(False))
    ordered = ordered.with_columns(
        pl.col("_end").cum_max().shift(1).over(pair).alias("_previous_end"),
        pl.col("id").shift(1).over(pair).alias("_previous_id"),
    )
    return ordered.filter(pl.col("start_date") < pl.col("_previous_end"))


def _find_problems(
    frames: Frames,
    policy: Policy,
    day: dt.date,
    workers_in_post: pl.DataFrame,
    open_allocations: pl.DataFrame,
    cases: pl.DataFrame,
) -> pl.DataFrame:
    staff = frames.workers.select(pl.col("id").alias("worker_id"), "staff_ref")
    refs = cases.select(pl.col("id").alias("case_id"), "case_ref")

    def with_refs(found: pl.DataFrame) -> pl.DataFrame:
        # Find problem rows by id first, then name them: joining the references onto
        # every allocation costs more than all the checks together on a large database.
        return found.join(staff, on="worker_id", how="left").join(refs, on="case_id", how="left")

    allocations = frames.allocations
    known_worker = pl.col("worker_id").is_in(staff["worker_id"].implode())
    known_case = pl.col("case_id").is_in(refs["case_id"].implode())
    day_text = day.isoformat()
    parts: list[pl.DataFrame] = []

    unknown_cohort = workers_in_post.filter(_cohort_maximum(policy).is_null())
    parts.append(
        _problem(
            unknown_cohort,
            "unknown-cohort",
            "workers",
            pl.concat_list("id"),
            pl.format(
                "worker {} has cohort '{}', which the policy does not define",
                "staff_ref",
                "cohort",
            ),
        )
    )

    unknown_team = frames.workers.join(frames.teams, left_on="team_id", right_on="id", how="anti")
    parts.append(
        _problem(
            unknown_team,
            "unknown-team",
            "workers",
            pl.concat_list("id"),
            pl.format(
                "worker {} belongs to team id {}, which does not exist", "staff_ref", "team_id"
            ),
        )
    )

    missing_refs = with_refs(allocations.filter(~known_worker | ~known_case))
    parts.append(
        _problem(
            missing_refs,
            "unknown-reference",
            "allocations",
            pl.concat_list("id"),
            pl.format(
                "allocation {} refers to case id {} and worker id {}, one of which does not exist",
                "id",
                "case_id",
                "worker_id",
            ),
        )
    )

    in_post_ids = workers_in_post.select(pl.col("id").alias("worker_id"))
    not_in_post = with_refs(
        open_allocations.filter(known_worker).join(in_post_ids, on="worker_id", how="anti")
    )
    parts.append(
        _problem(
            not_in_post,
            "worker-not-in-post",
            "allocations",
            pl.concat_list("id"),
            pl.format(
                "allocation {} of case {} is open on {} but worker {} is not in post then",
                "id",
                "case_ref",
                pl.lit(day_text),
                "staff_ref",
            ),
        )
    )

    open_case_ids = cases.filter(open_on("opened_on", "closed_on", day)).select(
        pl.col("id").alias("case_id")
    )
    closed_case = with_refs(
        open_allocations.filter(known_case).join(open_case_ids, on="case_id", how="anti")
    )
    parts.append(
        _problem(
            closed_case,
            "case-not-open",
            "allocations",
            pl.concat_list("id"),
            pl.format(
                "allocation {} to worker {} is open on {} but case {} is not open then",
                "id",
                "staff_ref",
                pl.lit(day_text),
                "case_ref",
            ),
        )
    )

    overlapping = with_refs(_overlapping_allocations(allocations))
    parts.append(
        _problem(
            overlapping,
            "double-allocation",
            "allocations",
            pl.concat_list("_previous_id", "id"),
            pl.format(
                "allocations {} and {} give case {} to worker {} twice at once",
                "_previous_id",
                "id",
                "case_ref",
                "staff_ref",
            ),
        )
    )

    backwards = with_refs(allocations.filter(pl.col("end_date") < pl.col("start_date")))
    parts.append(
        _problem(
            backwards,
            "ends-before-start",
            "allocations",
            pl.concat_list("id"),
            pl.format(
                "allocation {} of case {} ends on {} before it starts on {}",
                "id",
                "case_ref",
                pl.col("end_date").cast(pl.String),
                pl.col("start_date").cast(pl.String),
            ),
        )
    )

    backwards_reductions = frames.reductions.join(staff, on="worker_id", how="left").filter(
        pl.col("end_date") < pl.col("start_date")
    )
    parts.append(
        _problem(
            backwards_reductions,
            "ends-before-start",
            "reductions",
            pl.concat_list("id"),
            pl.format(
                "reduction {} for worker {} ends on {} before it starts on {}",
                "id",
                "staff_ref",
                pl.col("end_date").cast(pl.String),
                pl.col("start_date").cast(pl.String),
            ),
        )
    )

    unknown_complexity = cases.filter(pl.col("weight").is_null())
    parts.append(
        _problem(
            unknown_complexity,
            "unknown-complexity",
            "cases",
            pl.concat_list("id"),
            pl.format(
                "case {} has complexity '{}', which has no weight in the policy",
                "case_ref",
                "complexity",
            ),
        )
    )

    parts.append(contract_problems(frames))
    return pl.concat(parts, how="vertical")


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


FTE_SUMS = (
    "fte_in_post",
    "establishment_fte",
    "agency_fte",
    "caseholding_fte",
    "permanent_fte",
    "case_holder_fte",
)
"""Sums of FTE. They are summed exactly, in whole ten-thousandths of an FTE (`fte_units`),
and only then turned into numbers: a float sum depends on the order it was added in, and
a day's report, the series and two runs of either add in different orders."""
FTE_UNITS = 10_000
"""Ten-thousandths of an FTE (about four minutes a week): finer than any contract records."""


def fte_units(column: str | pl.Expr) -> pl.Expr:
    """FTE as a whole number of ten-thousandths, to be summed exactly."""
    value = pl.col(column) if isinstance(column, str) else column
    return (value * FTE_UNITS).round(0).cast(pl.Int64)


def as_fte(units: pl.Expr) -> pl.Expr:
    """Whole ten-thousandths back as the FTE number nearest them. Polars divides by a
    constant through its reciprocal, which can miss by one in the last bit (15.7 comes
    back as 15.700000000000001); rounding to the units' places gives the nearest."""
    return (units / FTE_UNITS).round(4)


def _fte_sum(column: str, where: pl.Expr | None = None) -> pl.Expr:
    """The exact sum of an FTE column (of the rows `where` chooses), as a number."""
    units = fte_units(column)
    chosen = units if where is None else units.filter(where)
    return as_fte(chosen.sum()).alias(column)


def _exact_fte() -> pl.Expr:
    """FTE sums as the exact sum of their ten-thousandths (the team sums are already)."""
    return as_fte(fte_units(pl.col(FTE_SUMS)))


def _summary_columns() -> list[pl.Expr]:
    """Rates and derived figures, computed from summable columns."""
    return [
        (pl.col("establishment_fte") - pl.col("fte_in_post"))
        .clip(lower_bound=0)
        .alias("vacancy_fte"),
        pl.when(pl.col("establishment_fte") > 0)
        .then(
            (pl.col("establishment_fte") - pl.col("fte_in_post")).clip(lower_bound=0)
            / pl.col("establishment_fte")
        )
        .otherwise(None)
        .alias("vacancy_rate"),
        pl.when(pl.col("fte_in_post") > 0)
        .then(pl.col("agency_fte") / pl.col("fte_in_post"))
        .otherwise(None)
        .alias("agency_rate"),
        (pl.col("open_cases") - pl.col("allocated_cases")).alias("unallocated_cases"),
        pl.when(pl.col("caseholding_fte") > 0)
        .then(pl.col("caseholding_cases") / pl.col("caseholding_fte"))
        .otherwise(None)
        .alias("average_caseload"),
        *_census_columns(),
    ]


def _census_columns() -> list[pl.Expr]:
    """The census's vacancy rate, vacancies ÷ (vacancies + permanent FTE), where a
    vacancy is establishment not filled by permanent staff; and its caseload."""
    not_permanent = (pl.col("establishment_fte") - pl.col("permanent_fte")).clip(lower_bound=0)
    posts = not_permanent + pl.col("permanent_fte")
    return [
        not_permanent.alias("census_vacancy_fte"),
        pl.when(posts > 0).then(not_permanent / posts).otherwise(None).alias("census_vacancy_rate"),
        pl.when(pl.col("case_holder_fte") > 0)
        .then(pl.col("case_holder_cases") / pl.col("case_holder_fte"))
        .otherwise(None)
        .alias("census_average_caseload"),
    ]


SUMMABLE = (
    "workers_in_post",
    "fte_in_post",
    "establishment_fte",
    "agency_fte",
    "agency_workers",
    "open_cases",
    "allocated_cases",
    "caseholding_cases",
    "caseholding_fte",
    "permanent_fte",
    "case_holder_cases",
    "case_holder_fte",
    "over",
    "near",
    "unknown_cohort",
)


def roll_up(teams: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Sum team figures (by service area, or for everyone) and recompute the rates."""
    sums = [_fte_sum(name) if name in FTE_SUMS else pl.col(name).sum() for name in SUMMABLE]
    grouped = teams.group_by(by, maintain_order=True).agg(sums) if by else teams.select(sums)
    return grouped.with_columns(_summary_columns())


REDUCTION_ORDER = ["worker_id", "start_date", "id"]
"""Reductions are summed in this order, so every computation adds the same floats alike."""


def reduction_totals(reductions: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """`reduction_percent`: the percents summed per key, in `REDUCTION_ORDER`.

    Summed as lists, so the float additions do not depend on how a group-by happens to
    split its work (a day's snapshot and a many-day series group differently)."""
    return (
        reductions.sort(REDUCTION_ORDER)
        .group_by(keys, maintain_order=True)
        .agg(pl.col("percent"))
        .select(*keys, pl.col("percent").list.sum().alias("reduction_percent"))
    )


WORKER_ORDER = ["team", "status_rank", "utilisation", "weighted_load", "staff_ref"]
WORKER_ORDER_DESCENDING = [False, False, True, True, False]
"""Most urgent first within each team."""


def weighted_load(policy: Policy) -> pl.Expr:
    """Sum of complexity weights, from the per-level case counts (exact for any history)."""
    terms = [pl.col(f"{level}_cases") * policy.weights[level] for level in COMPLEXITY_LEVELS]
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total.cast(pl.Float64).alias("weighted_load")


def judge_workers(workers: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """Capacity, utilisation and status of workers whose case counts are known.

    Needs `cohort`, `fte`, the per-level case counts, `cases` and `reduction_percent`
    (null where nothing is held or reduced). The one definition of status: the
    snapshot and the trend series both use it.
    """
    maximum = pl.col("cohort_maximum")
    capacity = pl.col("capacity")
    load = pl.col("weighted_load")
    counts = ["cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)]
    return (
        workers.with_columns(
            pl.col(counts).fill_null(0),
            pl.col("reduction_percent").fill_null(0.0),
            _cohort_maximum(policy).alias("cohort_maximum"),
        )
        .with_columns(weighted_load(policy))
        .with_columns(
            (
                maximum
                * pl.col("fte")
                * (1 - pl.col("reduction_percent").clip(upper_bound=100) / 100)
            ).alias("capacity")
        )
        .with_columns(
            pl.when(capacity > TOLERANCE).then(load / capacity).otherwise(None).alias("utilisation")
        )
        .with_columns(
            pl.when(maximum.is_null())
            .then(pl.lit(STATUS_UNKNOWN_COHORT))
            .when(load > capacity + TOLERANCE)
            .then(pl.lit(STATUS_OVER))
            .when(pl.col("utilisation") >= policy.near_band - TOLERANCE)
            .then(pl.lit(STATUS_NEAR))
            .otherwise(pl.lit(STATUS_OK))
            .alias("status")
        )
        .with_columns(
            pl.col("status").replace_strict(STATUS_RANK, return_dtype=pl.Int8).alias("status_rank")
        )
    )


_CASEHOLDING = pl.col("cohort_maximum") > 0
_HOLDS_CASES = pl.col("cases") > 0
"""The census's case holders: whoever holds at least one case, whatever their cohort."""
WORKER_TOTALS = [
    pl.len().alias("workers_in_post"),
    _fte_sum("fte").alias("fte_in_post"),
    _fte_sum("fte", pl.col("employment") == "agency").alias("agency_fte"),
    (pl.col("employment") == "agency").sum().alias("agency_workers"),
    (pl.col("status") == STATUS_OVER).sum().alias("over"),
    (pl.col("status") == STATUS_NEAR).sum().alias("near"),
    (pl.col("status") == STATUS_UNKNOWN_COHORT).sum().alias("unknown_cohort"),
    pl.col("cases").filter(_CASEHOLDING).sum().alias("caseholding_cases"),
    _fte_sum("fte", _CASEHOLDING).alias("caseholding_fte"),
    _fte_sum("fte", pl.col("employment") == "permanent").alias("permanent_fte"),
    pl.col("cases").filter(_HOLDS_CASES).sum().alias("case_holder_cases"),
    _fte_sum("fte", _HOLDS_CASES).alias("case_holder_fte"),
]
"""Per-team sums of judged workers (group them by team, and by date for a series)."""

_TEAM_COUNTS = (
    "workers_in_post",
    "agency_workers",
    "over",
    "near",
    "unknown_cohort",
    "caseholding_cases",
    "case_holder_cases",
    "open_cases",
    "allocated_cases",
)


def summarise_teams(
    teams: pl.DataFrame, worker_totals: pl.DataFrame, case_totals: pl.DataFrame, on: list[str]
) -> pl.DataFrame:
    """Team rows: every team (even empty), its worker and case totals, and the rates.

    `teams` has one row per team (per date for a series); `worker_totals` holds
    `WORKER_TOTALS`, `case_totals` `open_cases` and `allocated_cases`, both keyed by `on`.
    """
    return (
        teams.join(worker_totals, on=on, how="left")
        .join(case_totals, on=on, how="left")
        .with_columns(
            pl.col(_TEAM_COUNTS).fill_null(0).cast(pl.Int64),
            pl.col(
                "fte_in_post", "agency_fte", "caseholding_fte", "permanent_fte", "case_holder_fte"
            ).fill_null(0.0),
        )
        .with_columns(_exact_fte())
        .with_columns(_summary_columns())
    )


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

    problems = _find_problems(frames, policy, day, workers_in_post, open_allocations, cases)

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
