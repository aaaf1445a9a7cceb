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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cfmonitor.cell_text import MARKED_PATTERN as _FORMULA_PATTERN
from cfmonitor.cell_text import MARKED_STARTS as FORMULA_STARTS
from cfmonitor.column_text import markdown_table_text, per_distinct, visible_text
from cfmonitor.errors import CfmonitorError
from cfmonitor.presentation import (
    PERCENT_PLACES,
    excel_percent_format,
    field_label,
    format_percent,
    status_label,
)
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
    return markdown_table_text(frame)


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
        # Neutralised before control characters are made visible, so `\t=` stays text.
        sheet.write_string(row, column, visible(neutralise(str(value))))


FORCE_HINT = "add --force to overwrite it"
"""What to do about an existing file, said in the words of the command line."""


def write_bytes(path: Path, data: bytes, *, force: bool, replace_hint: str = FORCE_HINT) -> Path:
    """Write the whole file or nothing; refuse an existing file unless `force`.

    `replace_hint` says how to allow replacing it where the user is (a flag, a checkbox)."""
    target = Path(path)
    if target.is_dir():
        raise ExportError(f"{target}: is a folder; give a file name.")
    if target.exists() and not force:
        raise ExportError(f"{target}: already exists; {replace_hint}.")
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
        raise ExportError(f"{target}: already exists; {replace_hint}.") from None
    except OSError as error:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise ExportError(f"{target}: could not be written ({error.strerror}).") from None
    return target


MIME_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "markdown": "text/markdown",
}
"""What a browser is told each export format is, when the file is sent as a download."""


@dataclass(frozen=True)
class Sheet:
    """One table as people read it: a title row, the headings shown on screen, rates as
    percentages, statuses as symbol and word. `frame` holds the raw values by field name;
    `labels` overrides a field's heading (a screen passes its own column labels)."""

    name: str
    frame: pl.DataFrame
    title: str = ""
    labels: Mapping[str, str] = field(default_factory=dict)

    def headings(self) -> list[str]:
        return [self.labels.get(name) or field_label(name) for name in self.frame.columns]


def _shown(field_name: str, value: object) -> object:
    """A raw value as a person reads it in a text file (numbers stay numbers)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "yes" if value else "no"
    if field_name in PERCENT_PLACES and isinstance(value, int | float):
        return format_percent(value, PERCENT_PLACES[field_name])
    if field_name == "status" and isinstance(value, str):
        return status_label(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def presented(sheet: Sheet) -> pl.DataFrame:
    """The sheet's rows as text files show them, under the headings people read.

    Column by column: a whole column becomes what `_shown` makes of each of its cells
    (Python's formatting applied once per distinct value), with the same types."""
    columns = [
        _presented_column(name, sheet.frame.get_column(name)).alias(heading)
        for name, heading in zip(sheet.frame.columns, sheet.headings(), strict=True)
    ]
    return pl.DataFrame(columns) if columns else pl.DataFrame()


def _presented_column(name: str, column: pl.Series) -> pl.Series:
    dtype = column.dtype
    if dtype == pl.Boolean:
        return column.replace_strict([True, False], ["yes", "no"], return_dtype=pl.String)
    if name in PERCENT_PLACES and dtype.is_numeric():
        places = PERCENT_PLACES[name]
        return per_distinct(column, lambda value: format_percent(value, places))
    if name == "status" and dtype == pl.String:
        return per_distinct(column, status_label)
    if dtype == pl.Date or isinstance(dtype, pl.Datetime):
        return per_distinct(column, lambda value: value.isoformat())
    if dtype == pl.String or dtype == pl.Null:
        return column
    if dtype.is_integer():
        return column.cast(pl.Int64)  # what a column rebuilt from Python ints would be
    if dtype.is_float():
        return column.cast(pl.Float64)
    return _presented_by_cell(name, column)


def _presented_by_cell(name: str, column: pl.Series) -> pl.Series:
    """The per-cell way, for the rare column type the vectorised paths do not know."""
    values = [_shown(name, value) for value in column.to_list()]
    if any(isinstance(value, str) for value in values):
        values = [None if value is None else str(value) for value in values]
    return pl.Series(column.name, values, strict=False)


def sheets_csv(sheets: Sequence[Sheet], *, show_controls: bool = False) -> str:
    """The title, then each table under its name (one table needs no name).

    `show_controls` writes control characters as `\\x1b` (for a terminal)."""
    parts = []
    title = next((sheet.title for sheet in sheets if sheet.title), "")
    if title:
        parts.append(neutralise(visible(title)) + "\n")
    for sheet in sheets:
        section = "" if len(sheets) == 1 else neutralise(visible(sheet.name)) + "\n"
        frame = presented(sheet)
        parts.append(section + csv_text(shown_text(frame) if show_controls else frame))
    return "\n".join(parts)


def sheets_markdown(sheets: Sequence[Sheet], title: str = "") -> str:
    """`# title`, then `## name` and a table per sheet (one table needs no name)."""
    heading = title or next((sheet.title for sheet in sheets if sheet.title), "")
    parts = [f"# {visible(heading)}"] if heading else []
    for sheet in sheets:
        if len(sheets) > 1:
            parts.append(f"## {visible(sheet.name)}")
        parts.append(markdown_text(presented(sheet)).rstrip("\n"))
    return "\n\n".join(parts) + "\n"


def shown_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Text columns with control characters made visible, for files people read."""
    return frame.with_columns(
        visible_text(frame.get_column(name))
        for name, dtype in frame.schema.items()
        if dtype == pl.String()
    )


WIDEST_COLUMN = 50


def sheets_xlsx(sheets: Sequence[Sheet]) -> bytes:
    """A workbook for a meeting: per sheet a title row, the headings, percentages with a
    number format, columns wide enough to read, an autofilter and frozen headings."""
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
    title_format = book.add_format({"bold": True, "font_size": 13})
    percent = {
        places: book.add_format({"num_format": excel_percent_format(places)})
        for places in set(PERCENT_PLACES.values())
    }
    taken: set[str] = set()
    for sheet_spec in sheets:
        sheet = book.add_worksheet(_sheet_name(sheet_spec.name, taken))
        frame = sheet_spec.frame
        top = 0
        if sheet_spec.title:
            sheet.write_string(0, 0, neutralise(visible(sheet_spec.title)), title_format)
            top = 2
        headings = [neutralise(visible(h)) for h in sheet_spec.headings()]
        widths = [len(heading) for heading in headings]
        for column, heading in enumerate(headings):
            sheet.write_string(top, column, heading, bold)
        for row_number, row in enumerate(frame.iter_rows(), start=top + 1):
            for column, (name, value) in enumerate(zip(frame.columns, row, strict=True)):
                if name in PERCENT_PLACES and isinstance(value, int | float):
                    sheet.write_number(row_number, column, value, percent[PERCENT_PLACES[name]])
                    shown: object = format_percent(value, PERCENT_PLACES[name])
                else:
                    shown = _shown(name, value)
                    _write_cell(sheet, row_number, column, shown)
                widths[column] = max(
                    widths[column], len(visible(shown)) if shown is not None else 0
                )
        for column, width in enumerate(widths):
            sheet.set_column(column, column, min(WIDEST_COLUMN, width + 2))
        if frame.width:
            sheet.autofilter(top, 0, top + max(frame.height, 1), frame.width - 1)
        sheet.freeze_panes(top + 1, 0)
    book.close()
    return buffer.getvalue()


def sheets_bytes(sheets: Sequence[Sheet], fmt: str) -> bytes:
    if fmt == "csv":
        return sheets_csv(sheets).encode("utf-8")
    if fmt == "xlsx":
        return sheets_xlsx(sheets)
    if fmt == "markdown":
        return sheets_markdown(sheets).encode("utf-8")
    raise ExportError(f"{fmt!r} is not an export format (use {', '.join(EXPORT_FORMATS)}).")


def write_table(
    frame: pl.DataFrame,
    path: Path,
    fmt: str,
    *,
    force: bool,
    title: str = "",
    labels: Mapping[str, str] | None = None,
    replace_hint: str = FORCE_HINT,
) -> Path:
    """Write one table (what a screen shows) as csv, xlsx or markdown; returns the path."""
    data = table_bytes(frame, fmt, name=Path(path).stem, title=title, labels=labels)
    return write_bytes(Path(path), data, force=force, replace_hint=replace_hint)


def table_bytes(
    frame: pl.DataFrame,
    fmt: str,
    *,
    name: str,
    title: str = "",
    labels: Mapping[str, str] | None = None,
) -> bytes:
    """One table as the bytes of a csv, xlsx (its sheet called `name`) or markdown file."""
    sheet = Sheet(name or "cfmonitor", frame, title, dict(labels or {}))
    return sheets_bytes([sheet], fmt)
