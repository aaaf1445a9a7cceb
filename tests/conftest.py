"""Shared fixtures: small databases built row by row, and a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factory import DatabaseBuilder


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


@pytest.fixture
def builder() -> DatabaseBuilder:
    return DatabaseBuilder()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "caseloads.db"
