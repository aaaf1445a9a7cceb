"""textual-serve's `Server`, subclassed: the routes behind `Access`, capped sessions, own page.

What is kept from textual-serve: its `AppService` (the app process and its protocol), its
download manager and message loop, and its `textual.js`/`xterm.css`. What is replaced:
the routes (each behind the access middleware), the page (our font and icon, nothing
from outside), the websocket handler (session cap, idle time, sure end of the process),
downloads (always an attachment, the file name properly quoted), logging (no locals, no
URLs, no tokens) and start-up (a free port, the token URL printed once).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TextIO
from urllib.parse import quote

import aiohttp_jinja2
import jinja2
from aiohttp import web
from textual_serve.server import Server

from cfmonitor.serve.command import AppArguments
from cfmonitor.serve.security import Access, add_security_headers
from cfmonitor.serve.sessions import Session, Sessions, WatchedAppService

log = logging.getLogger("cfmonitor.serve")

ASSETS = Path(__file__).parent / "assets"
DEFAULT_MAX_SESSIONS = 4
DEFAULT_IDLE_MINUTES = 30.0
PAGE_TITLE = "cfmonitor"
FONT_SIZE = 16
TERMINAL_FILES = {"/textual.js": "js/textual.js", "/xterm.css": "css/xterm.css"}
"""textual-serve's own terminal code, served from the installed package."""


def busy_page(limit: int) -> web.Response:
    noun = "session is" if limit == 1 else "sessions are"
    return web.Response(
        status=503,
        content_type="text/html",
        text=(
            "<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            f"<title>{PAGE_TITLE}: busy</title></head><body>"
            f"<h1>All {limit} {noun} in use</h1>"
            "<p>Each browser tab runs its own copy of cfmonitor. Close a cfmonitor tab you "
            "no longer need (or wait for an idle one to end), then reload this page.</p>"
            "</body></html>"
        ),
    )


def busy_message(limit: int) -> bytes:
    """Shown in the terminal when the cap was reached between page load and connect."""
    return (
        f"\r\n  All {limit} cfmonitor sessions are in use.\r\n"
        "  Close a cfmonitor tab you no longer need, then reload this page.\r\n"
    ).encode()


def attachment_header(file_name: str) -> str:
    """Content-Disposition for any file name: an ASCII fallback plus the exact UTF-8 name."""
    fallback = (
        "".join(
            ch if ch.isascii() and ch.isprintable() and ch not in '"\\' else "_" for ch in file_name
        )
        or "cfmonitor-download"
    )
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


class CfmonitorServer(Server):
    """Serve the cfmonitor TUI to browsers, one app process per tab, for token holders only."""

    def __init__(
        self,
        arguments: AppArguments,
        access: Access,
        *,
        host: str = "127.0.0.1",
        port: int = 8000,
        max_sessions: int = DEFAULT_MAX_SESSIONS,
        idle_minutes: float = DEFAULT_IDLE_MINUTES,
    ) -> None:
        super().__init__(
            arguments.shell_command(),
            host=host,
            port=port,
            title=PAGE_TITLE,
        )
        self.access = access
        self.sessions = Sessions(limit=max_sessions, idle_seconds=idle_minutes * 60)
        self._endings: set[asyncio.Future[None]] = set()
        """Tasks that end sessions, kept here so that none is dropped half-way."""

    def initialize_logging(self) -> None:
        """Plain lines on stderr: textual-serve's handler prints tracebacks with locals."""
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s cfmonitor serve: %(message)s", "%X"))
        for name in ("cfmonitor.serve", "textual-serve"):
            logger = logging.getLogger(name)
            logger.handlers[:] = [handler]
            logger.setLevel(logging.INFO)

    async def _make_app(self) -> web.Application:
        app = web.Application(middlewares=[self.access.middleware])
        aiohttp_jinja2.setup(
            app, loader=jinja2.FileSystemLoader(ASSETS), autoescape=jinja2.select_autoescape()
        )
        routes = [
            web.get("/", self.handle_index),
            web.get("/ws", self.handle_websocket),
            web.get("/download/{key}", self.handle_download),
            web.static("/assets", ASSETS / "static", show_index=False),
        ]
        routes += [
            web.get(path, self._file_handler(self.statics_path / name))
            for path, name in TERMINAL_FILES.items()
        ]
        app.add_routes(routes)
        app.on_response_prepare.append(add_security_headers)
        app.on_shutdown.append(self.on_shutdown)
        return app

    @staticmethod
    def _file_handler(path: Path) -> Callable[[web.Request], Awaitable[web.StreamResponse]]:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.FileResponse(path)

        return handler

    async def on_shutdown(self, app: web.Application) -> None:
        await self.sessions.end_all()
        if self._endings:
            await asyncio.wait(list(self._endings), timeout=10)

    async def handle_index(self, request: web.Request) -> web.StreamResponse:
        if self.sessions.full:
            return busy_page(self.sessions.limit)
        origin = self.access.own_origin(request)  # http://… becomes ws://…, https:// wss://
        context = {
            "title": PAGE_TITLE,
            "font_size": FONT_SIZE,
            "websocket_url": "ws" + origin.removeprefix("http") + "/ws",
        }
        return aiohttp_jinja2.render_template("page.html", request, context)

    async def handle_download(self, request: web.Request) -> web.StreamResponse:
        """A file the app delivered, always as an attachment (never opened as a page of
        this site), its name quoted whatever characters it holds."""
        key = request.match_info["key"]
        try:
            download = await self.download_manager.get_download_metadata(key)
        except KeyError:
            raise web.HTTPNotFound(
                text="No such download (it may have been taken already).\n"
            ) from None
        response = web.StreamResponse()
        charset = f"; charset={download.encoding}" if download.encoding else ""
        response.headers["Content-Type"] = download.mime_type + charset
        response.headers["Content-Disposition"] = attachment_header(download.file_name)
        await response.prepare(request)
        async for chunk in self.download_manager.download(key):
            await response.write(chunk)
        await response.write_eof()
        return response

    async def handle_websocket(self, request: web.Request) -> web.WebSocketResponse:
        """One tab: start its app process (if there is room), relay it, end it for sure."""
        websocket = web.WebSocketResponse(heartbeat=15)
        await websocket.prepare(request)
        if self.sessions.full:
            await websocket.send_bytes(busy_message(self.sessions.limit))
            await websocket.close(message=b"busy")
            return websocket
        width = _int(request.query.get("width"), 80)
        height = _int(request.query.get("height"), 24)
        session = None

        async def app_closed() -> None:
            if session is not None:
                session.app_quit()
            await websocket.close()

        service = WatchedAppService(
            self.command,
            write_bytes=websocket.send_bytes,
            write_str=websocket.send_str,
            close=app_closed,
            download_manager=self.download_manager,
        )
        session = self.sessions.add(service, websocket)
        idle = asyncio.create_task(self.sessions.close_when_idle(session))
        self._endings.add(idle)
        idle.add_done_callback(self._endings.discard)
        try:
            await service.start(width, height)
            await self._process_messages(websocket, service)
        except (asyncio.CancelledError, ConnectionResetError):
            pass
        except Exception as error:  # its text could quote what the browser sent: kind only
            log.warning("session %d: %s on the websocket", session.number, type(error).__name__)
        finally:
            session.ending = True
            idle.cancel()
            # aiohttp cancels this handler when the connection drops: the ending runs in
            # its own task, shielded, so the app process is ended whatever happens here.
            ending = asyncio.ensure_future(self._end(session, websocket))
            self._endings.add(ending)
            ending.add_done_callback(self._endings.discard)
            with contextlib.suppress(asyncio.CancelledError):
                await asyncio.shield(ending)
        return websocket

    async def _end(self, session: Session, websocket: web.WebSocketResponse) -> None:
        await self.sessions.end(session)
        if not websocket.closed:
            with contextlib.suppress(Exception):
                await websocket.close()


def _int(text: str | None, default: int) -> int:
    try:
        return max(1, min(int(text or ""), 1000))
    except ValueError:
        return default


def start_url(base: str, access: Access) -> str:
    return f"{base}/?token={access.token}"


async def serve(
    server: CfmonitorServer,
    *,
    out: TextIO = sys.stdout,
    stop: asyncio.Event | None = None,
) -> None:
    """Listen, print the token URL once, run until SIGINT/SIGTERM (or `stop`), then end
    every session before returning."""
    server.initialize_logging()
    stop = stop or asyncio.Event()
    loop = asyncio.get_running_loop()
    for signal_number in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signal_number, stop.set)
    runner = web.AppRunner(await server._make_app(), access_log=None, handle_signals=False)
    await runner.setup()
    try:
        site = web.TCPSite(runner, server.host, server.port)
        await site.start()
        port = runner.addresses[0][1]
        host = server.host if ":" not in server.host else f"[{server.host}]"
        base = server.access.public_origin or f"http://{host}:{port}"
        sessions = server.sessions
        print(f"cfmonitor serve: open {start_url(base, server.access)}", file=out)
        print(
            f"  This address holds a secret for this start only; keep it to yourself. "
            f"Up to {sessions.limit} tabs at once; each ends after "
            f"{sessions.idle_seconds / 60:g} idle minutes. Ctrl+C stops.",
            file=out,
            flush=True,
        )
        await stop.wait()
    finally:
        await runner.cleanup()
