"""Several teams at once: a service area, or teams chosen by name, and their figures.

A manager with more than one team asks for their workers in one list. The TUI's
workers-of-several-teams screen and `report --team A --team B` / `--service-area` both
come here for which teams those are, what to call the set, and the set's headline
figures, summed by the engine's own roll-up (no second formula).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import polars as pl

from cfmonitor.data.engine import roll_up
from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible


class SelectionError(CfmonitorError):
    """A team or service area asked for by name that the database does not have."""


def _named(names: Sequence[str], asked: str, option: str, what: str) -> str:
    """The one of `names` that is `asked` (ignoring case), or one sentence naming it."""
    if asked in names:
        return asked
    folded = {name.casefold(): name for name in names}
    if asked.casefold() in folded:
        return folded[asked.casefold()]
    raise SelectionError(f"{option}: no {what} is called {visible(asked)!r}.")


def team_name(names: Sequence[str], team: str) -> str:
    """The team called `team` (ignoring case), or a SelectionError naming what was asked."""
    return _named(names, team, "--team", "team")


def area_name(names: Sequence[str], area: str) -> str:
    """The service area called `area` (ignoring case), or a SelectionError naming it."""
    return _named(names, area, "--service-area", "service area")


def chosen_teams(
    teams: pl.DataFrame, team_names: Sequence[str] = (), areas: Sequence[str] = ()
) -> tuple[list[str], list[str]]:
    """(the teams, the areas) asked for, by their names in the database: every team of
    each area and each team named, once, in the teams frame's order (area, then team)."""
    every_team = teams.get_column("team").to_list()
    every_area = teams.get_column("service_area").drop_nulls().unique().to_list()
    named = [team_name(every_team, team) for team in team_names]
    in_areas = list(dict.fromkeys(area_name(every_area, area) for area in areas))
    wanted = pl.col("team").is_in(named) | pl.col("service_area").is_in(in_areas)
    return teams.filter(wanted).get_column("team").to_list(), in_areas


def describe(teams: Sequence[str], areas: Sequence[str] = ()) -> str:
    """What a set of teams is called on screen and in a report's title:
    `Service area: North · 6 teams`, `3 chosen teams`, `Service areas: North, South ·
    12 teams`. Names pass through `visible` (no control characters in a title)."""
    count = f"{len(teams)} team{'s' if len(teams) != 1 else ''}"
    if not areas:
        return f"{len(teams)} chosen team{'s' if len(teams) != 1 else ''}"
    label = "Service area" if len(areas) == 1 else "Service areas"
    return f"{label}: {', '.join(visible(area) for area in areas)} · {count}"


def set_row(teams: pl.DataFrame) -> dict[str, Any]:
    """The headline figures of these team rows together, as the organisation's are made
    (the engine's roll-up), with the sustained count once the history is in."""
    row = roll_up(teams, []).row(0, named=True)
    if "sustained" in teams.columns:
        row["sustained"] = int(teams.get_column("sustained").fill_null(0).sum())
    return row
