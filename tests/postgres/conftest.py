"""The PostgreSQL tests' names for what tests/postgres/backends.py provides.

The server fixture itself (`postgres`) is in tests/conftest.py, so that any test can run
over both backends (the `backend` fixture); this folder's tests use it directly.
"""

from __future__ import annotations

from tests.postgres.backends import DEMO_DAY, LIBPQ_VARIABLES, Databases

__all__ = ["DEMO_DAY", "LIBPQ_VARIABLES", "Databases"]
