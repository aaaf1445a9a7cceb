"""The demo in a real browser: Debian's Chromium, through `cfmonitor serve`, as a manager uses it.

One browser process for the whole test (the machine's CPU is shared). Screenshots are
saved in tests/artifacts/ (ignored by git). Timings are printed for the record.
"""

from __future__ import annotations

import csv
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.serve.browser import Tab, launch

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
URL = re.compile(r"^cfmonitor serve: open (http://[^/]+)/\?token=\S+$")
TEAM = "Adoption and Permanence"  # the demo's first team (seed 7)


@pytest.fixture
def chromium(tmp_path: Path) -> Iterator:
    """Chromium, or a skip saying why; under CI=true a browser that cannot start fails."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError as error:  # pragma: no cover - the test extra installs it
        pytest.fail(f"playwright is not installed: {error}")
    with sync_playwright() as playwright:
        try:
            context = launch(playwright, tmp_path / "profile")
        except (FileNotFoundError, Error) as error:
            reason = f"Chromium cannot start: {str(error).splitlines()[0]}"
            if os.environ.get("CI") == "true":
                pytest.fail(reason)
            pytest.skip(reason)
        try:
            yield context
        finally:
            context.close()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, str, Path, Path]]:
    """`cfmonitor serve --port 0` on the built-in demo, started in an empty folder."""
    folder = tmp_path / "server-cwd"
    folder.mkdir()
    log = tmp_path / "serve.log"
    with log.open("w") as errors:
        process = subprocess.Popen(
            [sys.executable, "-m", "cfmonitor", "serve", "--port", "0"],
            cwd=folder,
            stdout=subprocess.PIPE,
            stderr=errors,
            text=True,
        )
    assert process.stdout is not None
    line = process.stdout.readline().strip()
    found = URL.match(line)
    assert found, f"no URL: {line!r} {log.read_text()!r}"
    try:
        yield process, line.split()[-1], found.group(1), folder, log
    finally:
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=30)
    assert process.returncode == 0, log.read_text()


def children(pid: int) -> list[str]:
    return [
        child
        for task in Path(f"/proc/{pid}/task").iterdir()
        for child in (task / "children").read_text().split()
    ]


def overview_populated(tab: Tab) -> bool:
    return (
        tab.top_line.startswith(" Organisation ") and TEAM in tab.text and "Over/near" in tab.text
    )


def test_the_demo_in_chromium(chromium, served, capsys: pytest.CaptureFixture[str]) -> None:
    process, token_url, origin, server_folder, log = served
    ARTIFACTS.mkdir(exist_ok=True)
    page = chromium.pages[0] if chromium.pages else chromium.new_page()
    tab = Tab(page)

    # 1. The token URL: a cookie, a clean address, then the overview with its figures.
    page.goto(token_url)  # returns once the page has loaded
    first_page = tab.wait_for(overview_populated, "the populated overview")
    assert page.url == origin + "/"
    assert page.title() == "cfmonitor"
    [cookie] = chromium.cookies()
    assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "browser-overview.png")

    # 2. enter drills into the first team.
    page.focus("textarea.xterm-helper-textarea")
    into_team = tab.press("Enter", lambda t: f"Organisation › {TEAM}" in t.top_line, "the team")
    tab.wait_for(lambda t: "Staff ref" in t.text, "the team's workers")
    workers = int(re.search(r"Workers in post\s+.*\n\s*(\d+)", tab.text).group(1))
    staff_on_screen = set(re.findall(r"DEMO-SW\d+", tab.text))
    assert len(staff_on_screen) == workers  # every row fits on the screen
    page.wait_for_timeout(300)
    page.screenshot(path=ARTIFACTS / "browser-team.png")
    assert page.title() == "cfmonitor"  # never the team's or a worker's name

    # 3. ? opens help; esc closes it; ctrl+p opens the palette; esc closes it.
    tab.press("?", lambda t: "Keys on this screen" in t.text, "help")
    page.screenshot(path=ARTIFACTS / "browser-help.png")
    tab.press("Escape", lambda t: "Keys on this screen" not in t.text, "help closed")
    tab.press("Control+p", lambda t: "Search for commands" in t.text, "the palette")
    page.screenshot(path=ARTIFACTS / "browser-palette.png")
    tab.press("Escape", lambda t: "Search for commands" not in t.text, "the palette closed")

    # 4. e exports the team's workers: the browser receives the file, the server keeps none.
    tab.press("e", lambda t: "Export the" in t.text, "the export dialog")
    offered = re.search(r"▊\s+(adoption-and-permanence-workers-\d{4}-\d\d-\d\d\.csv)\s", tab.text)
    assert offered, "a bare file name, naming the team and the day: no server folder"
    name = offered.group(1)
    with page.expect_download(timeout=30_000) as downloading:
        tab.press("Enter", lambda t: "to your browser as" in t.text, "sent")
    download = downloading.value
    assert download.suggested_filename == name
    with open(download.path(), encoding="utf-8", newline="") as handle:
        title, *table = handle.read().splitlines()
    assert title.startswith("Caseloads as of ") and "Adoption and Permanence" in title
    rows = list(csv.DictReader(line for line in table if line))  # a blank line after the title
    assert [row["Staff ref"] for row in rows] and len(rows) == workers
    assert {row["Staff ref"] for row in rows} == staff_on_screen
    assert list(server_folder.iterdir()) == []

    # 5. q goes up to the overview, q again quits: the session and its process end.
    tab.press(
        "q", lambda t: t.top_line.startswith(" Organisation ") and "›" not in t.top_line, "up"
    )
    page.keyboard.press("q")
    tab.wait_for(lambda t: t.websocket_closed, "the session closing")
    page.wait_for_selector("#ended", state="visible", timeout=10_000)
    page.screenshot(path=ARTIFACTS / "browser-ended.png")
    deadline = time.monotonic() + 15
    while children(process.pid) and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    assert children(process.pid) == [], "the app process outlived its session"

    # Nothing came from anywhere but this server, and the page broke none of its rules.
    assert tab.requests and all(url.startswith(origin + "/") for url in tab.requests)
    assert {"/assets/fonts/DejaVuSansMono.ttf", "/assets/favicon.svg"} <= {
        url.removeprefix(origin) for url in tab.requests
    }
    loaded_faces = page.evaluate(
        "[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family + ' ' + f.weight)"
    )
    assert {"Roboto Mono normal", "Roboto Mono bold"} <= set(loaded_faces)  # our two faces
    assert tab.console_errors == []
    # The server's log says what happened to the session, without a name or the token.
    logged = log.read_text()
    assert "session 1 started" in logged and "session 1 ended: the app quit" in logged
    assert TEAM not in logged and "DEMO-SW" not in logged and token_url not in logged
    with capsys.disabled():
        print(
            f"\nbrowser: first populated page {first_page:.2f} s after load; "
            f"enter into a team {into_team:.2f} s"
        )
