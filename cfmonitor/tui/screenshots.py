"""Regenerate `screenshots/*.svg`: every screen on the demo data, in a dark and a light theme.

    python -m cfmonitor.tui.screenshots [--out screenshots] [--width 120 --height 36]

The demo database is made afresh in a temporary folder (seed 7, as of 2026-11-26), so
the pictures are the same on every machine and show only invented people. The steps
that reach each screen are shared with the snapshot tests.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import os
import tempfile
from collections.abc import Awaitable, Callable
from pathlib import Path

from textual.pilot import Pilot
from textual.widgets import Input

DEMO_DAY = dt.date(2026, 11, 26)
DEMO_SEED = 7
THEMES = {"dark": "textual-dark", "light": "textual-light"}


async def settle(pilot: Pilot[None]) -> None:
    """Wait for the loading worker (whether it succeeds or fails) and what it posted."""
    from cfmonitor.tui.app import cfmonitor_app

    app = cfmonitor_app(pilot.app)
    await pilot.pause()
    for _ in range(400):
        if not app.is_loading:
            break
        await pilot.pause(0.025)
    await pilot.pause()


async def overview(pilot: Pilot[None]) -> None:
    await settle(pilot)


async def team(pilot: Pilot[None]) -> None:
    """The third team (Arun Assessment and Intervention in the demo)."""
    await settle(pilot)
    await pilot.press("down", "down", "enter")
    await pilot.pause()


async def teams(pilot: Pilot[None]) -> None:
    """The workers of the third team's service area (Assessment and Intervention in the
    demo) in one list, opened with W."""
    await settle(pilot)
    await pilot.press("down", "down", "W")
    await pilot.pause()


async def worker(pilot: Pilot[None]) -> None:
    """That team's most overloaded worker."""
    await team(pilot)
    await pilot.press("enter")
    await pilot.pause()


async def unallocated(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("u")
    await pilot.pause()


async def help_keys(pilot: Pilot[None]) -> None:
    await team(pilot)
    await pilot.press("question_mark")
    await pilot.pause()


async def as_of(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("a")
    await pilot.pause()


async def flagged_filtered(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("f", "slash", *"family", "enter")
    await pilot.pause()


async def palette(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("ctrl+p", *"arun")
    for field in pilot.app.screen.query(Input):
        field.cursor_blink = False  # the cursor drawn steadily: the same picture every run
    await pilot.pause(0.4)


async def drawn(pilot: Pilot[None]) -> None:
    """Let a chart finish drawing: plotext lays out after the screen has its size, which
    can take more than one refresh on a busy machine."""
    for _ in range(2):
        await pilot.wait_for_scheduled_animations()
        await pilot.pause(0.05)
    pilot.app.screen.refresh(layout=True)  # the chart again, at the size the layout settled on
    await pilot.pause(0.05)
    await pilot.wait_for_scheduled_animations()
    await pilot.pause()


async def trend_organisation(pilot: Pilot[None]) -> None:
    await settle(pilot)
    await pilot.press("t")
    await drawn(pilot)


async def trend_team(pilot: Pilot[None]) -> None:
    await team(pilot)
    await pilot.press("t")
    await drawn(pilot)


async def trend_worker(pilot: Pilot[None]) -> None:
    await worker(pilot)
    await pilot.press("t")
    await drawn(pilot)


async def scenario(pilot: Pilot[None]) -> None:
    """What if that worker's first case went to the first worker the picker offers: the
    team's screen, before → after, under the SCENARIO banner."""
    await worker(pilot)
    await pilot.press("w")
    await pilot.pause()
    await pilot.press("enter")
    await pilot.pause()
    await pilot.press("escape")
    await pilot.pause()


async def presenting(pilot: Pilot[None]) -> None:
    """The team's screen in presenter mode: initials and staff refs, PRESENTING on top."""
    await settle(pilot)
    await pilot.press("P")
    await pilot.pause()
    await pilot.press("down", "down", "enter")
    await pilot.pause()


SCREENS: dict[str, Callable[[Pilot[None]], Awaitable[None]]] = {
    "overview": overview,
    "team": team,
    "teams": teams,
    "worker": worker,
    "unallocated": unallocated,
    "help": help_keys,
    "as_of": as_of,
    "flagged_filtered": flagged_filtered,
    "trend_organisation": trend_organisation,
    "trend_team": trend_team,
    "trend_worker": trend_worker,
    "scenario": scenario,
    "presenting": presenting,
}


async def capture(
    path: Path, steps: Callable[[Pilot[None]], Awaitable[None]], theme: str, size: tuple[int, int]
) -> str:
    """Run the app headless on `path`, take the steps, and return the SVG of the screen."""
    from cfmonitor.locate import DatabaseChoice
    from cfmonitor.policy import Policy
    from cfmonitor.tui.app import CfmonitorApp

    app = CfmonitorApp(
        DatabaseChoice(path, is_demo=True), policy=Policy(), as_of=DEMO_DAY, watch_seconds=0
    )
    async with app.run_test(size=size) as pilot:
        app.theme = theme
        await steps(pilot)
        await pilot.pause()
        return app.export_screenshot(title=f"cfmonitor — {theme}")


async def write_all(out: Path, size: tuple[int, int]) -> list[Path]:
    from cfmonitor.data.engine import write_demo_database

    out.mkdir(parents=True, exist_ok=True)
    written = []
    with tempfile.TemporaryDirectory() as folder:
        database = Path(folder) / "demo.db"
        write_demo_database(database, seed=DEMO_SEED, today=DEMO_DAY)
        shots = {**SCREENS, "palette": palette}
        for name, steps in shots.items():
            for label, theme in THEMES.items():
                target = out / f"{name}-{label}.svg"
                target.write_text(await capture(database, steps, theme, size), encoding="utf-8")
                written.append(target)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description="Regenerate the TUI screenshots (SVG).")
    parser.add_argument("--out", type=Path, default=Path("screenshots"))
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=36)
    args = parser.parse_args()
    os.environ.pop("NO_COLOR", None)  # screenshots show the colours (and the symbols)
    for path in asyncio.run(write_all(args.out, (args.width, args.height))):
        print(path)


if __name__ == "__main__":
    main()
