"""Browser sessions: one app process per tab, at most N at once, ended when not used.

Each tab's app is a process of about 120–150 MiB, so the number open at once is capped.
A session ends when its tab closes (the websocket closes), when the app quits, or when
nobody has typed or clicked in it for the idle time. An app that does not quit when
asked is killed after a grace period, so no process outlives its session. The log says
when sessions start and end, by number only: never a name, a path or an address.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from dataclasses import dataclass, field

from aiohttp import WSCloseCode, web
from textual_serve.app_service import AppService

log = logging.getLogger("cfmonitor.serve")

QUIT_GRACE_SECONDS = 5.0
"""How long an app has to quit when asked before it is killed."""


class WatchedAppService(AppService):
    """textual-serve's app process, remembering when the user last typed or clicked, and
    sure to end: asked to quit, then killed if it has not."""

    last_input: float = 0.0

    async def send_bytes(self, data: bytes) -> bool:
        self.last_input = time.monotonic()
        return await super().send_bytes(data)

    @property
    def pid(self) -> int | None:
        process = self._process
        return process.pid if process is not None else None

    @property
    def running(self) -> bool:
        process = self._process
        return process is not None and process.returncode is None

    async def end(self, grace: float = QUIT_GRACE_SECONDS) -> None:
        """Ask the app to quit; kill it if it has not within `grace` seconds."""
        process = self._process
        stopping = asyncio.ensure_future(self.stop())
        if process is not None:
            try:
                await asyncio.wait_for(asyncio.shield(process.wait()), grace)
            except TimeoutError:
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(process.wait(), grace)
        # The relay ends at the process's end of output; never wait on it for ever.
        done, _ = await asyncio.wait({stopping}, timeout=grace)
        if not done:
            stopping.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await stopping


@dataclass
class Session:
    number: int
    service: WatchedAppService
    websocket: web.WebSocketResponse
    ended_because: str = "the tab closed"
    ending: bool = False
    """The server is ending it: a quit from the app now is the answer, not the reason."""

    def app_quit(self) -> None:
        if not self.ending:
            self.ended_because = "the app quit"


@dataclass
class Sessions:
    """The sessions open now, and the rules for them."""

    limit: int
    idle_seconds: float
    open: dict[int, Session] = field(default_factory=dict)
    _count: int = 0

    @property
    def full(self) -> bool:
        return len(self.open) >= self.limit

    def add(self, service: WatchedAppService, websocket: web.WebSocketResponse) -> Session:
        self._count += 1
        session = Session(self._count, service, websocket)
        service.last_input = time.monotonic()
        self.open[session.number] = session
        log.info("session %d started (%d of %d open)", session.number, len(self.open), self.limit)
        return session

    async def end(self, session: Session) -> None:
        session.ending = True
        await session.service.end()
        if self.open.pop(session.number, None) is not None:
            log.info(
                "session %d ended: %s (%d of %d open)",
                session.number,
                session.ended_because,
                len(self.open),
                self.limit,
            )

    async def close_when_idle(self, session: Session) -> None:
        """Close the session's websocket once nobody has used it for `idle_seconds`."""
        while not session.websocket.closed:
            remaining = session.service.last_input + self.idle_seconds - time.monotonic()
            if remaining <= 0:
                session.ending = True
                session.ended_because = f"idle for {self.idle_seconds / 60:g} minutes"
                await session.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"idle")
                return
            await asyncio.sleep(remaining)

    async def end_all(self) -> None:
        for session in list(self.open.values()):
            session.ended_because = "the server stopped"
            with contextlib.suppress(Exception):
                await session.websocket.close(code=WSCloseCode.GOING_AWAY, message=b"stopping")
            await self.end(session)
