"""The key bar at the bottom of every screen: every key the screen has, in one or two lines.

Textual's Footer rebuilds a widget per key each time a screen is shown, which was 85% of
the cost of a drill-down (about 130 of 155 ms CPU for there and back on the demo data).
This bar draws the same keys as one line of text: it wraps to a second line rather than
hide a key at 80 columns, and a click on a key presses it.
"""

from __future__ import annotations

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.widget import Widget

GAP = "  "


class KeyBar(Widget):
    """Shows `key Description` for every binding the screen shows, wrapping as needed."""

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
        self.refresh(layout=True)

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

    def _chunks(self) -> list[Text]:
        variables = self.app.theme_variables
        key_style = Style.parse(f"bold {variables.get('footer-key-foreground', '')}".strip())
        chunks = []
        for key, binding in self.bindings():
            press = Style(meta={"@click": f"app.simulate_key({binding.key.split(',')[0]!r})"})
            chunk = Text(no_wrap=True)
            chunk.append(key, key_style + press)
            chunk.append(" ")
            chunk.append(binding.description, press)
            chunks.append(chunk)
        return chunks

    def _lines(self, width: int) -> list[Text]:
        """The keys in as few lines as fit: two spaces apart, or one when that saves a line."""
        chunks = self._chunks()
        roomy = self._pack(chunks, width, GAP)
        if len(roomy) == 1:
            return roomy
        tight = self._pack(chunks, width, " ")
        return tight if len(tight) < len(roomy) else roomy

    @staticmethod
    def _pack(chunks: list[Text], width: int, gap: str) -> list[Text]:
        lines: list[Text] = []
        line = Text(no_wrap=True, overflow="ellipsis")
        for chunk in chunks:
            if line.cell_len and line.cell_len + len(gap) + chunk.cell_len > width:
                lines.append(line)
                line = Text(no_wrap=True, overflow="ellipsis")
            if line.cell_len:
                line.append(gap)
            line.append_text(chunk)
        lines.append(line)
        return lines

    def get_content_height(self, container, viewport, width: int) -> int:  # type: ignore[override]
        return len(self._lines(width))

    def render(self) -> Text:
        return Text("\n").join(self._lines(self.content_size.width or self.size.width))
