"""Time cfmonitor's engine against plain SQL, side by side, at sizes S, M and L.

    python bench/bench_engine.py [--sizes S,M,L] [--repeat 3] [--naive-budget 60]

Run by hand, never by CI. Databases are generated into bench/data/ (git-ignored) and
reused. Each measurement runs in a fresh process after one warm-up run, so every
contender reads from a warm page cache; the figure is the median of `--repeat` runs.
Wall time suffers when other work shares the CPUs; CPU time is shown beside it.

1. floor: the `sqlite3` command-line tool running one SQL aggregate (per-worker
   weighted load on the day) on the generated file;
2. tuned SQL: the same on a COPY with a covering index on allocations and
   `PRAGMA mmap_size` (the generated file is never changed);
3. engine: `load_snapshot` (read from the file + compute), timed inside a fresh
   process, with its CPU time and peak RSS; "before" runs the same with the cfmonitor
   package of `--before` (default main, unpacked with `git archive` into bench/data/),
   for a before/after in one run;
4. naive ORM: SQLModel walking worker → allocations → case (bench/naive_orm.py);
5. `cfmonitor report --format json` on the demo database, wall time, start-up included.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

BENCH = Path(__file__).resolve().parent
DATA = BENCH / "data"
RESULTS = BENCH / "results"
DAY = dt.date(2026, 11, 26)
MMAP_BYTES = 2**30

ENGINE_GOAL_RATIO = 0.5
TUNED_GOAL_RATIO = 1.5
MEMORY_GOAL_MIB = 512
REPORT_GOAL_SECONDS = 0.5

_LOAD_SQL = """
SELECT a.worker_id,
       SUM(CASE c.complexity WHEN 'standard' THEN 1.0 WHEN 'complex' THEN 1.2
                             WHEN 'intense' THEN 1.5 END) AS weighted_load,
       COUNT(*) AS cases
FROM allocations AS a {hint}
JOIN cases AS c ON c.id = a.case_id
JOIN workers AS w ON w.id = a.worker_id
WHERE a.start_date <= '{day}' AND (a.end_date IS NULL OR a.end_date > '{day}')
  AND c.opened_on <= '{day}' AND (c.closed_on IS NULL OR c.closed_on > '{day}')
  AND w.start_date <= '{day}' AND (w.end_date IS NULL OR w.end_date > '{day}')
GROUP BY a.worker_id;
"""

# Two covering indexes on the tuned copy: by worker (the planner picks it by itself for
# the GROUP BY) and by end date (read only the open allocations; needs INDEXED BY).
_TUNED_INDEXES = {
    "ix_bench_allocations_worker_cover": "allocations(worker_id, start_date, end_date, case_id)",
    "ix_bench_allocations_open_cover": "allocations(end_date, start_date, case_id, worker_id)",
}

_CHILD = r"""
import datetime as dt, json, resource, sys, time
path, day = sys.argv[1], dt.date.fromisoformat(sys.argv[2])
from cfmonitor.data import caseload
try:  # where the read lives now; the --before package has it in store
    from cfmonitor.data.reading import load_frames
except ImportError:
    from cfmonitor.data.store import load_frames
from cfmonitor.policy import Policy
started, cpu = time.perf_counter(), time.process_time()
frames = load_frames(path, as_of=day)
loaded = time.perf_counter()
snapshot = caseload.compute_snapshot(frames, Policy(), day)
done = time.perf_counter()
print(json.dumps({
    "seconds": done - started,
    "cpu": time.process_time() - cpu,
    "load": loaded - started,
    "compute": done - loaded,
    "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "total_load": float(snapshot.workers["weighted_load"].sum()),
    "workers": snapshot.workers.height,
    "problems": snapshot.problems.height,
    "source": caseload.__file__,
}))
"""


def export_before(ref: str) -> Path | None:
    """Main's cfmonitor package (or another ref's), unpacked under bench/data/ to compare."""
    try:
        sha = subprocess.run(
            ["git", "-C", str(BENCH), "rev-parse", "--short", ref],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None
    target = DATA / f"before-{sha}"
    if not (target / "cfmonitor").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(BENCH.parent), "archive", sha, "cfmonitor"],
            capture_output=True,
            check=True,
        ).stdout
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive, check=True)
    return target


@dataclass
class Measure:
    size: str
    what: str
    seconds: float
    cpu: float | None = None
    peak_mib: float | None = None
    note: str = ""


def _median_run(run, repeat: int) -> tuple[float, float | None, dict]:
    """One warm-up, then medians of `repeat` runs: (wall seconds, CPU seconds, details)."""
    run()
    walls, cpus, details = [], [], {}
    for _ in range(repeat):
        seconds, details = run()
        walls.append(seconds)
        if "cpu" in details:
            cpus.append(details["cpu"])
    return statistics.median(walls), (statistics.median(cpus) if cpus else None), details


def ensure_database(size: str) -> Path:
    path = DATA / f"{size}.db"
    if not path.exists():
        print(f"Generating {path} …", flush=True)
        subprocess.run(
            [sys.executable, str(BENCH / "generate.py"), "--size", size, str(path)], check=True
        )
    return path


def ensure_tuned_copy(path: Path) -> Path:
    """A copy of `path` with covering indexes; the generated file itself is never changed."""
    tuned = path.with_name(path.stem + "-tuned.db")
    if tuned.exists() and tuned.stat().st_mtime >= path.stat().st_mtime:
        return tuned
    partial = tuned.with_name(tuned.name + ".partial")
    shutil.copyfile(path, partial)
    connection = sqlite3.connect(partial, isolation_level=None)
    try:
        for name, target in _TUNED_INDEXES.items():
            connection.execute(f"CREATE INDEX {name} ON {target}")
        connection.execute("ANALYZE")
    finally:
        connection.close()
    partial.replace(tuned)
    return tuned


def ensure_demo() -> Path:
    path = DATA / "demo.db"
    if not path.exists():
        subprocess.run(
            [sys.executable, "-m", "cfmonitor", "demo", str(path), "--today", DAY.isoformat()],
            check=True,
            stdout=subprocess.DEVNULL,
        )
    return path


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _sqlite_cli(path: Path, sql: str) -> tuple[float, dict]:
    cpu = _children_cpu()
    started = time.perf_counter()
    result = subprocess.run(
        ["sqlite3", "-readonly", "-batch", str(path)],
        input=sql,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    cpu = _children_cpu() - cpu
    rows = [line.split("|") for line in result.stdout.splitlines() if line.count("|") == 2]
    return seconds, {
        "total_load": sum(float(row[1]) for row in rows),
        "workers": len(rows),
        "cpu": cpu,
    }


def _engine(path: Path, code: Path | None) -> tuple[float, dict]:
    """`load_snapshot`'s two halves in a fresh process; `code` puts another cfmonitor first."""
    environment = dict(os.environ)
    if code is not None:
        environment["PYTHONPATH"] = str(code)
    result = subprocess.run(
        [sys.executable, "-P", "-c", _CHILD, str(path), DAY.isoformat()],
        capture_output=True,
        text=True,
        check=True,
        env=environment,
    )
    details = json.loads(result.stdout)
    return details["seconds"], details


def _naive(path: Path, budget: float) -> dict:
    result = subprocess.run(
        [
            sys.executable,
            str(BENCH / "naive_orm.py"),
            str(path),
            DAY.isoformat(),
            "--budget",
            str(budget),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _report_wall(path: Path) -> tuple[float, dict]:
    command = Path(sys.executable).with_name("cfmonitor")
    argv = [str(command)] if command.exists() else [sys.executable, "-m", "cfmonitor"]
    argv += ["report", "--db", str(path), "--as-of", DAY.isoformat(), "--format", "json"]
    started = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started, {}


def _counts(path: Path) -> str:
    connection = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        counts = [
            connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            for table in ("teams", "workers", "cases", "allocations")
        ]
    finally:
        connection.close()
    return "{:,} teams, {:,} workers, {:,} cases, {:,} allocations".format(*counts)


def bench_size(size: str, repeat: int, naive_budget: float, before: Path | None) -> list[Measure]:
    path = ensure_database(size)
    tuned = ensure_tuned_copy(path)
    print(f"{size}: {_counts(path)}", flush=True)
    day = DAY.isoformat()
    floor_sql = _LOAD_SQL.format(hint="", day=day)
    mmap = f"PRAGMA mmap_size = {MMAP_BYTES};\n"
    by_end = "INDEXED BY ix_bench_allocations_open_cover"
    tuned_sql = mmap + _LOAD_SQL.format(hint=by_end, day=day)
    measures: list[Measure] = []

    wall, cpu, floor = _median_run(lambda: _sqlite_cli(path, floor_sql), repeat)
    measures.append(Measure(size, "1 floor: sqlite3 CLI aggregate", wall, cpu))
    wall, cpu, _ = _median_run(lambda: _sqlite_cli(tuned, mmap + floor_sql), repeat)
    measures.append(Measure(size, "2 tuned SQL: covering index by worker + mmap", wall, cpu))
    wall, cpu, _ = _median_run(lambda: _sqlite_cli(tuned, tuned_sql), repeat)
    measures.append(Measure(size, "2b tuned SQL: index by end date + mmap", wall, cpu))

    engines = [(before, f"3a engine before ({before.name[7:]})")] if before else []
    engines.append((None, "3 engine: load_snapshot"))
    for code, label in engines:
        wall, cpu, details = _median_run(lambda code=code: _engine(path, code), repeat)
        agrees = (
            abs(details["total_load"] - floor["total_load"]) < 1e-6 * max(1.0, floor["total_load"])
            and details["workers"] >= floor["workers"]
        )
        note = (
            f"load {details['load']:.2f} + compute {details['compute']:.2f} s; "
            f"{'same loads as SQL' if agrees else 'DISAGREES with SQL'}"
        )
        measures.append(Measure(size, label, wall, cpu, details["peak_mib"], note))

    naive = _naive(path, naive_budget)
    note = (
        "complete"
        if naive["complete"]
        else (
            f"extrapolated from {naive['walked']:,} of {naive['workers']:,} workers "
            f"({naive['measured_seconds']:.0f} s)"
        )
    )
    measures.append(
        Measure(
            size, "4 naive SQLModel relationships", naive["seconds"], None, naive["peak_mib"], note
        )
    )
    return measures


def render(measures: list[Measure], report_seconds: float | None) -> None:
    from rich.console import Console
    from rich.table import Table

    floors = {m.size: m for m in measures if m.what.startswith("1 ")}
    tuned = {m.size: m for m in measures if m.what.startswith("2 ")}
    table = Table(title=f"cfmonitor engine benchmark, as of {DAY} (medians; warm cache)")
    columns = ("size", "what", "wall s", "× floor", "× tuned", "CPU s", "CPU × floor", "peak MiB")
    for column in columns:
        table.add_column(column, justify="left" if column == "what" else "right")
    table.add_column("note")
    for m in measures:
        floor, best = floors[m.size], tuned[m.size]
        cpu_ratio = "" if m.cpu is None or not floor.cpu else f"{m.cpu / floor.cpu:.2f}"
        table.add_row(
            m.size,
            m.what,
            f"{m.seconds:.3f}",
            f"{m.seconds / floor.seconds:.2f}",
            f"{m.seconds / best.seconds:.2f}",
            "" if m.cpu is None else f"{m.cpu:.3f}",
            cpu_ratio,
            "" if m.peak_mib is None else f"{m.peak_mib:.0f}",
            m.note,
        )
    if report_seconds is not None:
        table.add_row("demo", "5 cfmonitor report --format json", f"{report_seconds:.3f}")
    console = Console(width=None if sys.stdout.isatty() else 190)
    console.print(table)
    for size, floor in floors.items():
        engine = next(m for m in measures if m.size == size and m.what.startswith("3 "))
        ratio, to_tuned = engine.seconds / floor.seconds, engine.seconds / tuned[size].seconds
        console.print(
            f"{size}: engine {ratio:.2f}× floor (goal ≤ {ENGINE_GOAL_RATIO}) "
            f"{'MET' if ratio <= ENGINE_GOAL_RATIO else 'MISSED'}; "
            f"{to_tuned:.2f}× tuned SQL (goal ≤ {TUNED_GOAL_RATIO}) "
            f"{'MET' if to_tuned <= TUNED_GOAL_RATIO else 'MISSED'}; "
            f"peak {engine.peak_mib:.0f} MiB (goal < {MEMORY_GOAL_MIB}) "
            f"{'MET' if engine.peak_mib < MEMORY_GOAL_MIB else 'MISSED'}"
        )
    if report_seconds is not None:
        console.print(
            f"report on demo: {report_seconds:.3f} s (goal < {REPORT_GOAL_SECONDS}) "
            f"{'MET' if report_seconds < REPORT_GOAL_SECONDS else 'MISSED'}"
        )
    console.print(f"load average at the end: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")


def main() -> None:
    parser = argparse.ArgumentParser(description="Time the engine against SQL (by hand).")
    parser.add_argument("--sizes", default="S,M,L", help="comma-separated, of S, M, L")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--naive-budget", type=float, default=60.0, help="seconds per size")
    parser.add_argument("--no-report", action="store_true", help="skip the demo report timing")
    parser.add_argument(
        "--before", default="main", help="git ref whose engine to time alongside (or 'none')"
    )
    args = parser.parse_args()
    sizes = [size.strip().upper() for size in args.sizes.split(",") if size.strip()]
    if shutil.which("sqlite3") is None:
        sys.exit("bench_engine: the sqlite3 command-line tool is needed (apt install sqlite3).")
    DATA.mkdir(parents=True, exist_ok=True)
    before = None if args.before == "none" else export_before(args.before)
    measures = [
        m for size in sizes for m in bench_size(size, args.repeat, args.naive_budget, before)
    ]
    report_seconds = None
    if not args.no_report:
        report_seconds, _, _ = _median_run(lambda: _report_wall(ensure_demo()), max(args.repeat, 5))
    render(measures, report_seconds)
    RESULTS.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    (RESULTS / f"engine-{stamp}.json").write_text(
        json.dumps(
            {
                "measures": [m.__dict__ for m in measures],
                "report_seconds": report_seconds,
                "load_average": os.getloadavg(),
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
