"""Each tab is one app process: started with the path taken literally, capped, and ended."""

from __future__ import annotations

import asyncio
import logging
import shlex
import time
from pathlib import Path

import aiohttp
import pytest

from cfmonitor.serve.command import AppArguments
from tests.serve.conftest import TEAM, process_alive, running, write_small_database
from tests.serve.terminal import Screen, read_until, wait_closed

HOSTILE_NAME = 'it\'s a "caseload"; $(touch pwned) `touch pwned2` & | > x.db'


def open_pids(live) -> list[int]:
    return [session.service.pid for session in live.server.sessions.open.values()]


async def wait_until(condition, timeout: float = 20) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.05)


def test_the_command_quotes_every_argument(tmp_path: Path) -> None:
    db = tmp_path / HOSTILE_NAME
    command = AppArguments(db=db).shell_command(python="/usr/bin/python3")
    assert command.startswith("exec ")
    assert shlex.split(command) == ["exec", "/usr/bin/python3", "-m", "cfmonitor", "--db", str(db)]


async def test_a_path_with_shell_metacharacters_opens_that_very_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "a folder; rm -rf $HOME"
    folder.mkdir()
    db = write_small_database(folder / HOSTILE_NAME)
    monkeypatch.chdir(tmp_path)
    caplog.set_level(logging.INFO, logger="cfmonitor.serve")
    screen = Screen(200, 40)
    async with running(AppArguments(db=db)) as live, live.client() as client:
        websocket = await live.open_tab(client, 200, 40)
        await read_until(websocket, screen, lambda text: TEAM in text and "Organisation" in text)
        await websocket.close()
        await wait_until(lambda: not live.server.sessions.open)
    assert sorted(path.name for path in tmp_path.iterdir()) == [folder.name]  # no pwned, no x.db
    assert TEAM not in caplog.text and HOSTILE_NAME not in caplog.text
    assert "session 1 started" in caplog.text and "session 1 ended: the tab closed" in caplog.text


async def test_closing_the_tab_ends_its_app_process(small_db: Path) -> None:
    screen = Screen()
    async with running(AppArguments(db=small_db)) as live, live.client() as client:
        websocket = await live.open_tab(client)
        await read_until(websocket, screen, lambda text: TEAM in text)
        [pid] = open_pids(live)
        assert process_alive(pid)
        await websocket.close()
        await wait_until(lambda: not live.server.sessions.open)
        assert not process_alive(pid)


async def test_past_the_cap_a_tab_is_told_all_sessions_are_in_use(small_db: Path) -> None:
    first_screen, second_screen = Screen(), Screen()
    async with running(AppArguments(db=small_db), max_sessions=1) as live, live.client() as client:
        first = await live.open_tab(client)
        await read_until(first, first_screen, lambda text: TEAM in text)
        async with client.get(live.base + "/", headers=live.cookie) as response:
            assert response.status == 503
            assert "All 1 session is in use" in await response.text()
        second = await live.open_tab(client)
        await wait_closed(second, second_screen, timeout=10)
        assert "All 1 cfmonitor sessions are in use" in second_screen.text
        assert len(live.server.sessions.open) == 1  # the second tab started no process
        await first.close()
        await wait_until(lambda: not live.server.sessions.open)
        async with client.get(live.base + "/", headers=live.cookie) as response:
            assert response.status == 200  # room again


async def test_an_idle_session_ends_and_its_process_with_it(
    small_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="cfmonitor.serve")
    screen = Screen()
    idle_seconds = 3
    arguments = AppArguments(db=small_db)
    async with running(arguments, idle_minutes=idle_seconds / 60) as live, live.client() as client:
        websocket = await live.open_tab(client)
        await wait_until(lambda: bool(open_pids(live)) and None not in open_pids(live))
        [pid] = open_pids(live)
        await asyncio.sleep(1)
        await websocket.send_json(["stdin", "j"])  # a key: the idle clock starts again
        typed = time.monotonic()
        await wait_closed(websocket, screen, timeout=30)
        assert time.monotonic() - typed >= idle_seconds - 0.2
        await wait_until(lambda: not live.server.sessions.open)
        assert not process_alive(pid)
    assert "session 1 ended: idle for 0.05 minutes" in caplog.text


async def test_quitting_the_app_ends_the_session(small_db: Path) -> None:
    screen = Screen()
    async with running(AppArguments(db=small_db)) as live, live.client() as client:
        websocket = await live.open_tab(client)
        await read_until(websocket, screen, lambda text: TEAM in text)
        [pid] = open_pids(live)
        await websocket.send_json(["stdin", "q"])
        await wait_closed(websocket, screen, timeout=20)
        await wait_until(lambda: not live.server.sessions.open)
        assert not process_alive(pid)
        assert isinstance(websocket, aiohttp.ClientWebSocketResponse)


async def test_an_app_that_does_not_quit_is_killed_after_the_grace_period() -> None:
    from textual_serve.download_manager import DownloadManager

    from cfmonitor.serve.sessions import WatchedAppService

    async def ignore(*_: object) -> None:
        return None

    service = WatchedAppService(
        "exec sleep 60",  # never reads its input, never says it is ready, never quits
        write_bytes=ignore,
        write_str=ignore,
        close=ignore,
        download_manager=DownloadManager(),
    )
    await service.start(80, 24)
    assert service.pid is not None and process_alive(service.pid)
    started = time.monotonic()
    await service.end(grace=0.5)
    assert time.monotonic() - started < 3
    assert not service.running and not process_alive(service.pid)
