"""The rules of a judgement, shared by the day and the series: one definition of each.

How a worker is judged (capacity, utilisation, status), what a team's totals are and how
rates are worked out from them. `caseload` applies them to one day, `series` to many
dates at once; a test holds the two equal on random histories.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from cfmonitor.data.contract import COMPLEXITY_LEVELS, FAR_FUTURE
from cfmonitor.policy import Policy

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


def open_on(start: str, end: str, day: dt.date) -> pl.Expr:
    """True where the half-open range [start, end) contains `day`."""
    when = pl.lit(day, dtype=pl.Date)
    return (pl.col(start) <= when) & (pl.col(end).is_null() | (when < pl.col(end)))


def cohort_maximum(policy: Policy) -> pl.Expr:
    return pl.col("cohort").replace_strict(
        dict(policy.cohorts), default=None, return_dtype=pl.Float64
    )


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
    """FTE as a whole number of ten-thousandths, to be summed exactly. A value outside
    the contract that no whole number can hold (infinite, NaN) counts as none: the
    worker it belongs to is `unknown` and the problems list names it."""
    value = pl.col(column) if isinstance(column, str) else column
    return (value * FTE_UNITS).round(0).cast(pl.Int64, strict=False)


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


def exact_fte() -> pl.Expr:
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


PER_PERCENT = 0.01
"""Percent to fraction by multiplying: Polars divides a column of two or more rows by a
number as a multiplication by its reciprocal, and a one-row column by true division, so
`/ 100` gave a worker judged alone a capacity one float step away from the same worker
judged among others (the trend series and a day's snapshot disagreed)."""


WORKER_ORDER = ["team", "status_rank", "utilisation", "weighted_load", "staff_ref"]


WORKER_ORDER_DESCENDING = [False, False, True, True, False]
"""Most urgent first within each team."""


def held_range() -> list[pl.Expr]:
    """`_from`, `_until`: when an allocated case counts on a worker's load — from the
    latest of the allocation's start, the case's opening and the worker's start in post,
    until the earliest of their ends (an open end as FAR_FUTURE)."""
    far = pl.lit(FAR_FUTURE, dtype=pl.Date)
    return [
        pl.max_horizontal("start_date", "opened_on", "in_post_from").alias("_from"),
        pl.min_horizontal(
            pl.col("end_date").fill_null(far),
            pl.col("closed_on").fill_null(far),
            pl.col("in_post_until").fill_null(far),
        ).alias("_until"),
    ]


def complexity_level() -> pl.Expr:
    """`complexity` as its place in `COMPLEXITY_LEVELS` (null for any other word), so the
    series and weeks over count a held case per level by number."""
    levels = {level: index for index, level in enumerate(COMPLEXITY_LEVELS)}
    return (
        pl.col("complexity")
        .replace_strict(levels, default=None, return_dtype=pl.Int8)
        .alias("level")
    )


def level_indicators(dtype: type[pl.DataType]) -> list[pl.Expr]:
    """`<level>_cases`: 1 where a held row's `level` is that level, else 0."""
    return [
        (pl.col("level") == index).cast(dtype).alias(f"{level}_cases")
        for index, level in enumerate(COMPLEXITY_LEVELS)
    ]


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
            cohort_maximum(policy).alias("cohort_maximum"),
        )
        .with_columns(weighted_load(policy))
        .with_columns(
            (
                maximum
                * pl.col("fte")
                * (1 - pl.col("reduction_percent").clip(upper_bound=100) * PER_PERCENT)
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
        .with_columns(exact_fte())
        .with_columns(_summary_columns())
    )
