"""Headline figures: short labels over their values, laid out to fit the width."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.widget import Widget

TILE_WIDTH = 19
"""Wide enough for `FTE in post` and `1,234.5 / 1,300.0`."""


@dataclass(frozen=True)
class Figure:
    """One headline: a label the app writes and a value that may hold data (hence Text)."""

    label: str
    value: Text


class Figures(Widget):
    """A grid of labelled figures; as many columns as the width allows."""

    DEFAULT_CSS = """
    Figures { height: auto; }
    """

    def __init__(self, *, id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=id, classes=classes)
        self._figures: list[Figure] = []

    def show(self, figures: list[Figure]) -> None:
        self._figures = figures
        self.refresh(layout=True)

    @property
    def figures(self) -> list[Figure]:
        return list(self._figures)

    def _columns(self, width: int) -> int:
        return max(1, min(len(self._figures) or 1, width // TILE_WIDTH))

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[override]
        if not self._figures:
            return 1
        columns = self._columns(width)
        rows = -(-len(self._figures) // columns)
        return rows * 2

    def render(self) -> Table | Text:
        if not self._figures:
            return Text("")
        columns = self._columns(self.content_size.width or self.size.width)
        grid = Table.grid(expand=True, padding=(0, 1))
        for _ in range(columns):
            grid.add_column(ratio=1, no_wrap=True, overflow="ellipsis")
        for start in range(0, len(self._figures), columns):
            chunk = self._figures[start : start + columns]
            labels = [Text(figure.label, style="dim") for figure in chunk]
            values = [figure.value for figure in chunk]
            padding = [Text("")] * (columns - len(chunk))
            grid.add_row(*labels, *padding)
            grid.add_row(*values, *padding)
        return grid
