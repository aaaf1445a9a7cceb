"""The picker's figures: every worker's utilisation now and were they given one case,
by the same `judge_workers` a move uses (no second formula)."""

from __future__ import annotations

import polars as pl

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.rules import (
    STATUS_UNKNOWN,
    judge_workers,
)
from cfmonitor.policy import COMPLEXITY_LEVELS

# --- the picker: every worker's utilisation now and if they were given the case ----------------


def _the_case(snapshot: Snapshot, case_ref: str) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The case's allocations on the day and (if none) its row among those waiting:
    one scan of each frame, shared by everything the picker works out."""
    held = snapshot.worker_cases.filter(pl.col("case_ref") == case_ref)
    waiting = snapshot.unallocated_cases.filter(pl.col("case_ref") == case_ref)
    return held, waiting


def candidates(snapshot: Snapshot, case_ref: str) -> pl.DataFrame:
    """Workers in post who could be given `case_ref` (everyone but its holders), with
    `utilisation` and `status` now and `utilisation_after`, `status_after` with the case
    added (by `judge_workers`, as the move itself would judge them); those in the case's
    own team (`same_team`) first, then the least loaded after. Empty when the case is
    not open on the day."""
    held, waiting = _the_case(snapshot, case_ref)
    case = pl.concat(
        [
            held.select("case_id", "complexity", pl.col("case_team_id").alias("team_id")),
            waiting.select("case_id", "complexity", "team_id"),
        ]
    )
    if case.is_empty():
        return snapshot.workers.clear().select(
            "worker_id",
            "staff_ref",
            "name",
            "team",
            pl.lit(False).alias("same_team"),
            "utilisation",
            "status",
            pl.col("utilisation").alias("utilisation_after"),
            pl.col("status").alias("status_after"),
        )
    case_team = case.get_column("team_id")[0]
    holders = held.get_column("worker_id")
    open_to = snapshot.workers.filter(~pl.col("worker_id").is_in(holders.implode()))
    after = _if_given(snapshot, case.get_column("complexity")[0], holders)
    return (
        open_to.select(
            "worker_id",
            "staff_ref",
            "name",
            "team",
            (pl.col("team_id") == case_team).alias("same_team"),
            "utilisation",
            "status",
        )
        .join(after, on="staff_ref", how="left", maintain_order="left")
        .sort(
            ["same_team", "utilisation_after", "staff_ref"],
            descending=[True, False, False],
            nulls_last=True,
        )
    )


# --- the picker: every worker's utilisation if they were given one case ---------------------


def if_given(snapshot: Snapshot, case_ref: str) -> pl.DataFrame:
    """Per worker in post: `utilisation_after` and `status_after` were they given
    `case_ref` (added to the TUI's "Move this case to…" picker). One `judge_workers` call
    over every worker with the case counted in, as `rejudge` counts it for one; the
    workers who hold it already are left as they are."""
    held, waiting = _the_case(snapshot, case_ref)
    levels = pl.concat([held.get_column("complexity"), waiting.get_column("complexity")])
    workers = snapshot.workers
    if levels.is_empty():
        return workers.select(
            "staff_ref",
            pl.col("utilisation").alias("utilisation_after"),
            pl.col("status").alias("status_after"),
        )
    return _if_given(snapshot, levels[0], held.get_column("worker_id"))


def _if_given(snapshot: Snapshot, level: object, holder_ids: pl.Series) -> pl.DataFrame:
    """`if_given` for a case of complexity `level` held by `holder_ids`."""
    workers = snapshot.workers
    given = workers.with_columns(
        (pl.col("cases").fill_null(0) + 1).alias("cases"),
        *[
            (pl.col(f"{name}_cases").fill_null(0) + int(name == level)).alias(f"{name}_cases")
            for name in COMPLEXITY_LEVELS
        ],
    )
    judged = judge_workers(given.select(workers.columns), snapshot.policy)
    holds = pl.col("worker_id").is_in(holder_ids.implode())
    unknown = pl.col("_was_status") == STATUS_UNKNOWN
    return judged.with_columns(workers.get_column("status").alias("_was_status")).select(
        "staff_ref",
        pl.when(holds)
        .then(workers.get_column("utilisation"))
        .when(unknown)
        .then(None)
        .otherwise("utilisation")
        .alias("utilisation_after"),
        pl.when(holds | unknown)
        .then(pl.col("_was_status"))
        .otherwise("status")
        .alias("status_after"),
    )
