"""Create files that hold data about children: readable by their owner only, never over another."""

from __future__ import annotations

import glob
import os
import re
import tempfile
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


def private_temporary_beside(path: Path, purpose: str, family: str | None = None) -> Path:
    """A new, empty, owner-only file in `path`'s folder with a name no other process has.

    Built there and then renamed (or linked) into place, a file is either whole under
    its real name or not there at all, even after `kill -9`; what such a kill leaves
    under the temporary name is removed the next time one of the `family` is made.
    """
    folder = path.parent if str(path.parent) else Path(".")
    _remove_abandoned(folder, family or path.name, purpose)
    try:
        descriptor, name = tempfile.mkstemp(
            prefix=f".{path.name}.{os.getpid()}.", suffix=purpose, dir=folder
        )
    except FileNotFoundError:
        raise CfmonitorError(f"{path}: the folder does not exist.") from None
    except PermissionError:
        raise CfmonitorError(f"{path}: permission denied.") from None
    os.close(descriptor)
    return Path(name)


def _remove_abandoned(folder: Path, family: str, purpose: str) -> None:
    """Delete temporaries (and their journals) left by a process that was killed.

    Their names are `.FAMILY….PID.RANDOM PURPOSE`; one whose process no longer runs
    is abandoned. `family` is a name, or the start of names (a database's backups).
    """
    shape = re.compile(rf"\.{re.escape(family)}.*?\.(\d+)\.[^.]+{re.escape(purpose)}(-journal)?")
    for leftover in folder.glob(f".{glob.escape(family)}*{glob.escape(purpose)}*"):
        match = shape.fullmatch(leftover.name)
        if match is None or _running(int(match.group(1))):
            continue
        leftover.unlink(missing_ok=True)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def move_into_place(temporary: Path, path: Path) -> None:
    """Give the finished `temporary` its real name; refuse (and keep nothing) if it is taken."""
    try:
        os.link(temporary, path)
    except FileExistsError:
        raise CfmonitorError(f"{path}: already exists; cfmonitor will not overwrite it.") from None
    finally:
        temporary.unlink(missing_ok=True)
