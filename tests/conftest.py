"""Shared fixtures: small databases built row by row, and a clean environment."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factory import DatabaseBuilder


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch):
    """Never touch the user's cache or pick up their CFMONITOR_DB."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path_factory.mktemp("cache")))
    monkeypatch.delenv("CFMONITOR_DB", raising=False)
    monkeypatch.setenv("NO_COLOR", "1")


@pytest.fixture
def builder() -> DatabaseBuilder:
    return DatabaseBuilder()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "caseloads.db"
