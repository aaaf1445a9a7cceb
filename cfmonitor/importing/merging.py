"""The state the database would be in after an import: what it holds, plus the files.

`--replace` makes a given table exactly the file; `--update` keeps rows the file does
not mention and upserts the rest by natural key. Rows keep their database id when
their key already exists, so references from tables not in the import stay valid.

File rows are matched to stored rows in the database's own terms: a reference in a key
(an allocation's case and worker) is first turned into the stored row's id, so the
stored tables are never copied with their references spelled out as text. Only the
stored rows that no file mentions are turned into file format, for the checks.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.store import Frames
from cfmonitor.importing.contract import FORMATS, ID_COLUMNS, REFERENCES, TABLE_ORDER
from cfmonitor.importing.matching import positions, taken
from cfmonitor.importing.natural import ID, natural_table
from cfmonitor.importing.reading import FILE, ROW

REPLACE = "replace"
UPDATE = "update"


def _from_database(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(None, pl.Categorical).alias(FILE), pl.lit(None, pl.Int64).alias(ROW)
    )


def stored_positions(table: str, new: pl.DataFrame, stored: Frames) -> pl.Series:
    """For each file row, the position of the stored row with the same key (or null)."""
    old = getattr(stored, table)
    left: dict[str, pl.Series] = {}
    right: list[str] = []
    for name in FORMATS[table].key:
        target = REFERENCES.get(table, {}).get(name)
        if target is None:
            left[name] = new.get_column(name)
            right.append(name)
            continue
        # A reference: the stored id of the row it names (null if none is stored, and
        # then no stored row can have this key).
        targets = getattr(stored, target)
        found = positions(new, targets, [name], [FORMATS[target].key[0]])
        column = ID_COLUMNS[(table, name)]
        left[column] = targets.get_column(ID).gather(found)
        right.append(column)
    return positions(pl.DataFrame(left), old, list(left), right)


def merge(
    stored: Frames,
    files: dict[str, pl.DataFrame],
    mode: str,
    present: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every table as it would be: natural columns, `id` (null for new rows), `_file`, `_row`.

    `stored` is what the database holds (its own form, ids for references). `present`
    lists, per table, the columns its file has (default: all); in `--update` the others
    keep what the database holds.
    """
    final: dict[str, pl.DataFrame] = {}
    for table in TABLE_ORDER:
        file_format = FORMATS[table]
        old = getattr(stored, table)
        if table not in files:
            final[table] = _from_database(natural_table(table, old, stored))
            continue
        schema = natural_table(table, old.head(0), stored).schema
        new = files[table].select(*file_format.names, FILE, ROW)
        # Copy nothing that need not be: cast only differing types.
        new = new.with_columns(
            pl.col(name).cast(schema[name])
            for name in file_format.names
            if new.schema[name] != schema[name]
        )
        absent = [
            name
            for name in file_format.names
            if name not in (present or {}).get(table, file_format.names)
        ]
        # Each file row's stored row, found by a hash of the key (joining millions of rows
        # on text keys copied every key and cost gigabytes).
        found = stored_positions(table, new, stored)
        if mode == UPDATE and absent and old.height:
            # A workers file without `end_date` says nothing about leavers: it must not
            # reopen them. The stored values for the columns a file does not have.
            matched = natural_table(table, old.select(pl.all().gather(found)), stored)
            new = new.with_columns(matched.get_column(name) for name in absent)
        new = new.with_columns(old.get_column(ID).gather(found))
        new = new.select(ID, *file_format.names, FILE, ROW)
        kept: pl.DataFrame | None = None
        if mode == UPDATE and old.height:
            # The rows the file does not mention: those no file row matched (stored keys
            # are unique, so this is the anti-join on the key).
            unmentioned = old.filter(~taken(old.height, found))
            if unmentioned.height:
                kept = _from_database(natural_table(table, unmentioned, stored)).select(new.columns)
        del found
        final[table] = (
            new if kept is None else pl.concat([kept, new], how="vertical", rechunk=False)
        )
    return final
