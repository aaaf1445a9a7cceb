"""The teams table an adapter writes: every team its workers and cases name.

Service area and establishment exist in no extract: they come from the mapping's
`[teams."Name"]`, else the service area is the source's parent department (when it has one)
and the establishment is the FTE in post, each guess reported once naming the teams.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources.mapping import SourceMapping, normalise_label
from cfmonitor.importing.sources.native import listed, warning

UNASSIGNED = "Unassigned"


def build_teams(
    named: pl.DataFrame,
    workers: pl.DataFrame,
    mapping: SourceMapping,
    label: str,
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """Teams from `named` (`team`, optional `_parent`, `_file`, `_row`, one per team name)."""
    fte = (
        workers.group_by("team")
        .agg(pl.col("fte").cast(pl.Float64, strict=False).fill_null(1.0).sum().alias("_in_post"))
        .rename({"team": "name"})
    )
    rows = named.rename({"team": "name"}).join(fte, on="name", how="left", maintain_order="left")
    settings = [mapping.team(name) for name in rows.get_column("name")]
    rows = rows.with_columns(
        pl.Series("_area", [s.service_area for s in settings], pl.String),
        pl.Series("_establishment", [s.establishment_fte for s in settings], pl.Float64),
    )
    notes = []
    no_area = rows.filter(pl.col("_area").is_null() & pl.col("_parent").is_null())
    if no_area.height:
        names = no_area.get_column("name").to_list()
        notes.append(
            warning(
                label,
                f"no service area for {len(names)} team(s) in the mapping or the source; "
                f"shown as {UNASSIGNED!r}: {listed(names)}",
            )
        )
    guessed = rows.filter(pl.col("_establishment").is_null())
    if guessed.height:
        names = guessed.get_column("name").to_list()
        notes.append(
            warning(
                label,
                f"no establishment_fte in the mapping for {len(names)} team(s); set to the FTE "
                f"in post (no vacancy gap shown): {listed(names)}",
            )
        )
    known = {normalise_label(name) for name in rows.get_column("name")}
    for name in mapping.teams:
        if normalise_label(name) not in known:
            notes.append(
                warning(
                    mapping.source,
                    f"the mapping sets team {name!r}, which no worker or case of this import has",
                    column="teams",
                    value=name,
                )
            )
    teams = rows.select(
        "name",
        pl.coalesce("_area", "_parent", pl.lit(UNASSIGNED)).alias("service_area"),
        pl.coalesce("_establishment", pl.col("_in_post").round(2), pl.lit(0.0))
        .cast(pl.String)
        .alias("establishment_fte"),
        pl.col(FILE).cast(pl.String),
        ROW,
    )
    return teams, notes
