"""`cfmonitor import --from annex-a`: one case per child, snapshots that build history."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
import xlsxwriter

from cfmonitor.importing.sources.annex_a import convert_annex_a
from cfmonitor.importing.sources.mapping import SourceMapping
from tests.cli_runner import run_cli
from tests.importfiles import contents

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "db" / "samples" / "annex-a"
MAPPING = ROOT / "db" / "mapping.toml"
LIST6 = (
    "Child Unique ID,Case Status,CIN Start Date,CIN Closure Date,Allocated Team,Allocated Worker"
)
DAY = dt.date(2025, 10, 31)


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def _lists(folder: Path, **lists: list[str]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, lines in lists.items():
        (folder / f"annexa_{name}.csv").write_text("\n".join(lines) + "\n")
    return folder


def _rows(folder: Path, table: str, *columns: str, **options) -> list[tuple]:
    found = convert_annex_a(folder, SourceMapping(), extract_date=DAY, **options)
    return sorted(found.tables[table].frame.select(columns).rows(), key=str)


def _cases(capsys, db: Path, day: str) -> dict[str, int]:
    done = run_cli(capsys, "report", "--db", str(db), "--as-of", day, "--format", "json")
    return {w["name"]: w["cases"] for w in json.loads(done.out)["workers"] if w["cases"]}


def test_the_annex_a_samples_build_history_month_by_month(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "council.db"
    october = run_cli(
        capsys, "import", "--db", str(db), "--from", "annex-a", "--mapping", str(MAPPING),
        "--file", str(SAMPLE / "annex_a_2025-10.xlsx"), "--extract-date", "2025-10-31",
    )  # fmt: skip
    assert october.code == 0, october.out + october.err
    november = run_cli(
        capsys, "import", "--db", str(db), "--from", "annex-a", "--mapping", str(MAPPING),
        "--dir", str(SAMPLE / "2025-11"), "--extract-date", "2025-11-30",
        "--workers", str(SAMPLE / "workers.csv"), "--update",
    )  # fmt: skip
    assert november.code == 0, november.out + november.err
    assert "1 worker(s) not in the --workers file" in november.out
    # By hand, October (annex_a_2025-10.xlsx): Ada holds A101 and A102 (listed in 6 and 7,
    # her name once with two spaces), Cleo A104 (in 6 and 8, once with a NBSP), Dan the care
    # leaver A106; A103 is '#N/A' (unallocated); A105 closed on 30/09 so holds nobody.
    assert _cases(capsys, db, "2025-10-31") == {"Ada Brook": 2, "Cleo Dunn": 1, "Dan Ellis": 1}
    # November (2025-11/): A101 has passed to Ben, who also took A103; Gus has the new A107.
    assert _cases(capsys, db, "2025-11-30") == {
        "Ada Brook": 1,
        "Ben Carr": 2,
        "Cleo Dunn": 1,
        "Dan Ellis": 1,
        "Gus Hale": 1,
    }
    allocations = {(row[1], row[2]): row[3:] for row in _named_allocations(db)}
    assert allocations[("A101", "Ada Brook")] == ("2025-10-31", "2025-11-30")
    assert allocations[("A101", "Ben Carr")] == ("2025-11-30", None)


def _named_allocations(db: Path) -> list[tuple]:
    import sqlite3

    with sqlite3.connect(db) as connection:
        return connection.execute(
            "SELECT a.id, c.case_ref, w.staff_ref, a.start_date, a.end_date FROM allocations a "
            "JOIN cases c ON c.id = a.case_id JOIN workers w ON w.id = a.worker_id"
        ).fetchall()


def test_one_case_per_child_typed_by_the_most_specific_list(tmp_path: Path) -> None:
    folder = _lists(
        tmp_path,
        list6_cin=[
            LIST6,
            "C1,c) Child in need plan,01/02/2025,,Team A,Ann Lee",
            "C2,a) Looked after child,01/02/2025,,Team A,Ann Lee",
            "C3,d) Open assessment,20/10/2025,,Team A,Ann Lee",
            "C4,c) Child in need plan,01/02/2025,,Team A,Ann Lee",
        ],
        list7_cp=["Child Unique ID,Allocated Team,Allocated Worker", "C1,Team A,Ann Lee"],
        list9_care_leavers=["Child Unique ID,Allocated Team,Allocated Worker", "C5,Team B,Bo Ng"],
    )
    assert _rows(folder, "cases", "case_ref", "case_type", "opened_on") == [
        ("C1", "CP", "2025-02-01"),
        ("C2", "CLA", "2025-02-01"),
        ("C3", "Assessment", "2025-10-20"),
        ("C4", "CIN", "2025-02-01"),
        ("C5", "Care leaver", "2025-10-31"),
    ]
    # Allocations start on the extract date; one per child even when listed twice.
    assert _rows(folder, "allocations", "case_ref", "start_date")[0] == ("C1", "2025-10-31")
    assert len(_rows(folder, "allocations", "case_ref")) == 5


def test_names_normalised_identify_the_worker_and_na_is_unallocated(tmp_path: Path) -> None:
    folder = _lists(
        tmp_path,
        list6_cin=[
            LIST6,
            "C1,c) Child in need plan,01/02/2025,,Team A,Ann\u00a0Lee",
            "C2,c) Child in need plan,01/02/2025,,Team A, Ann   Lee ",
            "C3,c) Child in need plan,01/02/2025,,Team A,#N/A",
            "C4,c) Child in need plan,01/02/2025,,Team A,",
            "C5,c) Child in need plan,01/02/2025,,Team A,ANN LEE",
        ],
    )
    assert _rows(folder, "workers", "staff_ref", "name") == [("Ann Lee", "Ann Lee")]
    assert _rows(folder, "allocations", "case_ref", "staff_ref") == [
        ("C1", "Ann Lee"),
        ("C2", "Ann Lee"),
        ("C5", "Ann Lee"),
    ]


def test_workers_file_says_otherwise_and_each_guess_is_reported_once(tmp_path: Path) -> None:
    folder = _lists(
        tmp_path / "lists",
        list6_cin=[
            LIST6,
            "C1,c) Child in need plan,01/02/2025,,Team A,Ann Lee",
            "C2,c) Child in need plan,01/02/2025,,Team B,Bo Ng",
            "C3,c) Child in need plan,01/02/2025,,Team B,Bo Ng",
        ],
    )
    known = tmp_path / "workers.csv"
    known.write_text(
        "staff_ref,name,team,cohort,fte,employment,start_date,end_date\n"
        "SW9,ann lee,,nqsw,0.6,agency,2024-09-01,\n"
    )
    found = convert_annex_a(folder, SourceMapping(), extract_date=DAY, workers_file=known)
    workers = sorted(found.tables["workers"].frame.select("staff_ref", "team", "cohort", "fte",
        "employment", "start_date").rows())  # fmt: skip
    assert workers == [
        ("Bo Ng", "Team B", "experienced", "1.0", "permanent", "2025-10-31"),
        ("SW9", "Team A", "nqsw", "0.6", "agency", "2024-09-01"),
    ]
    said = found.problems.get_column("message").to_list()
    assert [m for m in said if "not in the --workers file" in m] == [
        "1 worker(s) not in the --workers file: guessed cohort 'experienced' "
        "(workers.default_cohort), FTE 1.0, permanent, started 2025-10-31: Bo Ng"
    ]


def test_excel_serial_and_text_dates_in_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "annex.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("List 8 CLA")
    sheet.write_row(0, 0, ["Child Unique ID", "Date Started to be Looked After",
        "Allocated Team", "Allocated Social Worker"])  # fmt: skip
    sheet.write_row(1, 0, ["C1", 45474, "Team A", "Ann Lee"])
    sheet.write_row(2, 0, ["C2", "02/07/2024", "Team A", "Ann Lee"])
    book.close()
    assert _rows(path, "cases", "case_ref", "opened_on", "case_type") == [
        ("C1", "2024-07-01", "CLA"),
        ("C2", "2024-07-02", "CLA"),
    ]


def _bad(capsys, tmp_path: Path, *args: str):
    db = tmp_path / "kept.db"
    first = run_cli(capsys, "import", "--db", str(db), "--from", "annex-a",
        "--dir", str(SAMPLE / "2025-11"), "--extract-date", "2025-11-30")  # fmt: skip
    assert first.code == 0, first.err
    before = contents(db)
    done = run_cli(capsys, "import", "--db", str(db), "--from", "annex-a", "--replace", *args)
    assert done.code == 2 and "Traceback" not in done.out + done.err
    assert contents(db) == before
    return done


def test_a_workbook_without_the_allocated_worker_column(tmp_path: Path, capsys) -> None:
    path = tmp_path / "annex.xlsx"
    book = xlsxwriter.Workbook(path)
    sheet = book.add_worksheet("List 6 - CIN")
    sheet.write_row(0, 0, ["Child Unique ID", "Case Status", "Allocated Team", "Age"])
    sheet.write_row(1, 0, ["C1", "c) Child in need plan", "Team A", 4])
    book.close()
    done = _bad(capsys, tmp_path, "--file", str(path), "--extract-date", "2025-11-30")
    assert done.err.count("\n") == 1
    assert "annex.xlsx › List 6 - CIN: the header has no column 'Allocated Worker'" in done.err


def test_annex_a_dates_in_an_unknown_format(tmp_path: Path, capsys) -> None:
    folder = _lists(
        tmp_path / "lists",
        list6_cin=[LIST6, "C1,c) Child in need plan,2025.02.01,,Team A,Ann Lee"],
    )
    done = _bad(capsys, tmp_path, "--dir", str(folder), "--extract-date", "2025-11-30")
    assert "1 problem in the import files; nothing was written." in done.err
    assert "2025.02.01" in done.out and "not a date in a format the source writes" in done.out


def test_annex_a_needs_an_extract_date(tmp_path: Path, capsys) -> None:
    done = run_cli(capsys, "import", "--db", str(tmp_path / "x.db"), "--from", "annex-a",
        "--dir", str(SAMPLE / "2025-11"))  # fmt: skip
    assert done.code == 2 and "needs --extract-date DATE" in done.err
    assert not (tmp_path / "x.db").exists()
