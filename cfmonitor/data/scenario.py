"""What-if reallocation: the day's Snapshot with some cases moved, held in memory only.

A scenario is the base Snapshot plus an ordered tuple of moves. Each move is applied by
the engine's own functions (`judge_workers`, `summarise_teams`, `roll_up`) to the
workers and teams it touches, so a move costs a few milliseconds even at England
size, and nothing is ever read from or written to the database. The result equals
what `compute_snapshot` gives on the day's frames with the allocations changed: the
source worker's allocation ends on the as-of day and the new worker's starts on it
(`tests/test_scenario_property.py` checks this on random databases).

Rules a supervisor would expect:
- A move takes the case from whoever holds it on the day. A co-worked case (held by
  two or more workers) is refused unless the move names whose share moves
  (`CASE:FROM:TO` on the command line; the worker screen passes the worker shown),
  because the data does not say who leads and a guess would misstate two caseloads.
- A move to `unallocated` of a co-worked case leaves it with the other worker(s).
- Weeks over is history: a worker no longer over after the moves has 0; one over
  before and after keeps their count; one the moves put over has it unknown (null).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

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
    roll_up,
    summarise_teams,
)
from cfmonitor.errors import CfmonitorError
from cfmonitor.policy import COMPLEXITY_LEVELS
from cfmonitor.safe_text import visible

UNALLOCATED = "unallocated"
"""What `--move CASE:unallocated` says instead of a staff reference."""

WORKER_CASE_ORDER = ["worker_id", "family_ref", "allocated_since", "case_ref"]
"""How `compute_snapshot` sorts `worker_cases` (nulls last); a move keeps that order."""
UNALLOCATED_ORDER = ["unallocated_since", "opened_on", "case_ref"]


class ScenarioError(CfmonitorError):
    """A move that cannot be made; the message is one sentence naming the case or worker."""


@dataclass(frozen=True)
class Move:
    """Give `case_ref` to `to_staff_ref` (None: leave it unallocated).

    `from_staff_ref` says whose share of a co-worked case moves; None takes it from
    whoever holds it now (refused when two or more workers do)."""

    case_ref: str
    to_staff_ref: str | None
    from_staff_ref: str | None = None

    def __str__(self) -> str:
        to = self.to_staff_ref or UNALLOCATED
        start = f"{self.from_staff_ref}:" if self.from_staff_ref else ""
        return f"{self.case_ref}:{start}{to}"


def parse_move(text: str) -> Move:
    """`CASE_REF:STAFF_REF`, `CASE_REF:unallocated` or `CASE_REF:FROM_REF:TO_REF`."""
    parts = [part.strip() for part in text.split(":")]
    if len(parts) not in (2, 3) or not all(parts):
        raise ScenarioError(
            f"--move {visible(text)!r}: write it as CASE_REF:STAFF_REF, CASE_REF:unallocated "
            "or, for a co-worked case, CASE_REF:FROM_STAFF_REF:TO_STAFF_REF."
        )
    target = None if parts[-1].casefold() == UNALLOCATED else parts[-1]
    return Move(parts[0], target, parts[1] if len(parts) == 3 else None)


WorkerDates = Callable[[str], "tuple[dt.date, dt.date | None] | None"]
"""Start and end dates of any worker in the database by staff ref (None: no such worker),
to say "left on …" rather than "not in post"; the Snapshot holds only workers in post."""
CaseDates = Callable[[str], "tuple[dt.date | None, dt.date | None] | None"]
"""Opened and closed dates of any case by reference (None: no such case)."""


@dataclass(frozen=True)
class Directory:
    """Optional look-ups that make an error about a worker or case not in the day's
    figures precise. Without them the sentence says only that it is not there."""

    worker_dates: WorkerDates | None = None
    case_dates: CaseDates | None = None


@dataclass(frozen=True)
class Released:
    """An allocation a move ended on the as-of day: who held which case since when (the
    last of them is who an unallocated case was "last with")."""

    case_id: int
    staff_ref: str
    allocated_since: dt.date


@dataclass(frozen=True, eq=False)
class Step:
    """One move as it was applied: who held the case and the figures afterwards."""

    move: Move
    from_staff_ref: str | None
    """Whose allocation ended (None: the case was unallocated)."""
    to_staff_ref: str | None
    snapshot: Snapshot
    released: Released | None = None


@dataclass(frozen=True, eq=False)
class Scenario:
    """The base Snapshot and the moves tried on it, in order. Immutable: `add`, `undo`
    and `discard` return a new Scenario (so a reactive holding one notices the change);
    undo gives back the previous step's Snapshot object itself."""

    base: Snapshot
    steps: tuple[Step, ...] = ()
    directory: Directory = Directory()

    @property
    def moves(self) -> tuple[Move, ...]:
        return tuple(step.move for step in self.steps)

    @property
    def snapshot(self) -> Snapshot:
        """The figures with every move applied (the base when there are none)."""
        return self.steps[-1].snapshot if self.steps else self.base

    def __len__(self) -> int:
        return len(self.steps)

    def add(self, move: Move) -> Scenario:
        """This scenario with one more move; a ScenarioError when it cannot be made."""
        released = [step.released for step in self.steps if step.released is not None]
        step = apply_move(self.snapshot, move, self.directory, released)
        return dataclasses.replace(self, steps=(*self.steps, step))

    def add_all(self, moves: Sequence[Move]) -> Scenario:
        scenario = self
        for move in moves:
            scenario = scenario.add(move)
        return scenario

    def undo(self) -> Scenario:
        """Without the last move (unchanged when there is none)."""
        return dataclasses.replace(self, steps=self.steps[:-1])

    def discard(self) -> Scenario:
        return dataclasses.replace(self, steps=())


# --- applying one move ------------------------------------------------------------------


def _sentence_list(refs: Sequence[str]) -> str:
    shown = [visible(ref) for ref in refs]
    return shown[0] if len(shown) == 1 else ", ".join(shown[:-1]) + " and " + shown[-1]


def _worker_not_in_post(staff_ref: str, day: dt.date, directory: Directory) -> ScenarioError:
    ref = visible(staff_ref)
    dates = directory.worker_dates(staff_ref) if directory.worker_dates else None
    if directory.worker_dates is not None and dates is None:
        return ScenarioError(f"--move: no worker has staff ref {ref!r}.")
    if dates is not None:
        start, end = dates
        if start > day:
            return ScenarioError(
                f"--move: worker {ref} is not in post on {day.isoformat()} "
                f"(starts on {start.isoformat()})."
            )
        if end is not None:
            return ScenarioError(
                f"--move: worker {ref} is not in post on {day.isoformat()} "
                f"(left on {end.isoformat()})."
            )
    return ScenarioError(
        f"--move: no worker with staff ref {ref!r} is in post on {day.isoformat()}."
    )


def _case_not_open(case_ref: str, day: dt.date, directory: Directory) -> ScenarioError:
    ref = visible(case_ref)
    dates = directory.case_dates(case_ref) if directory.case_dates else None
    if directory.case_dates is not None and dates is None:
        return ScenarioError(f"--move: no case has reference {ref!r}.")
    if dates is not None:
        return ScenarioError(f"--move: case {ref} is not open on {day.isoformat()}.")
    return ScenarioError(f"--move: no case {ref!r} is open on {day.isoformat()}.")


def _staff_ref_of(workers: pl.DataFrame, worker_id: int) -> str:
    return str(workers.filter(pl.col("worker_id") == worker_id).get_column("staff_ref").item())


def apply_move(
    snapshot: Snapshot,
    move: Move,
    directory: Directory = Directory(),
    released: Sequence[Released] = (),
) -> Step:
    """Check `move` against `snapshot` and work out the figures with it made.

    `released`: the allocations earlier moves of the scenario ended (they too ended on
    the day, so one of them may be whom a case left unallocated was last with)."""
    day = snapshot.as_of
    workers = snapshot.workers
    held = snapshot.worker_cases.filter(pl.col("case_ref") == move.case_ref)
    waiting = snapshot.unallocated_cases.filter(pl.col("case_ref") == move.case_ref)
    if held.is_empty() and waiting.is_empty():
        raise _case_not_open(move.case_ref, day, directory)
    holder_ids = held.get_column("worker_id").to_list()
    holders = sorted(_staff_ref_of(workers, worker_id) for worker_id in holder_ids)
    case = visible(move.case_ref)

    target_id: int | None = None
    if move.to_staff_ref is not None:
        target = workers.filter(pl.col("staff_ref") == move.to_staff_ref)
        if target.is_empty():
            raise _worker_not_in_post(move.to_staff_ref, day, directory)
        target_id = int(target.get_column("worker_id").item())

    if move.from_staff_ref is not None:
        if move.from_staff_ref not in holders:
            if workers.filter(pl.col("staff_ref") == move.from_staff_ref).is_empty():
                raise _worker_not_in_post(move.from_staff_ref, day, directory)
            now = f"it is held by {_sentence_list(holders)}" if holders else "it is unallocated"
            raise ScenarioError(
                f"--move: worker {visible(move.from_staff_ref)} does not hold case {case} ({now})."
            )
        source: str | None = move.from_staff_ref
    elif len(holders) > 1:
        example = f"{case}:{visible(holders[0])}:{visible(move.to_staff_ref or UNALLOCATED)}"
        raise ScenarioError(
            f"--move: case {case} is co-worked by {_sentence_list(holders)}; "
            f"say whose share moves, as {example}."
        )
    else:
        source = holders[0] if holders else None

    if move.to_staff_ref is not None and move.to_staff_ref in holders:
        raise ScenarioError(
            f"--move: case {case} is already with worker {visible(move.to_staff_ref)}."
        )
    if move.to_staff_ref is None and source is None:
        raise ScenarioError(f"--move: case {case} is already unallocated.")

    source_id: int | None = None
    ended: Released | None = None
    if source is not None:
        source_id = int(
            workers.filter(pl.col("staff_ref") == source).get_column("worker_id").item()
        )
        mine = held.filter(pl.col("worker_id") == source_id).row(0, named=True)
        ended = Released(int(mine["case_id"]), source, mine["allocated_since"])
    case_id = int((held if waiting.is_empty() else waiting).get_column("case_id")[0])
    candidates = [r for r in (*released, ended) if r is not None and r.case_id == case_id]
    # As `last_allocations` ranks them: the latest to start, then the first staff ref.
    last = min(
        candidates, key=lambda r: (-r.allocated_since.toordinal(), r.staff_ref), default=None
    )
    after = _moved(snapshot, held, waiting, source_id, target_id, last.staff_ref if last else None)
    return Step(move, source, move.to_staff_ref, after, ended)


def _moved(
    snapshot: Snapshot,
    held: pl.DataFrame,
    waiting: pl.DataFrame,
    source_id: int | None,
    target_id: int | None,
    source_ref: str | None,
) -> Snapshot:
    """The snapshot with the case's allocation moved from `source_id` to `target_id`."""
    day = snapshot.as_of
    case_row = _case_as_held(waiting, day) if held.is_empty() else held.head(1)
    case_id = int(case_row.get_column("case_id").item())
    worker_cases = snapshot.worker_cases
    if source_id is not None:
        worker_cases = _edit_block(worker_cases, source_id, remove_case=case_id)
    if target_id is not None:
        new_row = case_row.with_columns(
            pl.lit(target_id, dtype=pl.Int64).alias("worker_id"),
            pl.lit(day, dtype=pl.Date).alias("allocated_since"),
            pl.lit(0, dtype=pl.Int64).alias("days_held"),
        )
        worker_cases = _edit_block(worker_cases, target_id, add_row=new_row)

    remaining_holders = held.height - (source_id is not None) + (target_id is not None)
    was_allocated = not held.is_empty()
    is_allocated = remaining_holders > 0
    unallocated = snapshot.unallocated_cases
    if was_allocated and not is_allocated:
        unallocated = _insert_sorted(
            unallocated,
            _waiting_row(case_row, snapshot, source_ref),
            UNALLOCATED_ORDER,
        )
    elif is_allocated and not was_allocated:
        unallocated = _remove_rows(unallocated, pl.col("case_id") == case_id)

    changed_ids = [worker_id for worker_id in (source_id, target_id) if worker_id is not None]
    workers = _rejudge(snapshot, worker_cases, changed_ids)
    case_team_id = case_row.get_column("case_team_id").item()
    allocated_change = int(is_allocated) - int(was_allocated)
    teams = _resummarise(snapshot, workers, changed_ids, case_team_id, allocated_change)
    service_areas = roll_up(teams, ["service_area"]).sort("service_area")
    organisation = roll_up(teams, [])
    if "sustained" in snapshot.teams.columns:
        service_areas, organisation = _with_sustained_totals(
            teams, workers, service_areas, organisation
        )
    return dataclasses.replace(
        snapshot,
        workers=workers,
        teams=teams,
        service_areas=service_areas,
        organisation=organisation,
        worker_cases=worker_cases,
        unallocated_cases=unallocated,
    )


def _case_as_held(waiting: pl.DataFrame, day: dt.date) -> pl.DataFrame:
    """An unallocated case's row in the columns of `worker_cases` (worker id filled in later)."""
    return waiting.select(
        pl.lit(None, dtype=pl.Int64).alias("worker_id"),
        "case_id",
        pl.lit(day, dtype=pl.Date).alias("allocated_since"),
        "case_ref",
        pl.col("team_id").alias("case_team_id"),
        "case_type",
        "complexity",
        "weight",
        "opened_on",
        "family_ref",
        pl.lit(0, dtype=pl.Int64).alias("days_held"),
        pl.lit(1, dtype=pl.Int64).alias("family_cases"),
    )


def _waiting_row(case_row: pl.DataFrame, snapshot: Snapshot, last_staff_ref: str | None):
    """The case as `unallocated_cases` lists it once its last holder let it go today."""
    day_lit = pl.lit(snapshot.as_of, dtype=pl.Date)
    teams = snapshot.teams.select("team_id", "team", "service_area")
    template = snapshot.unallocated_cases
    row = (
        case_row.select(
            pl.col("case_id"),
            "case_ref",
            pl.col("case_team_id").alias("team_id"),
            "case_type",
            "complexity",
            "opened_on",
            pl.lit(None, dtype=pl.Date).alias("closed_on"),
            "family_ref",
            "weight",
        )
        .join(teams, on="team_id", how="left")
        .with_columns(
            pl.lit(last_staff_ref, dtype=pl.String).alias("last_staff_ref"),
            (day_lit - pl.col("opened_on")).dt.total_days().alias("days_open"),
            day_lit.alias("unallocated_since"),
            pl.lit(0, dtype=pl.Int64).alias("days_unallocated"),
        )
    )
    return row.select(pl.col(name).cast(dtype) for name, dtype in template.schema.items())


# --- order-keeping edits: a move touches a few rows of frames that may be large ------------


def _remove_rows(frame: pl.DataFrame, where: pl.Expr) -> pl.DataFrame:
    """`frame` without the rows where `where` holds, in its order (slices, no sort)."""
    positions = frame.select(pl.arg_where(where)).to_series().to_list()
    pieces, start = [], 0
    for position in positions:
        pieces.append(frame.slice(start, position - start))
        start = position + 1
    pieces.append(frame.slice(start))
    return pl.concat(pieces) if len(pieces) > 1 else frame


def _sorts_before(row: dict[str, object], keys: Sequence[str], nulls_last: bool) -> pl.Expr:
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


def _insert_sorted(
    frame: pl.DataFrame, row: pl.DataFrame, keys: Sequence[str], *, nulls_last: bool = False
) -> pl.DataFrame:
    """`frame` (sorted on `keys`) with `row` where `sort` would put it."""
    values = row.row(0, named=True)
    position = int(frame.select(_sorts_before(values, keys, nulls_last).sum()).item())
    row = row.select(pl.col(name).cast(dtype) for name, dtype in frame.schema.items())
    return pl.concat([frame.slice(0, position), row, frame.slice(position)])


def _edit_block(
    worker_cases: pl.DataFrame,
    worker_id: int,
    *,
    remove_case: int | None = None,
    add_row: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """One worker's rows of `worker_cases` with a case taken out or put in: the block is
    found by binary search on the sorted worker ids, re-sorted alone, and put back."""
    ids = worker_cases.get_column("worker_id")
    start = int(ids.search_sorted(worker_id, side="left"))
    end = int(ids.search_sorted(worker_id, side="right"))
    block = worker_cases.slice(start, end - start)
    if remove_case is not None:
        block = block.filter(pl.col("case_id") != remove_case)
    if add_row is not None:
        block = pl.concat(
            [block, add_row.select(pl.col(n).cast(t) for n, t in worker_cases.schema.items())]
        )
    block = block.with_columns(
        pl.when(pl.col("family_ref").is_not_null())
        .then(pl.len().over("family_ref"))
        .otherwise(1)
        .cast(pl.Int64)
        .alias("family_cases")
    ).sort(WORKER_CASE_ORDER, nulls_last=True)
    return pl.concat([worker_cases.slice(0, start), block, worker_cases.slice(end)])


# --- the engine's functions on the rows that changed --------------------------------------


def _rejudge(snapshot: Snapshot, worker_cases: pl.DataFrame, changed: list[int]) -> pl.DataFrame:
    """The workers frame with the changed workers' counts, load and status worked out again
    by `judge_workers`, and their team's block re-sorted as `compute_snapshot` sorts it."""
    workers = snapshot.workers
    ids = pl.Series("worker_id", changed, dtype=pl.Int64)
    counts = (
        worker_cases.filter(pl.col("worker_id").is_in(ids.implode()))
        .group_by("worker_id")
        .agg(
            pl.len().cast(pl.Int64).alias("cases"),
            *[
                (pl.col("complexity") == level).sum().cast(pl.Int64).alias(f"{level}_cases")
                for level in COMPLEXITY_LEVELS
            ],
        )
    )
    count_names = ["cases", *(f"{level}_cases" for level in COMPLEXITY_LEVELS)]
    rows = workers.filter(pl.col("worker_id").is_in(ids.implode()))
    before = rows.select(
        "worker_id",
        (pl.col("status") == STATUS_UNKNOWN).alias("_was_unknown"),
        (pl.col("status") == STATUS_OVER).alias("_was_over"),
    )
    rows = rows.drop(count_names).join(counts, on="worker_id", how="left")
    rows = judge_workers(rows.select(workers.columns), snapshot.policy)
    rows = rows.join(before, on="worker_id", how="left")
    was_unknown, was_over = pl.col("_was_unknown"), pl.col("_was_over")
    # A worker judged `unknown` rests on a value outside the contract (compute_snapshot's
    # `_unknown_where_unjudgeable`); a move does not make them judgeable.
    rows = rows.with_columns(
        pl.when(was_unknown).then(pl.lit(STATUS_UNKNOWN)).otherwise("status").alias("status"),
        pl.when(was_unknown)
        .then(pl.lit(STATUS_RANK[STATUS_UNKNOWN], pl.Int8))
        .otherwise("status_rank")
        .alias("status_rank"),
        *[
            pl.when(was_unknown).then(None).otherwise(name).alias(name)
            for name in ("capacity", "utilisation")
        ],
    )
    if "weeks_over" in rows.columns:
        is_over = pl.col("status") == STATUS_OVER
        rows = rows.with_columns(
            pl.when(~is_over)
            .then(0)
            .when(was_over)
            .then("weeks_over")
            .otherwise(None)
            .cast(workers.schema["weeks_over"])
            .alias("weeks_over"),
        ).with_columns(
            pl.when(~is_over)
            .then(False)
            .when(was_over)
            .then("sustained")
            .otherwise(None)
            .alias("sustained"),
        )
    rows = rows.select(pl.col(name).cast(dtype) for name, dtype in workers.schema.items())
    for team in rows.get_column("team").unique(maintain_order=True).to_list():
        workers = _replace_team_block(workers, rows, team)
    return workers


def _replace_team_block(workers: pl.DataFrame, rows: pl.DataFrame, team: str | None):
    """Workers are sorted by team first, so each team's rows are together: re-sort that
    block alone with the changed rows in it."""
    in_team = pl.col("team").eq_missing(pl.lit(team, dtype=pl.String))
    positions = workers.select(pl.arg_where(in_team)).to_series().to_list()
    start, end = positions[0], positions[-1] + 1
    changed = rows.filter(in_team).get_column("worker_id").implode()
    block = pl.concat(
        [
            workers.slice(start, end - start).filter(~pl.col("worker_id").is_in(changed)),
            rows.filter(in_team),
        ]
    ).sort(WORKER_ORDER, descending=WORKER_ORDER_DESCENDING, nulls_last=True)
    return pl.concat([workers.slice(0, start), block, workers.slice(end)])


def _resummarise(
    snapshot: Snapshot,
    workers: pl.DataFrame,
    changed: list[int],
    case_team_id: int | None,
    allocated_change: int,
) -> pl.DataFrame:
    """The team rows, with those of the changed workers' teams (and of the case's team,
    when it became allocated or unallocated) worked out again by `summarise_teams`."""
    teams = snapshot.teams
    team_ids = (
        snapshot.workers.filter(pl.col("worker_id").is_in(changed)).get_column("team_id").to_list()
    )
    if allocated_change and case_team_id is not None:
        team_ids.append(case_team_id)
    touched = teams.filter(pl.col("team_id").is_in(team_ids))
    if touched.is_empty():
        return teams
    base = touched.select("team_id", "team", "service_area", "establishment_fte")
    worker_totals = (
        workers.filter(pl.col("team_id").is_in(touched.get_column("team_id").implode()))
        .sort("worker_id")
        .group_by("team_id")
        .agg(WORKER_TOTALS)
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
    if "sustained" in teams.columns:
        sustained = (
            workers.filter(pl.col("team_id").is_in(touched.get_column("team_id").implode()))
            .group_by("team_id")
            .agg(pl.col("sustained").sum().cast(pl.Int64).alias("sustained"))
        )
        rows = rows.join(sustained, on="team_id", how="left").with_columns(
            pl.col("sustained").fill_null(0)
        )
    rows = rows.select(pl.col(name).cast(dtype) for name, dtype in teams.schema.items())
    for team_id in rows.get_column("team_id").to_list():
        position = int(teams.select(pl.arg_where(pl.col("team_id") == team_id)).item())
        new_row = rows.filter(pl.col("team_id") == team_id)
        teams = pl.concat([teams.slice(0, position), new_row, teams.slice(position + 1)])
    return teams


def _with_sustained_totals(
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
    total = int(workers.get_column("sustained").fill_null(False).sum())
    organisation = organisation.with_columns(pl.lit(total, dtype=pl.Int64).alias("sustained"))
    return service_areas, organisation


# --- the picker: every worker's utilisation now and if they were given the case ----------------


def candidates(snapshot: Snapshot, case_ref: str) -> pl.DataFrame:
    """Workers in post who could be given `case_ref` (everyone but its holders), with
    `utilisation` and `status` now and `utilisation_after`, `status_after` with the case
    added (by `judge_workers`, as the move itself would judge them); those in the case's
    own team (`same_team`) first, then the least loaded after. Empty when the case is
    not open on the day."""
    case = pl.concat(
        [
            snapshot.worker_cases.filter(pl.col("case_ref") == case_ref).select(
                "case_id", "complexity", pl.col("case_team_id").alias("team_id")
            ),
            snapshot.unallocated_cases.filter(pl.col("case_ref") == case_ref).select(
                "case_id", "complexity", "team_id"
            ),
        ]
    )
    if case.is_empty():
        return snapshot.workers.clear().select("staff_ref", "name", "team")
    complexity = case.get_column("complexity")[0]
    case_team = case.get_column("team_id")[0]
    holders = snapshot.worker_cases.filter(pl.col("case_ref") == case_ref).get_column("worker_id")
    open_to = snapshot.workers.filter(~pl.col("worker_id").is_in(holders.implode()))
    more = [pl.col("cases") + 1]
    if complexity in COMPLEXITY_LEVELS:
        more.append(pl.col(f"{complexity}_cases") + 1)
    unknown = pl.col("worker_id").is_in(
        open_to.filter(pl.col("status") == STATUS_UNKNOWN).get_column("worker_id").implode()
    )
    after = judge_workers(open_to.with_columns(more), snapshot.policy).select(
        "worker_id",
        pl.when(unknown).then(None).otherwise("utilisation").alias("utilisation_after"),
        pl.when(unknown).then(pl.lit(STATUS_UNKNOWN)).otherwise("status").alias("status_after"),
    )
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
        .join(after, on="worker_id", how="left", maintain_order="left")
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
    over every worker with the case counted in, as `_rejudge` counts it for one; the
    workers who hold it already are left as they are."""
    case = pl.concat(
        [
            snapshot.worker_cases.select("case_ref", "complexity"),
            snapshot.unallocated_cases.select("case_ref", "complexity"),
        ]
    ).filter(pl.col("case_ref") == case_ref)
    workers = snapshot.workers
    if case.is_empty():
        return workers.select(
            "staff_ref",
            pl.col("utilisation").alias("utilisation_after"),
            pl.col("status").alias("status_after"),
        )
    level = case.get_column("complexity")[0]
    holder_ids = (
        snapshot.worker_cases.filter(pl.col("case_ref") == case_ref).get_column("worker_id")
    ).implode()
    given = workers.with_columns(
        (pl.col("cases").fill_null(0) + 1).alias("cases"),
        *[
            (pl.col(f"{name}_cases").fill_null(0) + int(name == level)).alias(f"{name}_cases")
            for name in COMPLEXITY_LEVELS
        ],
    )
    judged = judge_workers(given.select(workers.columns), snapshot.policy)
    holds = pl.col("worker_id").is_in(holder_ids)
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
