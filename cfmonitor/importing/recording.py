"""Record an import in the database it wrote, so screens can say how fresh the data is.

Runs inside the writer's transaction: the upgrade of an older file (version 1, or one
missing an index), the new rows and the record commit together or not at all.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

from cfmonitor.data.contract import INDEXED_COLUMNS, SCHEMA_VERSION
from cfmonitor.data.freshness import utc_stamp
from cfmonitor.importing.provenance import Provenance

NATIVE = Provenance("cfmonitor")
"""cfmonitor's own CSV/XLSX files, with no extract date unless the user gives one."""


def record_import(
    connection: sqlite3.Connection, provenance: Provenance, now: dt.datetime
) -> int | None:
    """Add one `imports` row; first upgrade the file to the current schema if it is older.

    Returns the schema version the file was upgraded from, or None when it was current.
    """
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    upgraded_from = None
    if version < SCHEMA_VERSION:
        from cfmonitor.data.schema import upgrade_statements  # slow to import: only when needed

        for statement in upgrade_statements(version):
            connection.execute(statement)
        upgraded_from = version
    add_missing_indexes(connection)
    extract = provenance.extract_date.isoformat() if provenance.extract_date else None
    connection.execute(
        "INSERT INTO imports (source, extract_date, imported_at) VALUES (?, ?, ?)",
        (provenance.source, extract, utc_stamp(now)),
    )
    return upgraded_from


def add_missing_indexes(connection: sqlite3.Connection) -> None:
    """Create the contract's indexes a file made by an earlier build lacks (inside the
    import's transaction: a failed import takes them back with everything else)."""
    present = {
        row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
    }
    for name, table, column in INDEXED_COLUMNS:
        if name not in present:
            connection.execute(f"CREATE INDEX {name} ON {table} ({column})")
