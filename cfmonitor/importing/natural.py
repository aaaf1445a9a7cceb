"""Database tables ↔ the import format: internal ids swapped for natural keys.

`to_natural` is how `cfmonitor dump` writes files and how an import sees what the
database already holds, so both speak exactly the same format.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.store import Frames
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER, dtype_of

ID = "id"


def _named(frame: pl.DataFrame, id_column: str, names: pl.DataFrame) -> pl.Series:
    """The natural key for each row's reference (null when it points at nothing).

    Only the id column is joined, so a large table is not copied to gain one column.
    """
    return (
        frame.select(id_column)
        .join(names, on=id_column, how="left", maintain_order="left")
        .get_column(names.columns[1])
    )


def to_natural(frames: Frames) -> dict[str, pl.DataFrame]:
    """Each table in file format (natural keys, typed dates), keeping the row `id`."""
    team_names = frames.teams.select(pl.col(ID).alias("team_id"), pl.col("name").alias("team"))
    staff = frames.workers.select(pl.col(ID).alias("worker_id"), "staff_ref")
    case_refs = frames.cases.select(pl.col(ID).alias("case_id"), "case_ref")
    named = {
        "teams": frames.teams,
        "workers": frames.workers.with_columns(_named(frames.workers, "team_id", team_names)),
        "reductions": frames.reductions.with_columns(_named(frames.reductions, "worker_id", staff)),
        "cases": frames.cases.with_columns(_named(frames.cases, "team_id", team_names)),
        "allocations": frames.allocations.with_columns(
            _named(frames.allocations, "case_id", case_refs),
            _named(frames.allocations, "worker_id", staff),
        ),
    }
    # The store reads every table ORDER BY id already: no sort (a sort copies the table).
    return {table: named[table].select(ID, *FORMATS[table].names) for table in TABLE_ORDER}


def empty_natural() -> dict[str, pl.DataFrame]:
    """The file-format tables of a database with no rows (a new one)."""
    return {
        table: pl.DataFrame(
            schema={ID: pl.Int64(), **{c.name: dtype_of(c) for c in FORMATS[table].columns}}
        )
        for table in TABLE_ORDER
    }
