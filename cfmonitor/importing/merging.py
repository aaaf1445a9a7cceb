"""The state the database would be in after an import: what it holds, plus the files.

`--replace` makes a given table exactly the file; `--update` keeps rows the file does
not mention and upserts the rest by natural key. Rows keep their database id when
their key already exists, so references from tables not in the import stay valid.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.natural import ID
from cfmonitor.importing.reading import FILE, ROW

REPLACE = "replace"
UPDATE = "update"


def _from_database(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        pl.lit(None, pl.Categorical).alias(FILE), pl.lit(None, pl.Int64).alias(ROW)
    )


def _keep_unmentioned(
    new: pl.DataFrame, old: pl.DataFrame, key: list[str], absent: list[str]
) -> pl.DataFrame:
    """Stored values for the columns a file does not have (null for rows that are new).

    A workers file without `end_date` says nothing about leavers: it must not reopen them.
    """
    stored = new.select(key).join(
        old.select(*key, *absent), on=key, how="left", maintain_order="left"
    )
    return new.with_columns(stored.get_column(name) for name in absent)


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
        if mode == UPDATE and absent and old.height:
            new = _keep_unmentioned(new, old, key, absent)
        if old.height:
            ids = new.select(key).join(
                old.select(ID, *key), on=key, how="left", maintain_order="left"
            )
            new = new.with_columns(ids.get_column(ID))
        else:
            new = new.with_columns(pl.lit(None, pl.Int64).alias(ID))
        new = new.select(old.columns)
        kept = old.head(0)
        if mode == UPDATE and old.height:
            # The rows the file does not mention: those whose id no file row took. Stored
            # keys are unique, so this is the anti-join on the key, on one integer column
            # (joining millions of rows on text keys a second time cost a gigabyte).
            matched = new.get_column(ID).drop_nulls()
            kept = old.filter(pl.col(ID).is_in(matched.implode()).not_())
        final[table] = pl.concat([kept, new], how="vertical", rechunk=False) if kept.height else new
    return final
