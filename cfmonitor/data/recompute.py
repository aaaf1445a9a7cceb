"""A move's figures worked out again on the rows it changed: the engine's own judgement
and summaries on a few workers and teams, spliced into frames that keep their order
(at England size nothing large is re-sorted or recomputed)."""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl

from cfmonitor.data.caseload import Snapshot
from cfmonitor.data.rules import (
    STATUS_OVER,
    STATUS_RANK,
    STATUS_UNKNOWN,
    WORKER_ORDER,
    WORKER_ORDER_DESCENDING,
    WORKER_TOTALS,
    judge_workers,
    summarise_teams,
)
from cfmonitor.policy import COMPLEXITY_LEVELS

WORKER_CASE_ORDER = ["worker_id", "family_ref", "allocated_since", "case_ref"]
"""How `compute_snapshot` sorts `worker_cases` (nulls last); a move keeps that order."""

# --- order-keeping edits: a move touches a few rows of frames that may be large ------------


def conform(frame: pl.DataFrame, schema: pl.Schema) -> pl.DataFrame:
    """`frame` in `schema`'s columns, order and types (as it is, when it is already)."""
    if frame.schema == schema:
        return frame
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def remove_rows(frame: pl.DataFrame, where: pl.Expr) -> pl.DataFrame:
    """`frame` without the rows where `where` holds, in its order (slices, no sort)."""
    positions = frame.select(pl.arg_where(where)).to_series().to_list()
    pieces, start = [], 0
    for position in positions:
        pieces.append(frame.slice(start, position - start))
        start = position + 1
    pieces.append(frame.slice(start))
    return pl.concat(pieces) if len(pieces) > 1 else frame


def sorts_before(row: dict[str, object], keys: Sequence[str], nulls_last: bool) -> pl.Expr:
    """True for rows that sort before `row` on `keys` (ascending), as `sort` places them."""
    before = pl.lit(False)
    equal_so_far = pl.lit(True)
    for key in keys:
        value = row[key]
        column = pl.col(key)
        if value is None:
            less = column.is_not_null() if nulls_last else pl.lit(False)
            same = column.is_null()
        else:
            less = column.lt(pl.lit(value)).fill_null(not nulls_last)
            same = column.eq(pl.lit(value)).fill_null(False)
        before = before | (equal_so_far & less)
        equal_so_far = equal_so_far & same
    return before


def insert_sorted(
    frame: pl.DataFrame, row: pl.DataFrame, keys: Sequence[str], *, nulls_last: bool = False
) -> pl.DataFrame:
    """`frame` (sorted on `keys`) with `row` where `sort` would put it."""
    values = row.row(0, named=True)
    position = int(frame.select(sorts_before(values, keys, nulls_last).sum()).item())
    row = conform(row, frame.schema)
    return pl.concat([frame.slice(0, position), row, frame.slice(position)])


def _block_bounds(worker_cases: pl.DataFrame, worker_id: int) -> tuple[int, int]:
    """Where one worker's rows start and end in `worker_cases` (sorted by worker id): one
    binary search for both ends, as ids are whole numbers (the end of `w` is where `w + 1`
    would start)."""
    ids = worker_cases.get_column("worker_id")
    bounds = ids.search_sorted(pl.Series([worker_id, worker_id + 1], dtype=ids.dtype), side="left")
    start, end = bounds.to_list()
    return int(start), int(end)


def worker_block(worker_cases: pl.DataFrame, worker_id: int) -> pl.DataFrame:
    """One worker's rows of `worker_cases` (sorted by worker id): a binary search and a
    slice, not a scan of every allocation."""
    start, end = _block_bounds(worker_cases, worker_id)
    return worker_cases.slice(start, end - start)


def edit_block(
    worker_cases: pl.DataFrame,
    worker_id: int,
    *,
    remove_case: int | None = None,
    add_row: pl.DataFrame | None = None,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One worker's rows of `worker_cases` with a case taken out or put in: the block is
    found by binary search on the sorted worker ids, re-sorted alone, and put back.
    Returns the new `worker_cases` and the worker's new rows (which `rejudge` counts)."""
    start, end = _block_bounds(worker_cases, worker_id)
    block = worker_cases.slice(start, end - start)
    if remove_case is not None:
        block = block.filter(pl.col("case_id") != remove_case)
    if add_row is not None:
        block = pl.concat([block, conform(add_row, worker_cases.schema)])
    block = block.with_columns(
        pl.when(pl.col("family_ref").is_not_null())
        .then(pl.len().over("family_ref"))
        .otherwise(1)
        .cast(pl.Int64)
        .alias("family_cases")
    ).sort(WORKER_CASE_ORDER, nulls_last=True)
    return pl.concat([worker_cases.slice(0, start), block, worker_cases.slice(end)]), block


# --- the engine's functions on the rows that changed --------------------------------------


def rejudge(
    snapshot: Snapshot, blocks: dict[int, pl.DataFrame]
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The workers frame with the changed workers' counts, load and status worked out again
    by `judge_workers` from `blocks` (worker id → their rows of `worker_cases` after the
    move), and their team's block re-sorted as `compute_snapshot` sorts it; and the
    changed workers' new rows. At the demo size a frame operation costs more
    than the rows it reads, so the flags a move keeps are read into Python once and
    every override is one pass."""
    workers = snapshot.workers
    changed = list(blocks)
    own = pl.concat(blocks.values())
    counts = own.group_by("worker_id").agg(
        pl.len().cast(pl.Int64).alias("cases"),
        *[
            (pl.col("complexity") == level).sum().cast(pl.Int64).alias(f"{level}_cases")
            for level in COMPLEXITY_LEVELS
        ],
    )
    count_names = {"cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)}
    rows = workers.filter(pl.col("worker_id").is_in(changed))
    ids = rows.get_column("worker_id").to_list()
    status_of = dict(zip(ids, rows.get_column("status").to_list(), strict=True))
    unknown = [worker_id for worker_id, status in status_of.items() if status == STATUS_UNKNOWN]
    over = [worker_id for worker_id, status in status_of.items() if status == STATUS_OVER]
    rows = rows.select(name for name in workers.columns if name not in count_names).join(
        counts, on="worker_id", how="left"
    )
    rows = judge_workers(rows, snapshot.policy)
    # A worker judged `unknown` rests on a value outside the contract (compute_snapshot's
    # `_unknown_where_unjudgeable`); a move does not make them judgeable.
    was_unknown = pl.col("worker_id").is_in(unknown)
    overrides = [
        pl.when(was_unknown).then(pl.lit(STATUS_UNKNOWN)).otherwise("status").alias("status"),
        pl.when(was_unknown)
        .then(pl.lit(STATUS_RANK[STATUS_UNKNOWN], pl.Int8))
        .otherwise("status_rank")
        .alias("status_rank"),
        *[
            pl.when(was_unknown).then(None).otherwise(name).alias(name)
            for name in ("capacity", "utilisation")
        ],
    ]
    if "weeks_over" in rows.columns:
        # Weeks over is history: kept for a worker over before and after, 0 for one no
        # longer over, unknown for one the move put over.
        is_over = (pl.col("status") == STATUS_OVER) & ~was_unknown
        was_over = pl.col("worker_id").is_in(over)
        overrides += [
            pl.when(~is_over)
            .then(0)
            .when(was_over)
            .then("weeks_over")
            .otherwise(None)
            .cast(workers.schema["weeks_over"])
            .alias("weeks_over"),
            pl.when(~is_over)
            .then(False)
            .when(was_over)
            .then("sustained")
            .otherwise(None)
            .alias("sustained"),
        ]
    rows = conform(rows.with_columns(overrides), workers.schema)
    for team in dict.fromkeys(rows.get_column("team").to_list()):
        workers = replace_team_block(workers, rows, team)
    return workers, rows


def replace_team_block(workers: pl.DataFrame, rows: pl.DataFrame, team: str | None):
    """Workers are sorted by team first, so each team's rows are together: re-sort that
    block alone with the changed rows in it."""
    in_team = pl.col("team").eq_missing(pl.lit(team, dtype=pl.String))
    positions = workers.select(pl.arg_where(in_team)).to_series().to_list()
    start, end = positions[0], positions[-1] + 1
    if rows.get_column("team").n_unique() > 1:
        rows = rows.filter(in_team)
    block = pl.concat(
        [
            workers.slice(start, end - start).filter(
                ~pl.col("worker_id").is_in(rows.get_column("worker_id").to_list())
            ),
            rows,
        ]
    ).sort(WORKER_ORDER, descending=WORKER_ORDER_DESCENDING, nulls_last=True)
    return pl.concat([workers.slice(0, start), block, workers.slice(end)])


def resummarise(
    snapshot: Snapshot,
    workers: pl.DataFrame,
    changed_rows: pl.DataFrame,
    case_team_id: int | None,
    allocated_change: int,
) -> pl.DataFrame:
    """The team rows, with those of the changed workers' teams (and of the case's team,
    when it became allocated or unallocated) worked out again by `summarise_teams`."""
    teams = snapshot.teams
    team_ids = changed_rows.get_column("team_id").to_list()
    if allocated_change and case_team_id is not None:
        team_ids.append(case_team_id)
    touched = teams.with_row_index("_position").filter(pl.col("team_id").is_in(team_ids))
    if touched.is_empty():
        return teams
    positions = touched.get_column("_position").to_list()
    base = touched.select("team_id", "team", "service_area", "establishment_fte")
    totals = WORKER_TOTALS
    if "sustained" in teams.columns:
        totals = [*totals, pl.col("sustained").sum().cast(pl.Int64).alias("sustained")]
    worker_totals = (
        workers.filter(pl.col("team_id").is_in(touched.get_column("team_id").implode()))
        .group_by("team_id")
        .agg(totals)
    )
    case_totals = touched.select(
        "team_id",
        "open_cases",
        (
            pl.col("allocated_cases")
            + pl.when(pl.col("team_id") == case_team_id).then(allocated_change).otherwise(0)
        ).alias("allocated_cases"),
    )
    rows = summarise_teams(base, worker_totals, case_totals, on=["team_id"])
    rows = rows.select(
        # A team the case alone touched may have nobody in post: none of them sustained.
        (pl.col(name).fill_null(0) if name == "sustained" else pl.col(name)).cast(dtype)
        for name, dtype in teams.schema.items()
    )
    row_of = {team_id: index for index, team_id in enumerate(rows.get_column("team_id").to_list())}
    for team_id, position in zip(touched.get_column("team_id").to_list(), positions, strict=True):
        new_row = rows.slice(row_of[team_id], 1)
        teams = pl.concat([teams.slice(0, position), new_row, teams.slice(position + 1)])
    return teams


def with_sustained_totals(
    teams: pl.DataFrame,
    workers: pl.DataFrame,
    service_areas: pl.DataFrame,
    organisation: pl.DataFrame,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The `sustained` counts `trend.add_history` puts on service areas and the organisation."""
    by_area = teams.group_by("service_area").agg(pl.col("sustained").sum())
    service_areas = service_areas.join(
        by_area, on="service_area", how="left", maintain_order="left"
    )
    total = int(workers.get_column("sustained").sum())  # a null (unknown) is not counted
    organisation = organisation.with_columns(pl.lit(total, dtype=pl.Int64).alias("sustained"))
    return service_areas, organisation
