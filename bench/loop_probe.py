"""Run `cfmonitor` with a probe on the TUI's event loop (for bench/bench_goals.py).

    CFMONITOR_BENCH_PROBE=/tmp/blocks.jsonl python -m loop_probe --db X   (bench/ on the path)

A task sleeps 10 ms at a time; whenever it wakes more than 20 ms late, the loop was
blocked, and one JSON line {"at": wall-clock end, "seconds": how long} is written. The
app is wrapped from outside, so cfmonitor/tui/ carries no benchmark code.
"""

from __future__ import annotations

import asyncio
import json
import os
import time

from cfmonitor.cli import main
from cfmonitor.tui.app import CfmonitorApp

TICK = 0.01
REPORTED = 0.02


async def _watch(path: str) -> None:
    with open(path, "a", encoding="utf-8") as out:
        while True:
            started = time.perf_counter()
            await asyncio.sleep(TICK)
            blocked = time.perf_counter() - started - TICK
            if blocked > REPORTED:
                out.write(json.dumps({"at": time.time(), "seconds": blocked}) + "\n")
                out.flush()


_mounted = CfmonitorApp.on_mount


def _on_mount_with_probe(self: CfmonitorApp) -> None:
    _mounted(self)
    self._bench_probe = asyncio.get_running_loop().create_task(  # type: ignore[attr-defined]
        _watch(os.environ["CFMONITOR_BENCH_PROBE"])
    )


CfmonitorApp.on_mount = _on_mount_with_probe  # type: ignore[method-assign]

if __name__ == "__main__":
    main()
