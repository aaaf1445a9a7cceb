"""Direction of travel: how the headline measures moved over 12 weeks and 12 months."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import polars as pl

from cfmonitor.data.series import levels
from cfmonitor.data.store import Frames
from cfmonitor.policy import Policy

DIRECTION_MEASURES = ("average_caseload", "over", "vacancy_rate", "agency_rate")
"""The measures whose direction of travel is shown (change over 12 weeks and 12 months)."""


@dataclass(frozen=True)
class Direction:
    """How the headline measures moved: now, 12 weeks ago and 12 months ago."""

    as_of: dt.date
    teams: pl.DataFrame
    """team, service_area, measure, now, weeks_12_ago, change_12_weeks, months_12_ago,
    change_12_months (changes are null where either end is)."""
    organisation: pl.DataFrame
    """The same without team and service_area."""


def _moments(as_of: dt.date) -> dict[str, dt.date]:
    weeks_ago = as_of - dt.timedelta(weeks=12)
    months_ago = pl.select(pl.lit(as_of, dtype=pl.Date).dt.offset_by("-12mo")).item()
    return {"now": as_of, "weeks_12_ago": weeks_ago, "months_12_ago": months_ago}


def direction_points(as_of: dt.date) -> pl.Series:
    """The dates the direction of travel up to `as_of` compares, sorted."""
    return pl.Series("date", sorted(set(_moments(as_of).values())), dtype=pl.Date)


def direction_of_travel(frames: Frames, policy: Policy, as_of: dt.date) -> Direction:
    """Change in average caseload, over count, vacancy and agency rates over the last
    12 weeks and 12 months, for each team and the organisation. `frames` holds at
    least the rows that count from `direction_points(as_of)`'s first on."""
    moments = _moments(as_of)
    _, teams, organisation = levels(frames, policy, direction_points(as_of))

    def measured(frame: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
        long = frame.select(
            "date", *keys, *[pl.col(m).cast(pl.Float64) for m in DIRECTION_MEASURES]
        ).unpivot(index=["date", *keys], variable_name="measure")
        parts = [
            long.filter(pl.col("date") == day).select(*keys, "measure", pl.col("value").alias(name))
            for name, day in moments.items()
        ]
        wide = parts[0]
        for part in parts[1:]:
            wide = wide.join(part, on=[*keys, "measure"], how="left")
        return wide.with_columns(
            (pl.col("now") - pl.col("weeks_12_ago")).alias("change_12_weeks"),
            (pl.col("now") - pl.col("months_12_ago")).alias("change_12_months"),
        ).select(
            *keys,
            "measure",
            "now",
            "weeks_12_ago",
            "change_12_weeks",
            "months_12_ago",
            "change_12_months",
        )

    return Direction(
        as_of=as_of,
        teams=measured(teams, ["team", "service_area"]),
        organisation=measured(organisation, []),
    )
