"""What every adapter hands the pipeline: the five tables as text, in the native contract.

The frames carry the same column names and string values a native CSV would, plus the
source file and row each came from, so cast → check → plan → write and the problem table
treat them exactly like files.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.importing.contract import DATE, FORMATS
from cfmonitor.importing.problems import WARNING, combine, empty
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.reading import FILE, ROW, RawTable


@dataclass(frozen=True)
class Converted:
    """An adapter's result: the native tables, the problems it found and where they came from."""

    tables: dict[str, RawTable]
    problems: pl.DataFrame
    provenance: Provenance


def as_text(frame: pl.DataFrame, table: str, label: str) -> RawTable:
    """`frame` (native column names, any types, `_file` and `_row`) as the contract's text."""
    file_format = FORMATS[table]
    columns = []
    for column in file_format.columns:
        value = pl.col(column.name)
        dtype = frame.schema[column.name]
        if column.kind == DATE and dtype == pl.Date:
            value = value.dt.to_string("%Y-%m-%d")
        columns.append(value.cast(pl.String).alias(column.name))
    text = frame.select(
        *columns,
        pl.col(ROW).cast(pl.Int64),
        pl.col(FILE).cast(pl.String).cast(pl.Categorical),
    )
    return RawTable(path=Path(label), frame=text)


def warning(file: str, message: str, *, column: str | None = None, value: str | None = None):
    """One warning not tied to a row (a value reported once, with how many rows it affects)."""
    return pl.DataFrame(
        {
            "severity": [WARNING],
            "file": [file],
            "row": [None],
            "column": [column],
            "value": [value],
            "message": [message],
        },
        schema={
            "severity": pl.String,
            "file": pl.String,
            "row": pl.Int64,
            "column": pl.String,
            "value": pl.String,
            "message": pl.String,
        },
    )


def gather(parts: list[pl.DataFrame]) -> pl.DataFrame:
    found = [part for part in parts if part.height]
    return combine(found) if found else empty()


def listed(values: list[str], at_most: int = 8) -> str:
    """A short list for a message: the first few values and how many more."""
    shown = ", ".join(values[:at_most])
    more = len(values) - at_most
    return f"{shown} and {more} more" if more > 0 else shown


def last_count_day(extract: dt.date) -> dt.date:
    """The last 30 September on or before the extract: the day census counts are taken."""
    year = extract.year if (extract.month, extract.day) >= (9, 30) else extract.year - 1
    return dt.date(year, 9, 30)


def once_per_value(
    frame: pl.DataFrame, column: str, what: str, noun: str, says: str
) -> list[pl.DataFrame]:
    """One warning per distinct value of `column` in `frame`, with how many rows have it:
    "job title 'Advanced Practitioner' (3 workers) has no cohort…" (`what` the value is,
    `noun` what a row is, `says` what follows the count)."""
    counts = frame.group_by(column, maintain_order=True).agg(
        pl.len().alias("n"), pl.col(FILE).first()
    )
    notes = []
    for value, count, file in counts.iter_rows():
        shown = "(blank)" if value is None else repr(value)
        plural = "s" if count != 1 else ""
        notes.append(
            warning(
                str(file),
                f"{what} {shown} ({count} {noun}{plural}) {says}",
                column=column,
                value=value,
            )
        )
    return notes
