"""Write an import's changes: all or nothing, after a backup, then check the file.

One connection, one explicit `BEGIN IMMEDIATE` … `COMMIT`; any failure (a constraint,
a full disk, another writer's lock, ctrl-c) rolls back and leaves the database as it
was. The database is left in SQLite's rollback-journal mode (never WAL): a reader then
needs no `-wal`/`-shm` files, so a copy on a read-only share can be read, and reading
never creates a file. A running TUI keeps reading while rows are written; only the
commit itself waits briefly for readers to finish their (short) reads.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.errors import CfmonitorError, ChangedMeanwhile, WrittenThenInterrupted
from cfmonitor.importing.contract import TABLE_ORDER
from cfmonitor.importing.planning import TableChanges
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.recording import NATIVE, record_import
from cfmonitor.private_file import move_into_place, private_temporary_beside

LOCK_WAIT_SECONDS = 2.0
BATCH_ROWS = 20_000
BULK_ROWS = 50_000
"""From this many new rows, a table's plain indexes are rebuilt after the insert (faster)."""
CACHE_KIB = 131_072
"""SQLite page cache for the writer (128 MiB; the default 2 MiB thrashes on large imports)."""

Progress = Callable[[int], None]
"""Called with the number of rows just written, for a progress bar."""


class ImportWriteError(CfmonitorError):
    """The write failed and was rolled back; the message says what happened."""


@dataclass(frozen=True)
class WriteResult:
    backup: Path | None
    created: bool
    wal: bool
    """True when the database is still in WAL mode (another program had it open)."""
    unchanged: bool = False
    """True when the files matched the database: nothing was written, no backup taken."""
    upgraded_from: int | None = None
    """The schema version the file had before this import upgraded it (None: no upgrade)."""
    recorded: Provenance | None = None
    """What the `imports` row says (None when nothing was written)."""
    checked: str = "integrity_check: ok"
    """What was checked before the commit, as the summary says it (SQLite's own check, or
    the PostgreSQL server's keys and references)."""


def connect(path: Path) -> sqlite3.Connection:
    """The writing connection (autocommit mode: transactions are explicit). Tests replace it."""
    return sqlite3.connect(path, isolation_level=None, timeout=LOCK_WAIT_SECONDS)


def backup_path(path: Path, now: dt.datetime) -> Path:
    stamp = now.strftime("%Y%m%dT%H%M%S")
    candidate = path.with_name(f"{path.name}.backup-{stamp}")
    number = 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.backup-{stamp}-{number}")
    return candidate


def take_backup(path: Path) -> Path:
    """A consistent copy of the database beside it (SQLite's backup API), owner-only.

    Called while the writer holds its lock but before it writes, so the copy is exactly
    the state the import starts from. It reads through its own read-only connection: a
    backup from the connection holding the write transaction would wait for itself.
    """
    target = backup_path(path, dt.datetime.now())
    partial = private_temporary_beside(target, ".partial", family=f"{path.name}.backup-")
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
        copy.close()
        move_into_place(partial, target)
    except BaseException:
        copy.close()
        partial.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    return target


def _remove_database(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        path.with_name(path.name + suffix).unlink(missing_ok=True)


def _as_parameters(frame: pl.DataFrame) -> pl.DataFrame:
    """Dates as ISO text, the form the contract stores."""
    return frame.with_columns(
        pl.col(name).dt.to_string("%Y-%m-%d")
        for name, dtype in frame.schema.items()
        if dtype == pl.Date()
    )


def _batches(frame: pl.DataFrame, columns: list[str]):
    for offset in range(0, frame.height, BATCH_ROWS):
        yield _as_parameters(frame.slice(offset, BATCH_ROWS).select(columns)).rows()


def _plain_indexes(connection: sqlite3.Connection, table: str) -> list[tuple[str, str]]:
    """(name, CREATE statement) of the table's own indexes (not those UNIQUE makes)."""
    return connection.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = ? "
        "AND sql IS NOT NULL ORDER BY name",
        (table,),
    ).fetchall()


def _insert(connection: sqlite3.Connection, change: TableChanges, progress: Progress) -> None:
    """Insert new rows; for many rows, drop and rebuild plain indexes (same transaction)."""
    columns = change.insert.columns
    marks = ", ".join("?" for _ in columns)
    insert = f"INSERT INTO {change.table} ({', '.join(columns)}) VALUES ({marks})"
    rebuilt = _plain_indexes(connection, change.table) if change.added >= BULK_ROWS else []
    for name, _ in rebuilt:
        connection.execute(f'DROP INDEX "{name}"')
    for batch in _batches(change.insert, columns):
        connection.executemany(insert, batch)
        progress(len(batch))
    for _, sql in rebuilt:
        connection.execute(sql)


def _apply(
    connection: sqlite3.Connection, changes: dict[str, TableChanges], progress: Progress
) -> None:
    for table in reversed(TABLE_ORDER):
        if table in changes and changes[table].removed:
            ids = [(value,) for value in changes[table].delete.to_list()]
            connection.executemany(f"DELETE FROM {table} WHERE id = ?", ids)
            progress(len(ids))
    for table in TABLE_ORDER:
        if table not in changes:
            continue
        change = changes[table]
        others = [name for name in change.update.columns if name != "id"]
        assignments = ", ".join(f"{name} = ?" for name in others)
        for batch in _batches(change.update, [*others, "id"]):
            connection.executemany(f"UPDATE {table} SET {assignments} WHERE id = ?", batch)
            progress(len(batch))
        _insert(connection, change, progress)


def _explain(path: Path, error: sqlite3.Error) -> ImportWriteError:
    text = str(error).lower()
    if "locked" in text or "busy" in text:
        return ImportWriteError(
            f"{path}: another import (or another program) was writing to the database; "
            "nothing was changed. Run this import again when it has finished."
        )
    if "full" in text:
        return ImportWriteError(f"{path}: the disk is full; nothing was changed.")
    if "constraint" in text:
        return ImportWriteError(
            f"{path}: the database refused a row ({error}); nothing was changed."
        )
    return ImportWriteError(
        f"{path}: the import could not be written ({error}); nothing was changed."
    )


def _leave_wal(connection: sqlite3.Connection) -> bool:
    """Switch to the rollback journal; True when the database is still in WAL mode."""
    try:
        mode = connection.execute("PRAGMA journal_mode = DELETE").fetchone()[0]
    except sqlite3.OperationalError:
        return True
    return str(mode).lower() == "wal"


def _check_integrity(connection: sqlite3.Connection, *, references: bool) -> None:
    """Run inside the transaction, so a failure is rolled back with everything else.

    `references`: also run `foreign_key_check`. A new database's references were all
    resolved from the files just checked, so there it would only cost time.
    """
    if references:
        dangling = connection.execute("PRAGMA foreign_key_check").fetchall()
        if dangling:
            raise sqlite3.IntegrityError(f"FOREIGN KEY constraint failed in {dangling[0][0]}")
    result = [row[0] for row in connection.execute("PRAGMA integrity_check")]
    if result != ["ok"]:
        raise sqlite3.DatabaseError(f"integrity_check: {result[0]}")


CHANGE_COUNTER = slice(24, 28)
"""SQLite's file change counter, bumped by every commit in rollback-journal mode."""


def state_marker(path: Path) -> tuple[bytes, int, int] | None:
    """Something that changes whenever another connection commits to `path`.

    The change counter in the header, and the size and modification time of the file
    and of any WAL beside it (the counter alone does not move in WAL mode).
    """
    from cfmonitor.data.store import file_signature

    try:
        with open(path, "rb") as handle:
            counter = handle.read(100)[CHANGE_COUNTER]
    except OSError:
        return None
    signature = file_signature(path)
    return None if signature is None else (counter, *signature)


def prepare_for_writing(path: Path) -> None:
    """Switch a database an older cfmonitor left in WAL mode to the rollback journal.

    Done before the import reads what the database holds, so that the switch (which
    rewrites the file's header) is not taken for another writer's commit.
    """
    try:
        connection = connect(path)
    except sqlite3.Error:
        return
    try:
        _leave_wal(connection)
    finally:
        connection.close()


def write_changes(
    path: Path,
    changes: dict[str, TableChanges],
    *,
    create: bool,
    progress: Progress = lambda rows: None,
    provenance: Provenance = NATIVE,
    expected: tuple[bytes, int, int] | None = None,
) -> WriteResult:
    """Apply `changes` in one transaction; on any failure the database is as it was.

    An existing database in WAL mode (written by an older cfmonitor) is switched back to
    the rollback journal first; a new one is built under a temporary name. `expected`
    is `state_marker(path)` when the import read the database: if another import has
    committed since, the plan is stale and nothing is written.
    The import is recorded (`provenance`, the time now in UTC) in the same transaction,
    upgrading a version-1 file to version 2 on the way.
    """
    # A new database is built under a private temporary name and linked into place once
    # committed, so an import killed half-way (even by kill -9) leaves no file named `path`.
    if create and path.exists():
        raise ImportWriteError(f"{path}: already exists; cfmonitor will not overwrite it.")
    building = private_temporary_beside(path, ".partial") if create else path
    backup: Path | None = None
    committed = False
    in_place = False
    wal = False
    upgraded_from: int | None = None
    connection: sqlite3.Connection | None = None
    try:
        connection = connect(building)
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if create:
            from cfmonitor.data.schema import create_schema  # slow to import: only when needed

            create_schema(connection)
        elif expected is None:
            wal = _leave_wal(connection)
        else:  # switched already (`prepare_for_writing`); switching now would move the marker
            wal = str(connection.execute("PRAGMA journal_mode").fetchone()[0]).lower() == "wal"
        connection.execute("BEGIN IMMEDIATE")
        if expected is not None and state_marker(path) != expected:
            raise ChangedMeanwhile(
                f"{path}: another import wrote to the database while this one was being "
                "checked; nothing was changed. Run this import again."
            )
        if not create:
            backup = take_backup(path)
        _apply(connection, changes, progress)
        upgraded_from = record_import(connection, provenance, dt.datetime.now(dt.UTC))
        _check_integrity(connection, references=not create)
        connection.execute("COMMIT")
        committed = True
        if create:
            connection.close()
            connection = None
            move_into_place(building, path)
        in_place = True
    except KeyboardInterrupt:
        if in_place or (committed and not create):
            raise WrittenThenInterrupted(
                f"{path}: interrupted after the import was written; the new rows are in "
                "the database."
            ) from None
        raise
    except sqlite3.Error as error:
        if committed:
            raise ImportWriteError(f"{path}: written, but then {error}.") from None
        raise _explain(path, error) from None
    finally:
        if connection is not None:
            if not committed and connection.in_transaction:
                with contextlib.suppress(sqlite3.Error):
                    connection.execute("ROLLBACK")
            connection.close()
        if create:
            _remove_database(building)
        if not committed and backup is not None:
            backup.unlink(missing_ok=True)
    return WriteResult(
        backup=backup,
        created=create,
        wal=wal,
        upgraded_from=upgraded_from,
        recorded=provenance,
    )
