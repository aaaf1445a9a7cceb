"""The import contract checked on a database as found: hand-made ones have no constraints.

A database built by `cfmonitor import` cannot hold an FTE of 5 or a NULL start date,
but one made by hand (or by another tool) from the same five tables can, and then the
arithmetic quietly says `ok`: an infinite FTE is infinite capacity, a reduction of −100 %
doubles it, an allocation with no start date is never open. Each rule below names a
column and what it must hold; every row breaking one is a problem naming the row and
column, and a worker whose figures a broken value feeds is `unknown`, never judged.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cfmonitor.data.store import Frames


@dataclass(frozen=True)
class Rule:
    """One column's contract: `broken` is true on rows whose value is outside it."""

    table: str
    column: str
    broken: pl.Expr
    must: str
    """What the value must be, as the end of a sentence ("must be above 0 and at most 1")."""
    judged_worker: str | None = None
    """The column holding the worker whose status this value feeds, if any."""


def _missing(column: str) -> pl.Expr:
    return pl.col(column).is_null()


def _number_outside(column: str, low: float, high: float, *, low_open: bool) -> pl.Expr:
    value = pl.col(column)
    too_low = value <= low if low_open else value < low
    return value.is_null() | value.is_nan() | value.is_infinite() | too_low | (value > high)


RULES: tuple[Rule, ...] = (
    Rule("teams", "name", _missing("name"), "must be a team name"),
    Rule(
        "teams",
        "establishment_fte",
        _number_outside("establishment_fte", 0, 1e6, low_open=False),
        "must be a number of at least 0",
    ),
    Rule("workers", "staff_ref", _missing("staff_ref"), "must be a staff reference"),
    Rule(
        "workers",
        "fte",
        _number_outside("fte", 0, 1, low_open=True),
        "must be above 0 and at most 1",
        judged_worker="id",
    ),
    Rule(
        "workers",
        "employment",
        ~pl.col("employment").is_in(["permanent", "agency"]).fill_null(False),
        "must be permanent or agency",
    ),
    Rule("workers", "start_date", _missing("start_date"), "must be a date", judged_worker="id"),
    Rule("workers", "team_id", _missing("team_id"), "must name a team"),
    Rule("reductions", "worker_id", _missing("worker_id"), "must name a worker"),
    Rule(
        "reductions",
        "percent",
        _number_outside("percent", 0, 100, low_open=True),
        "must be above 0 and at most 100",
        judged_worker="worker_id",
    ),
    Rule(
        "reductions",
        "start_date",
        _missing("start_date"),
        "must be a date",
        judged_worker="worker_id",
    ),
    Rule("cases", "case_ref", _missing("case_ref"), "must be a case reference"),
    Rule("cases", "team_id", _missing("team_id"), "must name a team"),
    Rule("cases", "opened_on", _missing("opened_on"), "must be a date"),
    Rule("allocations", "case_id", _missing("case_id"), "must name a case"),
    Rule("allocations", "worker_id", _missing("worker_id"), "must name a worker"),
    Rule(
        "allocations",
        "start_date",
        _missing("start_date"),
        "must be a date",
        judged_worker="worker_id",
    ),
)

UNIQUE_KEYS: tuple[tuple[str, str], ...] = (
    ("teams", "name"),
    ("workers", "staff_ref"),
    ("cases", "case_ref"),
)
"""Natural keys: two rows with one name are two teams nobody can tell apart."""

_WHAT = {
    "teams": "team",
    "workers": "worker",
    "reductions": "reduction",
    "cases": "case",
    "allocations": "allocation",
}


def _label(table: str, staff: pl.DataFrame) -> tuple[pl.Expr, pl.DataFrame | None]:
    """How a row is named: its natural key where it has one, else its row id."""
    key = {"teams": "name", "workers": "staff_ref", "cases": "case_ref"}.get(table)
    if key is not None:
        return pl.format(
            "{} {} (row id {})", pl.lit(_WHAT[table]), pl.col(key).fill_null("(blank)"), "id"
        ), None
    return (
        pl.format(
            "{} {} of worker {}",
            pl.lit(_WHAT[table]),
            "id",
            pl.col("_staff_ref").fill_null("(unknown)"),
        ),
        staff,
    )


def _shown(column: str) -> pl.Expr:
    return (
        pl.when(pl.col(column).is_null())
        .then(pl.lit("empty"))
        .otherwise(pl.format("{}", pl.col(column).cast(pl.String)))
    )


def _usable(frames: Frames, rule: Rule) -> pl.DataFrame | None:
    frame = getattr(frames, rule.table)
    needed = {"id", rule.column} | ({rule.judged_worker} if rule.judged_worker else set())
    return frame if needed <= set(frame.columns) else None


def _staff(frames: Frames) -> pl.DataFrame:
    if "staff_ref" not in frames.workers.columns:
        return pl.DataFrame(schema={"worker_id": pl.Int64, "_staff_ref": pl.String})
    return frames.workers.select(
        pl.col("id").alias("worker_id"), pl.col("staff_ref").alias("_staff_ref")
    ).unique("worker_id", keep="first")


def contract_problems(frames: Frames) -> pl.DataFrame:
    """Every value outside the contract and every repeated natural key, one row each."""
    staff = _staff(frames)
    parts = []
    for rule in RULES:
        frame = _usable(frames, rule)
        if frame is None:
            continue
        broken = frame.filter(rule.broken)
        if broken.is_empty():
            continue
        label, join = _label(rule.table, staff)
        if join is not None:
            broken = (
                broken.join(join, on="worker_id", how="left")
                if "worker_id" in broken.columns
                else broken.with_columns(pl.lit(None, pl.String).alias("_staff_ref"))
            )
        parts.append(
            broken.select(
                pl.lit("outside-contract").alias("kind"),
                pl.lit(rule.table).alias("table"),
                pl.concat_list("id").cast(pl.List(pl.Int64())).alias("rows"),
                pl.format(
                    "{}: {} is {}, but {}",
                    label,
                    pl.lit(rule.column),
                    _shown(rule.column),
                    pl.lit(rule.must),
                ).alias("detail"),
            )
        )
    for table, column in UNIQUE_KEYS:
        frame = getattr(frames, table)
        if column not in frame.columns or "id" not in frame.columns:
            continue
        # The keys that repeat, found by hash first: grouping every row into lists cost
        # 0.2 s of an England snapshot, for groups that are almost always none.
        repeated = (
            frame.filter(pl.col(column).is_not_null() & pl.col(column).is_duplicated())
            .group_by(column)
            .agg(pl.col("id").sort())
            .filter(pl.col("id").list.len() > 1)
            .sort(pl.col("id").list.first())
        )
        parts.append(
            repeated.select(
                pl.lit("duplicate-key").alias("kind"),
                pl.lit(table).alias("table"),
                pl.col("id").cast(pl.List(pl.Int64())).alias("rows"),
                pl.format(
                    "{} rows {} share the {} {}; they cannot be told apart",
                    pl.lit(table),
                    pl.col("id").cast(pl.List(pl.String)).list.join(", "),
                    pl.lit(column),
                    column,
                ).alias("detail"),
            )
        )
    if not parts:
        return pl.DataFrame(
            schema={
                "kind": pl.String,
                "table": pl.String,
                "rows": pl.List(pl.Int64),
                "detail": pl.String,
            }
        )
    return pl.concat(parts, how="vertical")


def unjudgeable_workers(frames: Frames) -> pl.Series:
    """Ids of workers whose status a value outside the contract would make up."""
    ids = []
    for rule in RULES:
        frame = _usable(frames, rule)
        if frame is None or rule.judged_worker is None:
            continue
        ids.append(
            frame.filter(rule.broken).get_column(rule.judged_worker).drop_nulls().cast(pl.Int64)
        )
    if not ids:
        return pl.Series("worker_id", [], dtype=pl.Int64)
    return pl.concat(ids).unique().alias("worker_id")
