"""Run a test over both backends: the SQLite file it builds, and the same rows on PostgreSQL.

A test asks for the `backend` fixture (tests/conftest.py), parametrised over "sqlite" and
"postgresql", and turns each SQLite file it builds into a `Database` with
`backend.database(path)`. On SQLite that is the file itself. On PostgreSQL the file's rows
are copied into a new database of this worker's server, and the file stays beside it as
the reference: `run_cli` given a `Database` on PostgreSQL runs the command on both and
requires the same exit code, output and errors (the database's label aside), so every
figure a test checks on SQLite is also PostgreSQL's, character for character.

The server is started once per pytest-xdist worker (about a second) and holds the demo;
without PostgreSQL's programs the PostgreSQL half skips with the reason, except under
`CI=true`, where a missing server is a failure.
"""

from __future__ import annotations

import datetime as dt
import itertools
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from cfmonitor.database.location import parse_location, parse_postgres
from cfmonitor.locate import DatabaseChoice
from tests import cli_runner
from tests.postgres import server as pg

DEMO_DAY = dt.date(2026, 11, 26)
DEMO_SEED = 7
BACKENDS = ("sqlite", "postgresql")
LIBPQ_VARIABLES = (
    "PGHOST",
    "PGPORT",
    "PGUSER",
    "PGPASSWORD",
    "PGDATABASE",
    "PGSERVICE",
    "PGSERVICEFILE",
    "PGPASSFILE",
    "PGSYSCONFDIR",
    "PGOPTIONS",
    "PGSSLMODE",
)
"""A developer's own libpq settings must not decide a test (tests/conftest.py clears them)."""


@dataclass(frozen=True)
class Databases:
    """The worker's server and the URLs of its databases."""

    server: pg.Server
    sqlite_demo: Path
    """The demo as a SQLite file: the same rows as `demo`."""

    def url(
        self,
        database: str = "demo",
        user: str = pg.READER,
        password: str | None = pg.READER_PASSWORD,
    ) -> str:
        return self.server.url(user=user, password=password, database=database)

    def copy_of_demo(self, name: str) -> str:
        """A new database holding the demo, for a test that changes it; the reader's URL.
        Copied from `pristine`, which nobody reads (a template must have no connections)."""
        pg.create_database(self.server, f"{name} TEMPLATE pristine")
        return self.url(database=name)

    @property
    def demo(self) -> str:
        return self.url()

    @property
    def admin(self) -> str:
        """The superuser (can write): for init and import tests."""
        return self.url(user=pg.SUPERUSER, password=pg.SUPERUSER_PASSWORD)


def _start() -> pg.Server:
    try:
        pg.find_program("initdb")
        import adbc_driver_postgresql  # noqa: F401
    except (pg.NoServer, ImportError) as missing:
        reason = f"no PostgreSQL to test against: {missing}"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    try:
        return pg.start()
    except pg.NoServer as failed:
        if os.environ.get("CI") == "true":
            pytest.fail(f"PostgreSQL would not start: {failed}")
        pytest.skip(f"PostgreSQL would not start: {failed}")


def serve(sqlite_demo: Path) -> Iterator[Databases]:
    """The `postgres` fixture: the demo in database `demo` (read by the SELECT-only role
    `reader`), plus `empty` (no tables), `future` (schema version 99) and `partial`
    (reader may not read allocations)."""
    server = _start()
    try:
        pg.execute(
            server,
            "postgres",
            f"CREATE ROLE {pg.READER} LOGIN PASSWORD '{pg.READER_PASSWORD}'",
        )
        pg.create_database(server, "demo")
        pg.create_database(server, "empty")
        pg.copy_sqlite(server, sqlite_demo, "demo")
        for name in ("pristine", "future", "partial"):  # copies of the demo, by the server
            pg.create_database(server, f"{name} TEMPLATE demo")
        pg.execute(server, "future", "UPDATE cfmonitor_schema SET version = 99")
        for name in ("demo", "empty", "future", "partial", "pristine"):
            grant(server, name)
        pg.execute(server, "partial", f"REVOKE SELECT ON allocations FROM {pg.READER}")
        yield Databases(server, sqlite_demo)
    finally:
        pg.stop(server)


def grant(server: pg.Server, database: str) -> None:
    pg.execute(server, database, *(line.format(database=database) for line in pg.READER_GRANTS))


@dataclass(frozen=True)
class Database:
    """A test's database: a SQLite file, and on PostgreSQL the same rows on the server.

    `str()` is what `--db` is given; `path` is always the SQLite file, the reference."""

    path: Path
    url: str | None = None
    """The PostgreSQL URL (the reader's, or the superuser's for a database to import into)."""
    label: str = field(default="", compare=False)
    """How cfmonitor names the PostgreSQL database in what it prints."""

    def __str__(self) -> str:
        return self.url or str(self.path)

    @property
    def on_postgres(self) -> bool:
        return self.url is not None

    def choice(self, *, is_demo: bool = False) -> DatabaseChoice:
        """What `locate` makes of `--db` (for the engine and the TUI)."""
        location = parse_location(str(self))
        where = getattr(location, "path", location)
        return DatabaseChoice(where, is_demo=is_demo)


_NAMES = itertools.count(1)


@dataclass(frozen=True)
class Backend:
    """One of the two backends a test runs over."""

    name: str
    postgres: Databases | None = None

    def __str__(self) -> str:
        return self.name

    def database(self, path: Path) -> Database:
        """The rows of the SQLite file at `path`, on this backend (read by the reader role)."""
        if self.postgres is None:
            return Database(path)
        name = f"t{next(_NAMES)}"
        pg.create_database(self.postgres.server, name)
        pg.copy_sqlite(self.postgres.server, path, name)
        grant(self.postgres.server, name)
        return self._on(path, self.postgres.url(database=name))

    def demo(self) -> Database:
        """The demo (seed 7, 26 Nov 2026): never to be written."""
        if self.postgres is None:
            raise AssertionError("the SQLite demo is the `sqlite_demo` fixture's")
        return self._on(self.postgres.sqlite_demo, self.postgres.demo)

    def blank(self, path: Path) -> Database:
        """A database to import into: no file yet at `path`; on PostgreSQL also a new,
        empty database, written by the superuser."""
        if self.postgres is None:
            return Database(path)
        name = f"t{next(_NAMES)}"
        pg.create_database(self.postgres.server, name)
        url = self.postgres.url(database=name, user=pg.SUPERUSER, password=pg.SUPERUSER_PASSWORD)
        return self._on(path, url)

    def copy_of_demo(self, path: Path) -> Database:
        """The demo to change: `path` (a private copy of the file) on SQLite; on
        PostgreSQL a new database holding the demo, made by the server from its template."""
        if self.postgres is None:
            return Database(path)
        return self._on(path, self.postgres.copy_of_demo(f"t{next(_NAMES)}"))

    def execute(self, database: Database, *statements: str) -> None:
        """Another program writes to a PostgreSQL database: the superuser, one transaction."""
        assert self.postgres is not None and database.url is not None
        pg.execute(self.postgres.server, parse_postgres(database.url).database, *statements)

    @staticmethod
    def _on(path: Path, url: str) -> Database:
        return Database(path, url, label=parse_location(url).label)


def open_backend(request: pytest.FixtureRequest) -> Backend:
    """The `backend` fixture's value; PostgreSQL's starts the worker's server first."""
    if request.param == "sqlite":
        return Backend("sqlite")
    return Backend("postgresql", request.getfixturevalue("postgres"))


RUN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")
QUICK_CHECK = re.compile(r"^quick_check: .*\n", re.M)
"""`check`'s one line that must differ: SQLite's quick_check has no PostgreSQL counterpart."""
WRITE_CHECK = re.compile(r"; (integrity_check: ok|keys and references checked by the server)\.")
"""An import's summary says what was checked before the commit, which differs by engine."""


def _shown(text: str, database: Database) -> str:
    """What a run printed, with the PostgreSQL database named as its SQLite file is."""
    text = text.replace(database.label, str(database.path))
    text = WRITE_CHECK.sub("; (checked).", text)
    return QUICK_CHECK.sub("", RUN_TIME.sub("(run time)", text))


READING_COMMANDS = ("report", "check")
_FROM_SQLITE: dict[tuple[object, ...], cli_runner.Result] = {}
"""What reading commands printed from SQLite files in this worker, by everything that
decides it: the PostgreSQL half of a test compares with its SQLite half's run, when this
worker made it, instead of running it again."""


def _on_sqlite(capsys: pytest.CaptureFixture[str], *args: str | Database) -> cli_runner.Result:
    """The command on the SQLite files (remembered when it only reads)."""
    words = tuple(str(arg.path) if isinstance(arg, Database) else arg for arg in args)
    if not words or words[0] not in READING_COMMANDS:
        return cli_runner.run_cli(capsys, *words)
    files = tuple(
        (stat.st_size, stat.st_mtime_ns)
        for arg in args
        if isinstance(arg, Database) and arg.path.exists()
        for stat in [arg.path.stat()]
    )
    settings = tuple(os.environ.get(name) for name in ("COLUMNS", "NO_COLOR", "CFMONITOR_DB"))
    key = (words, files, settings, dt.date.today())
    if key not in _FROM_SQLITE:
        _FROM_SQLITE[key] = cli_runner.run_cli(capsys, *words)
    return _FROM_SQLITE[key]


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Database) -> cli_runner.Result:
    """Run `cfmonitor`. Given a `Database` on PostgreSQL, run it on the SQLite file too and
    require the same exit code and text (but for the label, when an import ran, and
    quick_check); the PostgreSQL run is returned."""
    databases = [arg for arg in args if isinstance(arg, Database)]
    on_postgres = [database for database in databases if database.on_postgres]
    if not on_postgres:
        return _on_sqlite(capsys, *args)
    (database,) = on_postgres
    words = list(args)
    if "--output" in words:  # each half writes its own file; the text names the one given
        place = words.index("--output") + 1
        given = Path(str(words[place]))
        words[place] = str(given.with_name(f"sqlite-{given.name}"))
    from_sqlite = _on_sqlite(capsys, *words)
    if words != list(args):
        from_sqlite = cli_runner.Result(
            from_sqlite.code,
            from_sqlite.out.replace(str(words[place]), str(given)),
            from_sqlite.err.replace(str(words[place]), str(given)),
        )
    from_postgres = cli_runner.run_cli(capsys, *(str(arg) for arg in args))
    assert database.url is not None
    assert pg.SUPERUSER_PASSWORD not in from_postgres.out + from_postgres.err
    assert pg.READER_PASSWORD not in from_postgres.out + from_postgres.err
    assert (from_postgres.code, _shown(from_postgres.out, database)) == (
        from_sqlite.code,
        _shown(from_sqlite.out, database),
    ), f"PostgreSQL and SQLite differ: {from_postgres.err or from_sqlite.err}"
    assert _shown(from_postgres.err, database) == _shown(from_sqlite.err, database)
    return from_postgres


def contents(database: Database) -> dict[str, list[tuple[object, ...]]]:
    """Every row of every table (dates as the ISO text SQLite holds), to compare."""
    from tests.importfiles import HEADERS
    from tests.importfiles import contents as file_contents

    if database.url is None:
        return file_contents(database.path)
    import adbc_driver_postgresql.dbapi as adbc

    location = parse_location(database.url)
    rows: dict[str, list[tuple[object, ...]]] = {}
    with adbc.connect(location.conninfo()) as connection, connection.cursor() as cursor:
        for table in HEADERS:
            cursor.execute(f"SELECT * FROM {table} ORDER BY id")
            rows[table] = [
                tuple(value.isoformat() if isinstance(value, dt.date) else value for value in row)
                for row in cursor.fetchall()
            ]
    return rows


def holds_tables(database: Database) -> bool:
    """Whether anything was written: the file exists; the PostgreSQL database has tables."""
    if database.url is None:
        return database.path.exists()
    import adbc_driver_postgresql.dbapi as adbc

    location = parse_location(database.url)
    with adbc.connect(location.conninfo()) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        row = cursor.fetchone()
    return bool(row and row[0])
