"""`cfmonitor report --move …` (and `--redact`): the report of a scenario, in every format.

The figures are the scenario's Snapshot, rendered by `report.py` as any day's are; in
front of them come the moves (as a proposal: case, from, to, each worker's utilisation
before and after, the day) and what they change, before → after. Nothing here computes a
figure: `data/scenario.py` and `data/comparison.py` do.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cfmonitor import report
from cfmonitor.data.engine import Comparison, Scenario, Snapshot, compare_scenario, proposal
from cfmonitor.export import Sheet, sheets_csv, sheets_markdown, sheets_xlsx, write_bytes
from cfmonitor.presentation import (
    STATUS_STYLES,
    format_count,
    format_number,
    format_percent,
    status_label,
)
from cfmonitor.redact import Redactor
from cfmonitor.safe_text import visible

ARROW = "→"


def before_after(before: str, after: str) -> str:
    """`52% → 59%`; a figure the moves leave alone is written once."""
    return before if before == after else f"{before} {ARROW} {after}"


def banner(scenario: Scenario) -> str:
    """`SCENARIO: 2 moves, not made`: said first in every format."""
    count = len(scenario)
    return f"SCENARIO: {count} move{'s' if count != 1 else ''}, not made"


@dataclasses.dataclass(frozen=True, eq=False)
class ScenarioView:
    """What a scenario report shows, narrowed (`--team`, `--only`) and redacted alike."""

    scenario: Scenario
    snapshot: Snapshot
    """The scenario's figures as the report shows them (narrowed, maybe redacted)."""
    proposal: pl.DataFrame
    comparison: Comparison


def scenario_view(
    scenario: Scenario, chosen: Snapshot, redactor: Redactor | None = None
) -> ScenarioView:
    """`chosen`: `report.select` of the scenario's snapshot. The comparison follows the
    team asked for; with a redactor, every table is redacted with one numbering."""
    comparison = compare_scenario(scenario)
    teams = report.chosen_team_names(chosen)
    if teams is not None:
        comparison = dataclasses.replace(
            comparison,
            workers=comparison.workers.filter(pl.col("team").is_in(teams)),
            teams=comparison.teams.filter(pl.col("team").is_in(teams)),
        )
    moves = proposal(scenario)
    if redactor is not None:
        chosen = redactor.snapshot(chosen)
        moves = redactor.frame(moves)
        comparison = dataclasses.replace(comparison, workers=redactor.frame(comparison.workers))
    return ScenarioView(scenario, chosen, moves, comparison)


# --- frames as the files show them ---------------------------------------------------------

ROUNDING = {"utilisation": 4, "weighted_load": 2, "average_caseload": 2, "before": 4, "after": 4}
"""Places by part of a column's name, as the report rounds the same figures."""


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).round(places)
        for name, dtype in frame.schema.items()
        for part, places in ROUNDING.items()
        if dtype == pl.Float64
        and part in name
        and not (part in ("before", "after") and name != part)
    )


def _statuses_in_words(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.col(name).map_elements(status_label, return_dtype=pl.String)
        for name in frame.columns
        if name.startswith("status_")
    )


def scenario_sheets(view: ScenarioView, heading: str) -> list[Sheet]:
    """The proposal and the before → after tables (changed rows only), under `heading`."""
    workers = view.comparison.changed_workers.drop("changed")
    teams = view.comparison.changed_teams.drop("team_id", "changed")
    organisation = _rounded(_organisation_wide(view.comparison.organisation))
    return [
        Sheet("Proposed moves", _rounded(view.proposal), heading),
        Sheet("Workers before and after", _statuses_in_words(_rounded(workers)), heading),
        Sheet("Teams before and after", _rounded(teams), heading),
        Sheet("Organisation before and after", _rounded(organisation), heading),
    ]


def _organisation_wide(organisation: pl.DataFrame) -> pl.DataFrame:
    """Two rows, `before` and `after`, a column per measure (counts as whole numbers)."""
    columns: dict[str, pl.Series] = {"when": pl.Series("when", ["before", "after"])}
    for measure, before, after in organisation.select("measure", "before", "after").rows():
        values = pl.Series(measure, [before, after], dtype=pl.Float64)
        columns[measure] = values if "caseload" in measure else values.cast(pl.Int64)
    return pl.DataFrame(list(columns.values()))


def _retitled(sheets: list[Sheet], heading: str) -> list[Sheet]:
    return [dataclasses.replace(sheet, title=heading) for sheet in sheets]


def title(view: ScenarioView) -> str:
    return f"{report.title(view.snapshot)} · {banner(view.scenario)}"


def _all_sheets(view: ScenarioView, *, everything: bool) -> list[Sheet]:
    heading = title(view)
    base = report.sheets(view.snapshot, everything=everything)
    return [*scenario_sheets(view, heading), *_retitled(base, heading)]


def as_csv(view: ScenarioView) -> str:
    return sheets_csv(_all_sheets(view, everything=False), show_controls=True)


def as_markdown(view: ScenarioView) -> str:
    text = sheets_markdown(_all_sheets(view, everything=True))
    warning = view.snapshot.data_age.warning
    if warning:
        first, _, rest = text.partition("\n")
        text = f"{first}\n\n> **Warning:** {warning}\n{rest}"
    return text


def as_xlsx(view: ScenarioView) -> bytes:
    about = report.about_frame(view.snapshot)
    about = pl.concat(
        [pl.DataFrame({"item": ["Scenario"], "value": [banner(view.scenario)]}), about]
    )
    return sheets_xlsx([*_all_sheets(view, everything=True), Sheet("About", about)])


def _dated(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.with_columns(pl.col(pl.Date).cast(pl.String)).to_dicts()


def as_json(view: ScenarioView) -> str:
    document: dict[str, Any] = json.loads(report.as_json(view.snapshot))
    scenario = {
        "banner": banner(view.scenario),
        "moves": _dated(_rounded(view.proposal)),
        "workers": _rounded(view.comparison.changed_workers.drop("changed")).to_dicts(),
        "teams": _rounded(view.comparison.changed_teams.drop("changed")).to_dicts(),
        "organisation": _rounded(view.comparison.organisation).to_dicts(),
    }
    first = {key: document.pop(key) for key in ("as_of", "demo_data") if key in document}
    return json.dumps({**first, "scenario": scenario, **document}, indent=2, ensure_ascii=False)


# --- the terminal -----------------------------------------------------------------------------


def _cell(value: object, style: str = "") -> Text:
    return Text(visible(value), style=style, overflow="fold")


def _right(value: str) -> Text:
    return Text(value, justify="right")


def _moves_table(moves: pl.DataFrame) -> Table:
    table = Table(
        title="Proposed moves (utilisation before → after all of them)",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for name in ("#", "Case", "Complexity", "From", "Util", "To", "Util"):
        table.add_column(name, justify="right" if name in ("#", "Util") else "left")
    for row in moves.iter_rows(named=True):
        table.add_row(
            _right(str(row["move"])),
            _cell(row["case_ref"]),
            _cell(row["complexity"] or "–"),
            _cell(row["from_staff_ref"]),
            _right(_utilisations(row, "from")),
            _cell(row["to_staff_ref"]),
            _right(_utilisations(row, "to")),
        )
    return table


def _utilisations(row: dict[str, Any], side: str) -> str:
    if row[f"{side}_name"] is None and row[f"{side}_utilisation_before"] is None:
        return ""
    return before_after(
        format_percent(row[f"{side}_utilisation_before"]),
        format_percent(row[f"{side}_utilisation_after"]),
    )


def _changed(row: dict[str, Any], name: str, show: Callable[[Any], str]) -> Text:
    """`name`'s before → after in a row of a comparison, right-aligned."""
    return _right(before_after(show(row[f"{name}_before"]), show(row[f"{name}_after"])))


def _status_change(before: str | None, after: str | None) -> Text:
    text = Text(status_label(before), style=STATUS_STYLES.get(before or "", ""))
    if after != before:
        text.append(f" {ARROW} ")
        text.append(status_label(after), style=STATUS_STYLES.get(after or "", ""))
    return text


def _workers_table(workers: pl.DataFrame) -> Table:
    table = Table(title="Workers before → after", box=box.SIMPLE_HEAD, title_justify="left")
    for name in ("Staff ref", "Name", "Team"):
        table.add_column(name, overflow="fold")
    for name in ("Cases", "Load", "Util"):
        table.add_column(name, justify="right")
    table.add_column("Status")
    for row in workers.iter_rows(named=True):
        table.add_row(
            _cell(row["staff_ref"]),
            _cell(row["name"]),
            _cell(row["team"]),
            _changed(row, "cases", format_count),
            _changed(row, "weighted_load", format_number),
            _changed(row, "utilisation", format_percent),
            _status_change(row["status_before"], row["status_after"]),
        )
    return table


def _teams_table(teams: pl.DataFrame) -> Table:
    table = Table(title="Teams before → after", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Team", overflow="fold")
    for name in ("Over", "Near", "Avg caseload", "Unallocated"):
        table.add_column(name, justify="right")
    for row in teams.iter_rows(named=True):
        table.add_row(
            _cell(row["team"]),
            _changed(row, "over", format_count),
            _changed(row, "near", format_count),
            _changed(row, "average_caseload", format_number),
            _changed(row, "unallocated_cases", format_count),
        )
    return table


ORGANISATION_LABELS = {
    "over": "Workers over",
    "near": "Workers near",
    "unallocated_cases": "Unallocated cases",
    "allocated_cases": "Allocated cases",
    "average_caseload": "Average caseload per FTE",
    "census_average_caseload": "Census caseload (case holders only)",
}


def _organisation_table(organisation: pl.DataFrame) -> Table:
    table = Table(title="Organisation before → after", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Measure")
    table.add_column("Before → after", justify="right")
    for row in organisation.iter_rows(named=True):
        measure = row["measure"]
        show = format_number if "caseload" in measure else format_count
        table.add_row(
            ORGANISATION_LABELS.get(measure, measure),
            before_after(show(row["before"]), show(row["after"])),
        )
    return table


def as_rich(view: ScenarioView) -> RenderableType:
    return Group(
        Text(f"{banner(view.scenario)}: every figure below has them made", "bold reverse"),
        _moves_table(view.proposal),
        _workers_table(view.comparison.changed_workers),
        _teams_table(view.comparison.changed_teams),
        _organisation_table(view.comparison.organisation),
        report.as_rich(view.snapshot),
    )


WRITERS = {"csv": as_csv, "json": as_json, "markdown": as_markdown}


def render(view: ScenarioView, fmt: str, console: Console) -> None:
    """Write the scenario's report to the console in the chosen format."""
    if fmt == "table":
        if not console.is_terminal:
            console.width = max(console.width, 180)
        console.print(as_rich(view))
        return
    text = WRITERS[fmt](view)
    console.file.write(text if text.endswith("\n") else text + "\n")


def write_report(view: ScenarioView, fmt: str, path: Path, *, force: bool) -> Path:
    """Write the scenario's report to `path` (never over an existing file without `force`)."""
    if fmt == "xlsx":
        data = as_xlsx(view)
    elif fmt in WRITERS:
        text = WRITERS[fmt](view)
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    else:
        raise report.ReportError(
            f"--output needs --format {', '.join(report.FILE_FORMATS)}, not {fmt}."
        )
    return write_bytes(path, data, force=force)


# --- the proposal on its own (the TUI's "export the scenario") --------------------------------


def proposal_title(scenario: Scenario) -> str:
    count = len(scenario)
    return (
        f"Proposed reallocation as of {scenario.base.as_of.isoformat()}: "
        f"{count} move{'s' if count != 1 else ''}, not yet made in the case-management system"
    )


def write_proposal(
    scenario: Scenario,
    path: Path,
    fmt: str,
    *,
    force: bool,
    redactor: Redactor | None = None,
) -> Path:
    """The proposal as CSV, XLSX or Markdown: case, from, to, each worker's utilisation
    before and after, the day. Uses export.py's safe writer (formula cells neutralised,
    owner-only, whole or nothing)."""
    from cfmonitor.export import write_table

    frame = _rounded(proposal(scenario))
    if redactor is not None:
        frame = redactor.frame(frame)
    return write_table(frame, path, fmt, force=force, title=proposal_title(scenario))


# --- the command line: a scenario, a redacted report, or both -------------------------------


def render_any(
    scenario: Scenario | None,
    chosen: Snapshot,
    fmt: str,
    console: Console,
    redactor: Redactor | None = None,
) -> None:
    """`report --move` (with `scenario`) and/or `--redact` (with `redactor`) to the console."""
    if scenario is not None:
        render(scenario_view(scenario, chosen, redactor), fmt, console)
    else:
        report.render(redactor.snapshot(chosen) if redactor else chosen, fmt, console)


def write_any(
    scenario: Scenario | None,
    chosen: Snapshot,
    fmt: str,
    path: Path,
    force: bool,
    redactor: Redactor | None = None,
) -> Path:
    """`report --move` and/or `--redact` with `--output`."""
    if scenario is not None:
        return write_report(scenario_view(scenario, chosen, redactor), fmt, path, force=force)
    shown = redactor.snapshot(chosen) if redactor else chosen
    return report.write_report(shown, fmt, path, force=force)
