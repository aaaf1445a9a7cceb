"""The next questions a supervisor asks, answered from a Snapshot's own frames.

Who else holds this case? Which of this family's children are with someone else? How
many cases has this worker been given lately? How old is the case, how long has the
worker been in post, are they in their ASYE year, when does their protected time end?
Each function takes a Snapshot (or a scenario's) and returns a frame keyed by
`worker_id` (and `case_id` or `family_ref`), to join onto what a screen shows.

What a Snapshot cannot say, and so these do not: intake counts only the cases a worker
still holds (a case allocated on Monday and closed or moved on by Friday is not in the
day's figures); the ASYE year is read from the cohort (`nqsw`), as the policy names it.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.caseload import Snapshot

INTAKE_DAYS = (7, 30)
ASYE_COHORT = "nqsw"
"""The cohort of newly qualified social workers in their Assessed and Supported Year."""


def _staff(snapshot: Snapshot) -> pl.DataFrame:
    return snapshot.workers.select("worker_id", "staff_ref")


def recent_intake(snapshot: Snapshot, days: tuple[int, ...] = INTAKE_DAYS) -> pl.DataFrame:
    """Per worker in post: `intake_<n>_days`, the cases they hold that were allocated to
    them in the last n days, the as-of day included (held fewer than n days)."""
    counts = snapshot.worker_cases.group_by("worker_id").agg(
        (pl.col("days_held") < n).sum().cast(pl.Int64).alias(f"intake_{n}_days") for n in days
    )
    return (
        _staff(snapshot)
        .join(counts, on="worker_id", how="left", maintain_order="left")
        .with_columns(pl.col(f"intake_{n}_days").fill_null(0) for n in days)
    )


def co_workers(snapshot: Snapshot) -> pl.DataFrame:
    """Per (worker, case) held: `co_worked` and `co_workers`, the staff refs of the others
    holding the same case (sorted; empty when the worker holds it alone)."""
    holders = snapshot.worker_cases.select("worker_id", "case_id").join(
        _staff(snapshot), on="worker_id"
    )
    pairs = holders.join(holders, on="case_id", suffix="_other").filter(
        pl.col("worker_id") != pl.col("worker_id_other")
    )
    others = pairs.group_by("worker_id", "case_id").agg(
        pl.col("staff_ref_other").sort().alias("co_workers")
    )
    return (
        snapshot.worker_cases.select("worker_id", "case_id", "case_ref")
        .join(others, on=["worker_id", "case_id"], how="left", maintain_order="left")
        .with_columns(pl.col("co_workers").fill_null(pl.lit([], dtype=pl.List(pl.String))))
        .with_columns((pl.col("co_workers").list.len() > 0).alias("co_worked"))
    )


def family_siblings(snapshot: Snapshot) -> pl.DataFrame:
    """Per (worker, family) the worker holds a case of: `family_cases` (theirs),
    `siblings_elsewhere` (the family's cases other workers hold and this one does not),
    `sibling_holders` (those workers' staff refs, sorted) and `siblings_unallocated`."""
    held = snapshot.worker_cases.filter(pl.col("family_ref").is_not_null()).select(
        "worker_id", "case_id", "family_ref"
    )
    mine = held.group_by("worker_id", "family_ref").agg(
        pl.len().cast(pl.Int64).alias("family_cases")
    )
    everyone = held.join(_staff(snapshot), on="worker_id")
    elsewhere = (
        mine.select("worker_id", "family_ref")
        .join(everyone, on="family_ref", suffix="_other")
        .filter(pl.col("worker_id") != pl.col("worker_id_other"))
        # A sibling this worker co-works is theirs too, not "with someone else".
        .join(held, on=["worker_id", "case_id"], how="anti")
        .group_by("worker_id", "family_ref")
        .agg(
            pl.col("case_id").n_unique().cast(pl.Int64).alias("siblings_elsewhere"),
            pl.col("staff_ref").unique().sort().alias("sibling_holders"),
        )
    )
    waiting = (
        snapshot.unallocated_cases.filter(pl.col("family_ref").is_not_null())
        .group_by("family_ref")
        .agg(pl.len().cast(pl.Int64).alias("siblings_unallocated"))
    )
    return (
        mine.join(elsewhere, on=["worker_id", "family_ref"], how="left")
        .join(waiting, on="family_ref", how="left")
        .with_columns(
            pl.col("siblings_elsewhere", "siblings_unallocated").fill_null(0),
            pl.col("sibling_holders").fill_null(pl.lit([], dtype=pl.List(pl.String))),
        )
        .sort("worker_id", "family_ref")
    )


def family_note(row: dict[str, object]) -> str:
    """`◆ 3 — 1 more with DEMO-SW0412`: this worker's cases of the family, and where the
    rest are (a row of `family_siblings`)."""
    rest = []
    elsewhere = row.get("siblings_elsewhere") or 0
    holders = row.get("sibling_holders") or []
    if elsewhere and isinstance(holders, list):
        rest.append(f"{elsewhere} more with {', '.join(str(ref) for ref in holders)}")
    waiting = row.get("siblings_unallocated") or 0
    if waiting:
        rest.append(f"{waiting} unallocated")
    mark = f"◆ {row['family_cases']}"
    return f"{mark} — {'; '.join(rest)}" if rest else mark


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
