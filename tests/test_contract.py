"""The data contract: models, generated DDL and the read path agree; layers stay apart."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from cfmonitor.data import contract, schema

REPO = Path(__file__).resolve().parent.parent


def test_schema_sql_is_generated_from_the_models():
    committed = (REPO / "db" / "schema.sql").read_text(encoding="utf-8")
    assert committed == schema.schema_sql(), (
        "db/schema.sql is stale: run python -m cfmonitor.data.schema > db/schema.sql"
    )


def test_schema_versions_agree():
    assert contract.SCHEMA_VERSION == schema.SCHEMA_VERSION


def test_read_path_columns_match_the_tables(tmp_path):
    connection = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    schema.create_schema(connection)
    for table, columns in contract.FRAME_SCHEMAS.items():
        names = [row[1] for row in connection.execute(f"PRAGMA table_info({table})")]
        assert names == list(columns), table
    assert connection.execute("PRAGMA user_version").fetchone()[0] == schema.SCHEMA_VERSION
    indexes = {row[1] for row in connection.execute("PRAGMA index_list(allocations)")}
    assert {"ix_allocations_worker", "ix_allocations_case"} <= indexes
    connection.close()


def test_constraints_hold(tmp_path):
    connection = sqlite3.connect(tmp_path / "c.db", isolation_level=None)
    schema.create_schema(connection)
    connection.execute("INSERT INTO teams (name, service_area) VALUES ('A', 'X')")
    bad_rows = [
        "INSERT INTO teams (name, service_area) VALUES ('A', 'Y')",
        "INSERT INTO teams (name, service_area, establishment_fte) VALUES ('B', 'X', -1)",
        "INSERT INTO workers (staff_ref, name, team_id, cohort, fte, employment, start_date)"
        " VALUES ('S1', 'n', 1, 'nqsw', 1.5, 'permanent', '2024-01-01')",
        "INSERT INTO workers (staff_ref, name, team_id, cohort, fte, employment, start_date)"
        " VALUES ('S1', 'n', 1, 'nqsw', 1, 'locum', '2024-01-01')",
        "INSERT INTO cases (case_ref, team_id, case_type, complexity, opened_on)"
        " VALUES ('C1', 1, 'CIN', 'extreme', '2024-01-01')",
    ]
    for sql in bad_rows:
        try:
            connection.execute(sql)
        except sqlite3.IntegrityError:
            continue
        raise AssertionError(f"accepted: {sql}")
    assert connection.execute("SELECT establishment_fte FROM teams").fetchone() == (0.0,)
    connection.close()


def _modules_after(statement: str) -> set[str]:
    code = f"import sys; {statement}; print('\\n'.join(sorted(sys.modules)))"
    output = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=REPO
    ).stdout
    return set(output.split())


def test_data_layer_never_imports_textual():
    modules = _modules_after(
        "import cfmonitor.data.caseload, cfmonitor.data.store, cfmonitor.policy, cfmonitor.report"
    )
    assert not any(name == "textual" or name.startswith("textual.") for name in modules)


def test_read_path_does_not_pay_for_sqlmodel():
    modules = _modules_after("import cfmonitor.data.caseload, cfmonitor.report, cfmonitor.cli")
    assert "sqlmodel" not in modules
    assert "sqlalchemy" not in modules
