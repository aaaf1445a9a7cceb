"""`cfmonitor dump`: every table as a CSV file in exactly the import format.

Natural keys instead of ids, ISO dates, one file per table, so a database can be
backed up, edited in a spreadsheet and loaded again with `cfmonitor import`. The
database is opened read-only. Text cells carry the export marker (`cell_text`), which
the import removes again, so a value comes back exactly as it was.

All or nothing: the five files are written into a private folder beside the target,
and only when all five are complete are they moved in (renames, which need no space).
A full disk half-way leaves the folder as it was, never two databases' files mixed.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import tempfile
from pathlib import Path

from cfmonitor.data.reading import load_frames
from cfmonitor.data.store import Frames
from cfmonitor.export import ExportError, csv_text, write_bytes
from cfmonitor.importing.contract import FORMATS, TABLE_ORDER
from cfmonitor.importing.natural import to_natural
from cfmonitor.private_file import make_private_folders


def _staging_folder(folder: Path, purpose: str) -> Path:
    try:
        return Path(tempfile.mkdtemp(prefix=f".{folder.name}.", suffix=purpose, dir=folder.parent))
    except OSError as error:
        raise ExportError(f"{folder}: could not be written ({error.strerror}).") from None


def _swap_in(staged: Path, folder: Path, names: list[str]) -> None:
    """Move the staged files over the folder's, restoring the old ones if any move fails."""
    if not folder.exists():
        try:
            staged.rename(folder)
            return
        except OSError as error:
            raise ExportError(f"{folder}: could not be written ({error.strerror}).") from None
    aside = _staging_folder(folder, ".cfmonitor-old")
    moved_aside: list[str] = []
    moved_in: list[str] = []
    try:
        for name in names:
            if (folder / name).exists():
                os.replace(folder / name, aside / name)
                moved_aside.append(name)
        for name in names:
            os.replace(staged / name, folder / name)
            moved_in.append(name)
    except OSError as error:
        for name in moved_in:
            with contextlib.suppress(OSError):
                os.replace(folder / name, staged / name)
        for name in moved_aside:
            with contextlib.suppress(OSError):
                os.replace(aside / name, folder / name)
        raise ExportError(
            f"{folder}: could not be written ({error.strerror}); the old files are kept."
        ) from None
    finally:
        shutil.rmtree(aside, ignore_errors=True)


def _read_whole(db: Path | str) -> Frames:
    """Every table of a SQLite file or (a postgresql:// URL) a PostgreSQL database."""
    if isinstance(db, Path):
        return load_frames(db)
    from cfmonitor.database import pg_reading
    from cfmonitor.database.location import parse_postgres

    return pg_reading.load_frames(parse_postgres(db))


def dump_database(db: Path | str, folder: Path, *, force: bool) -> list[Path]:
    """Write teams.csv … allocations.csv into `folder`; refuse to overwrite unless `force`."""
    targets = {table: folder / f"{table}.csv" for table in TABLE_ORDER}
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: is a file, not a folder.")
    existing = [path.name for path in targets.values() if path.exists()]
    if existing and not force:
        raise ExportError(
            f"{folder}: already holds {', '.join(existing)}; add --force to overwrite."
        )
    tables = to_natural(_read_whole(db))
    make_private_folders(folder.parent if str(folder.parent) else Path("."))
    staged = _staging_folder(folder, ".cfmonitor-dump")
    try:
        for table in TABLE_ORDER:
            frame = tables[table].select(FORMATS[table].names)
            data = csv_text(frame).encode("utf-8")
            write_bytes(staged / targets[table].name, data, force=False)
        _swap_in(staged, folder, [path.name for path in targets.values()])
    finally:
        shutil.rmtree(staged, ignore_errors=True)
    return list(targets.values())
