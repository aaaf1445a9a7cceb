"""Redraw a widget in place: a new layout of the whole screen only when its height changes.

A layout costs the screen a reflow and a full repaint; a what-if move redraws the same
lines with new figures, so most of its redraws need neither.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widget import Widget
from textual.widgets import Static


def refresh_in_place(widget: Widget) -> None:
    """Repaint `widget`, whose content just changed; lay the screen out again only if
    that content now takes another number of lines (or the widget has no size yet)."""
    width, height = widget.content_size
    lines = widget.get_content_height(widget.size, widget.app.size, width) if width else None
    widget.refresh(layout=lines != height)


def update_in_place(static: Static, content: VisualType) -> None:
    """Show `content` in `static`, as `refresh_in_place` redraws it."""
    static.update(content, layout=False)
    refresh_in_place(static)
