"""The scenario as the app shows it: the picker's choices, the list of moves, the proposal.

Each function reads the View (state down) and returns what a dialog shows; the app alone
changes the scenario. The figures are the engine's: `if_given` for the picker, the
scenario's Snapshot for every screen, `proposal` for the list and the export.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from rich import box
from rich.table import Table
from rich.text import Text

from cfmonitor.data.engine import Scenario, ScenarioError, Snapshot, if_given, proposal
from cfmonitor.presentation import format_percent
from cfmonitor.redact import Redactor
from cfmonitor.safe_text import safe_text, visible
from cfmonitor.scenario_report import proposal_title, write_proposal
from cfmonitor.tui.changes import before_after_text
from cfmonitor.tui.requests import ExportRequest
from cfmonitor.tui.screens.move import Choice
from cfmonitor.tui.view import View
from cfmonitor.tui.widgets.cells import status_text


def error_sentence(error: ScenarioError) -> str:
    """The scenario module's sentence without the command line's `--move:` in front."""
    return str(error).removeprefix("--move: ")


def rebased(scenario: Scenario | None, snapshot: Snapshot) -> Scenario | None:
    """The same moves on newly read figures (a reload, the history arriving); raises
    ScenarioError when one of them no longer fits."""
    if scenario is None or scenario.base is snapshot:
        return scenario
    return Scenario(snapshot, directory=scenario.directory).add_all(scenario.moves)


NAME_CELLS = 24


def _utilisation(value: float | None, status: str | None, styles: dict[str, str]) -> Text:
    return Text(format_percent(value), styles.get(status or "", ""))


def choices(
    view: View, case_ref: str, from_staff_ref: str | None, styles: dict[str, str]
) -> list[Choice]:
    """Every worker in post the case could go to, the same team first, each with their
    utilisation now and were they given it: `Halith Wrencombe · Team  52% → 59% ● near`."""
    figures = view.figures
    if figures is None:
        return []
    workers = figures.workers
    holders = figures.worker_cases.filter(pl.col("case_ref") == case_ref).get_column("worker_id")
    case_team = _case_team(figures, case_ref, from_staff_ref)
    redactor = view.redactor_for(None)
    shown = workers if redactor is None else redactor.frame(workers)
    rows = (
        shown.select("worker_id", "staff_ref", "name", "team", "utilisation", "status")
        .filter(~pl.col("worker_id").is_in(holders.implode()))
        .join(if_given(figures, case_ref), on="staff_ref", how="left", maintain_order="left")
        .with_columns(pl.col("team").eq_missing(pl.lit(case_team)).alias("same_team"))
        .sort(
            ["same_team", "utilisation_after", "team", "name"],
            descending=[True, False, False, False],
            nulls_last=True,
        )
    )
    found = []
    for row in rows.iter_rows(named=True):
        label = safe_text(visible(row["name"] or row["staff_ref"]))
        label.truncate(NAME_CELLS, overflow="ellipsis", pad=True)
        label.append(" ")
        label.append_text(
            before_after_text(
                _utilisation(row["utilisation"], row["status"], styles),
                _utilisation(row["utilisation_after"], row["status_after"], styles),
            )
        )
        label.append(" ")
        label.append_text(status_text(row["status_after"], styles))
        if not row["same_team"]:
            label.append(f"  {visible(row['team'] or '–')}", "dim")
        found.append(Choice(row["staff_ref"], label, bool(row["same_team"])))
    return found


def _case_team(figures: Snapshot, case_ref: str, from_staff_ref: str | None) -> str | None:
    """The team of the worker the case leaves, else the team waiting to allocate it."""
    if from_staff_ref is not None:
        team = figures.workers.filter(pl.col("staff_ref") == from_staff_ref).get_column("team")
        if team.len():
            return str(team[0])
    waiting = figures.unallocated_cases.filter(pl.col("case_ref") == case_ref).get_column("team")
    return str(waiting[0]) if waiting.len() and waiting[0] is not None else None


def shown_proposal(view: View) -> pl.DataFrame:
    """The moves as the proposal lists them (redacted while presenting)."""
    if view.scenario is None:
        return pl.DataFrame()
    frame = proposal(view.scenario)
    redactor = view.redactor_for(None)
    return frame if redactor is None else redactor.frame(frame)


def moves_table(view: View, styles: dict[str, str]) -> Table:
    """`1  CASE-0042  Halith Wrencombe 52% → 45%  →  Ada Brook 48% → 59%`, one per move."""
    table = Table(box=box.SIMPLE_HEAD, expand=True)
    for label in ("#", "Case", "From", "Util", "To", "Util"):
        table.add_column(label, justify="right" if label in ("#", "Util") else "left")
    for row in shown_proposal(view).iter_rows(named=True):
        cells = [Text(str(row["move"])), safe_text(row["case_ref"] or "")]
        for side in ("from", "to"):
            cells.append(safe_text(row[f"{side}_name"] or row[f"{side}_staff_ref"] or "–"))
            before = format_percent(row[f"{side}_utilisation_before"])
            after = format_percent(row[f"{side}_utilisation_after"])
            cells.append(
                Text("")
                if row[f"{side}_name"] is None
                else before_after_text(Text(before), Text(after))
            )
        table.add_row(*cells)
    return table


def proposal_request(view: View) -> ExportRequest | None:
    """The export dialog's request for the scenario as a proposal (None: no moves)."""
    scenario = view.scenario
    if scenario is None or not len(scenario):
        return None
    redactor: Redactor | None = view.redactor_for(None)

    def write(path: Path, fmt: str, force: bool) -> Path:
        return write_proposal(scenario, path, fmt, force=force, redactor=redactor)

    frame = shown_proposal(view)
    return ExportRequest(
        frame=frame,
        labels={},
        crumbs=["Organisation", "Scenario"],
        table_name="proposed moves",
        as_of=scenario.base.as_of,
        is_demo=bool(scenario.base.source and scenario.base.source.is_demo),
        writer=write,
        heading=proposal_title(scenario),
    )
