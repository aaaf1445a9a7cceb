"""Generate a benchmark database: the demo's simulation at size S, M or L.

    python bench/generate.py --size L bench/data/L.db

Run by hand, never by CI. The rows are invented (see cfmonitor/data/demo.py); the same
size, seed and day always give the same database.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

from cfmonitor.data.demo import BENCH_SHAPES, write_demo_database

BENCH_TODAY = dt.date(2026, 11, 26)


def generate(size: str, out: Path, *, seed: int = 7, today: dt.date = BENCH_TODAY) -> str:
    """Write size `size` to `out` (which must not exist yet) by way of a partial file."""
    partial = out.with_name(out.name + ".partial")
    partial.unlink(missing_ok=True)
    try:
        summary = write_demo_database(partial, seed=seed, today=today, shape=BENCH_SHAPES[size])
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    partial.replace(out)
    return summary


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(BENCH_SHAPES), required=True)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--today", type=dt.date.fromisoformat, default=BENCH_TODAY)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    if args.out.exists():
        print(f"{args.out}: already exists; not overwriting it.", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    summary = generate(args.size, args.out, seed=args.seed, today=args.today)
    print(f"{args.out} ({args.size}, {time.perf_counter() - started:.1f} s): {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
