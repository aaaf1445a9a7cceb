"""Issue 9's fuzz test: whatever the import file or hand-made database, the user gets
exit 0 or a refusal (exit 2), at most one sentence on stderr, no traceback, no cell
contents on stderr, and on refusal the database exactly as it was.

Runs in-process (tests/cli_runner.py) with a bounded number of examples, so it costs a
few tens of seconds in CI. CFMONITOR_FUZZ_EXAMPLES raises the count for a longer hunt.
"""

from __future__ import annotations

import hashlib
import math
import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder
from tests.importfiles import HEADERS, VALID, write_valid
from tests.test_hardening_database import COLUMNS, write_unconstrained

EXAMPLES = int(os.environ.get("CFMONITOR_FUZZ_EXAMPLES", "40"))
SECRET = "Qx7Secret"
"""Put into data cells only: it must never reach stderr."""

FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    database=None,
)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""


def _assert_plain(result) -> None:
    assert result.code in (0, 2), result
    assert "Traceback" not in result.err and "Error:" not in result.err.split(":", 1)[0]
    assert result.err.count("\n") <= 1, result.err
    assert SECRET not in result.err, result.err
    assert "\x1b" not in result.err


# --- import files -----------------------------------------------------------------------

_CELL = st.one_of(
    st.just(SECRET),
    st.sampled_from([f'"{SECRET}', f'{SECRET}"x', f'"{SECRET}""']),
    st.sampled_from(
        ["", "NULL", "#N/A", "2024-01-01", "01/02/2024", "45123", "0.5", "1,5", "-1", "=1+1"]
    ),
    st.text(alphabet=st.sampled_from(list('ab,"\r\n\t\x00é\ufeff\u202e\\\x1b ')), max_size=6),
)
_ENDING = st.sampled_from(["\n", "\r\n", "\r", "\r\r\n"])
_PREFIX = st.sampled_from([b"", b"\xef\xbb\xbf", b"\xff\xfe", b"\x81"])


@st.composite
def import_files(draw) -> tuple[str, bytes]:
    table = draw(st.sampled_from(list(HEADERS)))
    header = HEADERS[table].split(",")
    header = draw(
        st.one_of(
            st.just(header),
            st.permutations(header),
            st.lists(st.sampled_from([*header, "FTE", "end_date\r", " fte", "x"]), max_size=9),
        )
    )
    rows = draw(
        st.lists(
            st.one_of(
                st.sampled_from(VALID[table]).map(lambda row: row.split(",")),
                st.lists(_CELL, max_size=len(header) + 2),
            ),
            max_size=6,
        )
    )
    ending = draw(_ENDING)
    text = ending.join(",".join(cells) for cells in [header, *rows]) + draw(
        st.sampled_from(["", ending])
    )
    data = draw(_PREFIX) + text.encode("utf-8")
    if draw(st.booleans()):
        data = data[: draw(st.integers(0, len(data)))]
    return table, data


@pytest.fixture(scope="module")
def stored_master(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    db = folder / "stored.db"
    files = write_valid(folder / "valid")
    from cfmonitor.importing.run import run_import
    from cfmonitor.policy import Policy

    run_import(db, files, mode=None, policy=Policy(), dry_run=False)
    return db


@FUZZ
@given(case=import_files(), mode=st.sampled_from(["--update", "--replace"]))
def test_any_import_file_gives_success_or_one_sentence(capsys, stored_master, case, mode):
    table, data = case
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "db.sqlite"
        db.write_bytes(stored_master.read_bytes())
        path = Path(folder) / f"{table}.csv"
        path.write_bytes(data)
        before = _digest(db)
        result = run_cli(capsys, "import", "--db", str(db), mode, f"--{table}={path}")
        _assert_plain(result)
        if result.code != 0:
            assert _digest(db) == before
        assert not [p for p in Path(folder).iterdir() if p.name.startswith(".")]


# --- hand-made databases ----------------------------------------------------------------

_VALUE = st.one_of(
    st.none(),
    st.integers(-5, 5),
    st.sampled_from([math.inf, -math.inf, math.nan, 5.0, 0.0, -100.0, 1e300]),
    st.sampled_from(["2024-1-1", " 2024-01-01", "+2024-01-01", "2024-02-30", "x", "", "\x1b[2J"]),
    st.sampled_from([b"\xff" + SECRET.encode(), SECRET.encode()]),
)
_COLUMNS = {
    table: [name for name in columns if name not in ("reason", "service_area", "case_type")]
    for table, columns in COLUMNS.items()
}


@st.composite
def spoilt_databases(draw) -> DatabaseBuilder:
    builder = DatabaseBuilder()
    team = builder.team("Team A")
    worker = builder.worker(team, name=f"{SECRET} One")
    builder.reduction(worker, 20.0)
    builder.cases_for(worker, team, 3)
    for _ in range(draw(st.integers(1, 4))):
        table = draw(st.sampled_from(list(_COLUMNS)))
        rows = getattr(builder, table)
        row = rows[draw(st.integers(0, len(rows) - 1))]
        row[draw(st.sampled_from(_COLUMNS[table]))] = draw(_VALUE)
    return builder


@FUZZ
@given(builder=spoilt_databases(), command=st.sampled_from(["report", "check"]))
def test_any_hand_made_database_gives_figures_or_one_sentence(capsys, builder, command):
    with tempfile.TemporaryDirectory() as folder:
        db = write_unconstrained(builder, Path(folder) / "hand.db")
        before = _digest(db)
        result = run_cli(capsys, command, "--db", str(db), "--as-of", "2024-06-01")
        if command == "check" and result.code == 1:
            result.code = 0  # "problems found" is check's answer, not a failure
        _assert_plain(result)
        assert _digest(db) == before
        assert sorted(p.name for p in Path(folder).iterdir()) == ["hand.db"]
