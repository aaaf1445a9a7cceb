"""Teams from the SSD's department table: found by department ID or by name.

Liquidlogic and Eclipse write a department ID in `invo_professional_team`, Mosaic writes the
team's name; both resolve to the team name cfmonitor stores.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.importing.problems import ERROR, problem_rows
from cfmonitor.importing.reading import FILE
from cfmonitor.importing.sources.mapping import label_of


def resolve_team(
    frame: pl.DataFrame, column: str, departments: pl.DataFrame, out: str
) -> pl.DataFrame:
    """`frame` with `out`: the team name that `column` (an ID or a name) points at, else null."""
    by_id = departments.select(
        pl.col("dept_team_id").alias("_key"), pl.col("dept_team_name").alias("_by_id")
    ).unique("_key", keep="first")
    by_name = departments.select(
        label_of(pl.col("dept_team_name")).alias("_key"), pl.col("dept_team_name").alias("_by_name")
    ).unique("_key", keep="first")
    frame = frame.with_columns(pl.col(column).alias("_key"))
    frame = frame.join(by_id, on="_key", how="left", maintain_order="left")
    frame = frame.with_columns(label_of(pl.col(column)).alias("_key"))
    frame = frame.join(by_name, on="_key", how="left", maintain_order="left")
    return frame.with_columns(pl.coalesce("_by_id", "_by_name").alias(out)).drop(
        "_key", "_by_id", "_by_name"
    )


def unknown_teams(frame: pl.DataFrame, column: str, out: str) -> pl.DataFrame:
    """An error for every row whose `column` names no department by ID or name."""
    bad = frame.filter(pl.col(column).is_not_null() & pl.col(out).is_null())
    return problem_rows(
        bad,
        severity=ERROR,
        file=pl.col(FILE),
        column=column,
        value=pl.col(column),
        message="unknown department: no ssd_department row has this ID or name",
    )
