"""The scenario as the app shows it: the picker's choices, the list of moves, the proposal.

Each function reads the View (state down) and returns what a dialog shows; the app alone
changes the scenario. The figures are the engine's: `candidates` for the picker, the
scenario's Snapshot for every screen, `proposal` for the list and the export.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl
from rich import box
from rich.table import Table
from rich.text import Text

from cfmonitor.data.engine import Scenario, ScenarioError, Snapshot, candidates, proposal
from cfmonitor.presentation import format_percent
from cfmonitor.redact import Redactor
from cfmonitor.safe_text import safe_text
from cfmonitor.scenario_report import proposal_title, write_proposal
from cfmonitor.tui.changes import before_after_text
from cfmonitor.tui.requests import ExportRequest
from cfmonitor.tui.view import View


def error_sentence(error: ScenarioError) -> str:
    """The scenario module's sentence without the command line's `--move:` in front."""
    return str(error).removeprefix("--move: ")


def rebased(scenario: Scenario | None, snapshot: Snapshot) -> Scenario | None:
    """The same moves on newly read figures (a reload, the history arriving); raises
    ScenarioError when one of them no longer fits."""
    if scenario is None or scenario.base is snapshot:
        return scenario
    return Scenario(snapshot, directory=scenario.directory).add_all(scenario.moves)


def choices(view: View, case_ref: str) -> pl.DataFrame:
    """Every worker in post the case could go to, the same team first, then the least
    loaded after, with their utilisation now and were they given it: the engine's
    `candidates` (one join and sort), redacted while presenting. The picker formats only
    the rows it shows."""
    figures = view.figures
    if figures is None:
        return pl.DataFrame()
    found = candidates(figures, case_ref)
    redactor = view.redactor_for(None)
    return found if redactor is None else redactor.frame(found)


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
