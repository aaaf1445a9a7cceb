"""`cfmonitor dump`: every table as a CSV file in exactly the import format.

Natural keys instead of ids, ISO dates, one file per table, so a database can be
backed up, edited in a spreadsheet and loaded again with `cfmonitor import`. The
database is opened read-only. Text cells are made safe for Excel the same way as
every export (a leading `'` before `=`, `+`, `-`, `@`); the import removes it again.
"""

from __future__ import annotations

from pathlib import Path

from cfmonitor.data.store import load_frames
from cfmonitor.export import ExportError, csv_text, write_bytes
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.natural import to_natural


def dump_database(db: Path, folder: Path, *, force: bool) -> list[Path]:
    """Write teams.csv … allocations.csv into `folder`; refuse to overwrite unless `force`."""
    targets = {table: folder / f"{table}.csv" for table in TABLE_ORDER}
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: is a file, not a folder.")
    existing = [path.name for path in targets.values() if path.exists()]
    if existing and not force:
        raise ExportError(
            f"{folder}: already holds {', '.join(existing)}; add --force to overwrite."
        )
    tables = to_natural(load_frames(db))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    written = []
    for table in TABLE_ORDER:
        frame = tables[table].select(FORMATS[table].names)
        data = csv_text(frame).encode("utf-8")
        written.append(write_bytes(targets[table], data, force=force))
    return written
