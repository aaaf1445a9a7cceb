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


def _is_nan(value: float) -> bool:
    """A float column's null after arithmetic: shown as a dash, like None."""
    return isinstance(value, float) and math.isnan(value)


def format_number(value: float | None, places: int = 1) -> str:
    """A figure with fixed decimals; a dash where there is none."""
    if value is None or _is_nan(value):
        return "–"
    return f"{value:,.{places}f}"


def format_count(value: int | None) -> str:
    if value is None or _is_nan(value):
        return "–"
    return f"{int(value):,}"


def format_percent(value: float | None, places: int = 0) -> str:
    """A rate or utilisation (0.9 → `90%`); a dash where it cannot be worked out."""
    if value is None or _is_nan(value):
        return "–"
    return f"{value * 100:.{places}f}%"


# --- Changes over time -------------------------------------------------------------------

COUNT_MEASURES = ("over", "near", "sustained")
"""Measures that count people: shown and changed in whole numbers."""


def format_measure(measure: str, value: float | None) -> str:
    """A direction-of-travel measure: rates as `12.3%`, counts whole, caseloads to 1 place."""
    if measure.endswith("_rate"):
        return format_percent(value, 1)
    if measure in COUNT_MEASURES:
        return format_count(None if value is None or _is_nan(value) else round(value))
    return format_number(value)


def format_change(change: float | None, measure: str, period: str | None = None) -> str:
    """`↓ −0.8` (with `period`: `↓ −0.8 in 12 wk`): the arrow and the sign say the
    direction, so colour is not needed. Rates change by percentage points (`↑ +1.2 pts`),
    counts by whole numbers."""
    after = f" in {period}" if period else ""
    if change is None or _is_nan(change):
        return f"–{after}"
    arrow = "↑" if change > 0 else "↓" if change < 0 else "→"
    size = abs(change)
    if measure.endswith("_rate"):
        amount = f"{format_number(size * 100)} pts"
    elif measure in COUNT_MEASURES:
        amount = format_count(round(size))
    else:
        amount = format_number(size)
    sign = "+" if change > 0 else "−" if change < 0 else "±"
    return f"{arrow} {sign}{amount}{after}"


# --- Headline figures --------------------------------------------------------------------


def fte_against_establishment(row: dict) -> str:
    """`503.4 / 511.0`: FTE in post against the funded posts."""
    return f"{format_number(row['fte_in_post'])} / {format_number(row['establishment_fte'])}"


def vacancy_gap(row: dict) -> str:
    """`7.6 FTE (1.5%)`."""
    return f"{format_number(row['vacancy_fte'])} FTE ({format_percent(row['vacancy_rate'], 1)})"


def census_vacancy(row: dict) -> str:
    """`14.2% (72.5 FTE)`: posts not filled by permanent staff, as the census counts them."""
    return (
        f"{format_percent(row['census_vacancy_rate'], 1)} "
        f"({format_number(row['census_vacancy_fte'])} FTE)"
    )


def agency_share(row: dict) -> str:
    """`81 (14.2% of FTE)`."""
    return f"{format_count(row['agency_workers'])} ({format_percent(row['agency_rate'], 1)} of FTE)"


def over_count(count: int | None) -> str:
    return f"{STATUS_SYMBOLS['over']} {format_count(count)}"


def near_count(count: int | None) -> str:
    return f"{STATUS_SYMBOLS['near']} {format_count(count)}"


# --- Headings and number formats of tables people read -----------------------------------

FIELD_LABELS = {
    "date": "Date",
    "staff_ref": "Staff ref",
    "name": "Name",
    "team": "Team",
    "service_area": "Service area",
    "cohort": "Cohort",
    "fte": "FTE",
    "employment": "Employment",
    "cases": "Cases",
    "weighted_load": "Load",
    "capacity": "Capacity",
    "utilisation": "Util",
    "status": "Status",
    "weeks_over": "Weeks over",
    "sustained": "Sustained",
    "workers_in_post": "Workers",
    "fte_in_post": "FTE in post",
    "establishment_fte": "Establishment FTE",
    "vacancy_fte": "Vacancy FTE",
    "vacancy_rate": "Vacancy",
    "agency_workers": "Agency workers",
    "agency_fte": "Agency FTE",
    "agency_rate": "Agency",
    "open_cases": "Open",
    "allocated_cases": "Allocated",
    "unallocated_cases": "Unallocated",
    "average_caseload": "Avg caseload",
    "permanent_fte": "Permanent FTE",
    "census_vacancy_fte": "Census vacancy FTE",
    "census_vacancy_rate": "Census vacancy",
    "census_average_caseload": "Census caseload",
    "over": "Over",
    "near": "Near",
    "case_ref": "Case",
    "case_type": "Type",
    "complexity": "Complexity",
    "weight": "Weight",
    "opened_on": "Opened",
    "allocated_since": "Allocated since",
    "days_held": "Days held",
    "unallocated_since": "Unallocated since",
    "days_unallocated": "Days waiting",
    "last_staff_ref": "Last worker",
    "family_ref": "Family",
    "family_cases": "Shared",
    "kind": "Kind",
    "detail": "Detail",
    # A scenario's before → after and its proposal (cfmonitor/scenario_report.py)
    "move": "Move",
    "as_of": "As of",
    "from_staff_ref": "From",
    "from_name": "From name",
    "to_staff_ref": "To",
    "to_name": "To name",
    "from_utilisation_before": "From util before",
    "from_utilisation_after": "From util after",
    "to_utilisation_before": "To util before",
    "to_utilisation_after": "To util after",
    "measure": "Measure",
    "before": "Before",
    "after": "After",
}
"""The heading of each field wherever people read it: the report's tables and files, and
the exports (which take the screen's own headings, these where a screen has none)."""

PERCENT_PLACES = {
    "utilisation": 0,
    "vacancy_rate": 1,
    "agency_rate": 1,
    "census_vacancy_rate": 1,
    **{
        f"{side}utilisation_{when}": 0
        for side in ("", "from_", "to_")
        for when in ("before", "after")
    },
}
"""Fractions shown as percentages, with their decimal places."""


def field_label(field: str) -> str:
    return FIELD_LABELS.get(field, field.replace("_", " ").capitalize())


def excel_percent_format(places: int) -> str:
    """The XLSX number format of a percentage with `places` decimals (`0%`, `0.0%`)."""
    return "0%" if places == 0 else "0." + "0" * places + "%"


# --- Titles ------------------------------------------------------------------------------

DEMO_LABEL = "DEMO DATA"


def title_line(as_of_text: str, subject: str, what: str | None = None, *, is_demo: bool) -> str:
    """`Caseloads as of 2026-11-26 · Horsham Assessment and Intervention · workers · DEMO
    DATA`: the first line of every report and export, saying exactly what is in it."""
    parts = [f"Caseloads as of {as_of_text}", subject, *([what] if what else [])]
    if is_demo:
        parts.append(DEMO_LABEL)
    return " · ".join(parts)
