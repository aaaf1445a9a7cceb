"""Where an import's rows came from, so every screen and report can say how fresh they are."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass


@dataclass(frozen=True)
class Provenance:
    """The source of one import and the day its source system was extracted.

    `source` names the adapter ("cfmonitor" for the native CSV/XLSX files, "ssd",
    "annex-a"); `extract_date` is the day the extract was taken, when the source says so
    (None when it does not, e.g. native files without `--extract-date`).
    """

    source: str
    extract_date: dt.date | None = None
