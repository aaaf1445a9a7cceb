"""`cfmonitor serve` on the command line: loopback unless told, one URL, a warning, a clean stop."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from cfmonitor.serve import server as serve_module
from tests.cli_runner import run_cli

URL = re.compile(r"^cfmonitor serve: open (http://([^/]+)/\?token=([A-Za-z0-9_-]+))$")


def listening_addresses(pid: int) -> list[str]:
    """The local addresses of every socket the process listens on (from /proc)."""
    inodes = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        target = os.readlink(fd)
        if target.startswith("socket:["):
            inodes.add(target[8:-1])
    found = []
    for table in ("tcp", "tcp6"):
        for line in Path(f"/proc/{pid}/net/{table}").read_text().splitlines()[1:]:
            fields = line.split()
            if fields[3] == "0A" and fields[9] in inodes:  # 0A: LISTEN
                found.append(fields[1])
    return found


def start_serving(*args: str) -> tuple[subprocess.Popen[str], re.Match[str]]:
    process = subprocess.Popen(
        [sys.executable, "-m", "cfmonitor", "serve", "--port", "0", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    line = process.stdout.readline().rstrip("\n")
    found = URL.match(line)
    if found is None:
        process.kill()
        raise AssertionError(f"no URL printed: {line!r} {process.stderr.read()!r}")
    return process, found


def test_serves_on_loopback_only_and_stops_cleanly(small_db: Path) -> None:
    process, found = start_serving("--db", str(small_db))
    try:
        url, host, token = found.groups()
        assert host.startswith("127.0.0.1:")
        addresses = listening_addresses(process.pid)
        assert addresses, "not listening"
        assert all(address.startswith("0100007F:") for address in addresses), addresses
        request = urllib.request.Request(url)
        opener = urllib.request.build_opener(NoRedirect)
        with pytest.raises(urllib.error.HTTPError) as redirect:
            opener.open(request, timeout=10)
        assert redirect.value.code == 303
        assert "HttpOnly" in redirect.value.headers["Set-Cookie"]
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(f"http://{host}/", timeout=10)
        assert refused.value.code == 403
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=20)
    assert process.returncode == 0
    assert token not in out + err  # printed once, in the URL line only
    assert "Traceback" not in err


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def test_another_host_prints_a_warning_to_put_tls_and_sign_on_in_front(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, small_db: Path
) -> None:
    served = []

    async def pretend(server, **_: object) -> None:
        served.append((server.host, server.access.loopback_only))

    monkeypatch.setattr(serve_module, "serve", pretend)
    result = run_cli(capsys, "serve", "--db", str(small_db), "--host", "0.0.0.0")
    assert result.code == 0
    assert "Warning: listening on 0.0.0.0" in result.err
    assert "TLS" in result.err and "single sign-on" in result.err
    assert served == [("0.0.0.0", False)]
    result = run_cli(capsys, "serve", "--db", str(small_db))
    assert "Warning" not in result.err
    assert served[-1] == ("127.0.0.1", True)


def test_a_missing_database_is_one_sentence_and_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    result = run_cli(capsys, "serve", "--db", str(tmp_path / "nope.db"), "--port", "0")
    assert result.code == 2
    assert result.err == f"cfmonitor: {tmp_path / 'nope.db'}: no such database file.\n"
    assert not (tmp_path / "nope.db").exists()


def test_a_port_in_use_is_one_sentence(capsys: pytest.CaptureFixture[str], small_db: Path) -> None:
    process, found = start_serving("--db", str(small_db))
    try:
        port = found.group(2).rsplit(":", 1)[1]
        started = time.monotonic()
        result = run_cli(capsys, "serve", "--db", str(small_db), "--port", port)
        assert time.monotonic() - started < 30
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=20)
    assert result.code == 2
    assert result.err.startswith(f"cfmonitor: cannot listen on 127.0.0.1 port {port} (")
    assert "Traceback" not in result.err
