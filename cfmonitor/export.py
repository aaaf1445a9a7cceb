"""Write a table to a file a manager can take into a meeting: CSV, XLSX or Markdown.

Safe to open in Excel: a text cell starting with `=`, `+`, `-`, `@`, tab or carriage
return would run as a formula (OWASP "CSV injection"), so it gets a leading `'`.
Numbers stay numbers. One visible sheet, no hidden columns. Files are written whole
(a temporary file renamed into place), owner-only, and never over an existing file
unless `force` is given. The TUI's export action and `cfmonitor report --output` share it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import io
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from cfmonitor.cell_text import MARKED_PATTERN as _FORMULA_PATTERN
from cfmonitor.cell_text import MARKED_STARTS as FORMULA_STARTS
from cfmonitor.cell_text import markdown_cell
from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible

EXPORT_FORMATS = ("csv", "xlsx", "markdown")
SHEET_NAME_LIMIT = 31


class ExportError(CfmonitorError):
    """An export that cannot be written; nothing was written."""


def neutralise(value: str) -> str:
    """A text cell Excel will show as text, never evaluate."""
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def neutralised(frame: pl.DataFrame) -> pl.DataFrame:
    """Every text column's cells neutralised (vectorised); other columns untouched."""
    return frame.with_columns(
        pl.when(pl.col(name).str.contains(_FORMULA_PATTERN))
        .then(pl.lit("'") + pl.col(name))
        .otherwise(pl.col(name))
        .alias(name)
        for name, dtype in frame.schema.items()
        if dtype == pl.String()
    ).rename({name: neutralise(name) for name in frame.columns})


def csv_text(frame: pl.DataFrame) -> str:
    buffer = io.StringIO()
    neutralised(frame).write_csv(buffer, date_format="%Y-%m-%d")
    return buffer.getvalue()


def markdown_text(frame: pl.DataFrame) -> str:
    """A GitHub-style table; control characters shown escaped, pipes escaped."""

    cell = markdown_cell

    header = "| " + " | ".join(cell(name) for name in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *rows]) + "\n"


def _sheet_name(name: str, taken: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in visible(name)).strip("'")
    cleaned = (cleaned or "Sheet")[:SHEET_NAME_LIMIT]
    candidate, number = cleaned, 1
    while candidate.casefold() in taken:
        number += 1
        suffix = f" ({number})"
        candidate = cleaned[: SHEET_NAME_LIMIT - len(suffix)] + suffix
    taken.add(candidate.casefold())
    return candidate


def xlsx_bytes(sheets: Mapping[str, pl.DataFrame]) -> bytes:
    """A workbook with one visible sheet per frame; text written as text, never formulas."""
    import xlsxwriter

    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(
        buffer,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    bold = book.add_format({"bold": True})
    taken: set[str] = set()
    for name, frame in sheets.items():
        sheet = book.add_worksheet(_sheet_name(name, taken))
        safe = neutralised(frame)
        for column, header in enumerate(safe.columns):
            sheet.write_string(0, column, header, bold)
        for row_number, row in enumerate(safe.iter_rows(), start=1):
            for column, value in enumerate(row):
                _write_cell(sheet, row_number, column, value)
        sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()


def _write_cell(sheet, row: int, column: int, value: object) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        sheet.write_boolean(row, column, value)
    elif isinstance(value, int | float):
        sheet.write_number(row, column, value)
    elif isinstance(value, dt.date):
        sheet.write_string(row, column, value.isoformat())
    else:
        sheet.write_string(row, column, visible(value))  # already marked by neutralised()


def write_bytes(path: Path, data: bytes, *, force: bool) -> Path:
    """Write the whole file or nothing; refuse an existing file unless `force`."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name.")
    if target.exists() and not force:
        raise ExportError(f"{target}: already exists; add --force to overwrite it.")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.is_dir():
        raise ExportError(f"{target}: the folder {folder} does not exist.")
    try:
        descriptor, temporary = tempfile.mkstemp(prefix=".cfmonitor-", dir=folder)
    except PermissionError:
        raise ExportError(f"{target}: permission denied.") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        if force:
            os.replace(temporary, target)
        else:
            # link() fails if the name appeared meanwhile: never overwrite by accident.
            os.link(temporary, target)
            os.unlink(temporary)
    except FileExistsError:
        os.unlink(temporary)
        raise ExportError(f"{target}: already exists; add --force to overwrite it.") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"{target}: could not be written ({error.strerror}).") from None
    return target


def write_table(frame: pl.DataFrame, path: Path, fmt: str, *, force: bool) -> Path:
    """Write one table (what a screen shows) as csv, xlsx or markdown; returns the path."""
    if fmt == "csv":
        data = csv_text(frame).encode("utf-8")
    elif fmt == "xlsx":
        data = xlsx_bytes({Path(path).stem or "cfmonitor": frame})
    elif fmt == "markdown":
        data = markdown_text(frame).encode("utf-8")
    else:
        raise ExportError(f"{fmt!r} is not an export format (use {', '.join(EXPORT_FORMATS)}).")
    return write_bytes(Path(path), data, force=force)
