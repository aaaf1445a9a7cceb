"""Issue 9, starting up: the built-in demo is private and race-free; ctrl-c is one sentence."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.cli_runner import run_cli

DAY = "2024-06-01"


def _environment(home: Path, **extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key != "XDG_CACHE_HOME"}
    environment.pop("CFMONITOR_DB", None)
    return {**environment, "HOME": str(home), "NO_COLOR": "1", **extra}


def _cfmonitor(*args: str, env: dict[str, str], **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "cfmonitor", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        **kwargs,
    )


# 8 -------------------------------------------------------------------------------------


def test_first_demo_at_umask_000_is_private(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir(mode=0o700)
    process = _cfmonitor(
        "report", "--as-of", DAY, env=_environment(home), preexec_fn=lambda: os.umask(0)
    )
    _out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    for folder in (home / ".cache", home / ".cache" / "cfmonitor"):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700, folder
    (demo,) = (home / ".cache" / "cfmonitor").iterdir()
    assert stat.S_IMODE(demo.stat().st_mode) == 0o600


# 17 ------------------------------------------------------------------------------------


def test_four_reports_started_together_on_a_fresh_cache_all_succeed(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _environment(home, XDG_CACHE_HOME=str(tmp_path / "fresh-cache"))
    processes = [_cfmonitor("report", "--format", "csv", env=env) for _ in range(4)]
    results = [process.communicate(timeout=300) for process in processes]
    for process, (out, err) in zip(processes, results, strict=True):
        assert process.returncode == 0, err
        assert out.startswith("Caseloads as of ") and "\nStaff ref," in out
    assert len({out for out, _ in results}) == 1
    left = sorted(path.name for path in (tmp_path / "fresh-cache" / "cfmonitor").iterdir())
    assert len(left) == 1 and left[0].startswith("demo-") and left[0].endswith(".db")


# 19 ------------------------------------------------------------------------------------


ENTRY = (
    "import sys, cfmonitor\n"
    "sys.stdout.write('started\\n'); sys.stdout.flush()\n"
    "from cfmonitor.__main__ import main\n"
    "sys.argv = ['cfmonitor', *sys.argv[1:]]\n"
    "main()\n"
)
"""What the installed `cfmonitor` script does, after saying it has started. A signal
before that lands in CPython's own start-up (site, runpy, finding the package on the
path), which no program can handle; the package's `__init__` is two lines."""


@pytest.mark.parametrize("after", [0.002, 0.01, 0.03, 0.06, 0.1, 0.2, 0.4])
def test_ctrl_c_while_starting_prints_no_traceback(tmp_path: Path, after: float) -> None:
    home = tmp_path / "home"
    home.mkdir()
    env = _environment(home, XDG_CACHE_HOME=str(tmp_path / "cache"))
    process = subprocess.Popen(
        [sys.executable, "-c", ENTRY, "report", "--as-of", DAY],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout.readline() == "started\n"
    time.sleep(after)
    process.send_signal(signal.SIGINT)
    _out, err = process.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert "KeyboardInterrupt" not in err
    if process.returncode != 0:
        assert process.returncode == 130, err
        assert err.strip() == "Interrupted; nothing was changed."


def test_ctrl_c_in_the_middle_of_a_command_is_one_sentence(capsys, monkeypatch) -> None:
    import cfmonitor.locate

    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(cfmonitor.locate, "choose_database", interrupted)
    result = run_cli(capsys, "report")
    assert result.code == 130 and result.err.strip() == "Interrupted; nothing was changed."


class PanicException(BaseException):
    """As pyo3 raises a panic in Rust code (Polars'): a BaseException, not an Exception."""


PanicException.__module__ = "pyo3_runtime"


@pytest.mark.parametrize(
    ("panic", "code", "sentence"),
    [
        (
            "Failed to access NumPy array API capsule: PyErr { type: <class 'KeyboardInterrupt'> }",
            130,
            "Interrupted; nothing was changed.\n",
        ),
        (
            "index out of bounds",
            2,
            "cfmonitor: unexpected error inside Polars; nothing was changed."
            " Please report what you ran.\n",
        ),
    ],
)
def test_a_panic_in_polars_is_one_sentence(capsys, monkeypatch, panic, code, sentence):
    """Seen in CI: ctrl-c while Polars' Rust code looked NumPy up printed a traceback."""

    def panics(*_args: object) -> None:
        raise PanicException(panic)

    monkeypatch.setattr("cfmonitor.locate.choose_database", panics)
    result = run_cli(capsys, "report", "--as-of", DAY)
    assert (result.code, result.err) == (code, sentence)
    assert "Traceback" not in result.err
