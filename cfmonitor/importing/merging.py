"""The state the database would be in after an import: what it holds, plus the files.

`--replace` makes a given table exactly the file; `--update` keeps rows the file does
not mention and upserts the rest by natural key. Rows keep their database id when
their key already exists, so references from tables not in the import stay valid.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.matching import positions, taken
from cfmonitor.importing.natural import ID
from cfmonitor.importing.reading import FILE, ROW

REPLACE = "replace"
UPDATE = "update"


def _from_database(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(None, pl.Categorical).alias(FILE), pl.lit(None, pl.Int64).alias(ROW)
    )


def _keep_unmentioned(
    new: pl.DataFrame, old: pl.DataFrame, found: pl.Series, absent: list[str]
) -> pl.DataFrame:
    """Stored values for the columns a file does not have (null for rows that are new).

    A workers file without `end_date` says nothing about leavers: it must not reopen them.
    """
    return new.with_columns(old.get_column(name).gather(found) for name in absent)


def merge(
    existing: dict[str, pl.DataFrame],
    files: dict[str, pl.DataFrame],
    mode: str,
    present: dict[str, tuple[str, ...]] | None = None,
) -> dict[str, pl.DataFrame]:
    """Every table as it would be: natural columns, `id` (null for new rows), `_file`, `_row`.

    `present` lists, per table, the columns its file has (default: all); in `--update`
    the others keep what the database holds.
    """
    final: dict[str, pl.DataFrame] = {}
    for table in TABLE_ORDER:
        file_format = FORMATS[table]
        old = _from_database(existing[table])
        if table not in files:
            final[table] = old
            continue
        key = list(file_format.key)
        new = files[table].select(*file_format.names, FILE, ROW)
        # Copy nothing that need not be: cast only differing types, join only key columns.
        new = new.with_columns(
            pl.col(name).cast(old.schema[name])
            for name in file_format.names
            if new.schema[name] != old.schema[name]
        )
        absent = [
            name
            for name in file_format.names
            if name not in (present or {}).get(table, file_format.names)
        ]
        # Each file row's stored row, found by a hash of the key (joining millions of rows
        # on text keys copied every key and cost gigabytes).
        found = positions(new, old, key)
        if mode == UPDATE and absent and old.height:
            new = _keep_unmentioned(new, old, found, absent)
        new = new.with_columns(old.get_column(ID).gather(found)).select(old.columns)
        kept = old.head(0)
        if mode == UPDATE and old.height:
            # The rows the file does not mention: those no file row matched (stored keys
            # are unique, so this is the anti-join on the key).
            kept = old.filter(~taken(old.height, found))
        del found
        final[table] = pl.concat([kept, new], how="vertical", rechunk=False) if kept.height else new
    return final
