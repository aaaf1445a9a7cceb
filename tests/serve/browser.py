"""Drive Debian's Chromium with Playwright, and read the tab's screen through pyte.

xterm.js draws on a canvas, so the page has no text to query: the websocket's bytes are
fed to a terminal emulator of the size the page asked for, and tests read that.
Playwright delivers events only while one of its calls runs, so waiting is done with
`page.wait_for_timeout`, never `time.sleep`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, Playwright, WebSocket

from tests.serve.terminal import Screen

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch(playwright: Playwright, profile: Path) -> BrowserContext:
    """One Chromium, a fresh profile, never a downloaded browser build."""
    if not CHROMIUM.exists():
        raise FileNotFoundError(f"{CHROMIUM} is not installed (apt-get install chromium)")
    return playwright.chromium.launch_persistent_context(
        str(profile),
        executable_path=str(CHROMIUM),
        args=CHROMIUM_FLAGS,
        headless=True,
        viewport={"width": 1280, "height": 800},
        accept_downloads=True,
        env={**os.environ, "TZ": "UTC"},
    )


class Tab:
    """A page, the screen its websocket draws, and everything it asked the network for."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.screen: Screen | None = None
        self.requests: list[str] = []
        self.console_errors: list[str] = []
        self.websocket_closed = False
        page.on("websocket", self._watch)
        page.on("request", lambda request: self.requests.append(request.url))
        page.on(
            "console",
            lambda message: (
                self.console_errors.append(message.text) if message.type == "error" else None
            ),
        )

    def _watch(self, websocket: WebSocket) -> None:
        websocket.on("framesent", self._sent)
        websocket.on("framereceived", self._received)
        websocket.on("close", lambda _: setattr(self, "websocket_closed", True))

    def _sent(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes):
            return
        message = json.loads(payload)
        if message[0] == "resize":
            columns, lines = message[1]["width"], message[1]["height"]
            if self.screen is None:
                self.screen = Screen(columns, lines)
            else:
                self.screen.resize(columns, lines)

    def _received(self, payload: str | bytes) -> None:
        if isinstance(payload, bytes) and self.screen is not None:
            self.screen.feed(payload)

    @property
    def text(self) -> str:
        return self.screen.text if self.screen is not None else ""

    @property
    def top_line(self) -> str:
        return self.screen.top_line if self.screen is not None else ""

    def wait_for(self, shows: Callable[[Tab], bool], what: str, timeout: float = 60) -> float:
        """Seconds until the screen `shows` it; fails saying what the screen shows."""
        started = time.monotonic()
        while not shows(self):
            if time.monotonic() - started > timeout:
                raise AssertionError(f"never showed {what}; the screen shows:\n{self.text}")
            self.page.wait_for_timeout(20)
        return time.monotonic() - started

    def press(self, key: str, shows: Callable[[Tab], bool], what: str) -> float:
        """Press a key and wait for the screen to show its effect."""
        started = time.monotonic()
        self.page.keyboard.press(key)
        self.wait_for(shows, what)
        return time.monotonic() - started
