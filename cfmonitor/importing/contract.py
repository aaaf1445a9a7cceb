"""The import file format: one file per table, natural keys instead of internal ids.

`cfmonitor dump` writes exactly these columns, so a dump can be edited and imported again.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cfmonitor.policy import COMPLEXITY_LEVELS

TEXT = "text"
REF = "ref"
DATE = "date"
FTE = "fte"
PERCENT = "percent"
ESTABLISHMENT = "establishment"
CHOICE = "choice"


@dataclass(frozen=True)
class Column:
    """One column of an import file: its name, kind, and whether a blank is allowed."""

    name: str
    kind: str
    required: bool = True


@dataclass(frozen=True)
class FileFormat:
    """One table's file: its columns and the columns that identify a row."""

    table: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    def column(self, name: str) -> Column:
        return next(column for column in self.columns if column.name == name)


FORMATS: dict[str, FileFormat] = {
    "teams": FileFormat(
        "teams",
        (
            Column("name", REF),
            Column("service_area", TEXT),
            Column("establishment_fte", ESTABLISHMENT),
        ),
        key=("name",),
    ),
    "workers": FileFormat(
        "workers",
        (
            Column("staff_ref", REF),
            Column("name", TEXT),
            Column("team", REF),
            Column("cohort", TEXT),
            Column("fte", FTE),
            Column("employment", CHOICE),
            Column("start_date", DATE),
            Column("end_date", DATE, required=False),
        ),
        key=("staff_ref",),
    ),
    "reductions": FileFormat(
        "reductions",
        (
            Column("staff_ref", REF),
            Column("reason", TEXT),
            Column("percent", PERCENT),
            Column("start_date", DATE),
            Column("end_date", DATE, required=False),
        ),
        key=("staff_ref", "reason", "start_date"),
    ),
    "cases": FileFormat(
        "cases",
        (
            Column("case_ref", REF),
            Column("team", REF),
            Column("case_type", TEXT),
            Column("complexity", CHOICE),
            Column("opened_on", DATE),
            Column("closed_on", DATE, required=False),
            Column("family_ref", REF, required=False),
        ),
        key=("case_ref",),
    ),
    "allocations": FileFormat(
        "allocations",
        (
            Column("case_ref", REF),
            Column("staff_ref", REF),
            Column("start_date", DATE),
            Column("end_date", DATE, required=False),
        ),
        key=("case_ref", "staff_ref", "start_date"),
    ),
}
TABLE_ORDER = ("teams", "workers", "reductions", "cases", "allocations")
"""Parents before children: the order rows are written in (and removed in reverse)."""

REFERENCES: dict[str, dict[str, str]] = {
    "workers": {"team": "teams"},
    "reductions": {"staff_ref": "workers"},
    "cases": {"team": "teams"},
    "allocations": {"case_ref": "cases", "staff_ref": "workers"},
}
"""For each table, the file columns that name a row of another table by its key."""

ID_COLUMNS: dict[tuple[str, str], str] = {
    ("workers", "team"): "team_id",
    ("cases", "team"): "team_id",
    ("reductions", "staff_ref"): "worker_id",
    ("allocations", "staff_ref"): "worker_id",
    ("allocations", "case_ref"): "case_id",
}
"""The database column each reference becomes."""

DATE_RANGES: dict[str, tuple[str, str]] = {
    "workers": ("start_date", "end_date"),
    "reductions": ("start_date", "end_date"),
    "cases": ("opened_on", "closed_on"),
    "allocations": ("start_date", "end_date"),
}

CHOICES: dict[str, tuple[str, ...]] = {
    "employment": ("permanent", "agency"),
    "complexity": COMPLEXITY_LEVELS,
}
"""Closed vocabularies (the database's CHECK constraints); matched case-insensitively."""


def dtype_of(column: Column) -> pl.DataType:
    """The Polars type a cast column has (and the type dumps read back)."""
    if column.kind == DATE:
        return pl.Date()
    if column.kind in (FTE, PERCENT, ESTABLISHMENT):
        return pl.Float64()
    return pl.String()


def database_columns(table: str) -> tuple[str, ...]:
    """The table's database columns (without id), in file order with references as ids."""
    return tuple(ID_COLUMNS.get((table, name), name) for name in FORMATS[table].names)
