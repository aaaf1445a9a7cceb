"""A real terminal for tests: the app in a pseudo-terminal (pexpect), read by a terminal
emulator (pyte), so a test sees the characters a user would see.

Every wait polls the screen with a timeout; nothing sleeps a fixed time.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import pexpect
import pyte

KEYS = {
    "escape": "\x1b",
    "enter": "\r",
    "backspace": "\x7f",
    "tab": "\t",
    "shift+tab": "\x1b[Z",
    "up": "\x1b[A",
    "down": "\x1b[B",
    "right": "\x1b[C",
    "left": "\x1b[D",
    "home": "\x1b[H",
    "end": "\x1b[F",
    "pageup": "\x1b[5~",
    "pagedown": "\x1b[6~",
    "space": " ",
    "slash": "/",
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "ctrl+a": "\x01",
    "ctrl+k": "\x0b",
    "ctrl+p": "\x10",
    "ctrl+q": "\x11",
}
"""Textual's key names as the bytes a terminal sends for them."""
ESCAPE_GAP = 0.2
"""Seconds after a bare ESC before the next key: twice Textual's default ESCDELAY."""


class AppStopped(AssertionError):
    """The app's process ended while the test still expected it to run."""


class Terminal:
    """`python -m cfmonitor ARGS` in a `columns`×`lines` pseudo-terminal."""

    def __init__(
        self,
        args: Sequence[str],
        *,
        home: Path,
        columns: int = 120,
        lines: int = 36,
        extra_env: dict[str, str] | None = None,
    ) -> None:
        home.mkdir(parents=True, exist_ok=True)
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("TEXTUAL", "CFMONITOR", "NO_COLOR", "XDG_", "COLUMNS", "LINES"))
        }
        env.update(
            HOME=str(home),
            XDG_CACHE_HOME=str(home / ".cache"),
            XDG_CONFIG_HOME=str(home / ".config"),
            XDG_DATA_HOME=str(home / ".local" / "share"),
            TERM="xterm-256color",
            COLORTERM="truecolor",
            LANG="C.UTF-8",
            LC_ALL="C.UTF-8",
        )
        env.update(extra_env or {})
        self.screen = pyte.Screen(columns, lines)
        self.stream = pyte.ByteStream(self.screen)
        self.child = pexpect.spawn(
            sys.executable,
            ["-m", "cfmonitor", *args],
            env=env,
            cwd=str(home),
            dimensions=(lines, columns),
        )
        # pexpect sleeps 50 ms before every send by default (for programs that turn echo
        # off late); Textual reads the terminal raw from the start, so keys go at once.
        self.child.delaybeforesend = None

    # --- reading ------------------------------------------------------------------

    def _pump(self, wait: float) -> None:
        try:
            data = self.child.read_nonblocking(1 << 16, timeout=wait)
        except pexpect.TIMEOUT:
            return
        except pexpect.EOF:
            raise AppStopped(f"the app stopped; its last screen:\n{self.text()}") from None
        self.stream.feed(data)

    def _pump_for(self, seconds: float) -> None:
        """Read what arrives for `seconds`, however much comes before."""
        deadline = time.monotonic() + seconds
        while (left := deadline - time.monotonic()) > 0:
            self._pump(left)

    def text(self) -> str:
        return "\n".join(line.rstrip() for line in self.screen.display)

    def line_with(self, needle: str) -> str:
        """The first screen line holding `needle` ("" if none)."""
        return next((line for line in self.screen.display if needle in line), "")

    def wait_for(self, *texts: str, absent: Sequence[str] = (), timeout: float = 30) -> str:
        """Wait until every text is on screen (and none of `absent`); the screen's text."""
        deadline = time.monotonic() + timeout
        while True:
            self._pump(0.05)
            shown = self.text()
            if all(text in shown for text in texts) and not any(a in shown for a in absent):
                # Let the rest of this frame arrive, then look again.
                self._pump(0.05)
                shown = self.text()
                if all(text in shown for text in texts) and not any(a in shown for a in absent):
                    return shown
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout:.0f} s for {texts!r} (without {tuple(absent)!r}); "
                    f"the screen:\n{shown}"
                )

    def wait_until(self, check, what: str, timeout: float = 30) -> None:
        """Wait until `check(terminal)` is true."""
        deadline = time.monotonic() + timeout
        while not check(self):
            self._pump(0.05)
            if time.monotonic() > deadline:
                raise AssertionError(
                    f"waited {timeout:.0f} s for {what}; the screen:\n{self.text()}"
                )

    # --- writing ------------------------------------------------------------------

    def press(self, *keys: str) -> None:
        """Send keys by Textual's names ("enter", "ctrl+p") or as the characters typed."""
        for key in keys:
            self.child.send(KEYS.get(key, key))
            if key == "escape":
                # A bare ESC followed at once by another key reads as alt+key (as in any
                # terminal): wait out Textual's disambiguation time (ESCDELAY, 100 ms),
                # as a person does, however soon the screen answers.
                self._pump_for(ESCAPE_GAP)
            else:
                self._pump(0.02)
        self.assert_running()

    def type(self, text: str) -> None:
        for char in text:
            self.child.send(char)
        self._pump(0.02)

    def assert_running(self) -> None:
        if not self.child.isalive():
            raise AppStopped(f"the app stopped; its last screen:\n{self.text()}")

    def close(self) -> None:
        if self.child.isalive():
            self.child.terminate(force=True)
