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
SCENARIO_BINDINGS: list[BindingType] = [
    Binding(
        "z",
        "app.undo_move",
        "Undo move",
        id="undo-move",
        tooltip="Take back the last move tried in the scenario.",
    ),
    Binding(
        "l",
        "app.list_moves",
        "Moves",
        id="list-moves",
        tooltip="The moves tried, before → after; export them as a proposal from there.",
    ),
    Binding(
        "X",
        "app.discard_scenario",
        "Discard",
        id="discard-scenario",
        tooltip="Forget every move tried: the figures as they are again.",
    ),
]
"""While a scenario is tried: on every screen (shown only when there are moves)."""
PRESENT_BINDING = Binding(
    "P",
    "app.toggle_presenting",
    "Present",
    id="present",
    tooltip="Presenter mode: colleagues' names as initials and staff ref, case and family "
    "references only on the open worker's screen (press again to end it).",
)
COMMON_BINDINGS += [*SCENARIO_BINDINGS, PRESENT_BINDING]
WHAT_IF_BINDING = Binding(
    "w",
    "what_if",
    "What if",
    id="what-if",
    tooltip="Move this case to… another worker, in a scenario: every screen shows the "
    "figures before → after. Nothing is written.",
)
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
