"""The span of the data (its first day and the last day anything happened) is read from
the cases' date indexes when a file has them, and by one scan when it does not: the same
dates either way. An import gives a file made before the indexes its missing ones."""

from __future__ import annotations

import datetime as dt
import shutil
import sqlite3
from pathlib import Path

from cfmonitor.data import contract, store
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import write_valid

NEW_INDEXES = ("ix_cases_opened", "ix_cases_closed")


def built(path: Path) -> Path:
    """Cases opened and closed on dates that differ from the workers' and reductions'."""
    builder = DatabaseBuilder()
    team = builder.team("Alpha", establishment_fte=2.0)
    worker = builder.worker(team, start_date="2022-03-01")
    builder.cases_for(worker, team, 4)
    builder.write(path)
    with sqlite3.connect(path) as connection:
        connection.execute("UPDATE cases SET opened_on = '2019-01-07' WHERE id = 1")
        connection.execute("UPDATE cases SET closed_on = '2024-05-31' WHERE id = 2")
        connection.execute("UPDATE cases SET closed_on = '2018-12-01' WHERE id = 3")  # a problem
    return path


def indexes(path: Path) -> set[str]:
    with sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True) as connection:
        rows = connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")
        return {str(row[0]) for row in rows}


def without_new_indexes(source: Path, path: Path) -> Path:
    """The same file as a build before the date indexes made it."""
    shutil.copy(source, path)
    with sqlite3.connect(path) as connection:
        for name in NEW_INDEXES:
            connection.execute(f"DROP INDEX {name}")
    return path


def span_and_queries(path: Path) -> tuple[tuple[dt.date | None, dt.date | None], list[str]]:
    connection, _ = store.open_transaction(path)
    queries: list[str] = []
    connection.set_trace_callback(queries.append)
    try:
        return store._date_span(connection), queries
    finally:
        store.close_transaction(connection)


def test_a_new_file_has_the_date_indexes(tmp_path: Path) -> None:
    assert {name for name, _, _ in contract.INDEXED_COLUMNS} <= indexes(built(tmp_path / "a.db"))


def test_the_span_is_the_same_with_the_indexes_and_without(tmp_path: Path) -> None:
    indexed = built(tmp_path / "indexed.db")
    plain = without_new_indexes(indexed, tmp_path / "plain.db")
    (first, last), looked_up = span_and_queries(indexed)
    assert (first, last) == span_and_queries(plain)[0]
    assert first == dt.date(2018, 12, 1)  # the earliest date in any row, a problem's too
    assert last is not None and last >= dt.date(2024, 5, 31)
    # Indexed: each end alone (SQLite reads it from the index); no scan of the cases.
    cases = [query for query in looked_up if "FROM cases" in query]
    assert cases and all(query.count("(") == 1 for query in cases), cases


def test_an_import_adds_the_indexes_a_file_lacks(capsys, tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    run_cli(capsys, "init", str(db))
    without_new_indexes(db, db.with_suffix(".tmp"))
    shutil.move(db.with_suffix(".tmp"), db)
    assert not set(NEW_INDEXES) & indexes(db)
    args = ["import", "--db", str(db), "--update"]
    for table, path in write_valid(tmp_path / "files").items():
        args += [f"--{table}", str(path)]
    result = run_cli(capsys, *args)
    assert result.code == 0, result.err
    assert set(NEW_INDEXES) <= indexes(db)
