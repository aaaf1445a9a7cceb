"""Read what a browser tab would show: the app's bytes fed to a terminal emulator (pyte)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

import pyte
from aiohttp import ClientWebSocketResponse, WSMsgType


class Screen:
    """A terminal of a fixed size; `text` is what a person would read on it."""

    def __init__(self, columns: int = 120, lines: int = 36) -> None:
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)

    def feed(self, data: bytes) -> None:
        self.stream.feed(data)

    def resize(self, columns: int, lines: int) -> None:
        self.screen.resize(lines, columns)

    @property
    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    @property
    def top_line(self) -> str:
        return self.screen.display[0]


async def read_until(
    websocket: ClientWebSocketResponse,
    screen: Screen,
    shows: Callable[[str], bool],
    timeout: float = 60,
) -> None:
    """Feed the websocket's bytes to `screen` until it `shows` what is wanted."""
    deadline = time.monotonic() + timeout
    while not shows(screen.text):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError(f"the screen never showed it; it shows:\n{screen.text}")
        try:
            message = await asyncio.wait_for(websocket.receive(), remaining)
        except TimeoutError:
            continue
        if message.type == WSMsgType.BINARY:
            screen.feed(message.data)
        elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            raise AssertionError(f"the session closed; the screen shows:\n{screen.text}")


async def wait_closed(websocket: ClientWebSocketResponse, screen: Screen, timeout: float) -> None:
    """Read until the server closes the websocket."""
    deadline = time.monotonic() + timeout
    while True:
        remaining = deadline - time.monotonic()
        assert remaining > 0, "the server never closed the session"
        message = await asyncio.wait_for(websocket.receive(), remaining)
        if message.type == WSMsgType.BINARY:
            screen.feed(message.data)
        elif message.type in (WSMsgType.CLOSE, WSMsgType.CLOSED, WSMsgType.CLOSING):
            return
