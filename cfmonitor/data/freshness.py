"""How fresh the data is: the last import's record, and what to say about its age.

Schema version 2 keeps one row per import in `imports` (source, extract date, run time).
A manager reading a caseload needs to know which day the source system was extracted,
not only which day the figures are worked out for: figures "as of" today from a
six-week-old extract miss six weeks of allocations. Pure, apart from `read_last_import`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass

NOT_RECORDED = "data as of: not recorded"


@dataclass(frozen=True)
class LastImport:
    """The latest row of `imports`."""

    source: str
    extract_date: dt.date | None
    imported_at: dt.datetime
    """UTC."""


def read_last_import(connection: sqlite3.Connection) -> LastImport | None:
    """The latest import recorded (None when nothing is). Values that do not parse are
    treated as not recorded: a freshness line must never stop the figures being read."""
    row = connection.execute(
        "SELECT source, extract_date, imported_at FROM imports ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    source, extract_text, imported_text = row
    try:
        imported_at = dt.datetime.fromisoformat(str(imported_text)).astimezone(dt.UTC)
    except ValueError:
        return None
    extract_date = None
    if isinstance(extract_text, str):
        try:
            extract_date = dt.date.fromisoformat(extract_text)
        except ValueError:
            extract_date = None
    return LastImport(source=str(source), extract_date=extract_date, imported_at=imported_at)


def utc_stamp(moment: dt.datetime) -> str:
    """`2026-12-02T01:36:27Z`: how `imports.imported_at` is written."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class DataAge:
    """What a screen or report says about the data's freshness on one as-of day."""

    last_import: LastImport | None
    as_of: dt.date
    stale_after_days: int
    counted_from: dt.date | None
    """The extract date; else the import's run date (the data is at least that old)."""
    age_days: int | None
    """Days from `counted_from` to the as-of date (negative when looking back before it)."""

    @property
    def extract_date(self) -> dt.date | None:
        return self.last_import.extract_date if self.last_import else None

    @property
    def stale(self) -> bool:
        return self.age_days is not None and self.age_days > self.stale_after_days

    @property
    def text(self) -> str:
        """`data as of 2026-11-26`, or honestly what is known instead."""
        if self.extract_date is not None:
            return f"data as of {self.extract_date.isoformat()}"
        if self.last_import is not None:
            day = self.last_import.imported_at.date().isoformat()
            return f"{NOT_RECORDED} (imported {day}, extract date not given)"
        return NOT_RECORDED

    @property
    def short(self) -> str:
        """The same for the top bar, where room is short (`data as of 26 Nov 2026`)."""
        if self.extract_date is not None:
            return f"data as of {_short_date(self.extract_date)}"
        if self.last_import is not None:
            return f"imported {_short_date(self.last_import.imported_at.date())} (no extract date)"
        return NOT_RECORDED

    @property
    def warning(self) -> str | None:
        """One sentence when the data is older than the policy allows, else None."""
        if not self.stale or self.counted_from is None:
            return None
        what = (
            f"extracted on {self.counted_from.isoformat()}"
            if self.extract_date is not None
            else f"imported on {self.counted_from.isoformat()} (extract date not recorded)"
        )
        return (
            f"The data is {self.age_days} days old on {self.as_of.isoformat()} ({what}); "
            f"the policy calls data older than {self.stale_after_days} days stale. "
            "Import a newer extract."
        )

    def as_dict(self) -> dict[str, object]:
        """For JSON: every field, null where not recorded."""
        last = self.last_import
        return {
            "source": last.source if last else None,
            "extract_date": self.extract_date.isoformat() if self.extract_date else None,
            "imported_at": utc_stamp(last.imported_at) if last else None,
            "age_days": self.age_days,
            "stale_after_days": self.stale_after_days,
            "stale": self.stale,
            "warning": self.warning,
        }


def _short_date(day: dt.date) -> str:
    return day.strftime("%-d %b %Y")


def data_age(last: LastImport | None, as_of: dt.date, stale_after_days: int) -> DataAge:
    """How old the data is on `as_of`, counted from the extract date (else the run date)."""
    counted_from = None
    if last is not None:
        counted_from = last.extract_date or last.imported_at.date()
    age = (as_of - counted_from).days if counted_from is not None else None
    return DataAge(
        last_import=last,
        as_of=as_of,
        stale_after_days=stale_after_days,
        counted_from=counted_from,
        age_days=age,
    )
