"""Database tables ↔ the import format: internal ids swapped for natural keys.

`to_natural` is how `cfmonitor dump` writes files and how an import sees what the
database already holds, so both speak exactly the same format.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.store import Frames
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER, dtype_of

ID = "id"


def to_natural(frames: Frames) -> dict[str, pl.DataFrame]:
    """Each table in file format (natural keys, typed dates), keeping the row `id`."""
    team_names = frames.teams.select(pl.col(ID).alias("team_id"), pl.col("name").alias("team"))
    staff = frames.workers.select(pl.col(ID).alias("worker_id"), "staff_ref")
    case_refs = frames.cases.select(pl.col(ID).alias("case_id"), "case_ref")
    joined = {
        "teams": frames.teams,
        "workers": frames.workers.join(team_names, on="team_id", how="left", maintain_order="left"),
        "reductions": frames.reductions.join(
            staff, on="worker_id", how="left", maintain_order="left"
        ),
        "cases": frames.cases.join(team_names, on="team_id", how="left", maintain_order="left"),
        "allocations": frames.allocations.join(
            case_refs, on="case_id", how="left", maintain_order="left"
        ).join(staff, on="worker_id", how="left", maintain_order="left"),
    }
    return {
        table: joined[table].select(ID, *FORMATS[table].names).sort(ID) for table in TABLE_ORDER
    }


def empty_natural() -> dict[str, pl.DataFrame]:
    """The file-format tables of a database with no rows (a new one)."""
    return {
        table: pl.DataFrame(
            schema={ID: pl.Int64(), **{c.name: dtype_of(c) for c in FORMATS[table].columns}}
        )
        for table in TABLE_ORDER
    }
