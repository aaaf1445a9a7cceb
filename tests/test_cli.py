"""The command line on a small database: report formats, filters, exit codes, init, check.

The reading commands run over both backends (the `backend` fixture); on PostgreSQL,
`run_cli` requires the output the SQLite file gives."""

from __future__ import annotations

import hashlib
import json
import stat
from pathlib import Path

import pytest

from tests.factory import DatabaseBuilder
from tests.postgres.backends import Backend, Database, run_cli

DAY = "2024-06-01"


@pytest.fixture(scope="module")
def small_db(backend: Backend, tmp_path_factory: pytest.TempPathFactory) -> Database:
    """Read, never written: one per module and backend."""
    return backend.database(build_small_db(tmp_path_factory.mktemp("cli") / "small.db"))


def build_small_db(path: Path) -> Path:
    builder = DatabaseBuilder()
    alpha = builder.team("Alpha", service_area="North", establishment_fte=3)
    beta = builder.team("Beta", service_area="South", establishment_fte=1)
    over = builder.worker(alpha, name="Ova Loaded")
    near = builder.worker(alpha, cohort="nqsw", name="Nia Ear")
    fine = builder.worker(beta, employment="agency", fte=0.5, name="Fin Ok")
    builder.cases_for(over, alpha, 20)
    builder.cases_for(near, alpha, 14)
    builder.cases_for(fine, beta, 3, complexity="complex")
    builder.case(beta)
    return builder.write(path)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def report(capsys, db: Path | Database, *args: str):
    return run_cli(capsys, "report", "--db", db, "--as-of", DAY, *args)


def test_json_report_shape_and_rounding(capsys, small_db):
    before = digest(small_db.path)
    result = report(capsys, small_db, "--format", "json")
    assert result.code == 0, result.err
    document = json.loads(result.out)
    assert set(document) == {
        *("as_of", "data_as_of", "freshness"),
        *("workers", "teams", "organisation", "unallocated", "problems"),
    }
    assert document["as_of"] == DAY
    first = document["workers"][0]
    assert list(first) == [
        "staff_ref",
        "name",
        "team",
        "service_area",
        "cohort",
        "fte",
        "employment",
        "cases",
        "weighted_load",
        "capacity",
        "utilisation",
        "status",
        "weeks_over",
        "sustained",
    ]
    assert first["status"] == "over"
    assert first["utilisation"] == round(20 / 18, 4)
    fine = next(w for w in document["workers"] if w["name"] == "Fin Ok")
    assert fine["weighted_load"] == 3.6
    assert fine["capacity"] == 9.0
    teams = {team["team"]: team for team in document["teams"]}
    assert teams["Beta"]["unallocated_cases"] == 1
    assert teams["Beta"]["agency_rate"] == 1.0
    assert "team" not in document["organisation"]
    assert document["organisation"]["over"] == 1
    assert document["organisation"]["vacancy_rate"] == round(1.5 / 4, 4)
    assert digest(small_db.path) == before


def test_only_and_team_filters(capsys, small_db):
    over = json.loads(report(capsys, small_db, "--format", "json", "--only", "over").out)
    assert [w["name"] for w in over["workers"]] == ["Ova Loaded"]
    near = json.loads(report(capsys, small_db, "--format", "json", "--only", "near").out)
    assert [w["name"] for w in near["workers"]] == ["Ova Loaded", "Nia Ear"]
    beta = json.loads(report(capsys, small_db, "--format", "json", "--team", "beta").out)
    assert [w["name"] for w in beta["workers"]] == ["Fin Ok"]
    assert [t["team"] for t in beta["teams"]] == ["Beta"]


def test_fail_on_sets_exit_code(capsys, small_db):
    assert report(capsys, small_db, "--format", "csv", "--fail-on", "over").code == 1
    assert report(capsys, small_db, "--team", "Beta", "--fail-on", "near").code == 0
    assert report(capsys, small_db, "--team", "Alpha", "--fail-on", "near").code == 1


def test_table_report_says_status_in_words(capsys, small_db):
    result = report(capsys, small_db)
    assert result.code == 0
    assert "▲ over" in result.out
    assert "● near" in result.out
    assert "Ova Loaded" in result.out


def test_csv_and_markdown(capsys, small_db):
    csv_text = report(capsys, small_db, "--format", "csv").out
    lines = csv_text.splitlines()
    # The title, then the workers (a heading and 3 rows) and the unallocated case.
    assert lines[0] == f"Caseloads as of {DAY} (data as of: not recorded) · Organisation"
    assert lines[2] == "Workers"
    assert lines[3].startswith("Staff ref,Name,Team,Service area,Cohort,FTE")
    assert len(lines) == 2 + 1 + 4 + 1 + 1 + 2
    markdown = report(capsys, small_db, "--format", "markdown").out
    assert "## Workers" in markdown
    assert "| Ova Loaded |" in markdown


def test_hostile_names_do_not_reach_the_terminal_raw(capsys, tmp_path, backend):
    builder = DatabaseBuilder()
    team_id = builder.team("[bold red]x")
    staff = builder.worker(team_id, name="[@click=app.quit]x\x1b[2J|pipe", staff_ref="[/]")
    builder.cases_for(staff, team_id, 2)
    db = backend.database(builder.write(tmp_path / "hostile.db"))
    for fmt in ("table", "csv", "markdown"):
        result = report(capsys, db, "--format", fmt)
        assert result.code == 0, result.err
        assert "\x1b" not in result.out
        shown = (
            "\\[@click=app.quit\\]x\\\\x1b\\[2J"
            if fmt == "markdown"
            else "[@click=app.quit]x\\x1b[2J"
        )
        assert shown in result.out
    table = report(capsys, db).out
    assert "[bold red]x" in table
    assert "[/]" in table
    assert "\\|pipe" in report(capsys, db, "--format", "markdown").out
    assert '"[@click=app.quit]x\\u001b[2J|pipe"' in report(capsys, db, "--format", "json").out


def test_init_creates_private_empty_database_and_refuses_overwrite(capsys, tmp_path):
    path = tmp_path / "new.db"
    assert run_cli(capsys, "init", str(path)).code == 0
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    result = run_cli(capsys, "report", "--db", str(path), "--format", "json")
    assert result.code == 0
    assert json.loads(result.out)["workers"] == []
    before = digest(path)
    again = run_cli(capsys, "init", str(path))
    assert again.code == 2
    assert "already exists" in again.err
    assert digest(path) == before


def test_check_clean_and_with_problems(capsys, small_db, tmp_path, backend):
    before = digest(small_db.path)
    clean = run_cli(capsys, "check", "--db", small_db, "--as-of", DAY)
    assert clean.code == 0, clean.out + clean.err
    assert "schema version 2" in clean.out
    quick_check = "no counterpart on PostgreSQL" if small_db.on_postgres else "ok"
    assert f"quick_check: {quick_check}" in clean.out
    assert digest(small_db.path) == before

    builder = DatabaseBuilder()
    team_id = builder.team()
    leaver = builder.worker(team_id, end_date="2024-01-01")
    builder.cases_for(leaver, team_id, 1)
    troubled = backend.database(builder.write(tmp_path / "troubled.db"))
    result = run_cli(capsys, "check", "--db", troubled, "--as-of", DAY)
    assert result.code == 1
    assert "worker-not-in-post" in result.out
    assert "SW0001" in result.out


def test_database_from_environment(capsys, small_db, monkeypatch):
    monkeypatch.setenv("CFMONITOR_DB", str(small_db))
    result = run_cli(capsys, "report", "--as-of", DAY, "--format", "json")
    assert result.code == 0
    assert len(json.loads(result.out)["workers"]) == 3
