"""Cast an import file's text cells strictly to the contract's types, all rows at once.

Nothing is guessed: a date is ISO `YYYY-MM-DD` or UK `DD/MM/YYYY` (never month-first),
an FTE is a decimal fraction of full time written with a point, refs keep their leading
zeros. Every cell that does not fit becomes a problem naming file, row, column and value.
"""

from __future__ import annotations

import polars as pl
from polars.expr.whenthen import ChainedThen, Then

from cfmonitor.cell_text import UNMARK_PATTERN
from cfmonitor.importing.contract import (
    CHOICE,
    CHOICES,
    DATE,
    ESTABLISHMENT,
    FTE,
    PERCENT,
    FileFormat,
)
from cfmonitor.importing.problems import (
    ERROR,
    PROBLEM_SCHEMA,
    WARNING,
    combine,
    problem_rows,
)
from cfmonitor.importing.reading import FILE, ROW, RawTable

RAW_PREFIX = "_raw_"
"""Key cells as they were in the file when they had surrounding spaces (else null)."""

_ISO = r"^(\d{4})-(\d{2})-(\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?$"
_UK = r"^(\d{1,2})/(\d{1,2})/(\d{4})$"
_SHORT_YEAR = r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$"
_DECIMAL = r"^(?:\d+(?:\.\d*)?|\.\d+)$"
_NEUTRALISED = UNMARK_PATTERN
"""A cell an export marked (`'=…`, `''…`); the marker is removed on the way back."""
_EARLIEST_YEAR = 1900
_LATEST_YEAR = 2199


def _blank(name: str) -> pl.Expr:
    return pl.col(name).is_null()


def _date(name: str) -> tuple[pl.Expr, pl.Expr]:
    """(date, message) expressions for one date column; message is null when fine."""
    text = pl.col(name)
    iso = text.str.extract_groups(_ISO)
    uk = text.str.extract_groups(_UK)
    is_iso = iso.struct.field("1").is_not_null()
    is_uk = uk.struct.field("1").is_not_null()
    year = pl.when(is_iso).then(iso.struct.field("1")).otherwise(uk.struct.field("3"))
    month = pl.when(is_iso).then(iso.struct.field("2")).otherwise(uk.struct.field("2"))
    day = pl.when(is_iso).then(iso.struct.field("3")).otherwise(uk.struct.field("1"))
    year_n, month_n, day_n = (part.cast(pl.Int32, strict=False) for part in (year, month, day))
    value = pl.format("{}-{}-{}", year_n, month_n, day_n).str.to_date("%Y-%-m-%-d", strict=False)
    value = pl.when(is_iso | is_uk).then(value).otherwise(None)
    looks_us = is_uk & (month_n > 12) & (day_n <= 12)
    # One month-first date makes every DD/MM date in the same column doubtful.
    column_is_us = looks_us.fill_null(False).any()
    ambiguous = is_uk & column_is_us & (month_n <= 12) & (day_n <= 12) & (month_n != day_n)
    message = (
        pl.when(_blank(name))
        .then(None)
        .when(text.str.contains(_SHORT_YEAR))
        .then(pl.lit("ambiguous date: write the year in full, as DD/MM/YYYY or YYYY-MM-DD"))
        .when(~(is_iso | is_uk))
        .then(pl.lit("not a date: write YYYY-MM-DD or DD/MM/YYYY"))
        .when(looks_us)
        .then(pl.lit("impossible date: month above 12 (month-first US dates are not read)"))
        .when(value.is_null())
        .then(pl.lit("impossible date: no such day"))
        .when((year_n < _EARLIEST_YEAR) | (year_n > _LATEST_YEAR))
        .then(pl.lit(f"implausible year: expected {_EARLIEST_YEAR}–{_LATEST_YEAR}"))
        .when(ambiguous)
        .then(
            pl.lit(
                "ambiguous date: this column also holds month-first (US) dates, "
                "so DD/MM cannot be trusted"
            )
        )
        .otherwise(None)
    )
    return value, message


def _all_iso(frame: pl.DataFrame, names: list[str]) -> set[str]:
    """Date columns holding only plain ISO dates (or blanks): cast them the quick way."""
    if not names:
        return set()
    checks = frame.select(
        (
            pl.col(name).is_null()
            | (
                pl.col(name).str.contains(r"^\d{4}-\d{2}-\d{2}$")
                & pl.col(name).str.to_date("%Y-%m-%d", strict=False).is_not_null()
                & pl.col(name)
                .str.slice(0, 4)
                .cast(pl.Int32, strict=False)
                .is_between(_EARLIEST_YEAR, _LATEST_YEAR)
            )
        )
        .all()
        .alias(name)
        for name in names
    ).row(0, named=True)
    return {name for name, fine in checks.items() if fine}


def _number_problem(text: pl.Expr, allow_percent: bool) -> ChainedThen:
    """The problems a number can have, as a when/then chain the caller extends."""
    checks: Then | ChainedThen = pl.when(text.str.contains(r"^\s*-?\d*,\d+\s*%?$")).then(
        pl.lit("decimal comma: write the number with a point, e.g. 0.5")
    )
    if not allow_percent:
        checks = checks.when(text.str.ends_with("%")).then(
            pl.lit("a percentage: write FTE as a fraction of full time, e.g. 0.5")
        )
    return checks.when(text.str.starts_with("-")).then(pl.lit("negative number"))


def _number(name: str, kind: str) -> tuple[pl.Expr, pl.Expr]:
    text = pl.col(name)
    digits = text.str.strip_suffix("%") if kind == PERCENT else text
    fits = digits.str.contains(_DECIMAL)
    value = pl.when(fits).then(digits.cast(pl.Float64, strict=False)).otherwise(None)
    message = _number_problem(text, allow_percent=kind == PERCENT)
    message = message.when(_blank(name)).then(None).when(~fits).then(pl.lit("not a number"))
    if kind == FTE:
        message = (
            message.when(value <= 0)
            .then(pl.lit("FTE must be above 0"))
            .when(value > 1)
            .then(pl.lit("FTE above 1 (full time): write a fraction, e.g. 0.8"))
        )
    elif kind == PERCENT:
        message = (
            message.when(value <= 0)
            .then(pl.lit("percent must be above 0"))
            .when(value > 100)
            .then(pl.lit("percent above 100"))
        )
    return value, message.otherwise(None)


def _choice(name: str) -> tuple[pl.Expr, pl.Expr]:
    allowed = CHOICES[name]
    value = pl.col(name).str.to_lowercase()
    message = (
        pl.when(_blank(name) | value.is_in(allowed))
        .then(None)
        .otherwise(pl.lit(f"unknown {name}; allowed: {', '.join(allowed)}"))
    )
    return value, message


def _tidy(frame: pl.DataFrame, names: tuple[str, ...], key: tuple[str, ...]) -> pl.DataFrame:
    """Un-neutralise exported cells, trim, blank → null; keep untrimmed keys that had spaces.

    A first cheap pass finds the columns that need each step, so a large clean file
    is not copied column by column for nothing.
    """
    needs = frame.select(
        *[pl.col(n).str.starts_with("'").any().alias("q" + n) for n in names],
        *[pl.col(n).str.contains(r"^\s|\s$|^$").any().alias("s" + n) for n in names],
    ).row(0, named=True)
    quoted = [n for n in names if needs["q" + n]]
    spaced = [n for n in names if needs["s" + n]]
    frame = frame.with_columns(pl.col(n).str.replace(_NEUTRALISED, "$1") for n in quoted)
    frame = frame.with_columns(
        (
            pl.when(pl.col(n) != pl.col(n).str.strip_chars()).then(pl.col(n))
            if n in spaced
            else pl.lit(None, pl.String)
        ).alias(RAW_PREFIX + n)
        for n in key
    )
    stripped = [pl.col(n).str.strip_chars() for n in spaced]
    return frame.with_columns(stripped).with_columns(
        pl.when(pl.col(n) == "").then(None).otherwise(pl.col(n)).alias(n) for n in spaced
    )


MESSAGE_PREFIX = "_problem_"
VALUE_PREFIX = "_value_"


def cast_table(raw: RawTable, file_format: FileFormat) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The file's rows typed (bad cells null) and every problem found, warnings included."""
    names = file_format.names
    trimmed = _tidy(raw.frame, names, file_format.key)
    casts: list[pl.Expr] = []
    checks: list[pl.Expr] = []
    quick = _all_iso(trimmed, [c.name for c in file_format.columns if c.kind == DATE])
    for column in file_format.columns:
        name = column.name
        if name in quick:
            value = pl.col(name).str.to_date("%Y-%m-%d", strict=False)
            message = pl.lit(None, pl.String)
        elif column.kind == DATE:
            value, message = _date(name)
        elif column.kind in (FTE, PERCENT, ESTABLISHMENT):
            value, message = _number(name, column.kind)
        elif column.kind == CHOICE:
            value, message = _choice(name)
        else:
            value, message = pl.col(name), pl.lit(None, pl.String)
        if column.required:
            missing = pl.lit("missing: this column needs a value")
            message = pl.when(_blank(name)).then(missing).otherwise(message)
        casts.append(value.alias(VALUE_PREFIX + name))
        checks.append(message.alias(MESSAGE_PREFIX + name))
    checked = trimmed.with_columns(*casts, *checks)
    parts = []
    for name in names:
        bad = checked.filter(pl.col(MESSAGE_PREFIX + name).is_not_null())
        if bad.height == 0:
            continue
        originals = raw.frame.select(ROW, pl.col(name).alias("_original"))
        bad = bad.join(originals, on=ROW, how="left", maintain_order="left")
        parts.append(
            problem_rows(
                bad,
                severity=ERROR,
                file=pl.col(FILE),
                column=name,
                value=pl.col("_original"),
                message=pl.col(MESSAGE_PREFIX + name),
            )
        )
    for column_name, cell, note in raw.warnings:
        parts.append(
            pl.DataFrame(
                {
                    "severity": [WARNING],
                    "file": [str(raw.path)],
                    "row": [None],
                    "column": [column_name or None],
                    "value": [cell or None],
                    "message": [note],
                },
                schema=PROBLEM_SCHEMA,
            )
        )
    typed = checked.with_columns(pl.col(VALUE_PREFIX + name).alias(name) for name in names).drop(
        [VALUE_PREFIX + n for n in names] + [MESSAGE_PREFIX + n for n in names]
    )
    return typed, combine(parts)
