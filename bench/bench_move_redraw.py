"""Time a what-if move and its redraw in the running app (issue 12), before and after, in one run.

    python bench/bench_move_redraw.py [--db demo] [--db PATH ...] [--before ed57c88]
                                      [--moves 7] [--profile FOLDER]

Run by hand, never by CI; England-sized databases under `flock /tmp/bench.lock`.

Each database is read once per tree, outside the timing, and the app is handed the
figures ready (`CfmonitorApp(engine=ReadyFigures(...))`), so nothing timed reads the
database. In a headless `app.run_test` (120×36, notifications on as a user has them: a
toast a step shows is part of its redraw) the app goes overview → third team → its
first worker, then times, in CPU seconds (`time.process_time`, every thread):

- move+redraw (worker): `app.add_move` of the worker's first case to a colleague, with
  overview, team and worker screens on the stack, until `pilot.pause()` has let every
  screen redraw and the top screen repaint (`pause` ends with the screen's refresh);
- undo+redraw: `z`'s `action_undo_move` the same way;
- 2nd move+redraw (worker): another of the worker's cases moved while the first move
  stands (the SCENARIO banner and the keys on offer stay as they were);
- move+redraw (team): the same move made with the team's screen on top;
- picker open: `w` on the case until the picker is painted (a no-op key's own Pilot cost
  is printed beside it, and not subtracted).

"Before" is `--before` unpacked with `git archive`; "after" is this checkout. Both run
in children with this Python (PYTHONPATH picks the tree), one after the other for each
database, so their ratio is measured side by side. Figures are medians over `--moves`.
`--profile FOLDER` runs the after tree once more under cProfile (CPU time) and writes the
statistics of its timed steps there (moves, undos and picker openings together); the
figures printed come from the runs without it.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DEMO_DAY = dt.date(2026, 11, 26)
GOALS_MS = {"demo": 50.0, "england": 150.0}
FIGURES = (
    "move+redraw (worker)",
    "undo+redraw",
    "2nd move+redraw (worker)",
    "move+redraw (team)",
    "picker open",
    "no-op key",
)


def _figures(path: Path, day: dt.date, is_demo: bool):
    from cfmonitor.data.engine import Caseloads
    from cfmonitor.locate import DatabaseChoice
    from cfmonitor.policy import Policy
    from cfmonitor.tui.engine import ReadyFigures

    choice = DatabaseChoice(path, is_demo=is_demo)
    engine = Caseloads(choice, Policy())
    snapshot = engine.snapshot(day)
    with_history = engine.with_history(snapshot)
    return choice, ReadyFigures(with_history, engine.history(with_history))


async def _measure(path: Path, day: dt.date, is_demo: bool, moves: int, profile: Path | None):
    from cfmonitor.data.engine import Move
    from cfmonitor.policy import Policy
    from cfmonitor.tui.app import CfmonitorApp
    from cfmonitor.tui.widgets.table import CaseloadTable

    started = time.perf_counter()
    choice, ready = _figures(path, day, is_demo)
    load_seconds = time.perf_counter() - started
    app = CfmonitorApp(choice, policy=Policy(), as_of=day, watch_seconds=0, engine=ready)
    timings: dict[str, list[float]] = {name: [] for name in FIGURES}
    profiler = None
    if profile is not None:
        import cProfile

        profiler = cProfile.Profile(time.process_time)

    def table() -> CaseloadTable:
        return app.screen.query_one("#table", CaseloadTable)

    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await pilot.pause()
        while app.is_loading or app.view.history is None:
            await pilot.pause(0.05)
        await pilot.pause()
        await pilot.press("down", "down", "enter")
        await pilot.pause()
        team_screen = app.screen
        target = str(table().frame.item(min(3, table().frame.height - 1), "staff_ref"))
        await pilot.press("enter")
        await pilot.pause()
        worker = app.screen
        source = str(worker.staff_ref)
        if target == source:
            target = str(team_screen.query_one("#table", CaseloadTable).frame.item(0, "staff_ref"))
        case_ref = str(table().cursor_key)
        move = Move(case_ref, target, source)
        second = Move(str(table().frame.item(1, "case_ref")), target, source)

        async def timed(name: str, act: Callable[[], object]) -> None:
            if profiler is not None:
                profiler.enable()
            begun = time.process_time()
            act()
            await pilot.pause()
            timings[name].append(time.process_time() - begun)
            if profiler is not None:
                profiler.disable()

        for _ in range(moves):
            await timed("move+redraw (worker)", lambda: app.add_move(move))
            await timed("undo+redraw", app.action_undo_move)
        app.add_move(move)
        await pilot.pause()
        for _ in range(moves):  # a scenario already: the banner and keys stay as they are
            await timed("2nd move+redraw (worker)", lambda: app.add_move(second))
            app.action_undo_move()
            await pilot.pause()
        app.action_undo_move()
        await pilot.pause()
        for _ in range(moves):
            begun = time.process_time()
            await pilot.press("x")
            timings["no-op key"].append(time.process_time() - begun)
            if profiler is not None:
                profiler.enable()
            begun = time.process_time()
            await pilot.press("w")
            await pilot.pause()
            timings["picker open"].append(time.process_time() - begun)
            if profiler is not None:
                profiler.disable()
            assert type(app.screen).__name__ == "MovePicker", app.screen
            await pilot.press("escape")
            await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is team_screen
        for _ in range(moves):
            await timed("move+redraw (team)", lambda: app.add_move(move))
            app.action_undo_move()
            await pilot.pause()
        workers = app.view.snapshot.workers.height
    if profiler is not None and profile is not None:
        profile.mkdir(parents=True, exist_ok=True)
        import io
        import pstats

        for order in ("cumulative", "tottime"):
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats(order)
            stats.print_stats(80)
            stats.print_stats("cfmonitor", 80)
            (profile / f"{path.stem}-{order}.txt").write_text(out.getvalue())
    return {
        "workers": workers,
        "load_seconds": load_seconds,
        **{name: statistics.median(values) * 1000 for name, values in timings.items()},
    }


def _child(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="cfm-bench-") as folder:
        if args.db == "demo":
            from cfmonitor.data.demo import write_demo_database

            path, is_demo = Path(folder) / "demo.db", True
            write_demo_database(path, seed=7, today=DEMO_DAY)
        else:
            path, is_demo = Path(args.db), False
        result = asyncio.run(_measure(path, DEMO_DAY, is_demo, args.moves, args.profile))
    print(json.dumps(result))
    return 0


def _run(tree: Path, db: str, moves: int, profile: Path | None) -> dict[str, float]:
    env = dict(os.environ, PYTHONPATH=str(tree))
    command = [sys.executable, str(Path(__file__).resolve()), "--child", "--db", db]
    command += ["--moves", str(moves)]
    if profile is not None:
        command += ["--profile", str(profile)]
    done = subprocess.run(command, env=env, cwd=tree, capture_output=True, text=True)
    if done.returncode:
        sys.exit(f"{tree} on {db}: failed\n{done.stderr[-3000:]}")
    result: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", action="append", help="demo, or a database file")
    parser.add_argument("--before", default="ed57c88", help="commit; '' for after only")
    parser.add_argument("--repo", type=Path, default=ROOT, help="where --before is found")
    parser.add_argument("--moves", type=int, default=7)
    parser.add_argument("--profile", type=Path, default=None)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        args.db = args.db[0]
        return _child(args)
    dbs = args.db or ["demo"]
    with contextlib.ExitStack() as stack:
        trees = []
        if args.before:
            folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="cfm-before-")))
            archive = subprocess.run(
                ["git", "archive", args.before], cwd=args.repo, check=True, capture_output=True
            ).stdout
            subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
            trees.append(("before", folder))
        trees.append(("after", ROOT))
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
        for db in dbs:
            size = "demo" if db == "demo" else "england"
            results = {}
            for label, tree in trees:
                results[label] = _run(tree, db, args.moves, None)
            if args.profile is not None:  # a run of its own: cProfile slows what it watches
                _run(ROOT, db, args.moves, args.profile)
            first = next(iter(results.values()))
            print(f"\n{db}: {first['workers']:,} workers (read in {first['load_seconds']:.0f} s)")
            print(f"  {'ms CPU, median':24}" + "".join(f"{label:>10}" for label in results))
            for name in FIGURES:
                cells = "".join(f"{results[label][name]:10.1f}" for label in results)
                goal = f"   goal {GOALS_MS[size]:.0f}" if name.startswith("move") else ""
                print(f"  {name:24}{cells}{goal}", flush=True)
        print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
