"""Dates as people type them: `YYYY-MM-DD` or UK `DD/MM/YYYY`, never month-first.

The same rule as `cfmonitor import` (`cfmonitor.importing.casting`), for one value typed
by a person: the as-of dialog and every `--as-of`, `--from`, `--to` and `--today`.
"""

from __future__ import annotations

import datetime as dt
import re

from cfmonitor.safe_text import visible

ISO = re.compile(r"^(\d{4})-(\d{2})-(\d{2})$")
UK = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
SHORT_YEAR = re.compile(r"^\d{1,2}[/.-]\d{1,2}[/.-]\d{2}$")
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199
EXAMPLE = "e.g. 26/11/2026 or 2026-11-26"


def parse_date(text: str, *, today: dt.date | None = None) -> dt.date:
    """The day `text` names; `today` (when given) also accepts the word "today".

    Raises ValueError with one sentence naming the value and what to write instead.
    """
    value = text.strip()
    shown = visible(value)
    if today is not None and value.lower() == "today":
        return today
    if SHORT_YEAR.match(value):
        raise ValueError(f"'{shown}' is ambiguous: write the year in full, {EXAMPLE}.")
    iso, uk = ISO.match(value), UK.match(value)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
        if month > 12 and day <= 12:
            raise ValueError(
                f"'{shown}' looks month-first (US); write the day first, as DD/MM/YYYY, {EXAMPLE}."
            )
    else:
        raise ValueError(f"'{shown}' is not a date; write DD/MM/YYYY or YYYY-MM-DD, {EXAMPLE}.")
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        raise ValueError(f"'{shown}' is not a plausible year ({EARLIEST_YEAR}–{LATEST_YEAR}).")
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise ValueError(f"'{shown}' is not a day of the calendar; {EXAMPLE}.") from None
