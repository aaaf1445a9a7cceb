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
from cfmonitor.data.recompute import (
    conform,
    edit_block,
    insert_sorted,
    rejudge,
    remove_rows,
    resummarise,
    with_sustained_totals,
    worker_block,
)
from cfmonitor.data.rules import (
    roll_up,
)
from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible

UNALLOCATED = "unallocated"
"""What `--move CASE:unallocated` says instead of a staff reference."""

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


def _worker_ids(
    workers: pl.DataFrame, worker_ids: list[int], staff_refs: list[str | None]
) -> dict[str, int]:
    """Staff ref → worker id of the workers in post among `worker_ids` and `staff_refs`
    (one scan of the workers for every look-up a move makes)."""
    named = [ref for ref in staff_refs if ref is not None]
    found = workers.filter(
        pl.col("worker_id").is_in(worker_ids) | pl.col("staff_ref").is_in(named)
    ).select("staff_ref", "worker_id")
    return {str(ref): int(worker_id) for ref, worker_id in found.iter_rows()}


def _holdings(snapshot: Snapshot, move: Move) -> pl.DataFrame:
    """Every allocation of the case on the day, in `worker_cases` order. When the move
    names whose share moves, the case is found among that worker's own rows (a binary
    search) and then by its id (an integer scan); otherwise by its reference. Either way
    the same rows: references are unique (`tests/test_scenario_property.py`)."""
    worker_cases = snapshot.worker_cases
    if move.from_staff_ref is not None:
        source = snapshot.workers.filter(pl.col("staff_ref") == move.from_staff_ref)
        if source.height:
            own = worker_block(worker_cases, int(source.get_column("worker_id")[0]))
            mine = own.filter(pl.col("case_ref") == move.case_ref)
            if mine.height:
                return worker_cases.filter(pl.col("case_id") == mine.get_column("case_id")[0])
    return worker_cases.filter(pl.col("case_ref") == move.case_ref)


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
    held = _holdings(snapshot, move)
    waiting = snapshot.unallocated_cases.filter(pl.col("case_ref") == move.case_ref)
    if held.is_empty() and waiting.is_empty():
        raise _case_not_open(move.case_ref, day, directory)
    holder_ids = held.get_column("worker_id").to_list()
    id_of = _worker_ids(workers, holder_ids, [move.from_staff_ref, move.to_staff_ref])
    ref_of = {worker_id: ref for ref, worker_id in id_of.items()}
    holders = sorted(ref_of[worker_id] for worker_id in holder_ids)
    case = visible(move.case_ref)

    target_id: int | None = None
    if move.to_staff_ref is not None:
        if move.to_staff_ref not in id_of:
            raise _worker_not_in_post(move.to_staff_ref, day, directory)
        target_id = id_of[move.to_staff_ref]

    if move.from_staff_ref is not None:
        if move.from_staff_ref not in holders:
            if move.from_staff_ref not in id_of:
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
        source_id = id_of[source]
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
    blocks: dict[int, pl.DataFrame] = {}
    if source_id is not None:
        worker_cases, blocks[source_id] = edit_block(worker_cases, source_id, remove_case=case_id)
    if target_id is not None:
        new_row = case_row.with_columns(
            pl.lit(target_id, dtype=pl.Int64).alias("worker_id"),
            pl.lit(day, dtype=pl.Date).alias("allocated_since"),
            pl.lit(0, dtype=pl.Int64).alias("days_held"),
        )
        worker_cases, blocks[target_id] = edit_block(worker_cases, target_id, add_row=new_row)

    remaining_holders = held.height - (source_id is not None) + (target_id is not None)
    was_allocated = not held.is_empty()
    is_allocated = remaining_holders > 0
    unallocated = snapshot.unallocated_cases
    if was_allocated and not is_allocated:
        unallocated = insert_sorted(
            unallocated,
            _waiting_row(case_row, snapshot, source_ref),
            UNALLOCATED_ORDER,
        )
    elif is_allocated and not was_allocated:
        unallocated = remove_rows(unallocated, pl.col("case_id") == case_id)

    workers, changed_rows = rejudge(snapshot, blocks)
    case_team_id = case_row.get_column("case_team_id").item()
    allocated_change = int(is_allocated) - int(was_allocated)
    teams = resummarise(snapshot, workers, changed_rows, case_team_id, allocated_change)
    service_areas = roll_up(teams, ["service_area"]).sort("service_area")
    organisation = roll_up(teams, [])
    if "sustained" in snapshot.teams.columns:
        service_areas, organisation = with_sustained_totals(
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
    return conform(row, template.schema)
