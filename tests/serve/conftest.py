"""Serve fixtures: a small database, and `cfmonitor serve`'s aiohttp app on a free loopback port."""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path

import aiohttp
import pytest
from aiohttp.test_utils import TestServer

from cfmonitor.serve.command import AppArguments
from cfmonitor.serve.security import COOKIE_NAME, Access
from cfmonitor.serve.server import CfmonitorServer
from tests.factory import DatabaseBuilder

TEAM = "Harbour Team"


def write_small_database(path: Path) -> Path:
    """One team, two workers, a few cases: quick for an app process to load."""
    builder = DatabaseBuilder()
    team = builder.team(TEAM, establishment_fte=2.0)
    for count in (3, 5):
        worker = builder.worker(team)
        builder.cases_for(worker, team, count)
    return builder.write(path)


@pytest.fixture(autouse=True)
def server_loggers() -> Iterator[None]:
    """`cfmonitor serve` run in-process sets up its loggers: put them back afterwards."""
    loggers = [logging.getLogger(name) for name in ("cfmonitor.serve", "textual-serve")]
    saved = [(logger.handlers[:], logger.level) for logger in loggers]
    yield
    for logger, (handlers, level) in zip(loggers, saved, strict=True):
        logger.handlers[:] = handlers
        logger.setLevel(level)


@pytest.fixture
def small_db(tmp_path: Path) -> Path:
    return write_small_database(tmp_path / "small.db")


@dataclass
class Running:
    """A started server and what a legitimate browser would send it."""

    server: CfmonitorServer
    base: str

    @property
    def origin(self) -> str:
        return self.base

    @property
    def cookie(self) -> dict[str, str]:
        return {"Cookie": f"{COOKIE_NAME}={self.server.access.token}"}

    def client(self) -> aiohttp.ClientSession:
        return aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar())

    def websocket_url(self, columns: int = 120, lines: int = 36) -> str:
        return f"{self.base}/ws?width={columns}&height={lines}"

    async def open_tab(
        self, client: aiohttp.ClientSession, columns: int = 120, lines: int = 36
    ) -> aiohttp.ClientWebSocketResponse:
        """The websocket a tab opens: the cookie and the server's own Origin."""
        return await client.ws_connect(
            self.websocket_url(columns, lines), origin=self.origin, headers=self.cookie
        )


@asynccontextmanager
async def running(
    arguments: AppArguments, *, max_sessions: int = 4, idle_minutes: float = 30
) -> AsyncIterator[Running]:
    server = CfmonitorServer(
        arguments,
        Access.new(host="127.0.0.1"),
        port=0,
        max_sessions=max_sessions,
        idle_minutes=idle_minutes,
    )
    test_server = TestServer(await server._make_app(), host="127.0.0.1", port=0)
    await test_server.start_server()
    try:
        yield Running(server, f"http://127.0.0.1:{test_server.port}")
    finally:
        await test_server.close()
        assert not server.sessions.open, "a session outlived the server"


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except FileNotFoundError:
        return False
