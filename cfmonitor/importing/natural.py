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


def natural_table(table: str, frame: pl.DataFrame, stored: Frames) -> pl.DataFrame:
    """`frame` (some of `stored`'s rows of `table`) in file format, keeping the row `id`.

    The references are looked up in `stored`, so an import can turn into text only the
    rows it needs as text (those no file mentions), not millions it only compares.
    """
    lookups = {
        "team_id": _lookup(stored.teams, "team_id", "name", "team"),
        "worker_id": _lookup(stored.workers, "worker_id", "staff_ref", "staff_ref"),
        "case_id": _lookup(stored.cases, "case_id", "case_ref", "case_ref"),
    }
    wanted = {
        "workers": ["team_id"],
        "reductions": ["worker_id"],
        "cases": ["team_id"],
        "allocations": ["case_id", "worker_id"],
    }.get(table, [])
    named = frame.with_columns(_named(frame, column, lookups[column]) for column in wanted)
    return named.select(ID, *FORMATS[table].names)


def _lookup(frame: pl.DataFrame, id_column: str, key: str, name: str) -> pl.DataFrame:
    """(id as `id_column`, natural key as `name`): what a reference is looked up in."""
    return frame.select(pl.col(ID).alias(id_column), pl.col(key).alias(name))


def to_natural(frames: Frames) -> dict[str, pl.DataFrame]:
    """Each table in file format (natural keys, typed dates), keeping the row `id`."""
    # The store reads every table ORDER BY id already: no sort (a sort copies the table).
    return {table: natural_table(table, getattr(frames, table), frames) for table in TABLE_ORDER}


def empty_natural() -> dict[str, pl.DataFrame]:
    """The file-format tables of a database with no rows (a new one)."""
    return {
        table: pl.DataFrame(
            schema={ID: pl.Int64(), **{c.name: dtype_of(c) for c in FORMATS[table].columns}}
        )
        for table in TABLE_ORDER
    }
