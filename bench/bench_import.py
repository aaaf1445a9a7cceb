"""Benchmark `cfmonitor import` (and `dump`) on the bench data sets. Run by hand.

    python bench/generate.py --size S bench/data/S.db      # once (the demo engineer's tool)
    python bench/bench_import.py --size S [--db bench/data/S.db] [--verify]
    python bench/bench_import.py --size S --ssd       # an SSD extract against the same rows

Dumps the database to CSV (the import format), then runs the real command line in a
child process: a fresh import into a new database, then `--update` with the same files
(nothing changes: the backup and diff path). Wall time and the child's peak memory
(max RSS) are measured per step. Goals (issue 4): S < 3 s; L < 60 s and < 2 GiB.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TABLES = ("teams", "workers", "reductions", "cases", "allocations")
GOALS = {"S": (3.0, None), "L": (60.0, 2 * 1024**3)}
BENCH_DAY = "2026-11-26"


def run(args: list[str]) -> tuple[float, int, str, float]:
    """(seconds, peak RSS in bytes, stdout, CPU seconds) of one `cfmonitor` command."""
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        started = time.perf_counter()
        child = subprocess.Popen([sys.executable, "-m", "cfmonitor", *args], stdout=out, stderr=err)
        _, status, usage = os.wait4(child.pid, 0)  # this child's own rusage, not all children's
        seconds = time.perf_counter() - started
        child.returncode = os.waitstatus_to_exitcode(status)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if child.returncode != 0:
        raise SystemExit(f"cfmonitor {' '.join(args)} failed:\n{stdout}\n{stderr}")
    return seconds, usage.ru_maxrss * 1024, stdout, usage.ru_utime + usage.ru_stime


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(GOALS), required=True)
    parser.add_argument("--db", type=Path, default=None, help="default: bench/data/SIZE.db")
    parser.add_argument("--verify", action="store_true", help="compare report JSON afterwards")
    parser.add_argument(
        "--ssd",
        action="store_true",
        help="time `import --from ssd` of a generated SSD extract beside the native import "
        "of the same rows (issue 15)",
    )
    args = parser.parse_args()
    if args.ssd:
        return bench_ssd(args.size)
    source = args.db or Path(__file__).parent / "data" / f"{args.size}.db"
    if not source.exists():
        print(f"{source}: missing; run bench/generate.py --size {args.size} {source}")
        return 2
    seconds_goal, memory_goal = GOALS[args.size]
    with tempfile.TemporaryDirectory(prefix="cfmonitor-bench-") as folder:
        work = Path(folder)
        dumped, dump_peak, _, dump_cpu = run(
            ["dump", "--db", str(source), "--dir", str(work / "csv")]
        )
        rows = sum(sum(1 for _ in (work / "csv" / f"{t}.csv").open()) - 1 for t in TABLES)
        files = [arg for t in TABLES for arg in (f"--{t}", str(work / "csv" / f"{t}.csv"))]
        target = work / "imported.db"
        fresh, fresh_peak, _, fresh_cpu = run(["import", "--db", str(target), *files])
        again, again_peak, _, again_cpu = run(["import", "--db", str(target), "--update", *files])
        print(f"size {args.size}: {rows:,} rows in five CSV files from {source}")
        load = os.getloadavg()[0]
        print(f"  (load average {load:.1f} on {os.cpu_count()} CPUs: wall time includes waiting)")
        for label, wall, cpu, peak in (
            ("dump", dumped, dump_cpu, dump_peak),
            ("import (new db)", fresh, fresh_cpu, fresh_peak),
            ("import --update", again, again_cpu, again_peak),
        ):
            print(
                f"  {label:18s} {wall:6.1f} s wall  {cpu:6.1f} s CPU  peak {peak / 2**20:6.0f} MiB"
            )
        verdict = fresh < seconds_goal and (memory_goal is None or fresh_peak < memory_goal)
        memory = f" and < {memory_goal / 2**30:.0f} GiB" if memory_goal else ""
        print(f"  goal < {seconds_goal:.0f} s{memory}: {'met' if verdict else 'MISSED'}")
        if args.verify:
            reports = [
                run(["report", "--db", str(db), "--format", "json", "--as-of", BENCH_DAY])[2]
                for db in (source, target)
            ]
            print(f"  report JSON identical: {reports[0] == reports[1]}")
    return 0


def bench_ssd(size: str) -> int:
    """`import --from ssd` (whole process) beside the native import of the rows it wrote."""
    sys.path.insert(0, str(Path(__file__).parent))
    from generate_ssd import SHAPES, generate

    if size not in SHAPES:
        print(f"no SSD shape for size {size}; sizes: {', '.join(SHAPES)}")
        return 2
    seconds_goal, _ = GOALS[size]
    with tempfile.TemporaryDirectory(prefix="cfmonitor-bench-ssd-") as folder:
        work = Path(folder)
        summary = generate(size, work / "ssd")
        from_ssd = work / "from-ssd.db"
        ssd_args = ["import", "--db", str(from_ssd), "--from", "ssd", "--dir", str(work / "ssd")]
        ssd_args += ["--csww", str(work / "ssd" / "csww.csv")]
        ssd, ssd_peak, _, ssd_cpu = run(ssd_args)
        run(["dump", "--db", str(from_ssd), "--dir", str(work / "csv")])
        rows = sum(sum(1 for _ in (work / "csv" / f"{t}.csv").open()) - 1 for t in TABLES)
        files = [arg for t in TABLES for arg in (f"--{t}", str(work / "csv" / f"{t}.csv"))]
        native, native_peak, _, native_cpu = run(["import", "--db", str(work / "n.db"), *files])
        print(f"SSD size {size}: {summary} → {rows:,} cfmonitor rows")
        load = os.getloadavg()[0]
        print(f"  (load average {load:.1f} on {os.cpu_count()} CPUs: wall time includes waiting)")
        for label, wall, cpu, peak in (
            ("import --from ssd", ssd, ssd_cpu, ssd_peak),
            ("native import", native, native_cpu, native_peak),
        ):
            print(
                f"  {label:18s} {wall:6.2f} s wall  {cpu:6.2f} s CPU  peak {peak / 2**20:6.0f} MiB"
            )
        print(f"  ratio ssd / native: {ssd / native:.2f} (wall), {ssd_cpu / native_cpu:.2f} (CPU)")
        print(f"  goal < {seconds_goal:.0f} s: {'met' if ssd < seconds_goal else 'MISSED'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
