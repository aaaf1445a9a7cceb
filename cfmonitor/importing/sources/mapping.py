"""The mapping file: what no council extract holds (cohorts, establishment, complexity…).

TOML, validated strictly like the policy: an unknown key is refused by name, a negative
establishment or percentage is refused, a cohort, complexity or date is checked. Lists
given in the file replace the built-in defaults; tables (cohorts, teams, complexity) add
to and override them. `db/mapping.toml` documents every key.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

import polars as pl

from cfmonitor.errors import CfmonitorError
from cfmonitor.policy import COMPLEXITY_LEVELS
from cfmonitor.toml_file import read_toml

EXCLUDE = "exclude"
INCLUSIVE = "inclusive"
EXCLUSIVE = "exclusive"

DEFAULT_ALLOCATED_ROLES = (
    "CW",
    "16PLUS",
    "PA",
    "Allocated Worker",
    "Allocated Social Worker",
    "Key Worker",
    "Personal Adviser",
)
"""Role values that hold a case: Liquidlogic codes and Mosaic descriptions."""
DEFAULT_OTHER_ROLES = (
    "IRO",
    "CPCHAIR",
    "TM",
    "Independent Reviewing Officer",
    "Child Protection Chair",
    "Team Manager",
    "Supervising Social Worker",
    "Duty",
)
"""Role values known not to hold a case (reported as such, not as unknown)."""
DEFAULT_COHORTS: Mapping[str, str] = {
    "Social Worker": "experienced",
    "Senior Social Worker": "experienced",
    "Senior Practitioner": "experienced",
    "Experienced Social Worker": "experienced",
    "Personal Adviser": "experienced",
    "Newly Qualified Social Worker": "nqsw",
    "Newly Qualified Social Worker (ASYE)": "nqsw",
    "ASYE Social Worker": "nqsw",
    "Independent Reviewing Officer": EXCLUDE,
    "Child Protection Chair": EXCLUDE,
    "Team Manager": EXCLUDE,
    "Service Manager": EXCLUDE,
}
DEFAULT_OPEN_SENTINELS = (dt.date(1900, 1, 1),)


class MappingError(CfmonitorError):
    """The mapping file is not valid; the message names the key."""


@dataclass(frozen=True)
class TeamSetting:
    service_area: str | None = None
    establishment_fte: float | None = None


@dataclass(frozen=True)
class SideReduction:
    """A reduction no extract holds (practice educator, union duties…)."""

    staff_ref: str
    reason: str
    percent: float
    start_date: dt.date
    end_date: dt.date | None


def normalise_label(text: str) -> str:
    """Labels (roles, job titles, team names) match ignoring case and runs of spaces."""
    return " ".join(text.replace("\u00a0", " ").split()).lower()


def label_of(text: pl.Expr) -> pl.Expr:
    """`normalise_label` over a column, without a Python call per row."""
    return text.str.replace_all(r"[\s\u00a0]+", " ").str.strip_chars().str.to_lowercase()


@dataclass(frozen=True)
class SourceMapping:
    """The validated mapping: built-in defaults with the file's settings over them."""

    allocated_roles: tuple[str, ...] = DEFAULT_ALLOCATED_ROLES
    other_roles: tuple[str, ...] = DEFAULT_OTHER_ROLES
    end_dates: str = INCLUSIVE
    open_sentinels: tuple[dt.date, ...] = DEFAULT_OPEN_SENTINELS
    default_cohort: str = "experienced"
    cohorts: Mapping[str, str] = field(default_factory=lambda: dict(DEFAULT_COHORTS))
    teams: Mapping[str, TeamSetting] = field(default_factory=dict)
    complexity: Mapping[str, str] = field(default_factory=dict)
    reductions: tuple[SideReduction, ...] = ()
    census_date: dt.date | None = None
    source: str = "built-in mapping"

    def cohort_by_title(self) -> dict[str, str]:
        return {normalise_label(title): cohort for title, cohort in self.cohorts.items()}

    def team(self, name: str) -> TeamSetting:
        wanted = normalise_label(name)
        for key, setting in self.teams.items():
            if normalise_label(key) == wanted:
                return setting
        return TeamSetting()


class _Settings(TypedDict, total=False):
    """What a mapping file sets: `SourceMapping`'s fields, each present only when set."""

    allocated_roles: tuple[str, ...]
    other_roles: tuple[str, ...]
    end_dates: str
    open_sentinels: tuple[dt.date, ...]
    default_cohort: str
    cohorts: Mapping[str, str]
    teams: Mapping[str, TeamSetting]
    complexity: Mapping[str, str]
    reductions: tuple[SideReduction, ...]
    census_date: dt.date | None
    source: str


_SECTIONS: dict[str, tuple[str, ...] | None] = {
    "involvements": ("allocated_roles", "other_roles", "end_dates", "open_sentinels"),
    "workers": ("default_cohort",),
    "cohorts": None,
    "teams": None,
    "complexity": None,
    "reductions": None,
    "census": ("reference_date",),
}
_TEAM_KEYS = ("service_area", "establishment_fte")
_REDUCTION_KEYS = ("staff_ref", "reason", "percent", "start_date", "end_date")


def _table(value: object, key: str, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise MappingError(f"{where}: '{key}' must be a table like [{key}]")
    return value


def _known(table: dict[str, object], allowed: tuple[str, ...], prefix: str, where: str) -> None:
    for key in table:
        if key not in allowed:
            raise MappingError(
                f"{where}: unknown key '{prefix}{key}' (allowed: {', '.join(allowed)})"
            )


def _text(value: object, key: str, where: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise MappingError(f"{where}: '{key}' must be a non-empty text, not {value!r}")
    return value.strip()


def _texts(value: object, key: str, where: str) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise MappingError(f"{where}: '{key}' must be a list like [\"CW\"], not {value!r}")
    return tuple(_text(item, key, where) for item in value)


def _date(value: object, key: str, where: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise MappingError(f"{where}: '{key}' must be a date written YYYY-MM-DD, not {value!r}")


def _number(value: object, key: str, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise MappingError(f"{where}: '{key}' must be a number, not {value!r}")
    number = float(value)
    if not math.isfinite(number) or number < 0:
        raise MappingError(f"{where}: '{key}' must not be negative (got {value!r})")
    return number


def _involvements(table: dict[str, object], where: str) -> _Settings:
    settings: _Settings = {}
    if "allocated_roles" in table:
        roles = table["allocated_roles"]
        settings["allocated_roles"] = _texts(roles, "involvements.allocated_roles", where)
    if "other_roles" in table:
        settings["other_roles"] = _texts(table["other_roles"], "involvements.other_roles", where)
    if "end_dates" in table:
        value = table["end_dates"]
        if not isinstance(value, str) or value not in (INCLUSIVE, EXCLUSIVE):
            raise MappingError(
                f"{where}: 'involvements.end_dates' must be \"{INCLUSIVE}\" or "
                f'"{EXCLUSIVE}", not {value!r}'
            )
        settings["end_dates"] = value
    if "open_sentinels" in table:
        values = table["open_sentinels"]
        if not isinstance(values, list):
            raise MappingError(f"{where}: 'involvements.open_sentinels' must be a list of dates")
        settings["open_sentinels"] = tuple(
            _date(value, "involvements.open_sentinels", where) for value in values
        )
    return settings


def _cohorts(table: dict[str, object], where: str) -> dict[str, str]:
    cohorts = dict(DEFAULT_COHORTS)
    for title, cohort in table.items():
        cohorts[title.strip()] = _text(cohort, f"cohorts.{title}", where)
    return cohorts


def _teams(table: dict[str, object], where: str) -> dict[str, TeamSetting]:
    teams = {}
    for name, value in table.items():
        setting = _table(value, f"teams.{name}", where)
        _known(setting, _TEAM_KEYS, f"teams.{name}.", where)
        area = setting.get("service_area")
        establishment = setting.get("establishment_fte")
        teams[name.strip()] = TeamSetting(
            service_area=None if area is None else _text(area, f"teams.{name}.service_area", where),
            establishment_fte=None
            if establishment is None
            else _number(establishment, f"teams.{name}.establishment_fte", where),
        )
    return teams


def _complexity(table: dict[str, object], where: str) -> dict[str, str]:
    rules = {}
    for case_type, level in table.items():
        if level not in COMPLEXITY_LEVELS:
            raise MappingError(
                f"{where}: 'complexity.{case_type}' must be one of "
                f"{', '.join(COMPLEXITY_LEVELS)}, not {level!r}"
            )
        rules[case_type.strip()] = str(level)
    return rules


def _reductions(value: object, where: str) -> tuple[SideReduction, ...]:
    if not isinstance(value, list):
        raise MappingError(f"{where}: 'reductions' must be a list of [[reductions]] tables")
    found = []
    for number, item in enumerate(value, start=1):
        key = f"reductions[{number}]"
        entry = _table(item, key, where)
        _known(entry, _REDUCTION_KEYS, f"{key}.", where)
        for required in ("staff_ref", "reason", "percent", "start_date"):
            if required not in entry:
                raise MappingError(f"{where}: '{key}' needs '{required}'")
        percent = _number(entry["percent"], f"{key}.percent", where)
        if not 0 < percent <= 100:
            raise MappingError(f"{where}: '{key}.percent' must be above 0 and at most 100")
        end = entry.get("end_date")
        found.append(
            SideReduction(
                staff_ref=_text(str(entry["staff_ref"]), f"{key}.staff_ref", where),
                reason=_text(entry["reason"], f"{key}.reason", where),
                percent=percent,
                start_date=_date(entry["start_date"], f"{key}.start_date", where),
                end_date=None if end is None else _date(end, f"{key}.end_date", where),
            )
        )
    return tuple(found)


def mapping_from_data(data: Mapping[str, object], where: str = "mapping") -> SourceMapping:
    """Validate parsed TOML and build the mapping; what the file leaves out keeps defaults."""
    _known(dict(data), tuple(_SECTIONS), "", where)
    settings: _Settings = {"source": where}
    for section, keys in _SECTIONS.items():
        if section not in data or section == "reductions":
            continue
        table = _table(data[section], section, where)
        if keys is not None:
            _known(table, keys, f"{section}.", where)
        if section == "involvements":
            settings.update(_involvements(table, where))
        elif section == "workers" and "default_cohort" in table:
            settings["default_cohort"] = _text(
                table["default_cohort"], "workers.default_cohort", where
            )
        elif section == "cohorts":
            settings["cohorts"] = _cohorts(table, where)
        elif section == "teams":
            settings["teams"] = _teams(table, where)
        elif section == "complexity":
            settings["complexity"] = _complexity(table, where)
        elif section == "census" and "reference_date" in table:
            settings["census_date"] = _date(table["reference_date"], "census.reference_date", where)
    if "reductions" in data:
        settings["reductions"] = _reductions(data["reductions"], where)
    return SourceMapping(**settings)


def load_mapping(path: Path | None) -> SourceMapping:
    """Read a mapping file, or the built-in defaults when none is given."""
    if path is None:
        return SourceMapping()
    data = read_toml(path, "mapping file", MappingError)
    return mapping_from_data(data, str(path))
