"""The contract's constants in one home: what every reader and writer of a database agrees on.

Schema version, table names, the columns and types the read path gives each table,
the vocabularies the contract allows, and the far-future date that stands for "no end".
Importing this module costs only Polars: no SQLModel, no NumPy.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

SCHEMA_VERSION = 2
"""The `PRAGMA user_version` this build writes; kept in step with data/schema.py by a test."""
READABLE_VERSIONS = (1, 2)
"""Version 1 files (no `imports` table) are still read; they just have no freshness."""
VERSION_TABLE = "cfmonitor_schema"
"""On PostgreSQL, which has no `PRAGMA user_version`, the version's one-row table."""
DEMO_APPLICATION_ID = 0x43464D44
"""`PRAGMA application_id` of a database of invented demo data ("CFMD"): the label
follows the file, so a copy opened with --db still says DEMO DATA."""

EMPLOYMENT_TYPES = ("permanent", "agency")
COMPLEXITY_LEVELS = ("standard", "complex", "intense")

FAR_FUTURE = dt.date(9999, 12, 31)
"""Stands for an open end ("no end date") wherever ranges are compared or sorted."""

FRAME_SCHEMAS: dict[str, dict[str, pl.DataType]] = {
    "teams": {
        "id": pl.Int64(),
        "name": pl.String(),
        "service_area": pl.String(),
        "establishment_fte": pl.Float64(),
    },
    "workers": {
        "id": pl.Int64(),
        "staff_ref": pl.String(),
        "name": pl.String(),
        "team_id": pl.Int64(),
        "cohort": pl.String(),
        "fte": pl.Float64(),
        "employment": pl.String(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
    "reductions": {
        "id": pl.Int64(),
        "worker_id": pl.Int64(),
        "reason": pl.String(),
        "percent": pl.Float64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
    "cases": {
        "id": pl.Int64(),
        "case_ref": pl.String(),
        "team_id": pl.Int64(),
        "case_type": pl.String(),
        "complexity": pl.String(),
        "opened_on": pl.Date(),
        "closed_on": pl.Date(),
        "family_ref": pl.String(),
    },
    "allocations": {
        "id": pl.Int64(),
        "case_id": pl.Int64(),
        "worker_id": pl.Int64(),
        "start_date": pl.Date(),
        "end_date": pl.Date(),
    },
}
"""Each table's columns, in the database's order, as the read path types them."""
TABLE_NAMES = tuple(FRAME_SCHEMAS)

INDEXED_COLUMNS = (
    ("ix_allocations_worker", "allocations", "worker_id"),
    ("ix_allocations_case", "allocations", "case_id"),
    ("ix_workers_team", "workers", "team_id"),
    ("ix_cases_team", "cases", "team_id"),
    ("ix_cases_opened", "cases", "opened_on"),
    ("ix_cases_closed", "cases", "closed_on"),
    ("ix_reductions_worker", "reductions", "worker_id"),
)
"""(index, table, column): what the computation and the integrity checks lean on. The
cases' dates give the span of the data every read begins with: indexed, its earliest and
latest are looked up, not scanned for (England's cases are millions of rows). An import
that writes adds any a file made by an earlier build lacks."""

HISTORY_COLUMNS: dict[str, tuple[str, ...]] = {
    "cases": ("id", "team_id", "complexity", "opened_on", "closed_on"),
    "allocations": ("id", "case_id", "worker_id", "start_date", "end_date"),
}
"""What the history (weeks over, the series) reads of the two big tables: no references
or types. The other tables are read whole."""
