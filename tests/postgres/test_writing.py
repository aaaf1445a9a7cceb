"""init and import on PostgreSQL: the tables made, rows written all or nothing, and the
same answers afterwards as the same import into a SQLite file."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.postgres import server as pg
from tests.postgres.conftest import DEMO_DAY

DAY = DEMO_DAY.isoformat()
RUN_TIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def _same(one: str, other: str) -> None:
    """Equal but for when each import ran."""
    assert RUN_TIME.sub("(run time)", one) == RUN_TIME.sub("(run time)", other)


@pytest.fixture
def blank(postgres, request) -> str:
    """A new, empty database (the superuser's URL)."""
    name = "w_" + request.node.name.lower().replace("[", "_").replace("]", "").replace("-", "_")
    pg.create_database(postgres.server, name)
    return postgres.url(database=name, user=pg.SUPERUSER, password=pg.SUPERUSER_PASSWORD)


def _dumped(postgres, capsys, folder: Path) -> dict[str, Path]:
    result = run_cli(capsys, "dump", "--db", str(postgres.sqlite_demo), "--dir", str(folder))
    assert result.code == 0, result.err
    return {table: folder / f"{table}.csv" for table in pg.TABLES}


def test_init_creates_the_tables_once(postgres, capsys, blank) -> None:
    made = run_cli(capsys, "init", blank)
    assert made.code == 0, made.err
    assert "Created cfmonitor's tables in postgresql://cfadmin@127.0.0.1:" in made.out
    assert pg.SUPERUSER_PASSWORD not in made.out
    checked = run_cli(capsys, "check", "--db", blank)
    assert checked.code == 0, checked.err
    assert "problems: none" in checked.out
    again = run_cli(capsys, "init", blank)
    assert again.code == 2
    assert "already has cfmonitor's tables; init never overwrites" in again.err
    assert pg.SUPERUSER_PASSWORD not in again.err


def test_import_gives_the_same_answers_as_into_a_file(postgres, capsys, blank, tmp_path) -> None:
    files = _dumped(postgres, capsys, tmp_path / "csv")
    options = [arg for table, path in files.items() for arg in (f"--{table}", str(path))]
    into_file = tmp_path / "imported.db"
    for target in (str(into_file), blank):
        result = run_cli(capsys, "import", "--db", target, *options, "--extract-date", DAY)
        assert result.code == 0, result.err
        assert pg.SUPERUSER_PASSWORD not in result.out + result.err
    assert "postgresql://cfadmin@127.0.0.1" in result.out
    for arguments in (("report", "--format", "json"), ("report", "--trend", "--format", "csv")):
        from_file = run_cli(capsys, *arguments, "--as-of", DAY, "--db", str(into_file))
        from_postgres = run_cli(capsys, *arguments, "--as-of", DAY, "--db", blank)
        assert from_postgres.code == from_file.code == 0, from_postgres.err
        _same(from_postgres.out, from_file.out)

    # --update with the same files changes nothing; a changed row is written.
    again = run_cli(capsys, "import", "--update", "--db", blank, *options)
    assert again.code == 0, again.err
    workers = files["workers"].read_text(encoding="utf-8").splitlines()
    header = workers[0].split(",")
    first = workers[1].split(",")
    first[header.index("fte")] = "0.6" if first[header.index("fte")] != "0.6" else "0.7"
    files["workers"].write_text("\n".join([workers[0], ",".join(first)]) + "\n", encoding="utf-8")
    for target in (str(into_file), blank):
        changed = run_cli(
            capsys, "import", "--update", "--db", target, "--workers", str(files["workers"])
        )
        assert changed.code == 0, changed.err
    from_file = run_cli(
        capsys, "report", "--format", "json", "--as-of", DAY, "--db", str(into_file)
    )
    from_postgres = run_cli(capsys, "report", "--format", "json", "--as-of", DAY, "--db", blank)
    _same(from_postgres.out, from_file.out)


def test_a_refused_import_writes_nothing(postgres, capsys, blank, tmp_path) -> None:
    files = _dumped(postgres, capsys, tmp_path / "csv")
    bad = tmp_path / "workers.csv"
    rows = files["workers"].read_text(encoding="utf-8").splitlines()
    header = rows[0].split(",")
    broken = rows[1].split(",")
    broken[header.index("team")] = "A team nobody has"
    bad.write_text("\n".join([rows[0], ",".join(broken), *rows[2:]]) + "\n", encoding="utf-8")
    result = run_cli(
        capsys, "import", "--db", blank, "--teams", str(files["teams"]), "--workers", str(bad)
    )
    assert result.code == 2
    assert "Import problems: 1 error(s)" in result.out
    assert "nothing was written" in result.err
    checked = run_cli(capsys, "report", "--db", blank)
    assert checked.code == 2
    assert "has none of cfmonitor's tables" in checked.err


def test_the_reader_role_cannot_import(postgres, capsys, tmp_path) -> None:
    files = _dumped(postgres, capsys, tmp_path / "csv")
    newer = dt.date.today().isoformat()  # a newer extract date: something to write
    result = run_cli(
        capsys,
        "import",
        "--update",
        "--db",
        postgres.demo,
        "--teams",
        str(files["teams"]),
        "--extract-date",
        newer,
    )
    assert result.code == 2
    assert "nothing was changed" in result.err
    assert pg.READER_PASSWORD not in result.out + result.err


def test_dump_writes_the_files_the_sqlite_file_gives(postgres, capsys, tmp_path) -> None:
    from_file = run_cli(
        capsys, "dump", "--db", str(postgres.sqlite_demo), "--dir", str(tmp_path / "file")
    )
    from_postgres = run_cli(
        capsys, "dump", "--db", postgres.demo, "--dir", str(tmp_path / "postgres")
    )
    assert from_file.code == from_postgres.code == 0, from_postgres.err
    for table in pg.TABLES:
        name = f"{table}.csv"
        assert (tmp_path / "postgres" / name).read_bytes() == (
            tmp_path / "file" / name
        ).read_bytes()
