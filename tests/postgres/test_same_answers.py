"""The demo on PostgreSQL gives the SQLite file's answers, byte for byte."""

from __future__ import annotations

import pytest

from tests.cli_runner import run_cli
from tests.postgres.conftest import DEMO_DAY

DAY = DEMO_DAY.isoformat()


@pytest.mark.parametrize(
    "arguments",
    [
        ("report", "--format", "json", "--as-of", DAY),
        ("report", "--format", "csv", "--as-of", DAY, "--only", "near"),
        ("report", "--trend", "--format", "json", "--as-of", DAY),
        ("report", "--trend", "--every", "month", "--format", "csv", "--to", DAY),
        ("report", "--format", "json", "--as-of", "2025-06-30"),
    ],
    ids=["json", "csv-near", "trend-json", "trend-monthly", "a-year-back"],
)
def test_report_output_is_identical(postgres, capsys, arguments) -> None:
    from_sqlite = run_cli(capsys, *arguments, "--db", str(postgres.sqlite_demo))
    from_postgres = run_cli(capsys, *arguments, "--db", postgres.demo)
    assert from_sqlite.code == 0, from_sqlite.err
    assert from_postgres.code == from_sqlite.code, from_postgres.err
    assert from_postgres.out == from_sqlite.out
    assert from_postgres.err == from_sqlite.err
    assert len(from_postgres.out) > 1000


def test_check_says_the_same_but_for_quick_check(postgres, capsys) -> None:
    from_sqlite = run_cli(capsys, "check", "--as-of", DAY, "--db", str(postgres.sqlite_demo))
    from_postgres = run_cli(capsys, "check", "--as-of", DAY, "--db", postgres.demo)
    assert from_postgres.code == from_sqlite.code
    sqlite_lines = from_sqlite.out.splitlines()
    postgres_lines = from_postgres.out.splitlines()
    label = f"postgresql://reader@127.0.0.1:{postgres.server.port}/demo"
    assert postgres_lines[0] == f"{label}: schema version 2"
    assert sqlite_lines[0].endswith(": schema version 2")
    assert "quick_check: ok" in sqlite_lines
    note = [line for line in postgres_lines if line.startswith("quick_check:")]
    assert note == [
        "quick_check: no counterpart on PostgreSQL (the server keeps its own files sound)"
    ]
    same = [line for line in sqlite_lines[1:] if not line.startswith("quick_check:")]
    assert [line for line in postgres_lines[1:] if not line.startswith("quick_check:")] == same
