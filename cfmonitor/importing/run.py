"""One import from start to finish: read, cast, check, plan, and (unless a dry run) write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS
from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import Frames, Source, inspect
from cfmonitor.errors import CfmonitorError
from cfmonitor.importing.casting import RAW_PREFIX, cast_table
from cfmonitor.importing.checks import check_state
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.merging import REPLACE, UPDATE, merge
from cfmonitor.importing.planning import TableChanges, plan
from cfmonitor.importing.problems import ImportProblems, combine, has_errors
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.reading import RawTable, read_table
from cfmonitor.importing.recording import NATIVE
from cfmonitor.importing.writing import (
    WriteResult,
    prepare_for_writing,
    state_marker,
    write_changes,
)
from cfmonitor.importing.writing_postgres import PostgresTarget
from cfmonitor.policy import Policy

Step = Callable[[str], None]
"""Told the name of each step as it starts, for a status line."""


class ImportModeError(CfmonitorError):
    """Rows would be replaced or merged, and the user has not said which."""


class RemovalRefused(CfmonitorError):
    """`--replace` would remove rows on evidence too thin to trust; nothing was written."""


ALLOW_REMOVALS_FLAG = "--allow-removals"


def refuse_thin_replacements(
    changes: dict[str, TableChanges],
    stored: Frames,
    rows_read: dict[str, int],
    files: dict[str, Path],
    *,
    allow_removals: bool,
) -> None:
    """A file that yielded no rows never removes any; halving a table needs a flag.

    A CSV saved with old-Mac line endings, or the wrong sheet, reads as a header and
    nothing else; `--replace` would then empty the table and report success.
    """
    for table, change in changes.items():
        held = getattr(stored, table).height
        if not change.removed:
            continue
        if rows_read[table] == 0:
            raise RemovalRefused(
                f"{files[table]}: has no data rows, so --replace would remove all {held:,} "
                f"{table}; nothing was changed."
            )
        if rows_read[table] * 2 < held and not allow_removals:
            raise RemovalRefused(
                f"{files[table]}: --replace would shrink {table} from {held:,} rows to "
                f"{rows_read[table]:,}; check the file, and add {ALLOW_REMOVALS_FLAG} "
                "if that is meant."
            )


@dataclass(frozen=True)
class ImportOutcome:
    problems: pl.DataFrame
    """Warnings (errors stop the import with `ImportProblems`)."""
    changes: dict[str, TableChanges]
    result: WriteResult | None
    """None for a dry run."""


def _stored(db: Path) -> tuple[Frames, bool]:
    """What the database holds now, and whether it has to be created."""
    if not db.exists():
        empty = {table: pl.DataFrame(schema=schema) for table, schema in FRAME_SCHEMAS.items()}
        source = Source(path=db, is_demo=False, schema_version=0, modified_ns=0, size=0)
        return Frames(source=source, **empty), True
    return load_frames(db), False


def _check_mode(
    db: Path | PostgresTarget, stored: Frames, tables: list[str], mode: str | None
) -> str:
    if mode is not None:
        return mode
    holding = [table for table in tables if getattr(stored, table).height]
    if holding:
        raise ImportModeError(
            f"{db}: already holds {', '.join(holding)}; say --replace (make them exactly "
            "the files) or --update (add and change rows by their key)."
        )
    return UPDATE


def _prepare(
    db: Path | PostgresTarget,
    files: dict[str, Path],
    mode: str | None,
    policy: Policy,
    step: Step,
    given: dict[str, RawTable],
    source_problems: pl.DataFrame | None,
    *,
    allow_removals: bool,
    dry_run: bool,
) -> tuple[pl.DataFrame, dict[str, TableChanges], bool, tuple | None]:
    """(problems, changes, create): everything short of writing. The files' frames are
    dropped when this returns, so only the rows to write stay in memory."""
    step("Reading the database")
    marker: tuple | None
    if isinstance(db, PostgresTarget):
        marker, (stored, create) = db.state_marker(), db.stored()
    else:
        if db.exists() and not dry_run:
            prepare_for_writing(db)
        marker = state_marker(db)
        stored, create = _stored(db)
    tables = [table for table in TABLE_ORDER if table in files or table in given]
    chosen_mode = _check_mode(db, stored, tables, mode)
    typed: dict[str, pl.DataFrame] = {}
    present: dict[str, tuple[str, ...]] = {}
    problems = [] if source_problems is None else [source_problems]
    for table in tables:
        adapted = given.get(table)
        step(f"Reading {(adapted.path if adapted else files[table]).name}")
        raw = adapted or read_table(files[table], FORMATS[table])
        # An adapter's table has the contract columns it could fill: those are what it sets.
        present[table] = raw.present or tuple(
            name for name in FORMATS[table].names if name in raw.frame.columns
        )
        frame, found = cast_table(raw, FORMATS[table])
        del raw, adapted
        typed[table] = frame
        problems.append(found)
    step("Checking")
    final = merge(stored, typed, chosen_mode, present)
    # The stored tables as they are: the checks compare the files' keys with theirs.
    existing = {table: getattr(stored, table) for table in TABLE_ORDER}
    problems.append(check_state(final, typed, existing, chosen_mode, policy, RAW_PREFIX))
    del existing
    found = combine(problems)
    if has_errors(found):
        raise ImportProblems(found)
    step("Comparing with the database")
    changes = plan(final, stored, tables)
    rows_read = {table: frame.height for table, frame in typed.items()}
    named = {**files, **{table: raw.path for table, raw in given.items()}}
    refuse_thin_replacements(changes, stored, rows_read, named, allow_removals=allow_removals)
    return found, changes, create, marker


def _is_newer_extract(db: Path | PostgresTarget, provenance: Provenance) -> bool:
    """True when an import that changes no row still says something new: that the data
    was current on a later extract date than the one recorded (so it is not stale)."""
    if provenance.extract_date is None:
        return False
    last = db.last_import() if isinstance(db, PostgresTarget) else inspect(db).last_import
    recorded = last.extract_date if last else None
    return recorded is None or provenance.extract_date > recorded


def run_import(
    db: Path | PostgresTarget,
    files: dict[str, Path],
    *,
    mode: str | None,
    policy: Policy,
    dry_run: bool,
    step: Step = lambda name: None,
    progress: Callable[[int], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
    provenance: Provenance | None = None,
    tables: dict[str, RawTable] | None = None,
    source_problems: pl.DataFrame | None = None,
    allow_removals: bool = False,
) -> ImportOutcome:
    """Import `files` (table → path) into `db`; raises `ImportProblems` listing every error.

    `tables` are tables an adapter (`importing.sources`) has already read as text in the
    contract, and `source_problems` what it found; both go through the same checks.
    `allow_removals` lets `--replace` remove more than half of a table's rows.
    `provenance` says where the rows came from; the writer records it (issue 15's data
    freshness) so screens and reports can show "data as of".
    """
    if not files and not tables:
        raise CfmonitorError(
            "nothing to import: give at least one of --teams, --workers, "
            "--reductions, --cases, --allocations."
        )
    if mode not in (None, REPLACE, UPDATE):
        raise ValueError(mode)
    found, changes, create, marker = _prepare(
        db,
        files,
        mode,
        policy,
        step,
        tables or {},
        source_problems,
        allow_removals=allow_removals,
        dry_run=dry_run,
    )
    if dry_run:
        return ImportOutcome(problems=found, changes=changes, result=None)
    provenance = provenance or NATIVE
    rows = sum(c.added + c.changed + c.removed for c in changes.values())
    if rows == 0 and not create and not _is_newer_extract(db, provenance):
        unchanged = WriteResult(backup=None, created=False, wal=False, unchanged=True)
        return ImportOutcome(problems=found, changes=changes, result=unchanged)
    if on_plan is not None:
        on_plan(rows)
    step(f"Writing {db.name}")
    write = db.write_changes if isinstance(db, PostgresTarget) else partial(write_changes, db)
    result = write(
        changes,
        create=create,
        progress=progress or (lambda rows: None),
        provenance=provenance,
        expected=None if create else marker,
    )
    return ImportOutcome(problems=found, changes=changes, result=result)
