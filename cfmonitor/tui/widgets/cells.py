"""Table cells and figures as `Text`: data is never parsed as markup, status never colour alone.

Colours come from the running theme (`text-error`, `text-warning`, ...) so a status reads
well on a dark and a light background; the symbol and the word carry the meaning when
there is no colour at all (NO_COLOR, monochrome screen-sharing).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from rich.text import Text

from cfmonitor.presentation import (
    STATUS_SYMBOLS,
    format_change,
    format_count,
    format_number,
    format_percent,
    status_label,
)
from cfmonitor.safe_text import safe_text

STATUS_THEME_VARIABLES = {
    "over": "text-error",
    "near": "text-warning",
    "ok": "text-success",
    "unknown-cohort": "text-accent",
}
BAR_CELLS = 10
FULL, EMPTY = "█", "░"


def status_styles(theme_variables: Mapping[str, str]) -> dict[str, str]:
    """Status → a Rich style drawn from the theme (falls back to plain when missing)."""
    styles = {}
    for status, variable in STATUS_THEME_VARIABLES.items():
        colour = theme_variables.get(variable, "")
        bold = "bold " if status == "over" else ""
        styles[status] = f"{bold}{colour}".strip() if colour.startswith("#") else bold.strip()
    return styles


def status_text(status: str | None, styles: Mapping[str, str]) -> Text:
    """`▲ over` in the theme's error colour; the symbol and word stay without colour."""
    return safe_text(status_label(status), styles.get(status or "", ""))


def utilisation_percent(
    utilisation: float | None, status: str | None, styles: Mapping[str, str]
) -> Text:
    """`92%` in the status colour; a dash when there is no capacity to divide by."""
    return Text(format_percent(utilisation), styles.get(status or "", ""), no_wrap=True)


def utilisation_bar(
    utilisation: float | None, status: str | None, styles: Mapping[str, str]
) -> Text:
    """A ten-cell bar up to 100%, ending in `▶` when over: a picture of the percentage."""
    bar = Text(no_wrap=True)
    if utilisation is None:
        return bar
    filled = max(0, min(BAR_CELLS, round(utilisation * BAR_CELLS)))
    style = styles.get(status or "", "")
    bar.append(FULL * filled, style)
    bar.append(EMPTY * (BAR_CELLS - filled), "dim")
    bar.append("▶" if utilisation > 1 else "", style)
    return bar


def number_text(value: float | None, places: int = 1) -> Text:
    return Text(format_number(value, places), no_wrap=True, justify="right")


def count_text(value: int | None, style: str = "") -> Text:
    return Text(format_count(value), style=style, no_wrap=True, justify="right")


def percent_text(value: float | None) -> Text:
    return Text(format_percent(value), no_wrap=True, justify="right")


def date_text(value: dt.date | None) -> Text:
    return Text(value.isoformat() if value else "–", no_wrap=True)


def long_date(value: dt.date) -> str:
    """`Thu 26 Nov 2026`: the as-of date people read at a glance."""
    return value.strftime("%a %-d %b %Y")


def flag_text(over: int | None, near: int | None, styles: Mapping[str, str]) -> Text:
    """A team's flag: `▲2 ●1` when anyone is over or near, nothing otherwise (or unknown)."""
    text = Text(no_wrap=True)
    if over:
        text.append(f"{STATUS_SYMBOLS['over']}{over}", styles.get("over", ""))
    if near:
        if over:
            text.append(" ")
        text.append(f"{STATUS_SYMBOLS['near']}{near}", styles.get("near", ""))
    return text


SUSTAINED_SYMBOL = "↻"
SUSTAINED_LABEL = f"{SUSTAINED_SYMBOL} sustained"
"""A flag beside the status (not a status of its own): over for N weeks in a row."""
SPARK_LEVELS = "▁▂▃▄▅▆▇█"


def sparkline(
    values: Sequence[float | None], width: int, low: float | None = None, high: float | None = None
) -> str:
    """The series as `width` block characters (▁ to █), oldest on the left.

    Drawing only: points are grouped into `width` buckets and each bucket shows its mean;
    a bucket with no value is a blank. The scale runs from `low` to `high` (default: the
    series' own least and greatest values); values beyond it are drawn at its ends.
    """
    present = [value for value in values if value is not None]
    if not present or width < 1:
        return ""
    low = min(present) if low is None else low
    high = max(present) if high is None else high
    span = high - low
    count = len(values)
    cells = min(width, count)
    line = []
    for index in range(cells):
        bucket = [
            value
            for value in values[index * count // cells : (index + 1) * count // cells]
            if value is not None
        ]
        if not bucket:
            line.append(" ")
            continue
        level = 0.0 if span <= 0 else (sum(bucket) / len(bucket) - low) / span
        line.append(SPARK_LEVELS[max(0, min(len(SPARK_LEVELS) - 1, int(level * 7.999)))])
    return "".join(line)


def weeks_over_text(weeks: int | None, sustained: bool | None, styles: Mapping[str, str]) -> Text:
    """`6 ↻ sustained` (the marker in the over colour); `0` for someone not over."""
    text = Text(format_count(weeks), no_wrap=True)
    if sustained:
        text.append(" ")
        text.append(SUSTAINED_LABEL, styles.get("over", ""))
    return text


def change_text(change: float | None, measure: str, period: str) -> Text:
    """`↓ −0.8 in 12 wk` (presentation's wording, the report's too); dim when unknown."""
    missing = change is None or change != change
    return Text(format_change(change, measure, period), "dim" if missing else "", no_wrap=True)
