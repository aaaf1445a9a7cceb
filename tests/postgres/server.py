"""A throwaway PostgreSQL server for tests and benchmarks: initdb, start, stop.

Its data and socket live in one temporary folder; it listens on 127.0.0.1 at a free
port, with fsync off (nothing here needs to survive a crash). Password login over TCP
(scram-sha-256), trust over the socket, so tests can check both kinds of failure.
initdb refuses to run as root: then it and the server run as the `postgres` user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SUPERUSER = "cfadmin"
SUPERUSER_PASSWORD = "admin-Secret-9f2"
READER = "reader"
READER_PASSWORD = "reader-Secret-4c7"
DATABASE = "cfmonitor"
TABLES = ("teams", "workers", "reductions", "cases", "allocations")


class NoServer(Exception):
    """PostgreSQL's programs are missing or the server would not start."""


def find_program(name: str) -> str:
    """`initdb` and `pg_ctl`: on PATH, or in Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(
        glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0,
    )
    if not candidates:
        raise NoServer(f"{name} not found (install Debian's postgresql package)")
    return candidates[-1]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Server:
    folder: Path
    port: int
    run_as: str | None

    @property
    def data(self) -> Path:
        return self.folder / "data"

    def url(
        self,
        user: str = SUPERUSER,
        password: str | None = SUPERUSER_PASSWORD,
        database: str = DATABASE,
    ) -> str:
        secret = f":{password}" if password is not None else ""
        return f"postgresql://{user}{secret}@127.0.0.1:{self.port}/{database}"

    def socket_url(self, user: str = SUPERUSER, database: str = DATABASE) -> str:
        """Over the socket (trust): no password needed."""
        return f"postgresql://{user}@/{database}?host={self.folder}&port={self.port}"


def _command(server_user: str | None, *args: str) -> list[str]:
    return ["runuser", "-u", server_user, "--", *args] if server_user else list(args)


def _run(server_user: str | None, *args: str) -> None:
    result = subprocess.run(
        _command(server_user, *args), capture_output=True, text=True, timeout=60, check=False
    )
    if result.returncode != 0:
        raise NoServer(f"{Path(args[0]).name} failed: {result.stderr.strip()[-400:]}")


def start(parent: Path | None = None) -> Server:
    """initdb into a new folder and start a server there; raises `NoServer`."""
    initdb, pg_ctl = find_program("initdb"), find_program("pg_ctl")
    run_as = None
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            raise NoServer("running as root and there is no postgres user for initdb") from None
        run_as = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="cfmonitor-pg-", dir=parent))
    if run_as:
        shutil.chown(folder, user=run_as)
    password_file = folder / "superuser-password"
    password_file.write_text(SUPERUSER_PASSWORD + "\n")
    if run_as:
        shutil.chown(password_file, user=run_as)
    server = Server(folder, _free_port(), run_as)
    _run(
        run_as,
        initdb,
        "-D",
        str(server.data),
        "-U",
        SUPERUSER,
        f"--pwfile={password_file}",
        "--auth-local=trust",
        "--auth-host=scram-sha-256",
        "-E",
        "UTF8",
        "--locale=C.UTF-8",
        "--no-sync",
    )
    password_file.unlink()
    options = (
        f"-c listen_addresses=127.0.0.1 -p {server.port} -k {folder} -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=40 "
        "-c wal_level=minimal -c max_wal_senders=0"
    )
    _run(
        run_as,
        pg_ctl,
        "-D",
        str(server.data),
        "-o",
        options,
        "-l",
        str(folder / "server.log"),
        "-w",
        "-t",
        "30",
        "start",
    )
    return server


def stop(server: Server) -> None:
    with contextlib.suppress(NoServer, subprocess.TimeoutExpired):
        _run(
            server.run_as,
            find_program("pg_ctl"),
            "-D",
            str(server.data),
            "-m",
            "fast",
            "-w",
            "stop",
        )
    shutil.rmtree(server.folder, ignore_errors=True)


@contextlib.contextmanager
def running(parent: Path | None = None) -> Iterator[Server]:
    server = start(parent)
    try:
        yield server
    finally:
        stop(server)


READER_GRANTS = (
    f"GRANT CONNECT ON DATABASE {{database}} TO {READER}",
    f"GRANT USAGE ON SCHEMA public TO {READER}",
    f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {READER}",
)


def create_database(server: Server, name: str) -> None:
    import adbc_driver_postgresql.dbapi as adbc

    admin = adbc.connect(server.socket_url(database="postgres"), autocommit=True)
    with admin as connection, connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {name}")


def execute(server: Server, database: str, *statements: str) -> None:
    """Run statements as the superuser over the socket, in one transaction."""
    import adbc_driver_postgresql.dbapi as adbc

    with adbc.connect(server.socket_url(database=database)) as connection:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
        connection.commit()


KEYS_LAST = ("p", "u", "f")
"""Keys made again after a bulk load: primary, unique, then the references to them."""


def _set_keys_aside(cursor: Any) -> list[str]:
    """Drop the keys and indexes of cfmonitor's tables (just created, still empty) and
    return the statements that make them again, exactly as they were.

    COPY into tables with indexes updates every index row by row, and a deferred
    reference queues a check per row (two per allocation: ten million at England size,
    the reason a load took minutes). Made after the load, an index is one sort and a
    reference one join.
    """
    names = ", ".join(f"'{table}'" for table in TABLES)
    cursor.execute(
        "SELECT conrelid::regclass::text, conname, contype, pg_get_constraintdef(oid) "
        f"FROM pg_constraint WHERE conrelid::regclass::text IN ({names}) "
        "AND contype IN ('p', 'u', 'f')"
    )
    keys = sorted(cursor.fetchall(), key=lambda row: KEYS_LAST.index(row[2]))
    cursor.execute(
        "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
        f"WHERE i.indrelid::regclass::text IN ({names}) AND NOT EXISTS "
        "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid)"
    )
    indexes = cursor.fetchall()
    for table, name, _, _ in reversed(keys):  # references first: they lean on the keys
        cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {name}")
    for name, _ in indexes:
        cursor.execute(f"DROP INDEX {name}")
    remade = [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
        for table, name, _, definition in keys
        if not definition.startswith("FOREIGN")
    ]
    remade += [definition for _, definition in indexes]
    remade += [
        f"ALTER TABLE {table} ADD CONSTRAINT {name} {definition}"
        for table, name, _, definition in keys
        if definition.startswith("FOREIGN")
    ]
    return remade


def copy_sqlite(server: Server, sqlite_path: Path, database: str) -> None:
    """Create cfmonitor's schema in `database` and copy every row of a SQLite file into it
    (ids, imports and the demo mark as they are), so both hold the same data. The tables
    go through cfmonitor's own SQLite reader and into PostgreSQL by COPY (ADBC ingest)."""
    import datetime as dt
    import sqlite3

    import adbc_driver_postgresql.dbapi as adbc
    import pyarrow as pa

    from cfmonitor.data.contract import DEMO_APPLICATION_ID, TABLE_NAMES, VERSION_TABLE
    from cfmonitor.data.reading import load_frames
    from cfmonitor.database.pg_schema import schema_statements

    frames = load_frames(sqlite_path)
    source = sqlite3.connect(sqlite_path.resolve().as_uri() + "?mode=ro", uri=True)
    demo = source.execute("PRAGMA application_id").fetchone()[0] == DEMO_APPLICATION_ID
    imports = source.execute(
        "SELECT id, source, extract_date, imported_at FROM imports ORDER BY id"
    ).fetchall()
    source.close()
    with (
        adbc.connect(server.socket_url(database=database)) as connection,
        connection.cursor() as cursor,
    ):
        for statement in schema_statements():
            cursor.execute(statement)
        cursor.execute(f"UPDATE {VERSION_TABLE} SET demo = {'TRUE' if demo else 'FALSE'}")
        cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
        remade = _set_keys_aside(cursor)
        for table in TABLE_NAMES:
            frame = getattr(frames, table)
            if frame.height:
                cursor.adbc_ingest(table, frame.to_arrow(), mode="append")
        for statement in remade:
            cursor.execute(statement)
        if imports:
            ids, sources, extracts, stamps = zip(*imports, strict=True)
            rows = pa.table(
                {
                    "id": pa.array(ids, pa.int64()),
                    "source": pa.array(sources, pa.string()),
                    "extract_date": pa.array(
                        [dt.date.fromisoformat(day) if day else None for day in extracts],
                        pa.date32(),
                    ),
                    "imported_at": pa.array(stamps, pa.string()),
                }
            )
            cursor.adbc_ingest("imports", rows, mode="append")
        connection.commit()
    analyse = adbc.connect(server.socket_url(database=database), autocommit=True)
    with analyse as connection, connection.cursor() as cursor:
        cursor.execute("ANALYZE")
