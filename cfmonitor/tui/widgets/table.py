"""The caseload table used by every screen: a line-by-line table on Textual's `ScrollView`.

Textual's DataTable measures every cell of every row up front (about 6.7 s for 35,000
rows); this table keeps one Polars frame and draws only the lines on screen, so painting,
sorting and filtering cost the same for 35 rows or 35,000. Sorting and filtering happen in
Polars on raw values (`TableRows`); each visible line is drawn from its row's values by the
columns' renderers, always as `Text` (markup in data is never parsed) and cropped to exactly
the column's width in terminal cells.

Keys: up/down (j/k), pageup/pagedown, home/end (g/G) move the cursor; enter selects; `s`
or `]` sorts by the next column, `[` by the one before, `S` reverses the sort and `o` goes
back to the screen's own order. A click on a row moves the cursor there, a click on the
cursor row (or a double click) selects it; a click on a header sorts by that column.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

import polars as pl
from rich.cells import cell_len
from rich.console import Console
from rich.errors import StyleSyntaxError
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.cache import LRUCache
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.strip import Strip

from cfmonitor.safe_text import safe_text
from cfmonitor.tui.widgets.table_columns import (
    COLUMN_GAP,
    CellRenderer,
    Column,
    count_cell,
    fit_columns,
    number_cell,
    percent_cell,
    status_cell,
    text_cell,
)
from cfmonitor.tui.widgets.table_rows import TableRows, holds_text

__all__ = [
    "CaseloadTable",
    "CellRenderer",
    "Column",
    "count_cell",
    "number_cell",
    "percent_cell",
    "status_cell",
    "text_cell",
]

SORT_ASCENDING = "▲"
SORT_DESCENDING = "▼"
HEADER_HEIGHT = 1

Layout = tuple[tuple[Column, int], ...]


def _cell_segments(text: object, width: int, align: str, console: Console) -> list[Segment]:
    """`text` drawn in exactly `width` terminal cells: cut with an ellipsis, or padded."""
    if not isinstance(text, Text):
        text = safe_text(text)  # a renderer returned a str: never parse it as markup
    elif not text.spans and text.plain.isprintable() and cell_len(text.plain) <= width:
        # Most cells: one style, and room to spare. What `render` below gives, without
        # copying, cropping and rendering a Text for every cell of every line drawn.
        plain = text.plain
        gap = " " * (width - cell_len(plain))
        plain = gap + plain if align == "right" else plain + gap
        style = console.get_style(text.style, default=Style.null()) if text.style else None
        return [Segment(plain, style)]
    elif not text.plain.isprintable():
        # A renderer that skipped safe_text: show its characters, keep only its base style.
        text = safe_text(text.plain, style=text.style)
    else:
        text = text.copy()
    text.truncate(width, overflow="ellipsis")
    spare = width - text.cell_len
    if spare > 0:
        if align == "right":
            text.pad_left(spare)
        else:
            text.pad_right(spare)
    base = console.get_style(text.style, default=Style.null()) if text.style else None
    segments = Segment.apply_style(text.render(console), base)
    return list(Strip(segments).adjust_cell_length(width))


class _RowMessage(Message):
    """A message about one row of a table, named by the row's key."""

    def __init__(self, table: CaseloadTable, key: object) -> None:
        super().__init__()
        self.table = table
        self.key = key

    @property
    def control(self) -> CaseloadTable:
        return self.table


class CaseloadTable(ScrollView, can_focus=True):
    """A sortable, filterable table of one Polars frame that draws only the visible lines."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding(
            "enter",
            "select_cursor",
            "Open",
            show=False,
            id="table.select",
            tooltip="Open the row under the cursor.",
        ),
        Binding("up,k", "cursor_up", "Up", show=False, id="table.up", tooltip="Up one row."),
        Binding(
            "down,j", "cursor_down", "Down", show=False, id="table.down", tooltip="Down one row."
        ),
        Binding(
            "pageup", "page_up", "Page up", show=False, id="table.page_up", tooltip="Up a page."
        ),
        Binding(
            "pagedown",
            "page_down",
            "Page down",
            show=False,
            id="table.page_down",
            tooltip="Down a page.",
        ),
        Binding(
            "home,g", "cursor_first", "First row", show=False, id="table.first", tooltip="Top row."
        ),
        Binding(
            "end,G", "cursor_last", "Last row", show=False, id="table.last", tooltip="Last row."
        ),
        Binding(
            "s,right_square_bracket",
            "sort_next",
            "Sort",
            tooltip="Sort by the next column to the right (s or ]).",
            id="table.sort",
        ),
        Binding(
            "left_square_bracket",
            "sort_previous",
            "Sort left",
            show=False,
            tooltip="Sort by the column to the left instead.",
            id="table.sort-previous",
        ),
        Binding("S", "reverse_sort", "Reverse", tooltip="Reverse the sort.", id="table.reverse"),
        Binding(
            "o",
            "own_order",
            "Own order",
            show=False,
            tooltip="Back to the screen's own order (no column sorted).",
            id="table.own-order",
        ),
    ]

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "table--header",
        "table--header-sorted",
        "table--cursor",
        "table--empty",
        "table--flagged",
    }

    DEFAULT_CSS = """
    CaseloadTable {
        height: 1fr;
        background: $surface;
        color: $foreground;
        & > .table--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        &:ansi > .table--header {
            background: ansi_bright_blue;
            color: ansi_default;
        }
        & > .table--header-sorted {
            color: $text-accent;
        }
        & > .table--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .table--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .table--empty {
            color: $text-muted;
            text-style: italic;
        }
        & > .table--flagged {
            text-style: bold;
        }
    }
    """

    class RowHighlighted(_RowMessage):
        """The cursor moved to another row (`key` is None when no row is shown)."""

    class RowSelected(_RowMessage):
        """The user chose the row under the cursor (enter, or a click on the cursor row)."""

    def __init__(
        self,
        *,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._rows = TableRows()
        self._columns: tuple[Column, ...] = ()
        self._generation = 0
        self._cursor = 0
        self._anchor_key: object = None
        self._announced_key: object = _NOTHING_ANNOUNCED
        self._layout: Layout = ()
        self._layout_for: tuple[int, int] = (-1, -1)
        self._line_cache: LRUCache[tuple[int, int, int], list[Segment]] = LRUCache(2048)
        self._named_styles: dict[str, Style] = {}
        self._pass_style: Style | None = None
        self._sort_to_come: tuple[str | None, bool | None] | None = None

    # ---- data ---------------------------------------------------------------------------

    def set_frame(
        self,
        frame: pl.DataFrame,
        key: str,
        columns: Sequence[Column],
        *,
        row_style: pl.Expr | str | None = None,
    ) -> None:
        """Show `frame`: one row per frame row, identified by its `key` column.

        The filter, flagged-only predicate and sort are kept, and so is the cursor row (by
        key) when it is still there. `row_style` is a frame column or an expression giving,
        per row, a Rich style such as "bold" or one of this widget's component classes
        (e.g. "table--flagged", bold unless the app's stylesheet says otherwise), or null.
        """
        columns = tuple(columns)
        for column in columns:
            if column.key not in frame.columns:
                raise ValueError(f"the table's frame has no column {column.key!r}")
        search_columns: list[str | pl.Expr] = [
            column.key if column.search_text is None else column.search_text
            for column in columns
            if (
                column.searchable
                if column.searchable is not None
                else column.search_text is not None or holds_text(frame.schema[column.key])
            )
        ]
        was_at = self.cursor_key
        old_index = self._cursor
        self._rows.load(frame, key, search_columns, row_style)
        self._columns = columns
        if self._sort_to_come is not None:
            sort_key, descending = self._sort_to_come
            self._sort_to_come = None
            if sort_key is None or sort_key in frame.columns:
                if descending is None:
                    descending = sort_key is not None and self._descending_first(sort_key)
                self._rows.set_sort(sort_key, descending)
        self._generation += 1
        self._line_cache.clear()
        self._view_changed(was_at, fallback=old_index)

    def filter_text(self, text: str) -> None:
        """Show only rows whose searchable columns contain `text` (any case); "" shows all."""
        was_at = self.cursor_key
        self._rows.set_filter(text)
        self._view_changed(was_at, fallback=0)

    def set_flagged_only(self, predicate: pl.Expr | None) -> None:
        """Show only rows for which `predicate` is true (nulls count as false); None shows all."""
        was_at = self.cursor_key
        self._rows.set_flag(predicate)
        self._view_changed(was_at, fallback=0)

    def sort_by(self, column_key: str | None, descending: bool | None = None) -> None:
        """Sort by the raw values of a frame column (nulls last); None restores frame order.

        `descending` None means the column's first direction: biggest first for numbers,
        A to Z for text, unless the `Column` says otherwise. Before the first frame, the
        sort is kept for it (and forgotten if that frame has no such column).
        """
        if not self._rows.loaded:
            self._sort_to_come = (column_key, descending)
            return
        if descending is None:
            descending = column_key is not None and self._descending_first(column_key)
        was_at = self.cursor_key
        self._rows.set_sort(column_key, descending)
        self._view_changed(was_at, fallback=self._cursor)

    def sort_next(self, step: int = 1) -> None:
        """Sort by the column after (`s`, `]`) or before (`[`) the current sort column,
        among those shown; from the screen's own order, the first (or the last)."""
        keys = [column.key for column, _ in self._current_layout()] or [
            column.key for column in self._columns
        ]
        if not keys:
            return
        current = self._rows.sort_key
        start = 0 if step > 0 else -1
        position = keys.index(current) + step if current in keys else start
        self.sort_by(keys[position % len(keys)])

    def reverse_sort(self) -> None:
        """Reverse the direction of the sort (the `S` key); sorts by the first column if none."""
        current = self._rows.sort_key
        if current is None:
            if self._columns:
                first = self._columns[0].key
                self.sort_by(first, not self._descending_first(first))
            return
        self.sort_by(current, not self._rows.sort_descending)

    @property
    def visible_frame(self) -> pl.DataFrame:
        """The rows shown, in the order shown (after filter, flagged-only and sort)."""
        return self._rows.visible_frame

    @property
    def frame(self) -> pl.DataFrame:
        """Every row last given to `set_frame`."""
        return self._rows.frame

    @property
    def row_count(self) -> int:
        """How many rows are shown."""
        return len(self._rows)

    @property
    def total_count(self) -> int:
        """How many rows the frame has, shown or not."""
        return self._rows.total

    @property
    def columns(self) -> tuple[Column, ...]:
        return self._columns

    @property
    def shown_columns(self) -> tuple[Column, ...]:
        """The columns that fit the current width (low-priority ones are dropped first)."""
        return tuple(column for column, _ in self._current_layout())

    @property
    def column_widths(self) -> tuple[tuple[Column, int], ...]:
        """Each column shown, left to right, with the cells it is drawn in."""
        return self._current_layout()

    @property
    def filter_value(self) -> str:
        return self._rows.filter_text

    @property
    def flagged_only(self) -> bool:
        return self._rows.flag is not None

    @property
    def sort_key(self) -> str | None:
        return self._rows.sort_key

    @property
    def sort_descending(self) -> bool:
        return self._rows.sort_descending

    # ---- cursor -------------------------------------------------------------------------

    @property
    def cursor_row(self) -> int:
        """The cursor's position among the rows shown."""
        return self._cursor

    @property
    def cursor_key(self) -> object:
        """The key of the row under the cursor, or None when no row is shown."""
        if not len(self._rows):
            return None
        return self._rows.key_at(self._cursor)

    def move_cursor_to_key(self, key: object) -> bool:
        """Put the cursor on the row with `key`; False (cursor unmoved) if it is not shown."""
        index = self._rows.index_of(key)
        if index is None:
            return False
        self.move_cursor(index)
        return True

    def move_cursor(self, row: int) -> None:
        """Put the cursor on the row at position `row` of the rows shown (clamped)."""
        if not len(self._rows):
            return
        old = self._cursor
        self._cursor = max(0, min(row, len(self._rows) - 1))
        self._anchor_key = self.cursor_key
        self.refresh_line(old + HEADER_HEIGHT)
        self.refresh_line(self._cursor + HEADER_HEIGHT)
        self._scroll_cursor_into_view()
        self._announce_cursor()

    def _view_changed(self, was_at: object, fallback: int) -> None:
        """After the shown rows changed: find the cursor's row again, repaint, scroll."""
        for key in (self._anchor_key, was_at):
            index = self._rows.index_of(key)
            if index is not None:
                break
        else:
            index = fallback
        self._cursor = max(0, min(index, len(self._rows) - 1))
        if self._anchor_key is None:
            self._anchor_key = self.cursor_key
        self._update_virtual_size()
        self.refresh()
        self._scroll_cursor_into_view()
        self._announce_cursor()

    def _announce_cursor(self) -> None:
        key = self.cursor_key
        if self._announced_key is _NOTHING_ANNOUNCED or key != self._announced_key:
            self._announced_key = key
            self.post_message(self.RowHighlighted(self, key))

    def _body_height(self) -> int:
        return max(1, self.scrollable_content_region.height - HEADER_HEIGHT)

    def _scroll_cursor_into_view(self) -> None:
        body = self._body_height()
        top = round(self.scroll_y)
        if self._cursor < top:
            target = self._cursor
        elif self._cursor >= top + body:
            target = self._cursor - body + 1
        else:
            return
        self.scroll_to(y=target, animate=False)

    def action_cursor_up(self) -> None:
        self.move_cursor(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self.move_cursor(self._cursor + 1)

    def action_page_up(self) -> None:
        self.move_cursor(self._cursor - self._body_height())

    def action_page_down(self) -> None:
        self.move_cursor(self._cursor + self._body_height())

    def action_cursor_first(self) -> None:
        self.move_cursor(0)

    def action_cursor_last(self) -> None:
        self.move_cursor(len(self._rows) - 1)

    def action_select_cursor(self) -> None:
        if len(self._rows):
            self.post_message(self.RowSelected(self, self.cursor_key))

    def action_sort_next(self) -> None:
        self.sort_next()

    def action_sort_previous(self) -> None:
        self.sort_next(-1)

    def action_reverse_sort(self) -> None:
        self.reverse_sort()

    def action_own_order(self) -> None:
        self.sort_by(None)

    async def _on_click(self, event: events.Click) -> None:
        meta = event.style.meta
        if "column" in meta:
            event.stop()
            column_key = meta["column"]
            if column_key == self._rows.sort_key:
                self.reverse_sort()
            else:
                self.sort_by(column_key)
        elif "row" in meta and len(self._rows):
            event.stop()
            row = meta["row"]
            if row == self._cursor:
                self.action_select_cursor()
            else:
                self.move_cursor(row)

    def on_resize(self, event: events.Resize) -> None:
        self._update_virtual_size()
        self._scroll_cursor_into_view()

    def watch_show_vertical_scrollbar(self) -> None:
        # The scrollbar takes cells from the columns: fit them again, or a needless
        # horizontal scrollbar appears.
        self._update_virtual_size()

    # ---- drawing ------------------------------------------------------------------------

    def _descending_first(self, column_key: str) -> bool:
        for column in self._columns:
            if column.key == column_key and column.sort_descending_first is not None:
                return column.sort_descending_first
        schema = self._rows.frame.schema
        return column_key in schema and schema[column_key].is_numeric()

    def _current_layout(self) -> Layout:
        width = self.scrollable_content_region.width
        if self._layout_for != (width, self._generation):
            self._layout = fit_columns(self._columns, width)
            self._layout_for = (width, self._generation)
        return self._layout

    def _update_virtual_size(self) -> None:
        layout = self._current_layout()
        width = sum(cell_width for _, cell_width in layout) + COLUMN_GAP * max(0, len(layout) - 1)
        height = HEADER_HEIGHT + max(1, len(self._rows))
        size = Size(width, height)
        if size == self.virtual_size:
            return
        if self._fits(size) and self._fits(self.virtual_size):
            # No scrollbar comes or goes (a move's rows in a table that holds them all):
            # repainting is enough, and spares the whole screen a new layout.
            self.set_reactive(CaseloadTable.virtual_size, size)
            self.refresh()
        else:
            self.virtual_size = size

    def _fits(self, size: Size) -> bool:
        """True when `size` fits the table's region, so it needs no scrollbar."""
        region = self.scrollable_content_region
        return bool(region.area) and size.width <= region.width and size.height <= region.height

    def _named_style(self, name: str) -> Style:
        style = self._named_styles.get(name)
        if style is None:
            if name in self.COMPONENT_CLASSES:
                return self.get_component_rich_style(name, partial=True)
            try:
                style = Style.parse(name)
            except StyleSyntaxError:
                style = Style.null()
            self._named_styles[name] = style
        return style

    def render_lines(self, crop: Region) -> list[Strip]:
        """The table's style is worked out from its ancestors': once for all the lines
        drawn together, not once a line."""
        self._pass_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._pass_style = None

    def render_line(self, y: int) -> Strip:
        width = self.scrollable_content_region.width
        scroll_x, scroll_y = self.scroll_offset
        base = self._pass_style or self.rich_style
        layout = self._current_layout()
        if y < HEADER_HEIGHT:
            line = self._header_line(layout)
            style = base + self.get_component_rich_style("table--header")
        else:
            index = scroll_y + y - HEADER_HEIGHT
            if index < len(self._rows):
                line, style = self._row_line(index, layout, base)
            elif index == 0:
                style = base + self.get_component_rich_style("table--empty")
                message = "No rows match." if self.total_count else "No rows."
                line = Strip(_cell_segments(Text(message), len(message), "left", self.app.console))
            else:
                return Strip.blank(width, base)
        line = Strip(Segment.apply_style(line, style)).extend_cell_length(scroll_x + width, style)
        return line.crop(scroll_x, scroll_x + width)

    def _header_line(self, layout: Layout) -> Strip:
        console = self.app.console
        sorted_style = self.get_component_rich_style("table--header-sorted", partial=True)
        segments: list[Segment] = []
        for position, (column, width) in enumerate(layout):
            if position:
                segments.append(Segment(" " * COLUMN_GAP))
            label = safe_text(column.label)
            cell_style = Style.from_meta({"column": column.key})
            if column.key == self._rows.sort_key:
                arrow = SORT_DESCENDING if self._rows.sort_descending else SORT_ASCENDING
                room = width - 1  # the arrow always shows; a space before it if there is room
                label.truncate(max(0, room), overflow="ellipsis")
                gap = " " if label.plain and label.cell_len < room else ""
                label = Text.assemble(label, gap, arrow)
                cell_style = sorted_style + cell_style
            cell = _cell_segments(label, width, column.align, console)
            segments.extend(Segment.apply_style(cell, post_style=cell_style))
        return Strip(segments)

    def _row_line(self, index: int, layout: Layout, base: Style) -> tuple[Strip, Style]:
        rows = self._rows
        cache_key = (rows.row_id(index), self._generation, self._layout_for[0])
        segments = self._line_cache.get(cache_key)
        if segments is None:
            console = self.app.console
            values = rows.row(index)
            segments = []
            for position, (column, width) in enumerate(layout):
                if position:
                    segments.append(Segment(" " * COLUMN_GAP))
                text = column.render(values[column.key], values)
                segments.extend(_cell_segments(text, width, column.align, console))
            self._line_cache.set(cache_key, segments)
        style = base
        row_style = rows.row_style(index)
        if row_style:
            style += self._named_style(row_style)
        style += Style.from_meta({"row": index})
        if index != self._cursor:
            return Strip(segments), style
        cursor = self.get_component_rich_style("table--cursor")
        # The cursor's colours win over the cells' own, as in Textual's DataTable.
        post = Style.from_color(cursor.color, cursor.bgcolor)
        return Strip(Segment.apply_style(segments, None, post)), style + cursor


_NOTHING_ANNOUNCED = object()
