"""Read an import file (CSV or XLSX) as text: every cell a string, nothing guessed.

Encodings: UTF-8 with or without a byte-order mark; Windows-1252 (Excel's "CSV")
is detected and converted with a warning. Bytes that are neither are refused,
never decoded lossily. Row numbers are those a spreadsheet shows: header = row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from cfmonitor.errors import CfmonitorError
from cfmonitor.importing.contract import FileFormat
from cfmonitor.safe_text import visible

ROW = "_row"
FILE = "_file"
FIRST_DATA_ROW = 2
CHUNK_BYTES = 16 * 1024 * 1024


class ImportFileError(CfmonitorError):
    """A file that cannot be read as a table at all; the message names it."""


@dataclass
class RawTable:
    """One file's cells as text, under the contract's column names, with row numbers."""

    path: Path
    frame: pl.DataFrame
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, value, message) for things worth saying that do not stop the import."""


def normalise_header(name: str) -> str:
    """Header names match ignoring case, spaces, underscores and hyphens."""
    return "".join(ch for ch in name.casefold() if ch not in " _-\t\u00a0")


def decode_check(path: Path, data: bytes) -> tuple[bytes, str | None]:
    """UTF-8 bytes for Polars, and a warning when the file had to be converted."""
    where = str(path)
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
        try:
            data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ImportFileError(
                f"{where}: starts as UTF-8 but byte {error.start + 3} is not valid UTF-8."
            ) from None
        return data, None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise ImportFileError(
            f"{where}: is UTF-16 text; save it from Excel as 'CSV UTF-8 (comma delimited)'."
        )
    try:
        data.decode("utf-8")
        return data, None
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise ImportFileError(
            f"{where}: is neither UTF-8 nor Windows-1252 text "
            f"(byte {error.start} is 0x{data[error.start]:02x}); nothing was guessed."
        ) from None
    warning = "the file is Windows-1252 text (from Excel); it was converted to UTF-8"
    return text.encode("utf-8"), warning


def _ragged_row(data: bytes) -> int | None:
    """The spreadsheet row number of the first record with more fields than the header."""
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""))
    width = None
    for number, record in enumerate(reader, start=1):
        if width is None:
            width = len(record)
        elif len(record) > width:
            return number
    return None


def _is_plain_utf8(path: Path) -> bool:
    """True for UTF-8 without a byte-order mark, checked in chunks (large files stay on disk)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    with path.open("rb") as handle:
        chunk = handle.read(CHUNK_BYTES)
        if chunk.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return False
        try:
            while chunk:
                decoder.decode(chunk)
                chunk = handle.read(CHUNK_BYTES)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False
    return True


def _read_csv(path: Path) -> tuple[pl.DataFrame, list[str]]:
    where = str(path)
    try:
        plain = _is_plain_utf8(path)
        source: Path | io.BytesIO = path
        warning = None
        if not plain:
            data, warning = decode_check(path, path.read_bytes())
            source = io.BytesIO(data)
    except FileNotFoundError:
        raise ImportFileError(f"{where}: no such file.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{where}: is a folder, not a file.") from None
    except PermissionError:
        raise ImportFileError(f"{where}: permission denied.") from None
    except OSError as error:
        raise ImportFileError(f"{where}: cannot be read ({error.strerror}).") from None
    try:
        frame = pl.read_csv(source, infer_schema=False, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise ImportFileError(f"{where}: is empty; it needs a header row.") from None
    except pl.exceptions.PolarsError as error:
        data = source.getvalue() if isinstance(source, io.BytesIO) else path.read_bytes()
        row = _ragged_row(data)
        if row is not None:
            raise ImportFileError(
                f"{where}: row {row} has more cells than the header row."
            ) from None
        raise ImportFileError(f"{where}: is not a readable CSV file ({error}).") from None
    return frame, [warning] if warning else []


def _read_xlsx(path: Path) -> tuple[pl.DataFrame, list[str]]:
    """The first sheet, every cell as text; empty rows kept so row numbers match Excel."""
    import fastexcel

    where = str(path)
    if not path.is_file():
        raise ImportFileError(f"{where}: no such file.")
    try:
        reader = fastexcel.read_excel(path)
        names = reader.sheet_names
        sheet = reader.load_sheet(0, dtypes="string")
        frame = sheet.to_polars()
    except Exception as error:
        raise ImportFileError(f"{where}: is not a readable Excel workbook ({error}).") from None
    warnings = []
    if len(names) > 1:
        warnings.append(f"only the first sheet ({visible(names[0])!r}) was read")
    return frame, warnings


def read_table(path: Path, file_format: FileFormat) -> RawTable:
    """Read `path` as text and rename its columns to the contract's; check the header."""
    where = str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frame, notes = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        frame, notes = _read_csv(path)
    else:
        raise ImportFileError(f"{where}: use a .csv or .xlsx file (got {suffix or 'no suffix'!r}).")
    warnings = [("", "", note) for note in notes]
    wanted = {normalise_header(name): name for name in file_format.names}
    renames: dict[str, str] = {}
    extra: list[str] = []
    for header in frame.columns:
        target = wanted.get(normalise_header(header))
        if target is None:
            extra.append(header)
        elif target in renames.values():
            raise ImportFileError(
                f"{where}: the header has two columns for {target!r} (one is {visible(header)!r})."
            )
        else:
            renames[header] = target
    missing = [name for name in file_format.names if name not in renames.values()]
    missing = [name for name in missing if file_format.column(name).required]
    if missing:
        raise ImportFileError(
            f"{where}: the header has no column {', '.join(repr(m) for m in missing)} "
            f"(a {file_format.table} file needs: {', '.join(file_format.names)})."
        )
    for header in extra:
        warnings.append((header, "", "extra column, ignored"))
    frame = frame.select(
        [pl.col(header).alias(name) for header, name in renames.items()]
        + [pl.lit(None, pl.String).alias(n) for n in file_format.names if n not in renames.values()]
    ).select(file_format.names)
    frame = frame.with_columns(pl.all().cast(pl.String)).with_row_index(ROW, offset=FIRST_DATA_ROW)
    # The file's name on every row, stored once (categorical), for the problems report.
    frame = frame.with_columns(
        pl.col(ROW).cast(pl.Int64), pl.lit(where).cast(pl.Categorical).alias(FILE)
    )
    # Blank lines (every cell empty) are skipped, keeping the other rows' numbers.
    cells = [
        pl.col(name).is_null() | pl.col(name).str.contains(r"^\s*$") for name in file_format.names
    ]
    frame = frame.filter(~pl.all_horizontal(cells))
    return RawTable(path=path, frame=frame, warnings=warnings)
