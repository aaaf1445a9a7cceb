"""`--db` as a path or a PostgreSQL URL; labels and messages never hold the password."""

from __future__ import annotations

from pathlib import Path

import pytest

from cfmonitor.database.location import (
    LocationError,
    PostgresLocation,
    SqliteLocation,
    parse_location,
)
from cfmonitor.locate import choose_database
from tests.cli_runner import run_cli

SECRET = "s3cret-Pass"


@pytest.mark.parametrize(
    ("url", "label"),
    [
        (f"postgresql://reader:{SECRET}@host/db", "postgresql://reader@host:5432/db"),
        (f"postgres://reader:{SECRET}@host:6543/db", "postgresql://reader@host:6543/db"),
        ("postgresql://host/db", "postgresql://host:5432/db"),
        (f"POSTGRESQL://reader:{SECRET}@[::1]:5433/db", "postgresql://reader@[::1]:5433/db"),
        ("postgresql:///db?service=caseloads", "postgresql:///db?service=caseloads"),
        (f"postgresql://r@/db?host=/tmp/sock&password={SECRET}", "postgresql://r@/db"),
        ("postgresql://a%40b:p%3Aw@host/my%20db", "postgresql://a%40b@host:5432/my%20db"),
    ],
)
def test_labels_never_hold_the_password(url: str, label: str) -> None:
    location = parse_location(url)
    assert isinstance(location, PostgresLocation)
    assert location.label == label
    assert SECRET not in repr(location)
    assert SECRET not in str(location)


def test_the_password_reaches_only_the_connection_string() -> None:
    location = parse_location(f"postgresql://reader:{SECRET}@host/db?sslmode=require")
    assert isinstance(location, PostgresLocation)
    assert location.password == SECRET
    info = location.conninfo(options="-c default_transaction_read_only=on")
    assert f"password='{SECRET}'" in info
    assert "sslmode='require'" in info
    assert "options='-c default_transaction_read_only=on'" in info


def test_without_a_password_libpq_is_left_to_find_one() -> None:
    location = parse_location("postgresql://reader@host/db")
    assert isinstance(location, PostgresLocation)
    assert "password" not in location.conninfo()


def test_quotes_in_values_are_escaped() -> None:
    location = parse_location("postgresql://reader:it%27s%5Cx@host/db")
    assert isinstance(location, PostgresLocation)
    assert r"password='it\'s\\x'" in location.conninfo()


@pytest.mark.parametrize("text", ["caseloads.db", "./postgresql.db", "/data/x.db", "C:/x.db"])
def test_anything_else_is_a_sqlite_path(text: str) -> None:
    assert parse_location(text) == SqliteLocation(Path(text))


def test_a_bad_port_is_one_sentence_without_the_url() -> None:
    with pytest.raises(LocationError) as raised:
        parse_location(f"postgresql://reader:{SECRET}@host:notaport/db")
    assert SECRET not in str(raised.value)


def test_the_environment_variable_takes_a_url(monkeypatch: pytest.MonkeyPatch) -> None:
    import datetime as dt

    monkeypatch.setenv("CFMONITOR_DB", f"postgres://reader:{SECRET}@host/db")
    choice = choose_database(None, dt.date(2026, 11, 26))
    assert choice.label == "postgresql://reader@host:5432/db"
    assert SECRET not in repr(choice)


@pytest.mark.parametrize("command", ["report", "check"])
def test_a_url_is_not_taken_for_a_file_and_its_password_is_not_printed(
    capsys: pytest.CaptureFixture[str], command: str
) -> None:
    # Before: "postgresql:/reader:secret@host/db: no such database file."
    result = run_cli(capsys, command, "--db", f"postgresql://reader:{SECRET}@host.invalid/db")
    assert result.code == 2
    assert SECRET not in result.out + result.err
    assert "no such database file" not in result.err
    assert "postgresql://reader@host.invalid:5432/db" in result.err
    assert result.err.count("\n") == 1


def test_serve_keeps_a_url_off_the_command_line(capsys: pytest.CaptureFixture[str]) -> None:
    result = run_cli(capsys, "serve", "--db", f"postgresql://reader:{SECRET}@host/db")
    assert result.code == 2
    assert SECRET not in result.out + result.err
    assert "give a PostgreSQL database to serve in CFMONITOR_DB" in result.err
