"""What an import did (or, in a dry run, would do), said on the terminal."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from cfmonitor.data.contract import SCHEMA_VERSION
from cfmonitor.importing.planning import TableChanges
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.run import ImportOutcome
from cfmonitor.safe_text import visible

PROGRESS_FROM_ROWS = 10_000
"""Smaller imports finish before a progress bar would be worth drawing."""


def changes_table(changes: dict[str, TableChanges], *, dry_run: bool) -> Table:
    title = "Would change (dry run, nothing written)" if dry_run else "Changed"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Table")
    for name in ("Added", "Changed", "Removed"):
        table.add_column(name, justify="right")
    for change in changes.values():
        table.add_row(
            change.table, f"{change.added:,}", f"{change.changed:,}", f"{change.removed:,}"
        )
    return table


def print_outcome(outcome: ImportOutcome, db_label: str, console: Console) -> None:
    result = outcome.result
    console.print(changes_table(outcome.changes, dry_run=result is None))
    if result is None:
        console.print(Text(f"Dry run: {visible(db_label)} was not touched."))
        return
    if result.unchanged:
        console.print(Text(f"{visible(db_label)} already holds exactly this; nothing was written."))
        return
    if result.backup is not None:
        console.print(Text(f"Backup of the database as it was: {visible(result.backup)}"))
    verb = "Created" if result.created else "Updated"
    console.print(Text(f"{verb} {visible(db_label)}; {result.checked}."))
    print_recorded(result.recorded, result.upgraded_from, db_label, console)
    if result.wal:
        console.print(
            Text(
                "Note: the database is still in WAL mode (another program had it open), so it "
                "cannot be read from a read-only folder until the next import.",
                style="yellow",
            )
        )


def print_recorded(
    recorded: Provenance | None, upgraded_from: int | None, db_label: str, console: Console
) -> None:
    """What the import recorded about itself, and an upgrade of the file, if there was one."""
    if upgraded_from is not None:
        console.print(
            Text(
                f"Upgraded {visible(db_label)} from schema version {upgraded_from} to "
                f"{SCHEMA_VERSION}, in the same transaction: it now records each import's "
                "source and extract date (the backup is the old version).",
                style="yellow",
            )
        )
    if recorded is None:
        return
    extract = (
        f"data as of {recorded.extract_date.isoformat()}"
        if recorded.extract_date
        else "extract date not given (screens will say 'data as of: not recorded')"
    )
    console.print(Text(f"Recorded this import: source {visible(recorded.source)}, {extract}."))


class ImportProgress:
    """A Rich status line for each step and a bar for the rows written (large imports)."""

    def __init__(self, console: Console) -> None:
        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        )
        self._task = self._progress.add_task("Starting", total=None)

    def __enter__(self) -> ImportProgress:
        self._progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._progress.stop()

    def step(self, name: str) -> None:
        self._progress.update(self._task, description=visible(name))

    def planned(self, rows: int) -> None:
        if rows >= PROGRESS_FROM_ROWS:
            self._progress.update(self._task, total=rows, completed=0)

    def advance(self, rows: int) -> None:
        self._progress.advance(self._task, rows)
