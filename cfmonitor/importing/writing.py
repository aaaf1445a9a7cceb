"""Write an import's changes: all or nothing, after a backup, then check the file.

One connection, one explicit `BEGIN IMMEDIATE` … `COMMIT`; any failure (a constraint,
a full disk, another writer's lock, ctrl-c) rolls back and leaves the database as it
was. The database is switched to WAL first so a running TUI keeps reading meanwhile.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.errors import CfmonitorError
from cfmonitor.importing.contract import TABLE_ORDER
from cfmonitor.importing.planning import TableChanges
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.recording import NATIVE, record_import
from cfmonitor.private_file import create_private_file

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
    unchanged: bool = False
    """True when the files matched the database: nothing was written, no backup taken."""
    upgraded_from: int | None = None
    """The schema version the file had before this import upgraded it (None: no upgrade)."""
    recorded: Provenance | None = None
    """What the `imports` row says (None when nothing was written)."""


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
    create_private_file(target)
    source = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
    except BaseException:
        copy.close()
        target.unlink(missing_ok=True)
        raise
    finally:
        source.close()
    copy.close()
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
            f"{path}: the database is locked by another program writing to it; "
            "nothing was changed. Try again when it has finished."
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


def _switch_to_wal(connection: sqlite3.Connection) -> bool:
    try:
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    except sqlite3.OperationalError:
        return False
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


def write_changes(
    path: Path,
    changes: dict[str, TableChanges],
    *,
    create: bool,
    progress: Progress = lambda rows: None,
    provenance: Provenance = NATIVE,
) -> WriteResult:
    """Apply `changes` in one transaction; on any failure the database is as it was.

    The import is recorded (`provenance`, the time now in UTC) in the same transaction,
    upgrading a version-1 file to version 2 on the way.
    An existing database is switched to WAL first, so readers carry on during the write.
    A new one is filled with SQLite's rollback journal (it has no readers, and nothing
    is written twice) and switched to WAL once committed.
    """
    if create:
        create_private_file(path)
    backup: Path | None = None
    committed = False
    wal = False
    upgraded_from: int | None = None
    connection: sqlite3.Connection | None = None
    try:
        connection = connect(path)
        connection.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        if create:
            from cfmonitor.data.schema import create_schema  # slow to import: only when needed

            create_schema(connection)
        else:
            wal = _switch_to_wal(connection)
        connection.execute("BEGIN IMMEDIATE")
        if not create:
            backup = take_backup(path)
        _apply(connection, changes, progress)
        upgraded_from = record_import(connection, provenance, dt.datetime.now(dt.UTC))
        _check_integrity(connection, references=not create)
        connection.execute("COMMIT")
        committed = True
        if create:
            wal = _switch_to_wal(connection)
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
        if not committed:
            if create:
                _remove_database(path)
            if backup is not None:
                backup.unlink(missing_ok=True)
    return WriteResult(
        backup=backup,
        created=create,
        wal=wal,
        upgraded_from=upgraded_from,
        recorded=provenance,
    )
