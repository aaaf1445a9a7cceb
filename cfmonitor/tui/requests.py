"""Requests flow up: what a screen or the palette asks of the app, as Textual messages.

A screen posts one of these (it bubbles to the app); the app alone decides what opens
and is the only code that knows the screen classes. `Open` carries a subject, one of
the small frozen values below, so adding a place to go is one subject and one case in
the app's `on_open`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from textual.message import Message

from cfmonitor.presentation import title_line

NAME_LIMIT = 60
SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "markdown": ".md"}


@dataclass(frozen=True)
class Overview:
    """The organisation overview (every screen above it closes)."""


@dataclass(frozen=True)
class Team:
    name: str


@dataclass(frozen=True)
class Teams:
    """The workers of several teams in one list: a service area's, or teams chosen."""

    teams: tuple[str, ...]
    areas: tuple[str, ...] = ()
    """The service areas the teams are (empty: teams marked one by one)."""


@dataclass(frozen=True)
class Worker:
    staff_ref: str
    from_team: bool = False
    """Opened from the team's screen (already under it); else the team opens first."""


@dataclass(frozen=True)
class Case:
    """A case by reference: its holder's supervision view, or its team's unallocated list."""

    case_ref: str
    holder: str
    """The staff reference of whoever holds it, or the team waiting to allocate it."""
    unallocated: bool


@dataclass(frozen=True)
class Trend:
    level: str
    """`organisation`, `team` or `worker`."""
    key: str | None = None


@dataclass(frozen=True)
class Unallocated:
    team: str | None = None
    """None: every team's."""


@dataclass(frozen=True)
class Problems:
    """The data problems behind the figures."""


Subject = Overview | Team | Teams | Worker | Case | Trend | Unallocated | Problems


class Open(Message):
    """Show `subject` (the app chooses the screen and where in the stack it goes)."""

    def __init__(self, subject: Subject) -> None:
        super().__init__()
        self.subject = subject


class ChangeAsOf(Message):
    """Recompute every figure for `day`."""

    def __init__(self, day: dt.date) -> None:
        super().__init__()
        self.day = day


class Reload(Message):
    """Read the database again now."""


class ChooseMove(Message):
    """What if `case_ref` moved? Ask for the worker to give it to (the app opens the
    picker and adds the move chosen to the scenario). `from_staff_ref`: whose share
    moves (the worker screen's worker); None for a case nobody holds."""

    def __init__(self, case_ref: str, from_staff_ref: str | None, shown: str) -> None:
        super().__init__()
        self.case_ref = case_ref
        self.from_staff_ref = from_staff_ref
        self.shown = shown
        """The case as the screen shows it (a stand-in while presenting)."""


class ShowName(Message):
    """While presenting, show this worker's name: they are the person in the room
    (`None`: nobody's)."""

    def __init__(self, staff_ref: str | None) -> None:
        super().__init__()
        self.staff_ref = staff_ref


@dataclass(frozen=True)
class ExportRequest:
    """What a screen hands the dialog: the rows shown, their headings, and what they are."""

    frame: pl.DataFrame
    labels: dict[str, str]
    crumbs: list[str]
    table_name: str
    as_of: dt.date
    is_demo: bool
    writer: Callable[[Path, str, bool], Path] | None = None
    """Writes the file itself (path, format, replace) instead of the table writer: the
    scenario's proposal goes through its own module's writer."""
    heading: str | None = None
    """The title, when the crumbs do not say what the rows are."""

    @property
    def parts(self) -> list[str]:
        """What the rows are, most particular last: `Horsham …`, `workers`."""
        parts = [crumb for crumb in self.crumbs[1:]] or []
        if not any(self.table_name.casefold() in part.casefold() for part in parts):
            parts.append(self.table_name)
        return parts

    @property
    def title(self) -> str:
        if self.heading is not None:
            return self.heading
        subject = " › ".join(self.crumbs) if self.crumbs else "Organisation"
        shown = self.table_name if self.parts[-1] == self.table_name else None
        return title_line(self.as_of.isoformat(), subject, shown, is_demo=self.is_demo)

    def file_name(self, fmt: str = "csv") -> str:
        """`horsham-assessment-and-intervention-workers-2026-11-26.csv`."""
        words = re.sub(r"[^a-z0-9]+", "-", " ".join(self.parts).casefold()).strip("-")
        stem = words[:NAME_LIMIT].rstrip("-") or "cfmonitor"
        return f"{stem}-{self.as_of.isoformat()}{SUFFIXES[fmt]}"


class Export(Message):
    """Ask where to write the rows shown (the app opens the dialog)."""

    def __init__(self, request: ExportRequest) -> None:
        super().__init__()
        self.request = request
