"""Read an import file (CSV or XLSX) as text: every cell a string, nothing guessed.

Encodings: UTF-8 with or without a byte-order mark; Windows-1252 (Excel's "CSV")
is detected and converted with a warning. Bytes that are neither are refused,
never decoded lossily. Row numbers are those a spreadsheet shows: header = row 1.
"""

from __future__ import annotations

import codecs
import csv
import io
import unicodedata
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
HEADER_PROBE_BYTES = 2**20
"""The header row is looked at before the file is read; it must end within this."""
MAX_COLUMNS = 500
"""An import file has at most a few dozen columns; a file much wider is not one, and
reading it would take memory without bound (200,000 columns took 2.6 GB)."""


class ImportFileError(CfmonitorError):
    """A file that cannot be read as a table at all; the message names it."""


@dataclass
class RawTable:
    """One file's cells as text, under the contract's column names, with row numbers."""

    path: Path
    frame: pl.DataFrame
    warnings: list[tuple[str, str, str]] = field(default_factory=list)
    """(column, value, message) for things worth saying that do not stop the import."""
    present: tuple[str, ...] = ()
    """The contract columns the file has; `--update` changes only these."""


def normalise_header(name: str) -> str:
    """Header names match ignoring case, spaces, underscores, hyphens and control characters.

    A file saved twice with Windows line endings can end its header in `end_date\\r`;
    that is still `end_date`.
    """
    return "".join(
        ch
        for ch in name.casefold()
        if ch not in " _-\u00a0" and unicodedata.category(ch)[0] not in "CZ"
    )


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
    try:
        for number, record in enumerate(reader, start=1):
            if width is None:
                width = len(record)
            elif len(record) > width:
                return number
    except csv.Error:
        return None
    return None


def _open_quote(data: bytes, headers: list[str]) -> tuple[int, str] | None:
    """(row, column) where a quoted cell opens and never closes, or None.

    Only positions are returned: the cell's text (and everything after it) is data.
    """
    text = data.decode("utf-8")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records = 0
    line_before = 0
    try:
        for _ in reader:
            records += 1
            line_before = reader.line_num
    except csv.Error:
        lines = text.split("\n")
        start_line = lines[line_before] if line_before < len(lines) else ""
        try:
            cells = next(csv.reader([start_line]), [""])
        except csv.Error:
            cells = [""]
        column = len(cells) - 1
        name = headers[column] if 0 <= column < len(headers) else f"number {column + 1}"
        return records + 1, name
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


def _first_lines(path: Path, data: bytes | None) -> bytes:
    if data is not None:
        return data[:HEADER_PROBE_BYTES]
    with path.open("rb") as handle:
        return handle.read(HEADER_PROBE_BYTES)


def _header_cells(where: str, head: bytes) -> list[str]:
    """The header row as the file spells it; refuses shapes that would read as nonsense."""
    text = head.decode("utf-8", errors="replace")
    if "\r" in text and "\n" not in text:
        raise ImportFileError(
            f"{where}: has old Mac line endings (CR only), which read as one header and no "
            "rows; save it again as CSV with Windows or Unix line endings."
        )
    first_line = text.split("\n", 1)[0]
    ended = "\n" in text or len(head) < HEADER_PROBE_BYTES
    if first_line.count(",") >= MAX_COLUMNS:
        count = (
            f"{first_line.count(',') + 1:,}"
            if ended
            else "more than " + f"{first_line.count(','):,}"
        )
        raise ImportFileError(
            f"{where}: has {count} columns; an import file has at most {MAX_COLUMNS} "
            "(is this the right file?)."
        )
    if not ended:
        raise ImportFileError(
            f"{where}: the header row is longer than {HEADER_PROBE_BYTES // 2**20} MB; "
            "this is not an import file."
        )
    try:
        return next(csv.reader(io.StringIO(text, newline="")), [])
    except csv.Error:
        return first_line.split(",")


def _read_csv(path: Path) -> tuple[pl.DataFrame, list[str], list[str]]:
    """(frame with positional columns, the header as written, warnings)."""
    where = str(path)
    try:
        plain = _is_plain_utf8(path)
        source: Path | io.BytesIO = path
        warning = None
        converted = None
        if not plain:
            converted, warning = decode_check(path, path.read_bytes())
            source = io.BytesIO(converted)
        head = _first_lines(path, converted)
    except FileNotFoundError:
        raise ImportFileError(f"{where}: no such file.") from None
    except IsADirectoryError:
        raise ImportFileError(f"{where}: is a folder, not a file.") from None
    except PermissionError:
        raise ImportFileError(f"{where}: permission denied.") from None
    except OSError as error:
        raise ImportFileError(f"{where}: cannot be read ({error.strerror}).") from None
    if not head.strip():
        raise ImportFileError(f"{where}: is empty; it needs a header row.")
    headers = _header_cells(where, head)
    try:
        frame = pl.read_csv(source, infer_schema=False, raise_if_empty=True)
    except pl.exceptions.NoDataError:
        raise ImportFileError(f"{where}: is empty; it needs a header row.") from None
    except pl.exceptions.PolarsError:
        # Polars' own message quotes the file's text: never pass it on.
        data = source.getvalue() if isinstance(source, io.BytesIO) else path.read_bytes()
        raise _unreadable(where, data, headers) from None
    if frame.width != len(headers):
        data = source.getvalue() if isinstance(source, io.BytesIO) else path.read_bytes()
        raise _unreadable(where, data, headers)
    return frame, headers, [warning] if warning else []


def _unreadable(where: str, data: bytes, headers: list[str]) -> ImportFileError:
    """One sentence saying where the CSV goes wrong, quoting none of its cells."""
    quote = _open_quote(data, headers)
    if quote is not None:
        quote_row, column = quote
        return ImportFileError(
            f'{where}: row {quote_row}, column {visible(column)!r} opens a quote (") that never '
            "closes; fix or remove that quote."
        )
    ragged = _ragged_row(data)
    if ragged is not None:
        return ImportFileError(f"{where}: row {ragged} has more cells than the header row.")
    if b"\r" in data.replace(b"\r\n", b""):
        return ImportFileError(
            f"{where}: mixes line endings (some lines end in CR only); save it again as CSV."
        )
    return ImportFileError(f"{where}: is not a readable CSV file; save it again as CSV.")


def _read_xlsx(path: Path) -> tuple[pl.DataFrame, list[str], list[str]]:
    """The first visible sheet, every cell as text; empty rows kept so row numbers match."""
    import fastexcel

    from cfmonitor.importing.workbook import WorkbookShapeError, choose_sheet

    where = str(path)
    if not path.is_file():
        raise ImportFileError(f"{where}: no such file.")
    try:
        sheet, sheets, formula = choose_sheet(path)
    except WorkbookShapeError:
        raise ImportFileError(
            f"{where}: is not a readable Excel workbook (or has no visible sheet); "
            "save it again from Excel as .xlsx."
        ) from None
    if formula is not None:
        raise ImportFileError(
            f"{where}: cell {visible(formula)} of sheet {visible(sheet.name)!r} holds a formula; "
            "copy the sheet and paste values only, then import that."
        )
    try:
        reader = fastexcel.read_excel(path)
        loaded = reader.load_sheet(sheet.name, header_row=None, dtypes="string")
        if loaded.width > MAX_COLUMNS:
            raise ImportFileError(
                f"{where}: sheet {visible(sheet.name)!r} has {loaded.width:,} columns; an import "
                f"file has at most {MAX_COLUMNS} (is this the right file?)."
            )
        cells = loaded.to_polars()
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(
            f"{where}: is not a readable Excel workbook; save it again from Excel as .xlsx."
        ) from None
    if cells.height == 0:
        raise ImportFileError(f"{where}: is empty; it needs a header row.")
    headers = ["" if cell is None else str(cell) for cell in cells.row(0)]
    frame = cells.slice(1)
    warnings = []
    if len(sheets) > 1:
        warnings.append(f"only the first visible sheet ({visible(sheet.name)!r}) was read")
    return frame, headers, warnings


def _near_miss(header: str, names: tuple[str, ...]) -> str | None:
    """The contract column a header is one typing slip away from, if any."""
    key = normalise_header(header)
    for name in names:
        target = normalise_header(name)
        if key and _one_edit_apart(key, target):
            return name
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    """True when one insertion, deletion or substitution turns `a` into `b`."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    same = 0
    while same < len(a) and a[same] == b[same]:
        same += 1
    if len(a) == len(b):
        return a[same + 1 :] == b[same + 1 :]
    return a[same:] == b[same + 1 :]


def read_table(path: Path, file_format: FileFormat) -> RawTable:
    """Read `path` as text and rename its columns to the contract's; check the header."""
    where = str(path)
    suffix = path.suffix.lower()
    if suffix == ".xlsx":
        frame, headers, notes = _read_xlsx(path)
    elif suffix in (".csv", ".txt"):
        frame, headers, notes = _read_csv(path)
    else:
        raise ImportFileError(f"{where}: use a .csv or .xlsx file (got {suffix or 'no suffix'!r}).")
    warnings = [("", "", note) for note in notes]
    wanted = {normalise_header(name): name for name in file_format.names}
    renames: dict[str, str] = {}
    spelled: dict[str, str] = {}
    extra: list[str] = []
    for position, header in zip(frame.columns, headers, strict=True):
        target = wanted.get(normalise_header(header))
        if target is None:
            extra.append(header)
        elif target in spelled:
            raise ImportFileError(
                f"{where}: the header has two columns for {target!r} "
                f"({visible(spelled[target])!r} and {visible(header)!r}); keep one."
            )
        else:
            renames[position] = target
            spelled[target] = header
    for header in extra:
        guess = _near_miss(header, file_format.names)
        if guess is not None and guess not in spelled:
            raise ImportFileError(
                f"{where}: the header {visible(header)!r} is not a column cfmonitor knows; "
                f"if it is {guess!r}, rename it and import again."
            )
    missing = [name for name in file_format.names if name not in spelled]
    required = [name for name in missing if file_format.column(name).required]
    if required:
        raise ImportFileError(
            f"{where}: the header has no column {', '.join(repr(m) for m in required)} "
            f"(a {file_format.table} file needs: {', '.join(file_format.names)})."
        )
    for header in extra:
        warnings.append((visible(header), "", "extra column, ignored"))
    frame = frame.select(
        [pl.col(position).alias(name) for position, name in renames.items()]
        + [pl.lit(None, pl.String).alias(name) for name in missing]
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
    blank = frame.select(pl.all_horizontal(cells)).to_series()
    if blank.any():  # filtering copies every cell: do it only when there is a blank line
        frame = frame.filter(~blank)
    present = tuple(name for name in file_format.names if name in spelled)
    return RawTable(path=path, frame=frame, warnings=warnings, present=present)
