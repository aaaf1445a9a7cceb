"""Write an import's changes into PostgreSQL: all or nothing, in one transaction.

The same plan as the SQLite writer (`writing.py`) — deletes, updates, inserts, then the
`imports` row — with PostgreSQL's tools: new rows go in through COPY (ADBC's ingest),
updates and deletes through a temporary table joined on id. References are checked at
COMMIT (the DDL makes them deferrable), as the SQLite writer checks them at its end;
any failure rolls everything back. There is no backup file: the server's own backups
and the transaction are the safety net.

Another cfmonitor import committing between this import's read and its write is
noticed through the latest `imports` id (each import adds one), under a lock that
makes concurrent cfmonitor imports take turns.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS, VERSION_TABLE
from cfmonitor.data.freshness import LastImport, utc_stamp
from cfmonitor.data.store import Frames, Source
from cfmonitor.database.connection import PostgresError, connect, explain
from cfmonitor.database.location import PostgresLocation, parse_postgres
from cfmonitor.errors import ChangedMeanwhile, WrittenThenInterrupted
from cfmonitor.importing.contract import TABLE_ORDER
from cfmonitor.importing.planning import TableChanges
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.recording import NATIVE
from cfmonitor.importing.writing import ImportWriteError, WriteResult

Progress = Callable[[int], None]
LATEST_IMPORT = "SELECT COALESCE(MAX(id), 0) FROM imports"


def _literal(value: str | None) -> str:
    return "NULL" if value is None else "'" + value.replace("'", "''") + "'"


class PostgresTarget:
    """A PostgreSQL database an import writes to; stands where `run.py` has a path."""

    def __init__(self, location: PostgresLocation) -> None:
        self.location = location

    @classmethod
    def from_url(cls, url: str) -> PostgresTarget:
        return cls(parse_postgres(url))

    @property
    def name(self) -> str:
        return self.location.label

    def __str__(self) -> str:
        return self.location.label

    def exists(self) -> bool:
        """The database itself always exists (the server has it); its tables may not."""
        return True

    def _one(self, sql: str) -> Any:
        """The single value `sql` answers, on a read-only connection of its own."""
        connection = connect(self.location, read_only=True)
        try:
            with connection.cursor() as cursor:
                cursor.execute(sql)
                row = cursor.fetchone()
        except Exception as error:
            raise explain(self.location, error) from None
        finally:
            with contextlib.suppress(Exception):
                connection.close()
        return None if row is None else row[0]

    def _has_schema(self) -> bool:
        return bool(self._one(f"SELECT to_regclass('{VERSION_TABLE}') IS NOT NULL"))

    def stored(self) -> tuple[Frames, bool]:
        """What the database holds now, and whether its tables have to be created."""
        if not self._has_schema():
            empty = {table: pl.DataFrame(schema=schema) for table, schema in FRAME_SCHEMAS.items()}
            source = Source(
                path=Path(self.location.database),
                is_demo=False,
                schema_version=0,
                modified_ns=0,
                size=0,
            )
            return Frames(source=source, **empty), True
        from cfmonitor.database.pg_reading import load_frames

        return load_frames(self.location), False

    def state_marker(self) -> tuple[int] | None:
        """The latest import's id (None: no tables yet)."""
        if not self._has_schema():
            return None
        return (int(self._one(LATEST_IMPORT)),)

    def last_import(self) -> LastImport | None:
        from cfmonitor.database.pg_reading import inspect

        return inspect(self.location).last_import

    def write_changes(
        self,
        changes: dict[str, TableChanges],
        *,
        create: bool,
        progress: Progress = lambda rows: None,
        provenance: Provenance = NATIVE,
        expected: tuple[Any, ...] | None = None,
    ) -> WriteResult:
        """Apply `changes` in one transaction; on any failure the database is as it was."""
        where = self.location.label
        connection = connect(self.location, read_only=False)
        committed = False
        try:
            cursor = connection.cursor()
            cursor.execute("BEGIN")
            if create:
                from cfmonitor.database.pg_schema import schema_statements

                for statement in schema_statements():
                    cursor.execute(statement)
            else:
                cursor.execute("LOCK TABLE imports IN SHARE ROW EXCLUSIVE MODE")
                cursor.execute(LATEST_IMPORT)
                row = cursor.fetchone()
                if expected is not None and (row is None or (int(row[0]),) != expected):
                    raise ChangedMeanwhile(
                        f"{where}: another import wrote to the database while this one was "
                        "being checked; nothing was changed. Run this import again."
                    )
            _apply(cursor, changes, progress)
            stamp = utc_stamp(dt.datetime.now(dt.UTC))
            extract = provenance.extract_date.isoformat() if provenance.extract_date else None
            cursor.execute(
                "INSERT INTO imports (source, extract_date, imported_at) VALUES "
                f"({_literal(provenance.source)}, {_literal(extract)}::date, {_literal(stamp)})"
            )
            cursor.execute("COMMIT")
            committed = True
        except KeyboardInterrupt:
            if committed:
                raise WrittenThenInterrupted(
                    f"{where}: interrupted after the import was written; the new rows are in "
                    "the database."
                ) from None
            raise
        except (ChangedMeanwhile, PostgresError):
            raise
        except Exception as error:
            raise _explain(self.location, error) from None
        finally:
            if not committed:
                with contextlib.suppress(Exception):
                    connection.cursor().execute("ROLLBACK")
            with contextlib.suppress(Exception):
                connection.close()
        return WriteResult(
            backup=None,
            created=create,
            wal=False,
            recorded=provenance,
            checked="keys and references checked by the server",
        )


def _explain(location: PostgresLocation, error: BaseException) -> ImportWriteError:
    reason = str(explain(location, error)).removeprefix(f"{location.label}: ")
    if "violates" in reason or "constraint" in reason:
        return ImportWriteError(
            f"{location.label}: the database refused a row ({reason.rstrip('.')}); "
            "nothing was changed."
        )
    return ImportWriteError(f"{location.label}: {reason.rstrip('.')}; nothing was changed.")


def _stage(cursor: Any, name: str, frame: pl.DataFrame) -> None:
    """`frame` as a temporary table (this connection's alone; gone when it closes)."""
    cursor.adbc_ingest(name, frame.to_arrow(), mode="create", temporary=True)


def _apply(cursor: Any, changes: dict[str, TableChanges], progress: Progress) -> None:
    for table in reversed(TABLE_ORDER):
        if table in changes and changes[table].removed:
            ids = changes[table].delete
            _stage(cursor, f"gone_{table}", pl.DataFrame({"id": ids}))
            cursor.execute(
                f"DELETE FROM {table} USING gone_{table} WHERE {table}.id = gone_{table}.id"
            )
            progress(len(ids))
    for table in TABLE_ORDER:
        if table not in changes:
            continue
        change = changes[table]
        if change.update.height:
            columns = list(change.update.columns)
            _stage(cursor, f"changed_{table}", change.update)
            others = [name for name in columns if name != "id"]
            assignments = ", ".join(f"{name} = changed_{table}.{name}" for name in others)
            cursor.execute(
                f"UPDATE {table} SET {assignments} FROM changed_{table} "
                f"WHERE {table}.id = changed_{table}.id"
            )
            progress(change.update.height)
        if change.insert.height:
            cursor.adbc_ingest(table, change.insert.to_arrow(), mode="append")
            progress(change.insert.height)
