"""How figures and statuses are written for people: shared by the report and the TUI.

Status is never told by colour alone: each has a symbol and a word, so it survives
NO_COLOR, monochrome screen-sharing and colour blindness.
"""

from __future__ import annotations

import math

STATUS_SYMBOLS = {
    "over": "▲",
    "near": "●",
    "ok": "✓",
    "unknown-cohort": "?",
}
STATUS_STYLES = {
    "over": "bold red",
    "near": "yellow",
    "ok": "green",
    "unknown-cohort": "magenta",
}


def status_label(status: str | None) -> str:
    """`▲ over`, `● near`, `✓ ok`, `? unknown-cohort`."""
    if status is None:
        return ""
    return f"{STATUS_SYMBOLS.get(status, '?')} {status}"


def _missing(value: float | None) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def format_number(value: float | None, places: int = 1) -> str:
    """A figure with fixed decimals; a dash where there is none."""
    if _missing(value):
        return "–"
    return f"{value:,.{places}f}"


def format_count(value: int | None) -> str:
    if _missing(value):
        return "–"
    return f"{int(value):,}"


def format_percent(value: float | None, places: int = 0) -> str:
    """A rate or utilisation (0.9 → `90%`); a dash where it cannot be worked out."""
    if _missing(value):
        return "–"
    return f"{value * 100:.{places}f}%"
