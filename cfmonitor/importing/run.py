"""One import from start to finish: read, cast, check, plan, and (unless a dry run) write."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.data.store import FRAME_SCHEMAS, Frames, Source, inspect, load_frames
from cfmonitor.errors import CfmonitorError
from cfmonitor.importing.casting import RAW_PREFIX, cast_table
from cfmonitor.importing.checks import check_state
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.merging import REPLACE, UPDATE, merge
from cfmonitor.importing.natural import to_natural
from cfmonitor.importing.planning import TableChanges, plan
from cfmonitor.importing.problems import ImportProblems, combine, has_errors
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.reading import RawTable, read_table
from cfmonitor.importing.recording import NATIVE
from cfmonitor.importing.writing import WriteResult, write_changes
from cfmonitor.policy import Policy

Step = Callable[[str], None]
"""Told the name of each step as it starts, for a status line."""


class ImportModeError(CfmonitorError):
    """Rows would be replaced or merged, and the user has not said which."""


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


def _check_mode(db: Path, stored: Frames, tables: list[str], mode: str | None) -> str:
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
    db: Path,
    files: dict[str, Path],
    mode: str | None,
    policy: Policy,
    step: Step,
    given: dict[str, RawTable],
    source_problems: pl.DataFrame | None,
) -> tuple[pl.DataFrame, dict[str, TableChanges], bool]:
    """(problems, changes, create): everything short of writing. The files' frames are
    dropped when this returns, so only the rows to write stay in memory."""
    step("Reading the database")
    stored, create = _stored(db)
    tables = [table for table in TABLE_ORDER if table in files or table in given]
    chosen_mode = _check_mode(db, stored, tables, mode)
    typed: dict[str, pl.DataFrame] = {}
    problems = [] if source_problems is None else [source_problems]
    for table in tables:
        raw = given.get(table)
        step(f"Reading {(raw.path if raw else files[table]).name}")
        raw = raw or read_table(files[table], FORMATS[table])
        frame, found = cast_table(raw, FORMATS[table])
        typed[table] = frame
        problems.append(found)
    step("Checking")
    existing = to_natural(stored)
    final = merge(existing, typed, chosen_mode)
    problems.append(check_state(final, typed, existing, chosen_mode, policy, RAW_PREFIX))
    found = combine(problems)
    if has_errors(found):
        raise ImportProblems(found)
    step("Comparing with the database")
    return found, plan(final, stored, tables), create


def _is_newer_extract(db: Path, provenance: Provenance) -> bool:
    """True when an import that changes no row still says something new: that the data
    was current on a later extract date than the one recorded (so it is not stale)."""
    if provenance.extract_date is None:
        return False
    last = inspect(db).last_import
    recorded = last.extract_date if last else None
    return recorded is None or provenance.extract_date > recorded


def run_import(
    db: Path,
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
) -> ImportOutcome:
    """Import `files` (table → path) into `db`; raises `ImportProblems` listing every error.

    `tables` are tables an adapter (`importing.sources`) has already read as text in the
    contract, and `source_problems` what it found; both go through the same checks.

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
    found, changes, create = _prepare(db, files, mode, policy, step, tables or {}, source_problems)
    if dry_run:
        return ImportOutcome(problems=found, changes=changes, result=None)
    provenance = provenance or NATIVE
    rows = sum(c.added + c.changed + c.removed for c in changes.values())
    if rows == 0 and not create and not _is_newer_extract(db, provenance):
        unchanged = WriteResult(backup=None, created=False, wal=True, unchanged=True)
        return ImportOutcome(problems=found, changes=changes, result=unchanged)
    if on_plan is not None:
        on_plan(rows)
    step(f"Writing {db.name}")
    result = write_changes(
        db,
        changes,
        create=create,
        progress=progress or (lambda rows: None),
        provenance=provenance,
    )
    return ImportOutcome(problems=found, changes=changes, result=result)
