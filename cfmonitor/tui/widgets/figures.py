"""Headline figures: short labels over their values, laid out to fit the width."""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.geometry import Size
from textual.widget import Widget

from cfmonitor.tui.widgets.in_place import refresh_in_place

TILE_WIDTH = 19
"""Wide enough for `FTE in post` and `1,234.5 / 1,300.0`."""
INLINE_BELOW = 100
"""Narrower than this, figures run on as `label value` pairs to save lines."""
GAP = "   "


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
        """Show `figures`; a new layout of the screen only when they take other lines."""
        self._figures = figures
        refresh_in_place(self)

    @property
    def figures(self) -> list[Figure]:
        return list(self._figures)

    def _inline_lines(self, width: int) -> list[Text]:
        """`label value   label value` packed into as few lines as fit `width`."""
        lines: list[Text] = []
        line = Text(no_wrap=True, overflow="ellipsis")
        for figure in self._figures:
            chunk = Text(no_wrap=True)
            chunk.append(figure.label + " ", "dim")
            chunk.append_text(figure.value)
            needed = chunk.cell_len + (len(GAP) if line.cell_len else 0)
            if line.cell_len and line.cell_len + needed > width:
                lines.append(line)
                line = Text(no_wrap=True, overflow="ellipsis")
            if line.cell_len:
                line.append(GAP)
            line.append_text(chunk)
        if line.cell_len:
            lines.append(line)
        return lines

    def _columns(self, width: int) -> int:
        return max(1, min(len(self._figures) or 1, width // TILE_WIDTH))

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        if not self._figures:
            return 1
        if width < INLINE_BELOW:
            return len(self._inline_lines(width))
        columns = self._columns(width)
        rows = -(-len(self._figures) // columns)
        return rows * 2

    def render(self) -> Table | Text:
        if not self._figures:
            return Text("")
        width = self.content_size.width or self.size.width
        if width < INLINE_BELOW:
            return Text("\n").join(self._inline_lines(width))
        columns = self._columns(width)
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
