"""Time reading from PostgreSQL against reading the same data from SQLite, in one run.

    python bench/bench_postgres.py [--sizes M,england,england-random] [--repeat 3]
                                   [--folder DIR]

Run by hand, never by CI. For each database — M (bench/generate.py --size M, made into
bench/data/ and reused) and England size (/work/bench-data/england-demo.db, the demo's
shape, and england-random.db, random histories; when the READY file is there) — a
throwaway PostgreSQL server (tests/postgres/server.py, its data under `--folder`) is
loaded with exactly the file's rows (COPY, keys and indexes made after the load);
then the day's snapshot (`Caseloads.snapshot`, what the TUI's first screen waits for)
and the two-year weekly trend (`Caseloads.trend`) are timed from each backend,
alternately, each in a fresh process after one warm-up in that process. The figure is
the median of `--repeat` runs, and the ratio is PostgreSQL's over SQLite's.
The goal is at most 1.0x at England size.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from bench_trend import generated  # bench/data/SIZE.db, made when missing

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
DATA = BENCH / "data"
ENGLAND = Path("/work/bench-data")
DAY = dt.date(2026, 11, 26)
GOAL_RATIO = 1.0

sys.path.insert(0, str(ROOT))


def measure(where: str, operation: str) -> float:
    """Seconds for one `operation` on `where` (a path or URL), after a warm-up run."""
    from cfmonitor.data.engine import Caseloads, default_range
    from cfmonitor.locate import chosen
    from cfmonitor.policy import Policy

    def once() -> float:
        engine = Caseloads(chosen(where), Policy())
        started = time.perf_counter()
        if operation == "snapshot":
            engine.snapshot(DAY)
        else:
            start, end = default_range(DAY)
            engine.trend(start, end, "week")
        took = time.perf_counter() - started
        engine.close()
        return took

    once()
    return once()


def _in_fresh_process(where: str, operation: str) -> float:
    result = subprocess.run(
        [sys.executable, __file__, "--measure", where, operation],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
    )
    return float(result.stdout.strip().splitlines()[-1])


ENGLAND_FILES = {"england": "england-demo.db", "england-random": "england-random.db"}


def _database(size: str) -> Path | None:
    if size in ENGLAND_FILES:
        path = ENGLAND / ENGLAND_FILES[size]
        return path if (ENGLAND / "READY").exists() and path.exists() else None
    DATA.mkdir(exist_ok=True)
    return generated(size)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="M,england")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--folder", type=Path, default=None, help="where the server keeps its data (a temp folder)"
    )
    parser.add_argument("--measure", nargs=2, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        print(measure(*options.measure))
        return 0

    from tests.postgres import server as pg

    results = []
    if options.folder is not None:
        options.folder.mkdir(parents=True, exist_ok=True)
    with pg.running(options.folder) as server:
        for size in options.sizes.split(","):
            sqlite_path = _database(size)
            if sqlite_path is None:
                print(f"{size}: no database (England size needs {ENGLAND}/READY); skipped")
                continue
            name = "bench_" + size.lower().replace("-", "_")
            pg.create_database(server, name)
            started = time.perf_counter()
            pg.copy_sqlite(server, sqlite_path, name)
            loaded = time.perf_counter() - started
            url = server.url(database=name)
            print(
                f"{size}: {sqlite_path.stat().st_size / 2**20:.0f} MiB file, "
                f"copied into PostgreSQL in {loaded:.1f} s "
                f"(load average {os.getloadavg()[0]:.1f})",
                flush=True,
            )
            for operation in ("snapshot", "trend"):
                times: dict[str, list[float]] = {"sqlite": [], "postgres": []}
                for _ in range(options.repeat):
                    times["sqlite"].append(_in_fresh_process(str(sqlite_path), operation))
                    times["postgres"].append(_in_fresh_process(url, operation))
                sqlite_s = statistics.median(times["sqlite"])
                postgres_s = statistics.median(times["postgres"])
                ratio = postgres_s / sqlite_s
                goal = (
                    ""
                    if size not in ENGLAND_FILES
                    else (
                        "  (goal met)"
                        if ratio <= GOAL_RATIO
                        else f"  (goal {GOAL_RATIO:.1f}x missed)"
                    )
                )
                print(
                    f"  {operation:8} sqlite {sqlite_s:7.3f} s   postgres {postgres_s:7.3f} s"
                    f"   ratio {ratio:.2f}x{goal}   (load average {os.getloadavg()[0]:.1f})",
                    flush=True,
                )
                results.append(
                    {
                        "size": size,
                        "operation": operation,
                        "sqlite_s": sqlite_s,
                        "postgres_s": postgres_s,
                        "ratio": ratio,
                        "load_s": loaded,
                        "load_average": os.getloadavg()[0],
                        "runs": times,
                    }
                )
    print(json.dumps(results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
