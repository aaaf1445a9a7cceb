"""What could not be judged on a day, as a table of rules: each finds its rows and says why.

A rule names its kind and table, finds the offending rows (by id first: joining the
references onto every allocation costs more than all the checks together on a large
database), and words one sentence from their columns. The contract's own column rules
(`contract_rules`) come after them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import polars as pl

from cfmonitor.data.contract_rules import contract_problems
from cfmonitor.data.intervals import overlapping
from cfmonitor.data.rules import cohort_maximum, open_on
from cfmonitor.data.store import Frames
from cfmonitor.policy import Policy

PROBLEM_SCHEMA = {
    "kind": pl.String(),
    "table": pl.String(),
    "rows": pl.List(pl.Int64()),
    "detail": pl.String(),
}


@dataclass(frozen=True)
class Day:
    """What the rules look at: the day's frames and the parts of them already worked out."""

    frames: Frames
    policy: Policy
    day: dt.date
    workers_in_post: pl.DataFrame
    open_allocations: pl.DataFrame
    cases: pl.DataFrame
    """The cases with their policy `weight` (null where the complexity has none)."""

    @property
    def staff(self) -> pl.DataFrame:
        return self.frames.workers.select(pl.col("id").alias("worker_id"), "staff_ref")

    def named(self, found: pl.DataFrame) -> pl.DataFrame:
        """Rows found by id, with the staff and case references their sentence names."""
        refs = self.cases.select(pl.col("id").alias("case_id"), "case_ref")
        return found.join(self.staff, on="worker_id", how="left").join(
            refs, on="case_id", how="left"
        )

    def known(self, column: str, ids: pl.Series) -> pl.Expr:
        return pl.col(column).is_in(ids.implode())


@dataclass(frozen=True)
class ProblemRule:
    kind: str
    table: str
    find: Callable[[Day], pl.DataFrame]
    detail: pl.Expr
    rows: tuple[str, ...] = ("id",)
    """The columns holding the row ids the problem is about (two, for a pair)."""


def _unknown_reference(day: Day) -> pl.DataFrame:
    allocations = day.frames.allocations
    known_worker = day.known("worker_id", day.frames.workers.get_column("id"))
    known_case = day.known("case_id", day.cases.get_column("id"))
    return day.named(allocations.filter(~known_worker | ~known_case))


def _worker_not_in_post(day: Day) -> pl.DataFrame:
    known_worker = day.known("worker_id", day.frames.workers.get_column("id"))
    in_post = day.workers_in_post.select(pl.col("id").alias("worker_id"))
    found = day.open_allocations.filter(known_worker).join(in_post, on="worker_id", how="anti")
    return day.named(found)


def _case_not_open(day: Day) -> pl.DataFrame:
    known_case = day.known("case_id", day.cases.get_column("id"))
    open_cases = day.cases.filter(open_on("opened_on", "closed_on", day.day)).select(
        pl.col("id").alias("case_id")
    )
    found = day.open_allocations.filter(known_case).join(open_cases, on="case_id", how="anti")
    return day.named(found)


def _double_allocation(day: Day) -> pl.DataFrame:
    found = overlapping(day.frames.allocations, ["case_id", "worker_id"], "id", carry=["id"])
    return day.named(found)


def _days(start: str, end: str) -> tuple[pl.Expr, pl.Expr]:
    return pl.col(end).cast(pl.String), pl.col(start).cast(pl.String)


RULES: tuple[ProblemRule, ...] = (
    ProblemRule(
        "unknown-cohort",
        "workers",
        lambda day: day.workers_in_post.filter(cohort_maximum(day.policy).is_null()),
        pl.format(
            "worker {} has cohort '{}', which the policy does not define", "staff_ref", "cohort"
        ),
    ),
    ProblemRule(
        "unknown-team",
        "workers",
        lambda day: day.frames.workers.join(
            day.frames.teams, left_on="team_id", right_on="id", how="anti"
        ),
        pl.format("worker {} belongs to team id {}, which does not exist", "staff_ref", "team_id"),
    ),
    ProblemRule(
        "unknown-reference",
        "allocations",
        _unknown_reference,
        pl.format(
            "allocation {} refers to case id {} and worker id {}, one of which does not exist",
            "id",
            "case_id",
            "worker_id",
        ),
    ),
    ProblemRule(
        "worker-not-in-post",
        "allocations",
        _worker_not_in_post,
        pl.format(
            "allocation {} of case {} is open on {} but worker {} is not in post then",
            "id",
            "case_ref",
            pl.col("_day"),
            "staff_ref",
        ),
    ),
    ProblemRule(
        "case-not-open",
        "allocations",
        _case_not_open,
        pl.format(
            "allocation {} to worker {} is open on {} but case {} is not open then",
            "id",
            "staff_ref",
            pl.col("_day"),
            "case_ref",
        ),
    ),
    ProblemRule(
        "double-allocation",
        "allocations",
        _double_allocation,
        pl.format(
            "allocations {} and {} give case {} to worker {} twice at once",
            "_previous_id",
            "id",
            "case_ref",
            "staff_ref",
        ),
        rows=("_previous_id", "id"),
    ),
    ProblemRule(
        "ends-before-start",
        "allocations",
        lambda day: day.named(
            day.frames.allocations.filter(pl.col("end_date") < pl.col("start_date"))
        ),
        pl.format(
            "allocation {} of case {} ends on {} before it starts on {}",
            "id",
            "case_ref",
            *_days("start_date", "end_date"),
        ),
    ),
    ProblemRule(
        "ends-before-start",
        "reductions",
        lambda day: day.frames.reductions.join(day.staff, on="worker_id", how="left").filter(
            pl.col("end_date") < pl.col("start_date")
        ),
        pl.format(
            "reduction {} for worker {} ends on {} before it starts on {}",
            "id",
            "staff_ref",
            *_days("start_date", "end_date"),
        ),
    ),
    ProblemRule(
        "unknown-complexity",
        "cases",
        lambda day: day.cases.filter(pl.col("weight").is_null()),
        pl.format(
            "case {} has complexity '{}', which has no weight in the policy",
            "case_ref",
            "complexity",
        ),
    ),
)
"""In the order the problems list shows them."""


def find_problems(day: Day) -> pl.DataFrame:
    """Every rule's problems on the day, then the contract's: kind, table, rows, detail."""
    when = pl.lit(day.day.isoformat()).alias("_day")
    parts = [
        rule.find(day)
        .with_columns(when)
        .select(
            pl.lit(rule.kind).alias("kind"),
            pl.lit(rule.table).alias("table"),
            pl.concat_list(rule.rows).cast(pl.List(pl.Int64())).alias("rows"),
            rule.detail.alias("detail"),
        )
        for rule in RULES
    ]
    parts.append(contract_problems(day.frames))
    return pl.concat(parts, how="vertical")
