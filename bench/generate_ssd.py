"""Generate an invented SSD extract (plus workforce census) of one council, for benchmarks.

    python bench/generate_ssd.py --size S bench/data/ssd-S

Size S is one council: ~500 professionals, ~9k CIN episodes, ~40k involvements, in the
real shapes (BOM, `NULL`, `YYYY-MM-DD HH:MM:SS.mmm`, IDs as text, department IDs or names,
inclusive hand-overs, 1900-01-01 open ends, team-held involvements, IROs). Same size and
seed, same files.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import random
import sys
from pathlib import Path

from cfmonitor.importing.sources.csww import COLUMNS as CENSUS_COLUMNS
from cfmonitor.importing.sources.ssd_tables import SSD_TABLES

SHAPES = {"S": {"professionals": 500, "episodes": 9_000, "teams": 40}}
EXTRACT = dt.date(2026, 11, 26)
SENTINEL = "1900-01-01 00:00:00.000"
TITLES = (
    ["Social Worker"] * 60
    + ["Senior Practitioner"] * 15
    + ["Newly Qualified Social Worker (ASYE)"] * 12
    + ["Personal Adviser"] * 5
    + ["Independent Reviewing Officer"] * 5
    + ["Advanced Practitioner"] * 3
)


def _header(table: str) -> list[str]:
    """The columns the adapter reads, in its order (the generator writes each of them)."""
    return list(SSD_TABLES[table].columns)


def _stamp(day: dt.date, rng: random.Random) -> str:
    if rng.random() < 0.5:
        return f"{day.isoformat()} 00:00:00.000"
    return f"{day.isoformat()}T00:00:00"


def _write(path: Path, header: list[str], rows: list[list[object]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([["NULL" if v is None else v for v in row] for row in rows])
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def generate(size: str, out: Path, seed: int = 7) -> str:
    shape = SHAPES[size]
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=False)
    teams = [(100 + n, f"Locality {n // 4 + 1} Unit {n % 4 + 1}") for n in range(shape["teams"])]
    _write(
        out / "ssd_department.csv",
        _header("ssd_department"),
        [[i, name, 10 + i % 3, f"Service {i % 3 + 1}"] for i, name in teams],
    )
    professionals, census = [], []
    holders, iros = [], []
    for n in range(shape["professionals"]):
        pid = 5000 + n
        title = rng.choice(TITLES)
        team_id, team_name = rng.choice(teams)
        swe = f"SW{100000 + n}"
        professionals.append(
            [
                pid,
                f"S{pid}",
                f"Worker {n}",
                swe,
                rng.choice(["Y", "N", None]),
                title,
                rng.randint(0, 25),
                team_name,
                rng.choice([None, "1.0", "0.8"]),
            ]
        )
        census.append(
            [
                f"SW0000{100000 + n}",
                rng.choice([0, 0, 0, 1]),
                rng.choice([1, 0.8, 0.6]),
                5,
                f"{2015 + n % 10}-09-01",
                None,
                int(title.startswith("Newly")),
                2,
                rng.randint(0, 25),
                int(rng.random() < 0.03),
                "SIC",
            ]
        )
        (iros if title == "Independent Reviewing Officer" else holders).append((pid, team_id))
    _write(
        out / "ssd_professionals.csv",
        _header("ssd_professionals"),
        professionals,
    )
    _write(
        out / "csww.csv",
        list(CENSUS_COLUMNS),
        census,
    )
    episodes, involvements, cp_plans = [], [], []
    names = dict(teams)
    span = 6 * 365
    for n in range(shape["episodes"]):
        person, referral = 100000 + n, 700000 + n
        opened = EXTRACT - dt.timedelta(days=rng.randint(1, span))
        length = rng.randint(20, 700)
        closed = opened + dt.timedelta(days=length)
        is_open = closed >= EXTRACT
        team_id = rng.choice(teams)[0]
        episodes.append(
            [
                referral,
                person,
                _stamp(opened, rng),
                None if is_open else _stamp(closed, rng),
                team_id,
            ]
        )
        if rng.random() < 0.2:
            cp_plans.append([n, referral, person, _stamp(opened, rng), None])
        if rng.random() < 0.05:  # team-held
            involvements.append([None, -1, "CW", team_id, person, _stamp(opened, rng), None])
            continue
        start = opened
        while True:  # a chain of workers; each hand-over is inclusive (next starts the day after)
            pid, worker_team = rng.choice(holders)
            end = start + dt.timedelta(days=rng.randint(20, 150))
            last = end >= EXTRACT if is_open else end >= closed
            if last:
                end_text = rng.choice([None, SENTINEL]) if is_open else _stamp(closed, rng)
            else:
                end_text = _stamp(end, rng)
            team = worker_team if rng.random() < 0.7 else names[worker_team]
            involvements.append([None, pid, "CW", team, person, _stamp(start, rng), end_text])
            if last:
                break
            start = end + dt.timedelta(days=1)
        if rng.random() < 0.6:
            pid, team = rng.choice(iros)
            involvements.append([None, pid, "IRO", team, person, _stamp(opened, rng), None])
        if rng.random() < 0.05:  # a same-day duty visit by someone else
            pid, team = rng.choice(holders)
            involvements.append(
                [None, pid, "CW", team, person, _stamp(opened, rng), _stamp(opened, rng)]
            )
    rows = [
        [900000 + i, *row[1:6], row[6], None, row[4] + 600000] for i, row in enumerate(involvements)
    ]
    _write(
        out / "ssd_involvements.csv",
        _header("ssd_involvements"),
        rows,
    )
    _write(
        out / "ssd_cin_episodes.csv",
        _header("ssd_cin_episodes"),
        episodes,
    )
    _write(
        out / "ssd_cp_plans.csv",
        _header("ssd_cp_plans"),
        cp_plans,
    )
    return (
        f"{len(professionals):,} professionals, {len(episodes):,} episodes, "
        f"{len(rows):,} involvements"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=sorted(SHAPES), default="S")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    print(f"{args.out}: {generate(args.size, args.out, args.seed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
