"""Each way a PostgreSQL database can fail to be read: one sentence, exit 2, no password.

And the places libpq finds a password that is not in the URL: PGPASSWORD, ~/.pgpass and
a PGSERVICE service file.
"""

from __future__ import annotations

import socket
import sys
import traceback
from pathlib import Path

import pytest

from cfmonitor.database.connection import PostgresError
from cfmonitor.database.location import PostgresLocation, parse_location
from cfmonitor.database.pg_reading import PostgresReadSession
from tests.cli_runner import run_cli
from tests.postgres import server as pg

WRONG = "Wrong-Pass-77x"


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _one_sentence(result, *secrets: str) -> str:
    assert result.code == 2
    assert result.out == ""
    assert result.err.startswith("cfmonitor: ")
    assert result.err.count("\n") == 1, result.err
    assert "Traceback" not in result.err
    for secret in (*secrets, pg.READER_PASSWORD, pg.SUPERUSER_PASSWORD):
        assert secret not in result.err
    return result.err


@pytest.mark.parametrize("command", [("report",), ("report", "--trend"), ("check",)])
def test_a_wrong_password(postgres, capsys, command) -> None:
    result = run_cli(capsys, *command, "--db", postgres.url(password=WRONG))
    message = _one_sentence(result, WRONG)
    assert "refused the password for user reader" in message
    assert f"postgresql://reader@127.0.0.1:{postgres.server.port}/demo" in message


@pytest.mark.parametrize(
    ("url", "said"),
    [
        (f"postgresql://reader:{WRONG}@no-such-host.invalid/demo", "unknown host"),
        (f"postgresql://reader:{WRONG}@127.0.0.1:{{closed}}/demo", "connection refused"),
        ("{server}/no_such_db", "no database named no_such_db"),
        ("{server}/empty", "has none of cfmonitor's tables"),
        ("{server}/future", "has schema version 99; this cfmonitor reads version 2"),
        ("{server}/partial", "user reader may not read table allocations; grant it SELECT"),
    ],
    ids=["unknown-host", "refused", "unknown-database", "no-schema", "other-version", "no-grant"],
)
def test_each_failure_is_one_sentence(postgres, capsys, url, said) -> None:
    server = postgres.url(database="").rsplit("/", 1)[0]
    target = url.format(closed=_closed_port(), server=server)
    result = run_cli(capsys, "report", "--db", target)
    assert said in _one_sentence(result, WRONG)


def test_without_any_password(postgres, capsys) -> None:
    result = run_cli(capsys, "report", "--db", postgres.url(password=None))
    assert "wants a password" in _one_sentence(result)


def test_a_reading_connection_refuses_to_write(postgres) -> None:
    # Even the superuser, who may write, cannot through a reading command's connection.
    location = parse_location(postgres.admin)
    assert isinstance(location, PostgresLocation)
    session = PostgresReadSession(location)
    try:
        with pytest.raises(PostgresError) as raised:
            session._reader.run("DELETE FROM allocations")
    finally:
        session.close()
    message = str(raised.value)
    assert "a write was refused: this command opens the database read-only" in message
    assert pg.SUPERUSER_PASSWORD not in message


def test_the_reader_role_cannot_write_even_if_it_asks(postgres) -> None:
    import adbc_driver_postgresql.dbapi as adbc

    with (
        adbc.connect(postgres.demo, autocommit=True) as connection,
        connection.cursor() as cursor,
        pytest.raises(Exception, match="permission denied"),
    ):
        cursor.execute("DELETE FROM allocations")


def test_no_password_in_the_exception_chain(postgres) -> None:
    location = parse_location(postgres.url(password=WRONG))
    assert isinstance(location, PostgresLocation)
    with pytest.raises(PostgresError) as raised:
        PostgresReadSession(location)
    shown = "".join(traceback.format_exception(raised.value))
    chained = raised.value.__context__
    shown += "".join(traceback.format_exception(chained)) if chained else ""
    assert WRONG not in shown


def test_a_missing_driver_says_how_to_install_it(monkeypatch, capsys) -> None:
    monkeypatch.setitem(sys.modules, "adbc_driver_postgresql", None)
    monkeypatch.setitem(sys.modules, "adbc_driver_postgresql.dbapi", None)
    result = run_cli(capsys, "report", "--db", f"postgresql://reader:{WRONG}@localhost/demo")
    message = _one_sentence(result, WRONG)
    assert "pip install 'cfmonitor[postgres]'" in message


def _report_works(capsys, url: str) -> None:
    result = run_cli(capsys, "report", "--format", "json", "--db", url)
    assert result.code == 0, result.err
    assert '"workers"' in result.out


def test_password_from_pgpassword(postgres, capsys, monkeypatch) -> None:
    monkeypatch.setenv("PGPASSWORD", pg.READER_PASSWORD)
    _report_works(capsys, postgres.url(password=None))


def test_password_from_pgpass(postgres, capsys, monkeypatch, tmp_path: Path) -> None:
    passfile = tmp_path / ".pgpass"
    passfile.write_text(f"127.0.0.1:{postgres.server.port}:demo:reader:{pg.READER_PASSWORD}\n")
    passfile.chmod(0o600)
    monkeypatch.setenv("HOME", str(tmp_path))
    _report_works(capsys, postgres.url(password=None))


def test_everything_from_a_service_file(postgres, capsys, monkeypatch, tmp_path: Path) -> None:
    services = tmp_path / "pg_service.conf"
    services.write_text(
        "[caseloads]\n"
        f"host=127.0.0.1\nport={postgres.server.port}\nuser=reader\n"
        f"password={pg.READER_PASSWORD}\ndbname=demo\n"
    )
    monkeypatch.setenv("PGSERVICEFILE", str(services))
    monkeypatch.setenv("PGSERVICE", "caseloads")
    _report_works(capsys, "postgresql://")
    monkeypatch.delenv("PGSERVICE")
    _report_works(capsys, "postgresql:///?service=caseloads")
