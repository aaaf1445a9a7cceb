"""Ofsted's Annex A lists 6–9, from one workbook's sheets or one CSV per list.

Headers drift between councils ("Allocated Worker" / "Allocated Social Worker"), so headers
match by normalised name and the aliases below. A sheet or file is a list when its name holds
the list number ("List 6 - CIN", `annexa_list6_cin.csv`).
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl

from cfmonitor.importing.reading import ImportFileError
from cfmonitor.importing.sources.text import (
    SourceTable,
    parse_dates,
    read_sheet_text,
    read_source,
    select_columns,
    sheet_names,
)

LISTS = {6: "CIN", 7: "CP", 8: "CLA", 9: "Care leaver"}
CHILD = "Child Unique ID"
STATUS = "Case Status"
TEAM = "Allocated Team"
WORKER = "Allocated Worker"
START = "Start Date"
END = "End Date"
COLUMNS: dict[str, tuple[str, ...]] = {
    CHILD: (
        "Child ID",
        "ChildUniqueID",
        "Unique ID",
        "Child Unique Identifier",
        "Child Identifier",
    ),
    STATUS: ("Status", "CaseStatus", "Case status (at date of inspection)"),
    TEAM: ("Team", "Allocated team name", "Team Name"),
    WORKER: (
        "Allocated Social Worker",
        "Allocated Worker Name",
        "Worker",
        "Social Worker",
        "Allocated Personal Adviser",
        "Personal Adviser",
    ),
    START: (
        "CIN Start Date",
        "Referral Date",
        "Date of Referral",
        "Child Protection Plan Start Date",
        "CP Plan Start Date",
        "Date Started to be Looked After",
        "Date Started Looked After",
        "Date started this period of care",
    ),
    END: (
        "CIN Closure Date",
        "Closure Date",
        "Child Protection Plan End Date",
        "CP Plan End Date",
        "Date Ceased to be Looked After",
        "Date Ceased Looked After",
    ),
}
REQUIRED = (CHILD, TEAM, WORKER)
_LIST_NUMBER = re.compile(r"list[\s_-]*0*(\d+)", re.IGNORECASE)


def list_number(name: str) -> int | None:
    found = _LIST_NUMBER.search(name)
    return int(found.group(1)) if found else None


def _kind(number: int) -> str:
    return f"Annex A list {number} ({LISTS[number]})"


def read_lists(source: Path) -> tuple[dict[int, pl.DataFrame], list[pl.DataFrame]]:
    """Lists 6–9 found in a workbook (sheets) or a folder (CSV/XLSX files), dates parsed."""
    tables: dict[int, SourceTable] = {}
    if source.is_dir():
        for path in sorted(source.iterdir()):
            number = list_number(path.name)
            if (
                number in LISTS
                and path.suffix.lower() in (".csv", ".xlsx")
                and number not in tables
            ):
                tables[number] = read_source(path, COLUMNS, REQUIRED, _kind(number))
    elif source.suffix.lower() == ".xlsx":
        if not source.is_file():
            raise ImportFileError(f"{source}: no such file.")
        for sheet in sheet_names(source):
            number = list_number(sheet)
            if number in LISTS and number not in tables:
                label = f"{source.name} › {sheet}"
                frame = read_sheet_text(source, sheet)
                tables[number] = SourceTable(
                    label, select_columns(frame, label, COLUMNS, REQUIRED, _kind(number)), True
                )
    elif not source.exists():
        raise ImportFileError(f"{source}: no such file or folder.")
    else:
        raise ImportFileError(
            f"{source}: give the Annex A workbook (.xlsx) with --file, or a folder of list CSVs "
            "with --dir."
        )
    if not tables:
        raise ImportFileError(
            f"{source}: holds none of Annex A lists 6–9 (a sheet or file whose name says "
            "'List 6' … 'List 9', e.g. annexa_list6_cin.csv)."
        )
    frames: dict[int, pl.DataFrame] = {}
    problems = []
    for number, table in tables.items():
        frames[number], found = parse_dates(table, (START, END))
        problems.append(found)
    return frames, problems
