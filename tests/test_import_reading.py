"""Reading import files: encodings, headers, spreadsheet row numbers, XLSX."""

from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest
import xlsxwriter

from cfmonitor.importing.contract import FORMATS
from cfmonitor.importing.reading import ImportFileError, read_table

TEAMS = FORMATS["teams"]


def _write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


def test_utf8_with_bom_reads_the_first_header(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", b"\xef\xbb\xbfname,service_area,establishment_fte\nA,B,1\n")
    raw = read_table(path, TEAMS)
    assert raw.frame.get_column("name").to_list() == ["A"]
    assert raw.warnings == []


def test_windows_1252_is_converted_with_a_warning(tmp_path: Path) -> None:
    text = "name,service_area,establishment_fte\nSéan’s team,Área,1\n"
    path = _write(tmp_path / "t.csv", text.encode("cp1252"))
    raw = read_table(path, TEAMS)
    assert raw.frame.get_column("name").to_list() == ["Séan’s team"]
    assert any("Windows-1252" in message for _, _, message in raw.warnings)


def test_bytes_that_are_neither_utf8_nor_1252_are_refused(tmp_path: Path) -> None:
    # 0x81 is undefined in Windows-1252 and invalid as a UTF-8 start byte.
    path = _write(tmp_path / "t.csv", b"name,service_area,establishment_fte\nA\x81,B,1\n")
    with pytest.raises(ImportFileError, match=r"neither UTF-8 nor Windows-1252.*0x81"):
        read_table(path, TEAMS)


def test_utf16_is_refused_with_advice(tmp_path: Path) -> None:
    data = "name,service_area,establishment_fte\n".encode("utf-16")
    with pytest.raises(ImportFileError, match="UTF-16"):
        read_table(_write(tmp_path / "t.csv", data), TEAMS)


def test_headers_match_ignoring_case_and_spaces_and_extras_are_reported(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", b" Name ,Service Area,ESTABLISHMENT_FTE,Notes\nA,B,1,x\n")
    raw = read_table(path, TEAMS)
    assert raw.frame.columns[1:4] == ["name", "service_area", "establishment_fte"]
    assert "Notes" not in raw.frame.columns
    assert ("Notes", "", "extra column, ignored") in raw.warnings


def test_a_missing_column_names_what_the_file_needs(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", b"name,establishment_fte\nA,1\n")
    with pytest.raises(ImportFileError, match=r"t\.csv: the header has no column 'service_area'"):
        read_table(path, TEAMS)


def test_two_columns_for_one_name_are_refused(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", b"name,Name ,service_area,establishment_fte\nA,B,C,1\n")
    with pytest.raises(ImportFileError, match="two columns for 'name'"):
        read_table(path, TEAMS)


def test_a_ragged_row_is_named(tmp_path: Path) -> None:
    path = _write(tmp_path / "t.csv", b"name,service_area,establishment_fte\nA,B,1\nC,D,1,9\n")
    with pytest.raises(ImportFileError, match="row 3 has more cells"):
        read_table(path, TEAMS)


def test_row_numbers_are_the_spreadsheet_rows_and_blank_lines_are_skipped(tmp_path: Path) -> None:
    data = b'name,service_area,establishment_fte\nA,B,1\n,,\n"C\nD",E,1\nF,G,1\n'
    raw = read_table(_write(tmp_path / "t.csv", data), TEAMS)
    assert raw.frame.get_column("_row").to_list() == [2, 4, 5]


def test_empty_file_and_unknown_suffix_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ImportFileError, match="is empty"):
        read_table(_write(tmp_path / "t.csv", b""), TEAMS)
    with pytest.raises(ImportFileError, match=r"use a \.csv or \.xlsx file"):
        read_table(_write(tmp_path / "t.json", b"{}"), TEAMS)
    with pytest.raises(ImportFileError, match="no such file"):
        read_table(tmp_path / "missing.csv", TEAMS)


def test_xlsx_cells_are_read_as_text_with_excel_row_numbers(tmp_path: Path) -> None:
    import datetime as dt

    path = tmp_path / "workers.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("Staff")
    sheet.write_row(0, 0, FORMATS["workers"].names)
    sheet.write_row(1, 0, ["00123", "Ann", "Team A", "nqsw", 0.5, "agency"])
    sheet.write_datetime(1, 6, dt.datetime(2024, 1, 5), book.add_format({"num_format": "dd/mm/yy"}))
    sheet.write_row(3, 0, ["SW2", "Bob", "Team A", "nqsw", 1, "agency", "05/01/2024"])
    book.add_worksheet("Other")
    book.close()
    raw = read_table(path, FORMATS["workers"])
    frame = raw.frame
    assert frame.get_column("_row").to_list() == [2, 4]
    assert frame.get_column("staff_ref").to_list() == ["00123", "SW2"]
    assert frame.schema["fte"] == pl.String()
    assert frame.get_column("start_date").to_list()[1] == "05/01/2024"
    assert any(
        "only the first visible sheet ('Staff')" in message for _, _, message in raw.warnings
    )
