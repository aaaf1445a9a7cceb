"""Redraw a Static in place: a new layout of the whole screen only when its height changes.

A layout costs the screen a reflow and a full repaint; a what-if move redraws the same
lines with new figures, so most of its redraws need neither.
"""

from __future__ import annotations

from textual.visual import VisualType
from textual.widgets import Static


def update_in_place(static: Static, content: VisualType) -> None:
    """Show `content` in `static`; lay the screen out again only if its height changed."""
    width, height = static.content_size
    static.update(content, layout=False)
    if not width or static.get_content_height(static.size, static.app.size, width) != height:
        static.refresh(layout=True)
