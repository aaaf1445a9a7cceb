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


def make_private_folders(folder: Path) -> None:
    """Create `folder` and any missing parents owner-only (0700), whatever the umask.

    `Path.mkdir(parents=True, mode=…)` gives the mode to the last folder only; the
    parents get the umask's default, which at umask 000 is world-writable.
    """
    missing = []
    current = folder
    while not current.exists():
        missing.append(current)
        if current.parent == current:
            break
        current = current.parent
    for path in reversed(missing):
        try:
            path.mkdir(mode=0o700)
        except FileExistsError:
            continue
        os.chmod(path, 0o700)
