"""Make data safe to put on a terminal: no markup, no control characters, no bidi tricks.

Worker names, team names and case references come from other systems and may hold
anything. Rich and Textual parse `str` as markup and pass control characters straight
to the terminal, so data is always shown through `safe_text` (a `rich.text.Text`,
never parsed) after `visible` has replaced every control, format or bidi-override
character with a visible escape such as `\\x1b` or `\\u202e`.
"""

from __future__ import annotations

import unicodedata
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # Rich on first use: a JSON report never draws a Rich Text
    from rich.style import StyleType
    from rich.text import Text

_HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})


def _shown(char: str) -> str:
    if unicodedata.category(char) not in _HIDDEN_CATEGORIES:
        return char
    code = ord(char)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(value: object) -> str:
    """The value as text with control, format and bidi-override characters made visible."""
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    if text.isprintable():
        return text
    return "".join(_shown(char) for char in text)


def safe_text(value: object, style: StyleType = "") -> Text:
    """A Rich `Text` that shows `value` literally: markup is never interpreted."""
    from rich.text import Text

    return Text(visible(value), style=style, no_wrap=True, overflow="ellipsis")
