"""A real PostgreSQL server for the session, holding the demo (and a few broken databases).

Each pytest-xdist worker starts its own server (about a second), on its own free port,
so workers never share state. Without PostgreSQL's programs the tests skip with the
reason, except under `CI=true`, where a missing server is a failure.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.postgres import server as pg

DEMO_DAY = dt.date(2026, 11, 26)
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


@dataclass(frozen=True)
class Databases:
    """The session's server and the URLs of its databases."""

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


@pytest.fixture(autouse=True)
def no_libpq_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    """A developer's own PGPASSWORD or PGSERVICE must not decide a test."""
    for name in LIBPQ_VARIABLES:
        monkeypatch.delenv(name, raising=False)


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


@pytest.fixture(scope="session")
def postgres(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    """The demo in database `demo` (read by the SELECT-only role `reader`), plus
    `empty` (no tables), `future` (schema version 99) and `partial` (reader may not
    read allocations)."""
    from cfmonitor.data.demo import write_demo_database

    server = _start()
    try:
        sqlite_demo = tmp_path_factory.mktemp("pg-demo") / "demo.db"
        write_demo_database(sqlite_demo, seed=7, today=DEMO_DAY)
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
            pg.execute(server, name, *(grant.format(database=name) for grant in pg.READER_GRANTS))
        pg.execute(server, "partial", f"REVOKE SELECT ON allocations FROM {pg.READER}")
        yield Databases(server, sqlite_demo)
    finally:
        pg.stop(server)
