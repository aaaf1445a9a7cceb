"""Read a settings file (the policy, a mapping) as TOML, with one sentence for each way
it can fail: missing, a folder, unreadable, not UTF-8, not TOML, nested too deeply."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible


def read_toml(path: Path, what: str, error: type[CfmonitorError]) -> dict[str, Any]:
    """The file's table; `what` names the file in messages ("policy file"), and `error`
    is the error class its command reports (a byte-order mark is allowed)."""
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise error(f"{where}: no such {what}") from None
    except IsADirectoryError:
        raise error(f"{where}: is a folder, not a {what}") from None
    except PermissionError:
        raise error(f"{where}: permission denied reading the {what}") from None
    except UnicodeDecodeError:
        raise error(f"{where}: not UTF-8 text") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as failure:
        raise error(f"{where}: not valid TOML ({visible(str(failure))})") from None
    except RecursionError:
        raise error(f"{where}: is nested too deeply to be a {what}") from None
