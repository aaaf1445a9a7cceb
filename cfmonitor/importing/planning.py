"""From the resulting state to database rows: ids assigned, references resolved, diffed.

A row whose natural key is already stored keeps its id; a new row gets the next free
id in file order. The plan lists, per table, the rows to insert, update and delete,
which is also the summary the user is shown.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from cfmonitor.data.contract import FRAME_SCHEMAS
from cfmonitor.data.store import Frames
from cfmonitor.importing.contract import FORMATS, ID_COLUMNS, REFERENCES, TABLE_ORDER
from cfmonitor.importing.matching import positions
from cfmonitor.importing.natural import ID


@dataclass(frozen=True)
class TableChanges:
    """What an import does to one table: rows (database columns, with id) to write."""

    table: str
    insert: pl.DataFrame
    update: pl.DataFrame
    delete: pl.Series

    @property
    def added(self) -> int:
        return self.insert.height

    @property
    def changed(self) -> int:
        return self.update.height

    @property
    def removed(self) -> int:
        return self.delete.len()


def _with_ids(frame: pl.DataFrame, stored: pl.DataFrame) -> pl.DataFrame:
    """Keep stored ids; number new rows after the highest id ever stored here."""
    start = stored.get_column(ID).max() or 0
    return frame.with_columns(
        pl.coalesce(ID, pl.lit(start) + pl.col(ID).is_null().cum_sum()).cast(pl.Int64).alias(ID)
    )


def database_rows(table: str, with_ids: dict[str, pl.DataFrame], stored: Frames) -> pl.DataFrame:
    """One table as the database holds it: ids for its rows and for every reference.
    `with_ids` is every table with its row ids (`_with_ids`)."""
    frame = with_ids[table]
    for column, target in REFERENCES.get(table, {}).items():
        found = positions(frame, with_ids[target], [column], [FORMATS[target].key[0]])
        ids = with_ids[target].get_column(ID).gather(found)
        frame = frame.with_columns(ids.alias(ID_COLUMNS[(table, column)]))
    schema = FRAME_SCHEMAS[table]
    return frame.select(pl.col(name).cast(dtype) for name, dtype in schema.items())


def diff(table: str, new: pl.DataFrame, old: pl.DataFrame) -> TableChanges:
    """Rows to insert, update (any column differs) and delete, matched by id.

    Rows are compared by a hash of all their columns, so only two narrow (id, hash)
    frames are joined rather than two copies of a large table.
    """
    if old.height == 0:  # a new table: everything is added, nothing copied to say so
        return TableChanges(table=table, insert=new, update=new.head(0), delete=old.get_column(ID))
    insert = new.join(old.select(ID), on=ID, how="anti", maintain_order="left")
    delete = old.join(new.select(ID), on=ID, how="anti").get_column(ID)
    columns = [name for name in new.columns if name != ID]
    fingerprint = pl.struct(columns).hash().alias("_hash")
    changed = (
        new.select(ID, fingerprint)
        .join(old.select(ID, fingerprint), on=ID, how="inner", suffix="_old")
        .filter(pl.col("_hash") != pl.col("_hash_old"))
        .select(ID)
    )
    update = new.join(changed, on=ID, how="semi", maintain_order="left")
    return TableChanges(table=table, insert=insert, update=update, delete=delete)


def plan(
    final: dict[str, pl.DataFrame], stored: Frames, tables: list[str]
) -> dict[str, TableChanges]:
    """The changes to each table the import was given, parents first. One table's rows
    are made and compared at a time, so only one table is held twice over."""
    with_ids = {table: _with_ids(final[table], getattr(stored, table)) for table in TABLE_ORDER}
    return {
        table: diff(table, database_rows(table, with_ids, stored), getattr(stored, table))
        for table in TABLE_ORDER
        if table in tables
    }
