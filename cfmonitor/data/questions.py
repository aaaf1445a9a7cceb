"""The next questions a supervisor asks, answered from a Snapshot's own frames.

Who else holds this case? Which of this family's children are with someone else? How
many cases has this worker been given lately? How old is the case, how long has the
worker been in post, are they in their ASYE year, when does their protected time end?
Each function takes a Snapshot (or a scenario's, or its `worker_cases`) and returns a
frame keyed by `worker_id` (and `case_id`), to join onto what a screen shows; what one
worker's cases share with colleagues, and their intake, are answered for that worker
alone (`shared_work`, `intake_of`).

What a Snapshot cannot say, and so these do not: intake counts only the cases a worker
still holds (a case allocated on Monday and closed or moved on by Friday is not in the
day's figures); the ASYE year is read from the cohort (`nqsw`), as the policy names it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass

import polars as pl

from cfmonitor.data.caseload import Snapshot

INTAKE_DAYS = (7, 30)
ASYE_COHORT = "nqsw"
"""The cohort of newly qualified social workers in their Assessed and Supported Year."""


def _intake_counts(days: tuple[int, ...]) -> list[pl.Expr]:
    return [(pl.col("days_held") < n).sum().cast(pl.Int64).alias(f"intake_{n}_days") for n in days]


def intake_counts(worker_cases: pl.DataFrame, days: tuple[int, ...] = INTAKE_DAYS) -> pl.DataFrame:
    """Per worker holding any of `worker_cases`: `intake_<n>_days`, the cases they hold
    that were allocated to them in the last n days, the as-of day included (held fewer
    than n days). A worker holding none has no row: their intake is 0."""
    return worker_cases.group_by("worker_id").agg(_intake_counts(days))


def intake_of(held: pl.DataFrame, days: tuple[int, ...] = INTAKE_DAYS) -> dict[str, int]:
    """`intake_counts` for one worker, from their own rows of `worker_cases` (one pass,
    for the worker screen's figure; 0 when they hold nothing)."""
    return held.select(_intake_counts(days)).row(0, named=True)


@dataclass(frozen=True)
class Family:
    """One family as a worker sees it: how many of its cases they hold, how many other
    workers hold (and who), and how many are waiting for a worker."""

    family_cases: int
    siblings_elsewhere: int = 0
    sibling_holders: tuple[str, ...] = ()
    siblings_unallocated: int = 0

    def note(self) -> str:
        """`◆ 3 — 1 more with DEMO-SW0412`; empty for a family of one case held alone,
        which needs no note."""
        rest = []
        if self.siblings_elsewhere:
            rest.append(f"{self.siblings_elsewhere} more with {', '.join(self.sibling_holders)}")
        if self.siblings_unallocated:
            rest.append(f"{self.siblings_unallocated} unallocated")
        if not rest and self.family_cases <= 1:
            return ""
        mark = f"◆ {self.family_cases}"
        return f"{mark} — {'; '.join(rest)}" if rest else mark


@dataclass(frozen=True)
class SharedWork:
    """What one worker's cases share with colleagues: `co_workers[case_id]`, the staff
    refs of the others holding that case (sorted; a case held alone is absent), and
    `families[family_ref]` for each family the worker holds a case of."""

    co_workers: dict[int, tuple[str, ...]]
    families: dict[str, Family]


def shared_work(snapshot: Snapshot, worker_id: int, held: pl.DataFrame | None = None) -> SharedWork:
    """Who else holds this worker's cases, and where their families' other cases are.
    One worker's cases are a handful, so after four look-ups the rest is counted in
    Python (a move redraws this: at the demo size each frame operation costs more than
    the counting). A sibling this worker co-works is theirs too, not "with someone
    else". `held`: the worker's own rows of `worker_cases`, when the caller has them.
    """
    cases = snapshot.worker_cases
    mine = cases.filter(pl.col("worker_id") == worker_id) if held is None else held
    if mine.is_empty():
        return SharedWork(co_workers={}, families={})
    my_cases = set(mine.get_column("case_id").to_list())
    my_families = Counter(ref for ref in mine.get_column("family_ref").to_list() if ref is not None)
    related = cases.filter(
        (pl.col("worker_id") != worker_id)
        & (pl.col("case_id").is_in(list(my_cases)) | pl.col("family_ref").is_in(list(my_families)))
    )
    others = list(
        zip(
            *(
                related.get_column(name).to_list()
                for name in ("worker_id", "case_id", "family_ref")
            ),
            strict=True,
        )
    )
    colleagues = snapshot.workers.filter(
        pl.col("worker_id").is_in(related.get_column("worker_id").to_list())
    )
    staff = dict(
        zip(
            colleagues.get_column("worker_id").to_list(),
            colleagues.get_column("staff_ref").to_list(),
            strict=True,
        )
    )
    waiting = Counter(
        snapshot.unallocated_cases.filter(pl.col("family_ref").is_in(list(my_families)))
        .get_column("family_ref")
        .to_list()
    )
    with_whom: dict[int, set[str]] = defaultdict(set)
    elsewhere: dict[str, set[int]] = defaultdict(set)
    holders: dict[str, set[str]] = defaultdict(set)
    for other, case_id, family_ref in others:
        if other not in staff:  # held by nobody in post: not a colleague to name
            continue
        if case_id in my_cases:
            with_whom[case_id].add(staff[other])
        elif family_ref in my_families:
            elsewhere[family_ref].add(case_id)
            holders[family_ref].add(staff[other])
    return SharedWork(
        co_workers={case_id: tuple(sorted(refs)) for case_id, refs in with_whom.items()},
        families={
            family_ref: Family(
                family_cases=count,
                siblings_elsewhere=len(elsewhere[family_ref]),
                sibling_holders=tuple(sorted(holders[family_ref])),
                siblings_unallocated=waiting[family_ref],
            )
            for family_ref, count in my_families.items()
        },
    )


def case_dates(snapshot: Snapshot) -> pl.DataFrame:
    """Per (worker, case): when the case opened beside when this worker was given it."""
    day = pl.lit(snapshot.as_of, dtype=pl.Date)
    return snapshot.worker_cases.select(
        "worker_id",
        "case_id",
        "case_ref",
        "opened_on",
        "allocated_since",
        (day - pl.col("opened_on")).dt.total_days().alias("days_open"),
        "days_held",
    )


def worker_dates(snapshot: Snapshot) -> pl.DataFrame:
    """Per worker in post: `start_date`, `days_in_post`, `asye` (in the nqsw cohort), and
    their reductions open on the day: how many, the first and last to end, and whether
    any has no end date (`reduction_open_ended`: then the last end is unknown)."""
    day = pl.lit(snapshot.as_of, dtype=pl.Date)
    reductions = snapshot.reductions.group_by("worker_id").agg(
        pl.len().cast(pl.Int64).alias("reductions"),
        pl.col("end_date").min().alias("first_reduction_end"),
        pl.when(pl.col("end_date").is_null().any())
        .then(None)
        .otherwise(pl.col("end_date").max())
        .alias("last_reduction_end"),
        pl.col("end_date").is_null().any().alias("reduction_open_ended"),
    )
    return (
        snapshot.workers.select(
            "worker_id",
            "staff_ref",
            "start_date",
            (day - pl.col("start_date")).dt.total_days().alias("days_in_post"),
            (pl.col("cohort") == ASYE_COHORT).alias("asye"),
            "reduction_percent",
        )
        .join(reductions, on="worker_id", how="left", maintain_order="left")
        .with_columns(
            pl.col("reductions").fill_null(0), pl.col("reduction_open_ended").fill_null(False)
        )
    )


def holders_of(snapshot: Snapshot, case_ref: str) -> pl.DataFrame:
    """Which worker holds this case? staff_ref, name, team, allocated_since (empty when it
    is unallocated or not open on the day)."""
    held = snapshot.worker_cases.filter(pl.col("case_ref") == case_ref).select(
        "worker_id", "allocated_since"
    )
    return (
        held.join(snapshot.workers.select("worker_id", "staff_ref", "name", "team"), on="worker_id")
        .select("staff_ref", "name", "team", "allocated_since")
        .sort("allocated_since", "staff_ref")
    )
