"""The key bar at the bottom of every screen: the keys that work here now, on one line.

Textual's Footer rebuilds a widget per key each time a screen is shown, which was 85% of
the cost of a drill-down (about 130 of 155 ms CPU for there and back on the demo data).
This bar draws the keys as one line of text. When they do not all fit, the least needed
give way (`?` help, which lists every key, always stays); a click on a key presses it.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.geometry import Size
from textual.widget import Widget

GAP = "  "
PRIORITY = (
    "back",
    "quit-top",
    "close-help",
    "retry",
    "error-back",
    "error-quit",
    "help",
    "clear-filter",
    "filter",
    "flagged",
    "problems",
    "unallocated",
    "what-if",
    "list-moves",
    "undo-move",
    "show-name",
    "trend",
    "next-chart",
    "table.sort",
    "as-of",
    "error-as-of",
    "export",
    "palette",
    "table.reverse",
    "reload",
)
"""Which keys stay when the line is short, most needed first (others after these)."""


def _rank(binding: Binding) -> int:
    return PRIORITY.index(binding.id) if binding.id in PRIORITY else len(PRIORITY)


class KeyBar(Widget):
    """Shows `key Description` for the bindings the screen offers now, on one line."""

    DEFAULT_CSS = """
    KeyBar {
        dock: bottom;
        height: auto;
        background: $footer-background;
        padding: 0 1;
        link-style: none;
        link-style-hover: reverse;
    }
    """

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def _bindings_changed(self, _screen: object) -> None:
        self.refresh()  # always one line: new keys need no new layout of the screen

    def bindings(self) -> list[tuple[str, Binding]]:
        """(key as shown, binding) for each distinct shown binding, palette last."""
        seen: set[tuple[str, str]] = set()
        shown: list[tuple[str, Binding]] = []
        palette: list[tuple[str, Binding]] = []
        for active in self.screen.active_bindings.values():
            binding = active.binding
            if binding.system or (not binding.show and binding.action != "command_palette"):
                continue
            identity = (binding.action, binding.description)
            if identity in seen:
                continue  # esc, backspace and q share one binding: list it once
            seen.add(identity)
            entry = (self.app.get_key_display(binding), binding)
            (palette if binding.action == "command_palette" else shown).append(entry)
        return shown + palette

    def _chunks(self) -> list[tuple[Binding, Text]]:
        variables = self.app.theme_variables
        key_style = Style.parse(f"bold {variables.get('footer-key-foreground', '')}".strip())
        chunks = []
        for key, binding in self.bindings():
            press = Style(meta={"@click": f"app.simulate_key({binding.key.split(',')[0]!r})"})
            chunk = Text(no_wrap=True)
            chunk.append(key, key_style + press)
            chunk.append(" ")
            chunk.append(binding.description, press)
            chunks.append((binding, chunk))
        return chunks

    def shown(self, width: int) -> list[Binding]:
        """The bindings drawn in `width` cells, most needed first."""
        return [binding for binding, _chunk in self._fitting(width)]

    def _fitting(self, width: int) -> list[tuple[Binding, Text]]:
        chunks = self._chunks()
        for gap in (GAP, " "):
            if self._width(chunks, gap) <= width:
                return sorted(chunks, key=lambda entry: _rank(entry[0]))
        kept: list[tuple[Binding, Text]] = []
        for entry in sorted(chunks, key=lambda entry: _rank(entry[0])):
            if self._width([*kept, entry], " ") <= width:
                kept.append(entry)
        return sorted(kept, key=lambda entry: _rank(entry[0]))

    @staticmethod
    def _width(chunks: list[tuple[Binding, Text]], gap: str) -> int:
        return sum(chunk.cell_len for _b, chunk in chunks) + len(gap) * max(0, len(chunks) - 1)

    def _line(self, width: int) -> Text:
        chunks = self._fitting(width)
        gap = GAP if self._width(chunks, GAP) <= width else " "
        line = Text(no_wrap=True, overflow="ellipsis")
        for index, (_binding, chunk) in enumerate(chunks):
            if index:
                line.append(gap)
            line.append_text(chunk)
        return line

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return 1

    def render(self) -> Text:
        return self._line(self.content_size.width or self.size.width)
