"""Small import files for tests: one valid set to start from, and helpers to spoil it."""

from __future__ import annotations

import sqlite3
from pathlib import Path

HEADERS = {
    "teams": "name,service_area,establishment_fte",
    "workers": "staff_ref,name,team,cohort,fte,employment,start_date,end_date",
    "reductions": "staff_ref,reason,percent,start_date,end_date",
    "cases": "case_ref,team,case_type,complexity,opened_on,closed_on,family_ref",
    "allocations": "case_ref,staff_ref,start_date,end_date",
}

VALID = {
    "teams": ["Team A,Assessment,2", "Team B,Child Protection,1.5"],
    "workers": [
        "SW1,Ann Smith,Team A,experienced,1,permanent,2020-01-01,",
        "SW2,Bob Jones,Team A,nqsw,0.5,agency,01/02/2021,",
        "00123,Cat Lee,Team B,experienced,0.8,permanent,2019-05-05,",
    ],
    "reductions": ["SW1,Practice educator,20,2024-01-01,"],
    "cases": [
        "C1,Team A,CIN,standard,2024-01-01,,F1",
        "C2,Team A,CP,complex,2024-02-01,,",
        "C3,Team B,CLA,intense,2024-03-01,2024-09-01,F2",
    ],
    "allocations": [
        "C1,SW1,2024-01-01,",
        "C2,SW2,2024-02-01,",
        "C3,00123,2024-03-01,2024-09-01",
    ],
}


def write_file(folder: Path, table: str, rows: list[str], header: str | None = None) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{table}.csv"
    path.write_text("\n".join([header or HEADERS[table], *rows]) + "\n", encoding="utf-8")
    return path


def write_valid(folder: Path, **changes: list[str]) -> dict[str, Path]:
    """The valid set, with the rows of some tables replaced."""
    folder.mkdir(parents=True, exist_ok=True)
    return {
        table: write_file(folder, table, changes.get(table, rows)) for table, rows in VALID.items()
    }


def contents(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, to compare a database before and after."""
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {
            table: connection.execute(f"SELECT * FROM {table} ORDER BY id").fetchall()
            for table in HEADERS
        }
    finally:
        connection.close()
