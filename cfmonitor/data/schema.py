"""The data contract: SQLModel tables that users' databases must fit.

The models are the single source of truth; `db/schema.sql` is generated from them
(`python -m cfmonitor.data.schema > db/schema.sql`) and a test checks the two agree.
Only writers (init, demo, import) import this module: SQLModel is slow to import and
the read path does not need it.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from typing import Any

from sqlalchemy import REAL, CheckConstraint, Column, Date, Index, MetaData, Text, text
from sqlalchemy.dialects import sqlite as sqlite_dialect
from sqlalchemy.schema import CreateIndex, CreateTable
from sqlmodel import Field, SQLModel

from cfmonitor.data.contract import INDEXED_COLUMNS

SCHEMA_VERSION = 2
"""Stored in `PRAGMA user_version`; bump it whenever the tables change shape.

Version 2 added the `imports` table (each import's source, extract date and run time);
`upgrade_statements(1)` turns a version-1 file into version 2."""

TABLE_NAMES = ("teams", "workers", "reductions", "cases", "allocations")
METADATA_TABLES = ("imports",)
"""Tables about the data rather than of it: never imported from files, never dumped."""

EMPLOYMENT_TYPES = ("permanent", "agency")
COMPLEXITY_LEVELS = ("standard", "complex", "intense")

_metadata = MetaData()


class _Base(SQLModel):
    metadata = _metadata


def _date_column(*, nullable: bool) -> Column:
    """ISO `YYYY-MM-DD` text in SQLite, declared DATE as the contract says."""
    return Column(Date, nullable=nullable)


def _text(**kwargs: Any) -> Any:
    return Field(sa_type=Text, **kwargs)


def _real(**kwargs: Any) -> Any:
    return Field(sa_type=REAL, **kwargs)


class Team(_Base, table=True):
    __tablename__ = "teams"
    __table_args__ = (CheckConstraint("establishment_fte >= 0"),)

    id: int | None = Field(default=None, primary_key=True)
    name: str = _text(unique=True)
    service_area: str = _text()
    establishment_fte: float = _real(default=0, sa_column_kwargs={"server_default": text("0")})


class Worker(_Base, table=True):
    __tablename__ = "workers"
    __table_args__ = (
        CheckConstraint("fte > 0 AND fte <= 1"),
        CheckConstraint("employment IN ('permanent','agency')"),
    )

    id: int | None = Field(default=None, primary_key=True)
    staff_ref: str = _text(unique=True)
    name: str = _text()
    team_id: int = Field(foreign_key="teams.id")
    cohort: str = _text()
    fte: float = _real()
    employment: str = _text()
    start_date: dt.date = Field(sa_column=_date_column(nullable=False))
    end_date: dt.date | None = Field(default=None, sa_column=_date_column(nullable=True))


class Reduction(_Base, table=True):
    __tablename__ = "reductions"
    __table_args__ = (CheckConstraint("percent > 0 AND percent <= 100"),)

    id: int | None = Field(default=None, primary_key=True)
    worker_id: int = Field(foreign_key="workers.id")
    reason: str = _text()
    percent: float = _real()
    start_date: dt.date = Field(sa_column=_date_column(nullable=False))
    end_date: dt.date | None = Field(default=None, sa_column=_date_column(nullable=True))


class Case(_Base, table=True):
    __tablename__ = "cases"
    __table_args__ = (CheckConstraint("complexity IN ('standard','complex','intense')"),)

    id: int | None = Field(default=None, primary_key=True)
    case_ref: str = _text(unique=True)
    team_id: int = Field(foreign_key="teams.id")
    case_type: str = _text()
    complexity: str = _text()
    opened_on: dt.date = Field(sa_column=_date_column(nullable=False))
    closed_on: dt.date | None = Field(default=None, sa_column=_date_column(nullable=True))
    family_ref: str | None = _text(default=None)


class Allocation(_Base, table=True):
    __tablename__ = "allocations"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    worker_id: int = Field(foreign_key="workers.id")
    start_date: dt.date = Field(sa_column=_date_column(nullable=False))
    end_date: dt.date | None = Field(default=None, sa_column=_date_column(nullable=True))


class ImportRun(_Base, table=True):
    """One import (or demo build): where its rows came from and how fresh they are."""

    __tablename__ = "imports"

    id: int | None = Field(default=None, primary_key=True)
    source: str = _text()
    """The adapter: "cfmonitor" (native files), "ssd", "annex-a", "demo"."""
    extract_date: dt.date | None = Field(default=None, sa_column=_date_column(nullable=True))
    """The day the source system was extracted, when known."""
    imported_at: str = _text()
    """When the import ran, UTC, ISO 8601 (`2026-12-02T01:36:27Z`)."""


INDEXES = tuple(
    Index(name, _metadata.tables[table].c[column]) for name, table, column in INDEXED_COLUMNS
)
"""The contract's indexes (`contract.INDEXED_COLUMNS`), for the DDL."""


def _create_table(name: str) -> str:
    dialect = sqlite_dialect.dialect()
    return str(CreateTable(_metadata.tables[name]).compile(dialect=dialect)).strip()


def upgrade_statements(version: int) -> list[str]:
    """The statements that bring a file of `version` up to `SCHEMA_VERSION`, to run inside
    the caller's transaction (SQLite's DDL and `user_version` roll back with it)."""
    if version not in (1, SCHEMA_VERSION):
        raise ValueError(f"no upgrade from schema version {version}")
    if version == SCHEMA_VERSION:
        return []
    return [_create_table("imports"), f"PRAGMA user_version = {SCHEMA_VERSION}"]


def schema_sql() -> str:
    """The DDL for every table and index, as SQLite will run it."""
    dialect = sqlite_dialect.dialect()
    statements = [_create_table(name) for name in (*TABLE_NAMES, *METADATA_TABLES)]
    statements += [str(CreateIndex(index).compile(dialect=dialect)).strip() for index in INDEXES]
    body = ";\n\n".join(
        "\n".join(line.rstrip() for line in statement.splitlines()) for statement in statements
    )
    return (
        "-- Generated from cfmonitor/data/schema.py; do not edit by hand.\n"
        f"-- Regenerate: python -m cfmonitor.data.schema > db/schema.sql\n"
        f"PRAGMA user_version = {SCHEMA_VERSION};\n\n{body};\n"
    )


def create_schema(connection: sqlite3.Connection) -> None:
    """Create every table and index and stamp the schema version, in one transaction."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        for statement in schema_sql().split(";\n"):
            lines = [ln for ln in statement.splitlines() if not ln.startswith("--")]
            sql = "\n".join(lines).strip()
            if sql:
                connection.execute(sql)
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


if __name__ == "__main__":
    print(schema_sql(), end="")
