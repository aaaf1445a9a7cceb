"""Issue 10's goal table, measured on whole processes, before and after, in one run.

    python bench/bench_goals.py [--data /work/bench-data] [--before ed57c88] [--repeat 3]
                                [--only demo,england,tui,trend,update,suite]

Run by hand, never by CI (it takes many minutes and wants the England-sized databases
of `bench/generate.py --size L`, in both shapes: `england-demo.db`, `england-random.db`).

"Before" is the base commit, unpacked with `git archive` into a temporary folder;
"after" is this checkout. Both run with this Python and its packages (PYTHONPATH picks
the tree), so only cfmonitor's own code differs. The machine is shared, so every figure
is a median of `--repeat` rounds, and each round runs before, after and the yardstick
one after the other: ratios are taken within the run, never across runs.

Figures: wall seconds and peak RSS of the child (its own rusage, via wait4). The TUI
launch is timed in a real pseudo-terminal (pexpect, read by pyte) from spawn until the
overview's team rows are drawn; the longest event-loop block after it comes from a
probe (`bench/loop_probe.py`) that wraps the app, not from code in cfmonitor/tui/.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from bench_engine import _LOAD_SQL  # the same aggregate as the engine bench's floor

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
RESULTS = BENCH / "results"
DAY = "2026-11-26"
BASE = "ed57c88"
PARTS = ("demo", "england", "tui", "trend", "update", "suite")
SHAPES = ("demo", "random")

LOAD_SQL = _LOAD_SQL.format(hint="", day=DAY)
"""The yardstick: the sqlite3 command-line tool's aggregate of per-worker load."""

TREND_CHILD = r"""
import datetime as dt, sys, time
from cfmonitor.data.engine import Caseloads
from cfmonitor.locate import DatabaseChoice
from cfmonitor.policy import Policy
path, what, day = sys.argv[1], sys.argv[2], dt.date.fromisoformat(sys.argv[3])
engine = Caseloads(DatabaseChoice(__import__("pathlib").Path(path), is_demo=False), Policy())
if what == "trend":
    engine.trend(day - dt.timedelta(days=728), day, "week")
else:
    engine.snapshot(day)
"""
"""Two years of weekly points against one day, through the engine (both trees have it)."""


@dataclass
class Run:
    seconds: float
    peak: int
    """Peak resident set size in bytes."""


@dataclass
class Figure:
    """One goal: the medians of each side, and the goal's ratio."""

    what: str
    sides: dict[str, list[Run]] = field(default_factory=dict)
    goal: str = ""

    def median(self, side: str) -> float:
        return statistics.median(run.seconds for run in self.sides[side])

    def peak(self, side: str) -> int:
        return max(run.peak for run in self.sides[side])


def run(
    args: Sequence[str], *, tree: Path | None, cwd: Path, env: dict[str, str] | None = None
) -> Run:
    """One child process: its wall time and its own peak RSS; it must succeed."""
    environment = {**os.environ, **(env or {})}
    environment.pop("CFMONITOR_DB", None)
    if tree is not None:
        environment["PYTHONPATH"] = str(tree)
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        child = subprocess.Popen(list(args), stdout=out, stderr=err, cwd=cwd, env=environment)
        _, status, usage = os.wait4(child.pid, 0)
        seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            err.seek(0)
            raise SystemExit(f"{' '.join(args)} failed:\n{err.read().decode()[-2000:]}")
    return Run(seconds, usage.ru_maxrss * 1024)


def cfmonitor(*args: str) -> list[str]:
    return [sys.executable, "-m", "cfmonitor", *args]


def rounds(figure: Figure, repeat: int, sides: dict[str, Callable[[], Run]]) -> Figure:
    """`repeat` rounds, each running every side once, in turn."""
    for _ in range(repeat):
        for side, measure in sides.items():
            figure.sides.setdefault(side, []).append(measure())
    return figure


def unpack(commit: str, folder: Path) -> Path:
    """The tree at `commit` (cfmonitor/ and db/), for PYTHONPATH."""
    tree = folder / f"tree-{commit}"
    tree.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", commit], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(tree)], input=archive, check=True)
    return tree


# --- The goals ----------------------------------------------------------------------------


def demo_report(trees: dict[str, Path], work: Path, repeat: int) -> list[Figure]:
    demo = work / "demo.db"
    if not demo.exists():
        run(cfmonitor("demo", str(demo), "--today", DAY), tree=trees["after"], cwd=work)
    report = cfmonitor("report", "--format", "json", "--db", str(demo), "--as-of", DAY)
    sides: dict[str, Callable[[], Run]] = {
        side: (lambda tree=tree: run(report, tree=tree, cwd=work)) for side, tree in trees.items()
    }
    sides["yardstick"] = lambda: run([sys.executable, "-c", "import polars"], tree=None, cwd=work)
    figure = Figure("report --format json, demo, vs python -c 'import polars'", goal="≤ 1.5×")
    return [rounds(figure, repeat, sides)]


def england_report(
    trees: dict[str, Path], work: Path, data: Path, repeat: int, fmt: str = "json"
) -> list[Figure]:
    figures = []
    for shape in SHAPES:
        db = data / f"england-{shape}.db"
        report = cfmonitor("report", "--format", fmt, "--db", str(db), "--as-of", DAY)
        sides: dict[str, Callable[[], Run]] = {
            side: (lambda tree=tree, report=report: run(report, tree=tree, cwd=work))
            for side, tree in trees.items()
        }
        sides["yardstick"] = lambda db=db: sqlite_aggregate(db, work)
        figure = Figure(f"report --format {fmt}, England {shape}, vs sqlite3", goal="≤ 0.75×")
        figures.append(rounds(figure, repeat, sides))
    return figures


def sqlite_aggregate(db: Path, work: Path) -> Run:
    with tempfile.NamedTemporaryFile("w", suffix=".sql", dir=work, delete=False) as sql:
        sql.write(LOAD_SQL)
    try:
        return run(["sh", "-c", f"sqlite3 -readonly -batch {db} < {sql.name}"], tree=None, cwd=work)
    finally:
        os.unlink(sql.name)


def trend_against_snapshot(
    trees: dict[str, Path], work: Path, data: Path, repeat: int
) -> list[Figure]:
    figures = []
    child = work / "trend_child.py"
    child.write_text(TREND_CHILD)
    for shape in SHAPES:
        db = str(data / f"england-{shape}.db")
        for side, tree in trees.items():
            figure = Figure(
                f"{side}: two-year weekly trend vs one snapshot, England {shape}",
                goal="≤ 2×, < 1 GiB",
            )
            sides = {
                what: (
                    lambda what=what, tree=tree, db=db: run(
                        [sys.executable, str(child), db, what, DAY], tree=tree, cwd=work
                    )
                )
                for what in ("trend", "snapshot")
            }
            figures.append(rounds(figure, repeat, sides))
    return figures


OVERLAPPING_ALLOCATIONS = """
DELETE FROM allocations WHERE id IN (
    SELECT later.id FROM allocations AS earlier JOIN allocations AS later
    ON later.case_id = earlier.case_id AND later.worker_id = earlier.worker_id
    AND later.id > earlier.id
    AND later.start_date < COALESCE(earlier.end_date, '9999-12-31')
    AND earlier.start_date < COALESCE(later.end_date, '9999-12-31'))
"""
"""The random shape gives a few cases to one worker twice at once, which an import refuses
(it stops at its checks, before the comparison). The bench's copy loses the later of each
such pair, so its own dump is importable and the whole path is measured."""


def importable_copy(source: Path, work: Path, shape: str) -> Path:
    """A copy of the bench database that its own dump can be imported into."""
    clean = work / f"importable-{shape}.db"
    if not clean.exists():
        subprocess.run(["cp", str(source), str(clean)], check=True)
        connection = sqlite3.connect(clean)
        try:
            removed = connection.execute(OVERLAPPING_ALLOCATIONS).rowcount
            connection.commit()
        finally:
            connection.close()
        print(f"  {shape}: {removed} overlapping allocation(s) left out of the copy", flush=True)
    return clean


def update_memory(trees: dict[str, Path], work: Path, data: Path) -> list[Figure]:
    """`import --update` of the database's own dump into a copy of it (nothing changes:
    the read, check and compare path at full size)."""
    figures = []
    for shape in SHAPES:
        source = importable_copy(data / f"england-{shape}.db", work, shape)
        dumped = work / f"csv-{shape}"
        if not dumped.exists():
            run(cfmonitor("dump", "--db", str(source), "--dir", str(dumped)), tree=trees["after"],
                cwd=work)  # fmt: skip
        files = [
            arg
            for table in ("teams", "workers", "reductions", "cases", "allocations")
            for arg in (f"--{table}", str(dumped / f"{table}.csv"))
        ]
        figure = Figure(f"import --update, England {shape}: peak RSS", goal="< 2 GiB")
        for side, tree in trees.items():
            copy = work / f"update-{shape}-{side}.db"
            subprocess.run(["cp", str(source), str(copy)], check=True)
            args = cfmonitor("import", "--db", str(copy), "--update", *files)
            figure.sides[side] = [run(args, tree=tree, cwd=work)]
            copy.unlink()
            for backup in work.glob(f"{copy.name}.backup-*"):
                backup.unlink()
        figures.append(figure)
    return figures


def tui_suite(trees: dict[str, Path], work: Path) -> list[Figure]:
    """`pytest tests/tui` in each tree (the tests come from the tree they test): with two
    workers, and with `-n auto` as the README runs it (the tree's own choice of workers)."""
    figures = []
    for workers in ("2", "auto"):
        figure = Figure(f"pytest tests/tui -n {workers}", goal="halved")
        for side, tree in trees.items():
            tests = tree if side == "before" else ROOT
            args = [sys.executable, "-m", "pytest", "-q", "-n", workers, "-p",
                    "no:cacheprovider", "tests/tui"]  # fmt: skip
            figure.sides[side] = [run(args, tree=tests, cwd=tests)]
        figures.append(figure)
    return figures


# --- The TUI in a real terminal -------------------------------------------------------------


def team_names(db: Path) -> set[str]:
    connection = sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        return {name for (name,) in connection.execute("SELECT name FROM teams")}
    finally:
        connection.close()


def tui_launch(tree: Path, db: Path, work: Path, settle: float = 5.0) -> tuple[Run, float]:
    """(seconds from spawn until team rows are drawn, longest loop block after it in s)."""
    import pexpect
    import pyte

    names = team_names(db)
    probe = work / f"probe-{os.getpid()}-{time.monotonic_ns()}.jsonl"
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("TEXTUAL", "CFMONITOR", "NO_COLOR", "COLUMNS", "LINES"))
    }
    env.update(PYTHONPATH=f"{tree}{os.pathsep}{BENCH}", TERM="xterm-256color", LANG="C.UTF-8",
               LC_ALL="C.UTF-8", HOME=str(work), CFMONITOR_BENCH_PROBE=str(probe))  # fmt: skip
    screen = pyte.Screen(120, 36)
    stream = pyte.ByteStream(screen)
    started = time.time()
    child = pexpect.spawn(
        sys.executable,
        ["-m", "loop_probe", "--db", str(db), "--as-of", DAY],
        env=env,
        dimensions=(36, 120),
        cwd=str(work),
    )
    drawn = None
    try:
        while time.time() - started < 120:
            with contextlib.suppress(pexpect.TIMEOUT):
                stream.feed(child.read_nonblocking(65536, timeout=0.05))
            rows = [line for line in screen.display if any(name in line for name in names)]
            if len(rows) >= 3:
                drawn = time.time()
                break
        if drawn is None:
            raise SystemExit(f"the overview was not drawn within 120 s:\n{screen.display}")
        deadline = time.time() + settle
        while time.time() < deadline:  # let it run (and keep reading its output)
            with contextlib.suppress(pexpect.TIMEOUT):
                stream.feed(child.read_nonblocking(65536, timeout=0.05))
    finally:
        child.sendcontrol("q")
        child.terminate(force=True)
    blocks = [json.loads(line) for line in probe.read_text().splitlines()] if probe.exists() else []
    after = [block["seconds"] for block in blocks if block["at"] >= drawn]
    probe.unlink(missing_ok=True)
    return Run(drawn - started, 0), max(after, default=0.0)


def tui_figures(trees: dict[str, Path], work: Path, data: Path, repeat: int) -> list[Figure]:
    figures = []
    for shape in SHAPES:
        db = data / f"england-{shape}.db"
        launch = Figure(f"TUI launch to populated overview, England {shape} (s)", goal="≤ 1.5 s")
        block = Figure(f"TUI longest loop block after it, England {shape} (s)", goal="≤ 0.1 s")
        for _ in range(repeat):
            for side, tree in trees.items():
                first, longest = tui_launch(tree, db, work)
                launch.sides.setdefault(side, []).append(first)
                block.sides.setdefault(side, []).append(Run(longest, 0))
        figures += [launch, block]
    return figures


# --- Output ----------------------------------------------------------------------------------


def describe(figure: Figure) -> list[str]:
    lines = [f"{figure.what}   [goal {figure.goal}]"]
    sides = list(figure.sides)
    yardstick = "yardstick" if "yardstick" in sides else ("snapshot" if "snapshot" in sides else "")
    for side in sides:
        seconds, peak = figure.median(side), figure.peak(side)
        ratio = f"  {seconds / figure.median(yardstick):6.2f}×" if yardstick else ""
        memory = f"  peak {peak / 2**20:8.0f} MiB" if peak else ""
        count = len(figure.sides[side])
        lines.append(f"    {side:10} {seconds:8.2f} s (median of {count}){ratio}{memory}")
    return lines


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("/work/bench-data"))
    parser.add_argument("--before", default=BASE, help="the commit to compare against")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default=",".join(PARTS), help=f"some of {','.join(PARTS)}")
    args = parser.parse_args()
    parts = args.only.split(",")
    unknown = set(parts) - set(PARTS)
    if unknown:
        parser.error(f"--only: unknown part(s) {', '.join(sorted(unknown))}")
    needs_data = set(parts) - {"demo", "suite"}
    for shape in SHAPES if needs_data else ():
        if not (args.data / f"england-{shape}.db").exists():
            sys.exit(f"{args.data}/england-{shape}.db: missing; make it with bench/generate.py")
    figures: list[Figure] = []
    RESULTS.mkdir(exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    with tempfile.TemporaryDirectory(prefix="cfmonitor-goals-") as folder:
        work = Path(folder)
        trees = {"before": unpack(args.before, work), "after": ROOT}
        for tree in trees.values():
            # As installed: with bytecode. This shell may set PYTHONDONTWRITEBYTECODE, and
            # then every child would compile cfmonitor's sources again (~60 ms each).
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "cfmonitor")],
                           check=True, capture_output=True)  # fmt: skip
        steps: dict[str, Callable[[], list[Figure]]] = {
            "demo": lambda: demo_report(trees, work, args.repeat),
            "england": lambda: england_report(trees, work, args.data, args.repeat),
            "tui": lambda: tui_figures(trees, work, args.data, args.repeat),
            "trend": lambda: trend_against_snapshot(trees, work, args.data, args.repeat),
            "update": lambda: update_memory(trees, work, args.data),
            "suite": lambda: tui_suite(trees, work),
        }
        for part in parts:
            done = steps[part]()
            for figure in done:
                print("\n".join(describe(figure)), flush=True)
            figures += done
    load = os.getloadavg()
    text = [f"bench_goals {stamp}, before {args.before}, load {load[0]:.1f}/{load[2]:.1f}"]
    text += [line for figure in figures for line in describe(figure)]
    (RESULTS / f"goals-{stamp}.txt").write_text("\n".join(text) + "\n")
    raw = {f.what: {s: [vars(r) for r in runs] for s, runs in f.sides.items()} for f in figures}
    (RESULTS / f"goals-{stamp}.json").write_text(json.dumps(raw, indent=2))
    print(f"\nwritten to {RESULTS / f'goals-{stamp}.txt'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
