"""The keys more than one screen offers, each declared once (with its id and tooltip).

Where to add a key: a key every screen has goes in `COMMON_BINDINGS`; a key of one
screen goes in that screen's `BINDINGS`, with its `action_…` method beside it.
"""

from __future__ import annotations

from textual.binding import Binding, BindingType

COMMON_BINDINGS: list[BindingType] = [
    Binding("r", "app.reload", "Reload", id="reload", tooltip="Read the database again now."),
    Binding(
        "a",
        "app.change_as_of",
        "As of",
        id="as-of",
        tooltip="Change the day the figures are worked out for; everything is recomputed.",
    ),
    Binding(
        "question_mark",
        "app.help",
        "Help",
        key_display="?",
        id="help",
        tooltip="Every key on this screen, and what it does.",
    ),
]
BACK_BINDING = Binding(
    "escape,backspace,q",
    "back",
    "Back",
    key_display="esc",
    id="back",
    tooltip="Up one level (esc, backspace or q); with a filter open, close it first.",
)
EXPORT_BINDING = Binding(
    "e",
    "export",
    "Export",
    id="export",
    tooltip="Write the rows shown (filtered, sorted) to a CSV, Excel or Markdown file.",
)
FLAGGED_BINDING = Binding(
    "f",
    "toggle_flagged",
    "Flagged",
    id="flagged",
    tooltip="Show only the rows with someone over or near (press again for every row).",
)
FILTER_BINDING = Binding(
    "slash",
    "filter",
    "Filter",
    key_display="/",
    id="filter",
    tooltip="Filter this table as you type; enter keeps the filter, esc clears it.",
)
TREND_BINDING = Binding(
    "t",
    "trend",
    "Trend",
    id="trend",
    tooltip="Charts and a table of the measures over the last two years, week by week.",
)
