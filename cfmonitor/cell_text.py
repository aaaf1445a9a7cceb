"""How a text cell is written into files other programs open: spreadsheets and Markdown.

Spreadsheets: a cell starting with `=`, `+`, `-`, `@`, tab or carriage return would run as
a formula, so every export writes it with a leading apostrophe (the export marker). A
value that itself starts with an apostrophe is marked too, so the import can always tell
the marker from data: it removes exactly one leading `'` when the next character is one
of those, or another `'`. `'=Jo` is written `''=Jo` and comes back as `'=Jo`.

Markdown: names from other systems may hold HTML or link syntax that a wiki or preview
would render live (`<img onerror=…>`, `[Click](javascript:…)`); every character Markdown
gives a meaning to is escaped, so the name shows as it is written.
"""

from __future__ import annotations

from cfmonitor.safe_text import visible

MARKER = "'"
MARKED_STARTS = ("=", "+", "-", "@", "\t", "\r", MARKER)
"""A text cell starting with one of these is written with the marker in front."""
MARKED_PATTERN = r"^[=+\-@\t\r']"
UNMARK_PATTERN = r"^'([=+\-@\t\r'])"
"""What the import removes (the marker) and keeps (the group)."""

_MARKDOWN_SPECIAL = frozenset("\\`*_[]()<>|~&")


def marked(value: str) -> str:
    """A text cell as an export writes it."""
    return MARKER + value if value.startswith(MARKED_STARTS) else value


def markdown_cell(value: object) -> str:
    """One table cell of Markdown that renders exactly as `value` reads: no HTML, no links."""
    if value is None:
        return ""
    text = visible(value)
    return "".join(
        "\\" + char if char in _MARKDOWN_SPECIAL and not _inside_word(text, index) else char
        for index, char in enumerate(text)
    )


def _inside_word(text: str, index: int) -> bool:
    """An underscore between letters (`in_post`) is never emphasis in CommonMark; keep it."""
    return (
        text[index] == "_"
        and 0 < index < len(text) - 1
        and text[index - 1].isalnum()
        and text[index + 1].isalnum()
    )
