"""Create files that hold data about children: readable by their owner only, never over another."""

from __future__ import annotations

import os
from pathlib import Path

from cfmonitor.errors import CfmonitorError


def create_private_file(path: Path) -> None:
    """Create `path` empty and readable by its owner only; refuse if it exists."""
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise CfmonitorError(f"{path}: already exists; cfmonitor will not overwrite it.") from None
    except FileNotFoundError:
        raise CfmonitorError(f"{path}: the folder does not exist.") from None
    except PermissionError:
        raise CfmonitorError(f"{path}: permission denied.") from None
    os.close(descriptor)
