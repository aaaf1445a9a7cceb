"""Shared fixtures: small databases built row by row, a clean environment, and the two
backends a reading or writing test runs over (tests/postgres/backends.py)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factory import DatabaseBuilder
from tests.postgres import backends


@pytest.hookimpl(optionalhook=True)  # without pytest-xdist (`-p no:xdist`) it is not a hook
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int | None:
    """`-n auto`: one worker more than the cores this process may use. About a third of
    the suite's time is waiting (on Textual's timers, an app in a pseudo-terminal, a
    PostgreSQL server starting), so on two cores a third worker keeps both busy: the
    whole suite took 222 s with two workers and 196 s with three, side by side.
    PYTEST_XDIST_AUTO_NUM_WORKERS, when set, still decides."""
    if os.environ.get("PYTEST_XDIST_AUTO_NUM_WORKERS"):
        return None
    return len(os.sched_getaffinity(0)) + 1


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the user's home, cache or settings, or pick up their CFMONITOR_DB: each
    test has its own, so the suite runs in parallel (`pytest -n auto`)."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.delenv("CFMONITOR_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")
    for name in backends.LIBPQ_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def builder() -> DatabaseBuilder:
    return DatabaseBuilder()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "caseloads.db"


@pytest.fixture(scope="session")
def sqlite_demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo (seed 7, 26 Nov 2026) as a SQLite file, once per worker: never to be written."""
    from cfmonitor.data.demo import write_demo_database

    path = tmp_path_factory.mktemp("sqlite-demo") / "demo.db"
    write_demo_database(path, seed=backends.DEMO_SEED, today=backends.DEMO_DAY)
    return path


@pytest.fixture(scope="session")
def postgres(sqlite_demo: Path) -> Iterator[backends.Databases]:
    """This worker's PostgreSQL server, holding the demo (skips without one, but in CI)."""
    yield from backends.serve(sqlite_demo)


@pytest.fixture(scope="session", params=backends.BACKENDS)
def backend(request: pytest.FixtureRequest) -> backends.Backend:
    """SQLite, then PostgreSQL: a test asking for it runs over both."""
    return backends.open_backend(request)


@pytest.fixture(scope="session")
def demo_database(backend: backends.Backend, sqlite_demo: Path) -> backends.Database:
    """The demo on the backend (on PostgreSQL, loaded once per worker): never to be written."""
    return backends.Database(sqlite_demo) if backend.postgres is None else backend.demo()
