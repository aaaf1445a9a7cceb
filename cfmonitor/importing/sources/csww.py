"""The DfE children's social work workforce census (its flattened CSV), per worker.

It links to other sources by the digits of the Social Work England number: `SW104233`
in the SSD is `SW0000104233` in the census, so both become `104233`.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from cfmonitor.importing.problems import ERROR, problem_rows
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources.text import parse_dates, read_source

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


def read_census(path: Path) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The census rows keyed by SWE digits, and the problems (two rows for one number)."""
    table = read_source(path, COLUMNS, ("SWENo",), "a workforce census file (CSWW)")
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
            "a second census row for one Social Work England number (row {})", "_first"
        ),
    )
    parts = [part for part in (problems, duplicates) if part.height]
    found = pl.concat(parts) if parts else pl.DataFrame()
    return frame.unique(subset=SWE_KEY, keep="first", maintain_order=True), found
