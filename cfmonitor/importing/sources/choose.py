"""Which adapter a `cfmonitor import --from …` runs, and the options each one accepts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from cfmonitor.errors import CfmonitorError
from cfmonitor.importing.sources.mapping import load_mapping
from cfmonitor.importing.sources.native import Converted

if TYPE_CHECKING:
    from cfmonitor.importing.writing_postgres import PostgresTarget

SSD = "ssd"
ANNEX_A = "annex-a"
SOURCES = (SSD, ANNEX_A)


class SourceOptionError(CfmonitorError):
    """Options that do not fit the chosen source."""


def convert_source(
    source: str,
    *,
    folder: Path | None,
    workbook: Path | None,
    census: Path | None,
    mapping_file: Path | None,
    extract_date: dt.date | None,
    workers_file: Path | None,
    updating: Path | PostgresTarget | None = None,
) -> Converted:
    """Run the adapter for `source` after checking the options make sense for it.

    `updating` is the database an `--update` import goes into: Annex A snapshots need
    what it holds to end the allocations that are no longer listed.
    """
    mapping = load_mapping(mapping_file)
    if source == SSD:
        if folder is None:
            raise SourceOptionError(
                "--from ssd needs --dir FOLDER (the folder of ssd_*.csv files)."
            )
        if workbook is not None or workers_file is not None:
            raise SourceOptionError("--file and --workers do not apply to --from ssd.")
        from cfmonitor.importing.sources.ssd import convert_ssd

        return convert_ssd(folder, mapping, census_file=census, extract_date=extract_date)
    if census is not None:
        raise SourceOptionError("--csww applies to --from ssd only.")
    chosen = workbook if folder is None else folder
    if chosen is None or (folder is not None and workbook is not None):
        raise SourceOptionError(
            "--from annex-a needs either --file WORKBOOK or --dir FOLDER (one CSV per list)."
        )
    if extract_date is None:
        raise SourceOptionError(
            "--from annex-a needs --extract-date DATE: the lists have no dates of their own."
        )
    from cfmonitor.importing.sources.annex_a import convert_annex_a

    return convert_annex_a(
        chosen,
        mapping,
        extract_date=extract_date,
        workers_file=workers_file,
        previous=_stored(updating),
    )


def _stored(db: Path | PostgresTarget | None):
    """The database's tables in the import format, or None for a new database."""
    if db is None or not db.exists():
        return None
    from cfmonitor.data.reading import load_frames
    from cfmonitor.importing.natural import to_natural
    from cfmonitor.importing.writing_postgres import PostgresTarget

    if isinstance(db, PostgresTarget):  # its tables, or None when it has none yet
        stored, create = db.stored()
        return None if create else to_natural(stored)

    return to_natural(load_frames(db))
