"""The column-wise writers give, byte for byte, what the per-cell writers they replaced gave.

The references below are the per-cell code as it was (one Python object per cell,
`json.dumps` of the rows). Each report format is written twice, once through the
column-wise writers and once with the references patched in, on the demo and on a
hostile database (formula prefixes, control characters, markup, unicode, NULLs,
awkward floats), and on frames built to hit every column type.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import polars as pl
import pytest

from cfmonitor import column_text, export, report
from cfmonitor.cell_text import markdown_cell
from cfmonitor.data.demo import write_demo_database
from cfmonitor.safe_text import visible
from tests.cli_runner import run_cli
from tests.factory import DatabaseBuilder

AS_OF = "2026-11-26"

# --- The per-cell references ---------------------------------------------------------


def reference_json_document(parts: dict[str, object]) -> str:
    document = {
        key: value.to_dicts() if isinstance(value, pl.DataFrame) else value
        for key, value in parts.items()
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def reference_presented(sheet: export.Sheet) -> pl.DataFrame:
    columns = {}
    for name, heading in zip(sheet.frame.columns, sheet.headings(), strict=True):
        values = [export._shown(name, value) for value in sheet.frame.get_column(name).to_list()]
        if any(isinstance(value, str) for value in values):
            values = [None if value is None else str(value) for value in values]
        columns[heading] = pl.Series(heading, values, strict=False)
    return pl.DataFrame(list(columns.values())) if columns else pl.DataFrame()


def reference_markdown_text(frame: pl.DataFrame) -> str:
    header = "| " + " | ".join(markdown_cell(name) for name in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    rows = ["| " + " | ".join(markdown_cell(v) for v in row) + " |" for row in frame.iter_rows()]
    return "\n".join([header, rule, *rows]) + "\n"


def reference_shown_text(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).map_elements(visible, return_dtype=pl.String)
        for name, dtype in frame.schema.items()
        if dtype == pl.String()
    )


def per_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(report, "json_document", reference_json_document)
    monkeypatch.setattr(export, "presented", reference_presented)
    monkeypatch.setattr(export, "markdown_text", reference_markdown_text)
    monkeypatch.setattr(export, "shown_text", reference_shown_text)


# --- Fixtures ------------------------------------------------------------------------

HOSTILE = [
    '=HYPERLINK("http://x")',
    "+1+1",
    "-2",
    "@SUM(1+1)",
    "\t=tab",
    "\r=cr",
    "'quoted",
    "esc\x1b[31mred",
    "[red]x[/]",
    "[@click=app.quit]x",
    "unterminated [",
    "right\u202eto-left",
    "line\u2028break",
    "Zoë Ñuñez 中文 😀",
    'quote " and \\ backslash',
    "del\x7fchar",
    "pipe | star * under_score <b>&amp;",
    "nul\x00byte",
    "NULL",
    "",
]


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("demo") / "demo.db"
    write_demo_database(path, seed=7, today=dt.date.fromisoformat(AS_OF))
    return path


@pytest.fixture
def hostile_db(tmp_path: Path) -> Path:
    builder = DatabaseBuilder()
    fractions = [0.1, 0.2, 0.3, 0.7, 0.35, 0.15]
    for number, text in enumerate(HOSTILE):
        team = builder.team(f"{text} team {number}", service_area=text or "Area",
                            establishment_fte=0.1 + 0.2 + number)  # fmt: skip
        first = builder.worker(team, name=text, staff_ref=f"{text}#{number}",
                               fte=fractions[number % len(fractions)])  # fmt: skip
        second = builder.worker(team, name=f"{text} two", fte=1.0, cohort="nqsw")
        builder.reduction(second, 33.3)
        builder.cases_for(first, team, number % 7, complexity="complex")
        builder.cases_for(second, team, 19 + number % 3, case_type=text or "CIN")
        builder.case(team, case_ref=f"{text}/unallocated/{number}", opened_on="2026-10-01")
        closed = builder.case(team, closed_on="2025-01-01")
        builder.allocate(closed, first)  # open on a closed case: a problem
    builder.worker(builder.team("No cohort"), cohort="mystery")
    return builder.write(tmp_path / "hostile.db")


FORMATS = ("json", "csv", "markdown")


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("trend", [False, True], ids=["day", "trend"])
def test_the_demo_report_is_what_the_per_cell_writers_wrote(
    demo_db: Path,
    fmt: str,
    trend: bool,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["report", "--db", str(demo_db), "--as-of", AS_OF, "--format", fmt]
    if trend:
        args += ["--trend", "--from", "2026-06-01"]
    columnwise = run_cli(capsys, *args)
    per_cell(monkeypatch)
    reference = run_cli(capsys, *args)
    assert columnwise.code == reference.code == 0, columnwise.err
    assert columnwise.out == reference.out


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("narrowed", [[], ["--only", "near"]], ids=["all", "near"])
def test_a_hostile_report_is_what_the_per_cell_writers_wrote(
    hostile_db: Path,
    fmt: str,
    narrowed: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    args = ["report", "--db", str(hostile_db), "--as-of", AS_OF, "--format", fmt, *narrowed]
    columnwise = run_cli(capsys, *args)
    assert "\x1b" not in columnwise.out or fmt == "json"  # JSON escapes it as \u001b
    per_cell(monkeypatch)
    reference = run_cli(capsys, *args)
    assert columnwise.code == reference.code == 0, columnwise.err
    assert columnwise.out == reference.out
    if fmt == "json":
        problems = json.loads(columnwise.out)["problems"]
        assert problems and all(problem["rows"] for problem in problems)


def test_an_exported_file_is_still_safe_for_excel(
    hostile_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "r.csv"
    args = ["report", "--db", str(hostile_db), "--as-of", AS_OF, "--format", "csv"]
    assert run_cli(capsys, *args, "--output", str(out)).code == 0
    cells = pl.read_csv(out, skip_rows=3, infer_schema=False, n_rows=40)
    for text in cells.get_column("Name").drop_nulls().to_list():
        assert not text.startswith(("=", "+", "-", "@", "\t", "\r")), text


# --- Every column type, and the corners of Python's formatting -------------------------

FLOATS = [0.1 + 0.2, 1.0, 0.0, -0.0, 1e16, 1e-05, 2.675, 1 / 3, float("nan"), float("inf"),
          -float("inf"), None, 0.125, 0.005, 123456.789]  # fmt: skip


def awkward_frame() -> pl.DataFrame:
    size = len(HOSTILE) + 2
    floats = (FLOATS * 3)[:size]
    return pl.DataFrame(
        {
            "name": [*HOSTILE, None, "plain"],
            "weighted_load": floats,
            "utilisation": floats[::-1],  # a percentage, its ties rounded as Python does
            "vacancy_rate": pl.Series(floats, dtype=pl.Float32),
            "status": (["over", "near", "ok", "unknown-cohort", None, "odd"] * 5)[:size],
            "cases": pl.Series([*range(size - 1), None], dtype=pl.UInt32),
            "sustained": ([True, False, None] * 10)[:size],
            "opened_on": ([dt.date(2026, 1, 2), None, dt.date(999, 12, 31)] * 10)[:size],
            "nothing": [None] * size,
        }
    )


def test_json_rows_match_json_dumps_for_every_type() -> None:
    frame = (
        awkward_frame()
        .drop("opened_on")
        .with_columns(rows=pl.Series(([[1, 2, 3], [], None, [7]] * 10)[: len(HOSTILE) + 2]))
    )
    for level in (0, 1, 3):
        expected = json.dumps(frame.to_dicts(), indent=2, ensure_ascii=False)
        assert column_text.json_rows(frame, level) == expected.replace("\n", "\n" + "  " * level)
    assert column_text.json_rows(frame.head(0)) == "[]"


def test_a_json_document_matches_json_dumps() -> None:
    frame = awkward_frame().drop("opened_on")
    parts: dict[str, Any] = {"as_of": AS_OF, "rows": frame, "empty": frame.head(0),
                             "nested": {"a": [1, None], "b": {"c": "\x1b"}}}  # fmt: skip
    assert column_text.json_document(parts) == reference_json_document(parts)


def test_presented_sheets_match_the_per_cell_ones() -> None:
    sheet = export.Sheet("Awkward", awkward_frame(), "=title")
    assert export.presented(sheet).equals(reference_presented(sheet), null_equal=True)
    assert export.presented(sheet).schema == reference_presented(sheet).schema
    shown = export.presented(sheet)
    assert export.shown_text(shown).equals(reference_shown_text(shown), null_equal=True)
    assert export.sheets_csv([sheet], show_controls=True) == _per_cell_csv([sheet])
    for frame in (awkward_frame(), shown, awkward_frame().head(0)):
        assert export.markdown_text(frame) == reference_markdown_text(frame)


def _per_cell_csv(sheets: list[export.Sheet]) -> str:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(export, "presented", reference_presented)
        patch.setattr(export, "shown_text", reference_shown_text)
        return export.sheets_csv(sheets, show_controls=True)
