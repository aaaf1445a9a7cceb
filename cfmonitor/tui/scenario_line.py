"""The SCENARIO banner's words: how many moves, the last one, and the keys that undo them.

The banner, not a toast, confirms a move or an undo: it stays while the room reads it,
and it redraws in place (a toast mounts a widget, which lays the whole screen out again:
the larger part of a move's redraw; discarding every move still says so in a toast).
While presenting it names nobody and no case: initials and staff ref, and the case's
stand-in, as the list of moves does.
"""

from __future__ import annotations

import polars as pl
from rich.text import Text

from cfmonitor.redact import shown_name
from cfmonitor.safe_text import safe_text
from cfmonitor.tui.view import View

KEYS = " · z undo · l list · X discard"


def scenario_line(view: View) -> Text:
    """` SCENARIO · 2 moves, not made  last DEMO-C0058823 → Arwyn Hazelcombe · z undo …`;
    empty without moves."""
    scenario = view.scenario
    if scenario is None or not len(scenario):
        return Text()
    moves = len(scenario)
    plural = "s" if moves != 1 else ""
    line = Text(f" SCENARIO · {moves} move{plural}, not made ", "bold reverse")
    line.append(" last " if moves > 1 else " ", "bold")
    step = scenario.steps[-1]
    line.append_text(_shown_move(view, step.move.case_ref, step.to_staff_ref))
    line.append(KEYS, "bold")
    return line


def _shown_move(view: View, case_ref: str, to_staff_ref: str | None) -> Text:
    """`CASE → Name` (`→ unallocated`), redacted while presenting."""
    redactor = view.redactor_for(None)
    case = case_ref if redactor is None else redactor.stand_in(case_ref)
    moved = safe_text(case)
    moved.append(" → ")
    if to_staff_ref is None:
        moved.append("unallocated")
        return moved
    name = _name(view, to_staff_ref)
    if redactor is not None:
        name = shown_name(name, to_staff_ref, redactor.redaction.names)
    moved.append_text(safe_text(name or to_staff_ref))
    return moved


def _name(view: View, staff_ref: str) -> str | None:
    workers = view.snapshot.workers if view.snapshot is not None else None
    if workers is None:
        return None
    names = workers.filter(pl.col("staff_ref") == staff_ref).get_column("name")
    return str(names[0]) if names.len() and names[0] else None
