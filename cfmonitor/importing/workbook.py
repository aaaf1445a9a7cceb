"""Look inside an .xlsx before reading it: which sheet a person sees, and whether it computes.

A workbook's first sheet may be hidden (a lookup list, an old copy), and a formula cell
is stored with the result Excel last calculated, or with none at all when a script wrote
it, which a reader then takes as 0. Both would import something nobody saw on screen, so
the visible sheet is chosen here and formula cells are found before any value is read.
"""

from __future__ import annotations

import posixpath
import zipfile
from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_RELATIONSHIP = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_PACKAGE = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class WorkbookShapeError(Exception):
    """The workbook's own structure could not be read (the caller names the file)."""


@dataclass(frozen=True)
class SheetEntry:
    name: str
    visible: bool
    part: str
    """The sheet's XML inside the zip, e.g. `xl/worksheets/sheet2.xml`."""


def list_sheets(book: zipfile.ZipFile) -> list[SheetEntry]:
    """Every sheet in tab order, with its visibility and where its cells are stored."""
    try:
        workbook = ElementTree.fromstring(book.read("xl/workbook.xml"))
        relations = ElementTree.fromstring(book.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError) as error:
        raise WorkbookShapeError from error
    targets = {
        relation.get("Id"): relation.get("Target", "")
        for relation in relations.iter(f"{_PACKAGE}Relationship")
    }
    sheets = []
    for sheet in workbook.iter(f"{_MAIN}sheet"):
        target = targets.get(sheet.get(_RELATIONSHIP), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
        state = sheet.get("state", "visible")
        name = sheet.get("name", "")
        sheets.append(SheetEntry(name, state == "visible", posixpath.normpath(part)))
    return sheets


def first_formula_cell(book: zipfile.ZipFile, part: str) -> str | None:
    """The reference (e.g. `B3`) of the first cell holding a formula, or None."""
    try:
        with book.open(part) as handle:
            cell = None
            for event, element in ElementTree.iterparse(handle, events=("start", "end")):
                if event == "start" and element.tag == f"{_MAIN}c":
                    cell = element.get("r", "?")
                elif event == "start" and element.tag == f"{_MAIN}f":
                    return cell or "?"
                elif event == "end" and element.tag == f"{_MAIN}row":
                    element.clear()
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile) as error:
        raise WorkbookShapeError from error
    return None


def choose_sheet(path: Path) -> tuple[SheetEntry, list[SheetEntry], str | None]:
    """(the first visible sheet, all sheets, the first formula cell in it or None)."""
    try:
        with zipfile.ZipFile(path) as book:
            sheets = list_sheets(book)
            shown = [sheet for sheet in sheets if sheet.visible]
            if not shown:
                raise WorkbookShapeError("no visible sheet")
            return shown[0], sheets, first_formula_cell(book, shown[0].part)
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise WorkbookShapeError from error
