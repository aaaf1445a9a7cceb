"""The workforce census as the DfE collects it: an XML `Message` with one `CSWWWorker` per
worker. Each worker's child elements become one row of text cells, as the flattened CSV has
them; the header's `ReferenceDate` (the census day) is kept when the file gives one."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ElementTree
from pathlib import Path

import polars as pl

from cfmonitor.importing.reading import ImportFileError

WORKER = "CSWWWorker"


def _local(tag: str) -> str:
    """An element's name without its namespace."""
    return tag.rsplit("}", 1)[-1]


def read_census_xml(path: Path) -> tuple[pl.DataFrame, dt.date | None]:
    """(one row of text per CSWWWorker, the census reference date or None)."""
    rows: list[dict[str, str | None]] = []
    reference: dt.date | None = None
    try:
        for _, element in ElementTree.iterparse(path, events=("end",)):
            name = _local(element.tag)
            if name == WORKER:
                rows.append({_local(child.tag): (child.text or "").strip() for child in element})
                element.clear()
            elif name == "ReferenceDate" and element.text:
                try:
                    reference = dt.date.fromisoformat(element.text.strip()[:10])
                except ValueError:
                    raise ImportFileError(
                        f"{path}: ReferenceDate is not a date written YYYY-MM-DD."
                    ) from None
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file.") from None
    except ElementTree.ParseError as error:
        raise ImportFileError(f"{path}: is not well-formed XML ({error}).") from None
    if not rows:
        raise ImportFileError(f"{path}: has no {WORKER} elements, so it is not a CSWW return.")
    names = list(dict.fromkeys(name for row in rows for name in row))
    frame = pl.DataFrame(
        {name: [row.get(name) for row in rows] for name in names},
        schema={name: pl.String for name in names},
    )
    return frame, reference
