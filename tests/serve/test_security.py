"""`cfmonitor serve` answers only the holder of this start's token, from its own page."""

from __future__ import annotations

import re

import aiohttp
import pytest

from cfmonitor.serve import security
from cfmonitor.serve.command import AppArguments
from cfmonitor.serve.security import COOKIE_NAME, Access
from tests.serve.conftest import running

EVIL = "http://evil.example"


async def test_no_token_is_refused_everywhere() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        for path in ("/", "/textual.js", "/xterm.css", "/assets/favicon.svg", "/download/x"):
            async with client.get(live.base + path) as response:
                assert response.status == 403, path
                assert "cfmonitor serve printed" in await response.text()
        assert not live.server.sessions.open


async def test_a_wrong_token_is_refused_without_a_cookie(monkeypatch: pytest.MonkeyPatch) -> None:
    compared: list[tuple[bytes, bytes]] = []
    real = security.secrets.compare_digest

    def spy(a: bytes, b: bytes) -> bool:
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.secrets, "compare_digest", spy)
    async with running(AppArguments()) as live, live.client() as client:
        wrong = live.server.access.token[:-1] + (
            "A" if live.server.access.token[-1] != "A" else "B"
        )
        for token in (wrong, "", live.server.access.token[:10]):
            async with client.get(f"{live.base}/?token={token}", allow_redirects=False) as response:
                assert response.status == 403
                assert "Set-Cookie" not in response.headers
    assert (wrong.encode(), live.server.access.token.encode()) in compared  # constant time


async def test_the_token_url_sets_a_strict_http_only_cookie_and_a_clean_address() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        url = f"{live.base}/?token={live.server.access.token}"
        async with client.get(url, allow_redirects=False) as response:
            assert response.status == 303
            assert response.headers["Location"] == "/"
            cookie = response.headers["Set-Cookie"]
        assert cookie.startswith(f"{COOKIE_NAME}={live.server.access.token};")
        attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
        assert {"httponly", "samesite=strict", "path=/"} <= attributes
        async with client.get(live.base + "/", headers=live.cookie) as response:
            assert response.status == 200
            page = await response.text()
            policy = response.headers["Content-Security-Policy"]
    assert "<title>cfmonitor</title>" in page
    assert f'data-session-websocket-url="ws://{live.base.removeprefix("http://")}/ws"' in page
    # Nothing on the page comes from anywhere but this server.
    assert re.findall(r"(?:src|href)=\"([^\"]+)\"", page)
    assert all(link.startswith("/") for link in re.findall(r"(?:src|href)=\"([^\"]+)\"", page))
    assert "googleapis" not in page and "https://" not in page
    assert "default-src 'none'" in policy and "script-src 'self'" in policy


def test_each_start_has_its_own_long_token() -> None:
    first, second = Access.new(host="127.0.0.1"), Access.new(host="127.0.0.1")
    assert first.token != second.token
    assert len(first.token) >= 40


async def test_a_websocket_without_the_cookie_is_refused_and_starts_nothing() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(live.websocket_url(), origin=live.origin)
        assert refused.value.status == 403
        assert live.server.sessions._count == 0


async def test_the_cookie_from_a_foreign_origin_is_refused_and_starts_nothing() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        for origin in (EVIL, "http://127.0.0.1:1", "null"):
            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await client.ws_connect(live.websocket_url(), origin=origin, headers=live.cookie)
            assert refused.value.status == 403, origin
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            await client.ws_connect(live.websocket_url(), headers=live.cookie)  # no Origin
        assert refused.value.status == 403
        assert live.server.sessions._count == 0


async def test_a_download_needs_the_cookie_and_the_servers_own_page() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        url = f"{live.base}/download/0123abcd"
        refused = [
            {},  # no cookie
            {**live.cookie},  # no Origin, no Referer
            {**live.cookie, "Origin": EVIL},
            {**live.cookie, "Referer": EVIL + "/page"},
            {**live.cookie, "Referer": live.base + "/", "Sec-Fetch-Site": "cross-site"},
        ]
        for headers in refused:
            async with client.get(url, headers=headers) as response:
                assert response.status == 403, headers
        own = {**live.cookie, "Referer": live.base + "/", "Sec-Fetch-Site": "same-origin"}
        async with client.get(url, headers=own) as response:
            assert response.status == 404  # past the gate: there is simply no such download


async def test_another_host_name_is_refused_on_loopback() -> None:
    """A DNS-rebinding page (evil.example resolving to 127.0.0.1) sends its own Host."""
    async with running(AppArguments()) as live, live.client() as client:
        port = live.base.rsplit(":", 1)[1]
        for headers in (
            {"Host": f"evil.example:{port}"},
            {"Host": f"evil.example:{port}", **live.cookie},
        ):
            async with client.get(live.base + "/", headers=headers) as response:
                assert response.status == 403
        token_url = f"{live.base}/?token={live.server.access.token}"
        async with client.get(
            token_url, headers={"Host": f"evil.example:{port}"}, allow_redirects=False
        ) as response:
            assert response.status == 403
        async with client.get(
            live.base + "/", headers={"Host": f"localhost:{port}", **live.cookie}
        ) as response:
            assert response.status == 200


async def test_refusals_carry_the_security_headers() -> None:
    async with running(AppArguments()) as live, live.client() as client:
        response = await client.get(live.base + "/")
        assert response.status == 403
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        response.release()


def test_behind_a_proxy_the_public_origin_is_the_only_own_origin() -> None:
    from aiohttp.test_utils import make_mocked_request

    access = Access.new(host="127.0.0.1", public_url="https://caseloads.example.org/")
    assert access.secure_cookie and not access.loopback_only

    def request(origin: str) -> bool:
        headers = {"Host": "caseloads.example.org", "Origin": origin}
        return access.from_own_page(make_mocked_request("GET", "/ws", headers=headers))

    assert request("https://caseloads.example.org")
    assert not request("http://caseloads.example.org")  # not the address people open
    assert not request(EVIL)
