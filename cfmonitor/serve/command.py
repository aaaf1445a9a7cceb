"""The command line of one browser tab's app process.

textual-serve starts each app through a shell (`asyncio.create_subprocess_shell`), so
every argument is quoted with `shlex.join`: a database path with spaces, quotes, `;`,
`$(…)` or backticks reaches the app as the same path, never as shell syntax. `exec`
makes the app process itself the shell's process, so ending it ends the app.
"""

from __future__ import annotations

import datetime as dt
import shlex
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class AppArguments:
    """What `cfmonitor serve` passes on to every tab's `cfmonitor` (the TUI)."""

    db: Path | None = None
    as_of: dt.date | None = None
    policy: Path | None = None

    def argv(self, python: str = sys.executable) -> list[str]:
        arguments = [python, "-m", "cfmonitor"]
        if self.db is not None:
            arguments += ["--db", str(self.db)]
        if self.as_of is not None:
            arguments += ["--as-of", self.as_of.isoformat()]
        if self.policy is not None:
            arguments += ["--policy", str(self.policy)]
        return arguments

    def shell_command(self, python: str = sys.executable) -> str:
        """One line for `sh -c`, every argument quoted."""
        return "exec " + shlex.join(self.argv(python))
