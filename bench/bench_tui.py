"""Time the TUI headless on the demo database (run by hand, never by CI).

    python bench/bench_tui.py [--db PATH] [--as-of 2026-11-26]

Prints: launch to first painted overview; drill into the largest team and back; one
filter keystroke; one sort keystroke. Goals: first paint < 1 s, keystrokes < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import statistics
import tempfile
import time
from pathlib import Path

from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy

DAY = dt.date(2026, 11, 26)


def demo_database(folder: Path) -> Path:
    from cfmonitor.data.demo import write_demo_database

    path = folder / "demo.db"
    write_demo_database(path, seed=7, today=DAY)
    return path


async def measure(path: Path, as_of: dt.date, size: tuple[int, int]) -> dict[str, float]:
    started = time.perf_counter()
    from textual.command import CommandList

    from cfmonitor.tui.app import CfmonitorApp
    from cfmonitor.tui.widgets.table import CaseloadTable

    app = CfmonitorApp(
        DatabaseChoice(path, is_demo=True), policy=Policy(), as_of=as_of, watch_seconds=0
    )
    figures: dict[str, float] = {}
    async with app.run_test(size=size) as pilot:
        loading_stalls: list[float] = []
        while app.snapshot is None or app.screen.has_class("-first-load"):
            t = time.perf_counter()
            await asyncio.sleep(0.005)
            loading_stalls.append(time.perf_counter() - t - 0.005)
        figures["longest block while loading (ms)"] = max(loading_stalls, default=0) * 1000
        await pilot.pause()  # one refresh: the overview is painted
        figures["first paint (s)"] = time.perf_counter() - started
        stalls: list[float] = []

        async def watch_loop() -> None:
            """How late a 10 ms sleep wakes up: the longest the event loop was blocked."""
            while True:
                t = time.perf_counter()
                await asyncio.sleep(0.01)
                stalls.append(time.perf_counter() - t - 0.01)

        watcher = asyncio.create_task(watch_loop())

        async def cost(*keys: str) -> tuple[float, float]:
            """(wall, CPU) seconds for the keys, each including Pilot's wait for idle."""
            wall, cpu = time.perf_counter(), time.process_time()
            await pilot.press(*keys)
            return time.perf_counter() - wall, time.process_time() - cpu

        idle = [await cost("x") for _ in range(7)]
        idle_wall = statistics.median(w for w, _ in idle)
        idle_cpu = statistics.median(c for _, c in idle)
        figures["no-op keystroke, Pilot overhead (ms)"] = idle_wall * 1000

        largest = app.snapshot.teams.sort("workers_in_post", descending=True).item(0, "team")
        table = app.screen.query_one("#table", CaseloadTable)
        table.move_cursor_to_key(largest)
        timings: dict[str, list[tuple[float, float]]] = {
            "drill into largest team": [],
            "back to overview": [],
            "filter keystroke": [],
            "sort keystroke": [],
        }
        first_drill = await cost("enter")
        await cost("escape")
        for _ in range(5):
            timings["drill into largest team"].append(await cost("enter"))
            timings["back to overview"].append(await cost("escape"))
        await pilot.press("enter")
        team_screen = app.screen
        samples = []
        for _ in range(20):
            t = time.perf_counter()
            team_screen.render_snapshot(app.snapshot)  # the data part of a drill-down
            samples.append(time.perf_counter() - t)
        figures["team screen redrawn from the Snapshot (ms)"] = statistics.median(samples) * 1000
        await pilot.press("escape")
        await pilot.press("slash")
        for key in "mid":
            timings["filter keystroke"].append(await cost(key))
        await pilot.press("escape")
        for _ in range(5):
            timings["sort keystroke"].append(await cost("s"))
        figures["first drill-down, composes the screen (ms)"] = first_drill[0] * 1000
        for name, samples in timings.items():
            wall = statistics.median(w for w, _ in samples)
            cpu = statistics.median(c for _, c in samples)
            figures[f"{name}, wall (ms)"] = wall * 1000
            figures[f"{name}, CPU net of no-op (ms)"] = max(0.0, cpu - idle_cpu) * 1000
        figures["longest block, drill/filter/sort (ms)"] = max(stalls) * 1000
        stalls.clear()
        t = time.perf_counter()
        await pilot.press("ctrl+p", *"ann")
        while time.perf_counter() - t < 10 and not (
            app.screen.query(CommandList) and app.screen.query_one(CommandList).option_count
        ):
            await asyncio.sleep(0.01)
        figures["palette: first hits for 'ann' (ms)"] = (time.perf_counter() - t) * 1000
        await pilot.pause(0.5)
        await pilot.press("escape")
        watcher.cancel()
        figures["longest block, palette search (ms)"] = max(stalls) * 1000
        figures["workers"] = app.snapshot.workers.height
        figures["teams"] = app.snapshot.teams.height
        figures["open cases"] = int(app.snapshot.organisation.item(0, "open_cases"))
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None)
    parser.add_argument("--as-of", type=dt.date.fromisoformat, default=DAY)
    parser.add_argument("--width", type=int, default=120)
    parser.add_argument("--height", type=int, default=36)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        path = args.db or demo_database(Path(folder))
        figures = asyncio.run(measure(path, args.as_of, (args.width, args.height)))
    for name, value in figures.items():
        print(f"{name:44} {value:10.1f}" if isinstance(value, float) else f"{name:44} {value:10}")


if __name__ == "__main__":
    main()
