"""The DfE children's social work workforce census (its XML return or the flattened CSV).

It links to other sources by the digits of the Social Work England number: `SW104233`
in the SSD is `SW0000104233` in the census, so both become `104233`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.importing.problems import ERROR, problem_rows
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources.text import SourceTable, parse_dates, read_source, select_columns

SWE_KEY = "_swe"
COLUMNS: dict[str, tuple[str, ...]] = {
    "SWENo": ("SWE Number", "SWENumber"),
    "AgencyWorker": (),
    "FTE": (),
    "OrgRole": (),
    "RoleStartDate": (),
    "RoleEndDate": (),
    "CFKSSstatus": (),
    "StartOrigin": (),
    "Cases30": (),
    "Absat30Sept": ("AbsAt30Sept",),
    "ReasonAbsence": (),
}
DATES = ("RoleStartDate", "RoleEndDate")


def swe_digits(text: pl.Expr) -> pl.Expr:
    """The registration number's digits without leading zeros (null when it has none)."""
    digits = text.str.replace_all(r"\D", "").str.strip_chars_start("0")
    return pl.when(digits == "").then(None).otherwise(digits)


KIND = "a workforce census file (CSWW)"


@dataclass(frozen=True)
class Census:
    frame: pl.DataFrame
    """One row per SWE number (`_swe`), the census columns as text, dates as dates."""
    problems: pl.DataFrame
    reference_date: dt.date | None
    """The census day, when the XML header says it."""


def _table(path: Path) -> tuple[SourceTable, dt.date | None]:
    if path.suffix.lower() != ".xml":
        return read_source(path, COLUMNS, ("SWENo",), KIND), None
    from cfmonitor.importing.sources.csww_xml import read_census_xml

    frame, reference = read_census_xml(path)
    # Each worker's "row" is its position among the CSWWWorker elements.
    rows = select_columns(frame, path.name, COLUMNS, ("SWENo",), KIND, first_row=1)
    return SourceTable(path.name, rows), reference


def read_census(path: Path) -> Census:
    """The census rows keyed by SWE digits, and the problems (two rows for one number)."""
    table, reference = _table(path)
    frame, problems = parse_dates(table, DATES)
    frame = frame.with_columns(swe_digits(pl.col("SWENo")).alias(SWE_KEY))
    first = pl.col(ROW).first().over(SWE_KEY)
    repeated = frame.filter(pl.col(SWE_KEY).is_not_null() & pl.col(SWE_KEY).is_duplicated())
    repeated = repeated.with_columns(first.alias("_first")).filter(pl.col(ROW) != pl.col("_first"))
    duplicates = problem_rows(
        repeated,
        severity=ERROR,
        file=pl.col(FILE),
        column="SWENo",
        value=pl.col("SWENo"),
        message=pl.format(
            "a second census record for one Social Work England number (row {})", "_first"
        ),
    )
    parts = [part for part in (problems, duplicates) if part.height]
    found = pl.concat(parts) if parts else pl.DataFrame()
    unique = frame.unique(subset=SWE_KEY, keep="first", maintain_order=True)
    return Census(unique, found, reference)
