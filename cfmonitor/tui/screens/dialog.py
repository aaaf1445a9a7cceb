"""What the small dialogs share: esc cancels, and the dialog returns None."""

from __future__ import annotations

from typing import Generic, TypeVar

from textual.binding import Binding
from textual.screen import ModalScreen

Result = TypeVar("Result")


def cancel_binding(binding_id: str, tooltip: str) -> Binding:
    return Binding("escape", "cancel", "Cancel", key_display="esc", id=binding_id, tooltip=tooltip)


class Dialog(ModalScreen[Result], Generic[Result]):
    """A modal that esc (its `cancel_binding`) dismisses with None."""

    def action_cancel(self) -> None:
        self.dismiss(None)
