"""Read a source system's table as text and turn its real-world formats into plain values.

Extracts come with a UTF-8 byte-order mark, CRLF or CR-only line endings, the literal text
`NULL` for a blank, IDs as integers written as text and datetimes in several spellings.
Here every cell becomes a trimmed string or null, and dates become dates; a date in no
known spelling is a problem naming file, row, column and value.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.importing.problems import ERROR, problem_rows
from cfmonitor.importing.reading import (
    FILE,
    FIRST_DATA_ROW,
    ROW,
    ImportFileError,
    decode_check,
    normalise_header,
)
from cfmonitor.safe_text import visible

NULL_WORDS = ("null", "#n/a", "n/a")
"""Cell texts that mean "no value" in extracts (SQL Server's NULL, Excel's #N/A)."""
EXCEL_EPOCH = "1899-12-30"
_ISO_DAY = r"^(\d{4}-\d{2}-\d{2})(?:[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?$"
_UK_DAY = r"^(\d{1,2})/(\d{1,2})/(\d{4})(?: \d{2}:\d{2}(?::\d{2})?)?$"
_SERIAL = r"^(\d{4,5})(?:\.0+)?$"
"""An Excel date serial number (days since 1899-12-30), only read from workbooks."""


@dataclass(frozen=True)
class SourceTable:
    """One source file's cells as text under canonical column names, with row numbers."""

    name: str
    """The name shown as "file" in problems (the file's name, or workbook › sheet)."""
    frame: pl.DataFrame
    from_excel: bool = False


def _decoded(path: Path) -> bytes:
    where = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ImportFileError(f"{where}: no such file.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{where}: is a folder, not a file.") from None
    except OSError as error:
        raise ImportFileError(f"{where}: cannot be read ({error.strerror}).") from None
    data, _ = decode_check(path, data)
    if b"\r" in data and b"\n" not in data:
        data = data.replace(b"\r", b"\n")  # old-Mac line endings would read as one row
    return data


def read_csv_text(path: Path) -> pl.DataFrame:
    """A CSV file as text cells, nothing guessed."""
    try:
        return pl.read_csv(
            io.BytesIO(_decoded(path)),
            infer_schema=False,
            raise_if_empty=True,
            truncate_ragged_lines=False,
        )
    except pl.exceptions.NoDataError:
        raise ImportFileError(f"{path}: is empty; it needs a header row.") from None
    except pl.exceptions.PolarsError:
        raise ImportFileError(f"{path}: is not a readable CSV file.") from None


def sheet_names(path: Path) -> list[str]:
    import fastexcel

    try:
        return list(fastexcel.read_excel(path).sheet_names)
    except Exception:
        raise ImportFileError(f"{path}: is not a readable Excel workbook.") from None


def read_sheet_text(path: Path, sheet: str | int = 0) -> pl.DataFrame:
    """One sheet as text cells; empty rows kept so row numbers match Excel's."""
    import fastexcel

    try:
        reader = fastexcel.read_excel(path)
        return reader.load_sheet(sheet, dtypes="string").to_polars()
    except Exception:
        raise ImportFileError(f"{path}: is not a readable Excel workbook.") from None


def tidy_cells(frame: pl.DataFrame) -> pl.DataFrame:
    """Trim every cell; blanks, `NULL` and `#N/A` become null; NBSP counts as a space."""
    return frame.with_columns(
        pl.col(name)
        .cast(pl.String)
        .str.replace_all("\u00a0", " ")
        .str.strip_chars()
        .pipe(
            lambda text: (
                pl.when(text.str.to_lowercase().is_in(NULL_WORDS) | (text == ""))
                .then(None)
                .otherwise(text)
            )
        )
        .alias(name)
        for name in frame.columns
    )


def select_columns(
    frame: pl.DataFrame,
    name: str,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    kind: str,
    first_row: int = FIRST_DATA_ROW,
) -> pl.DataFrame:
    """Rename headers to canonical names (matched by normalised name or alias), add row numbers.

    A missing required column is refused naming the file and what a `kind` file needs;
    optional columns that are absent come back as nulls.
    """
    wanted: dict[str, str] = {}
    for canonical, aliases in columns.items():
        for alias in (canonical, *aliases):
            wanted[normalise_header(alias)] = canonical
    renames: dict[str, str] = {}
    for header in frame.columns:
        target = wanted.get(normalise_header(header.lstrip("\ufeff")))
        if target is not None and target not in renames.values():
            renames[header] = target
    missing = [column for column in required if column not in renames.values()]
    if missing:
        raise ImportFileError(
            f"{name}: the header has no column {', '.join(repr(m) for m in missing)}, "
            f"so it is not {kind} (it has: {', '.join(visible(h) for h in frame.columns[:8])})."
        )
    frame = frame.with_row_index(ROW, offset=first_row).with_columns(pl.col(ROW).cast(pl.Int64))
    frame = frame.select(
        ROW,
        *[pl.col(header).alias(target) for header, target in renames.items()],
        *[pl.lit(None, pl.String).alias(c) for c in columns if c not in renames.values()],
    )
    frame = tidy_cells(frame.select(list(columns))).with_columns(frame.get_column(ROW))
    cells = [pl.col(column).is_null() for column in columns]
    return frame.filter(~pl.all_horizontal(cells)).with_columns(pl.lit(name).alias(FILE))


def read_source(
    path: Path,
    columns: dict[str, tuple[str, ...]],
    required: tuple[str, ...],
    kind: str,
    *,
    sheet: str | int | None = None,
    name: str | None = None,
) -> SourceTable:
    """Read a CSV file or a workbook's sheet as a `SourceTable`."""
    suffix = path.suffix.lower()
    label = name or path.name
    if suffix == ".xlsx":
        frame = read_sheet_text(path, 0 if sheet is None else sheet)
        return SourceTable(label, select_columns(frame, label, columns, required, kind), True)
    if suffix in (".csv", ".txt"):
        frame = read_csv_text(path)
        return SourceTable(label, select_columns(frame, label, columns, required, kind))
    raise ImportFileError(f"{path}: use a .csv or .xlsx file (got {suffix or 'no suffix'!r}).")


def date_expr(name: str, *, serials: bool) -> pl.Expr:
    """The date a source writes in `name`: ISO with or without a time, DD/MM/YYYY, or an
    Excel serial number (only when the file is a workbook)."""
    text = pl.col(name)
    iso = text.str.extract(_ISO_DAY, 1).str.to_date("%Y-%m-%d", strict=False)
    uk = text.str.extract_groups(_UK_DAY)
    uk_date = pl.format(
        "{}-{}-{}", uk.struct.field("3"), uk.struct.field("2"), uk.struct.field("1")
    ).str.to_date("%Y-%-m-%-d", strict=False)
    value = pl.coalesce(iso, uk_date)
    if serials:
        days = text.str.extract(_SERIAL, 1).cast(pl.Int64, strict=False)
        epoch = pl.lit(EXCEL_EPOCH).str.to_date()
        value = pl.coalesce(value, epoch + pl.duration(days=days))
    return value


def parse_dates(table: SourceTable, names: tuple[str, ...]) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The table with `names` as dates, and an error for every cell in no known spelling."""
    frame = table.frame
    parsed = frame.with_columns(
        date_expr(name, serials=table.from_excel).alias(name) for name in names
    )
    problems = []
    for name in names:
        bad = frame.filter(pl.col(name).is_not_null() & parsed.get_column(name).is_null())
        if bad.height:
            spellings = "YYYY-MM-DD, YYYY-MM-DDT00:00:00, YYYY-MM-DD HH:MM:SS.mmm or DD/MM/YYYY"
            problems.append(
                problem_rows(
                    bad,
                    severity=ERROR,
                    file=pl.col(FILE),
                    column=name,
                    value=pl.col(name),
                    message=f"not a date in a format the source writes ({spellings})",
                )
            )
    return parsed, pl.concat(problems) if problems else pl.DataFrame()
