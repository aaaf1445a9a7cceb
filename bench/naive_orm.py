"""The contrast: per-worker weighted load the naive ORM way, walking relationships.

This is deliberately how NOT to do it: every worker's allocations are lazy-loaded with
one query each, and every allocation's case with another (the "N+1" pattern). It is
here so the benchmark can show what the column-wise engine saves. Run by
bench/bench_engine.py in a fresh process; it stops after `--budget` seconds and
extrapolates from the workers it has walked.

    python bench/naive_orm.py DB DAY [--budget SECONDS]

(No `from __future__ import annotations`: SQLModel relationships need real annotations.)
"""

import argparse
import datetime as dt
import json
import resource
import time
from pathlib import Path

from sqlalchemy import REAL, Column, Date, MetaData, Text, create_engine, event
from sqlmodel import Field, Relationship, Session, SQLModel, select

WEIGHTS = {"standard": 1.0, "complex": 1.2, "intense": 1.5}
_metadata = MetaData()


class _NaiveBase(SQLModel):
    metadata = _metadata


class NaiveWorker(_NaiveBase, table=True):
    __tablename__ = "workers"

    id: int | None = Field(default=None, primary_key=True)
    staff_ref: str = Field(sa_type=Text)
    team_id: int
    cohort: str = Field(sa_type=Text)
    fte: float = Field(sa_type=REAL)
    start_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    end_date: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    allocations: list["NaiveAllocation"] = Relationship(back_populates="worker")


class NaiveCase(_NaiveBase, table=True):
    __tablename__ = "cases"

    id: int | None = Field(default=None, primary_key=True)
    case_ref: str = Field(sa_type=Text)
    complexity: str = Field(sa_type=Text)
    opened_on: dt.date = Field(sa_column=Column(Date, nullable=False))
    closed_on: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    allocations: list["NaiveAllocation"] = Relationship(back_populates="case")


class NaiveAllocation(_NaiveBase, table=True):
    __tablename__ = "allocations"

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(foreign_key="cases.id")
    worker_id: int = Field(foreign_key="workers.id")
    start_date: dt.date = Field(sa_column=Column(Date, nullable=False))
    end_date: dt.date | None = Field(default=None, sa_column=Column(Date, nullable=True))
    worker: "NaiveWorker" = Relationship(back_populates="allocations")
    case: "NaiveCase" = Relationship(back_populates="allocations")


def _open(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day < end)


def naive_loads(path: Path, day: dt.date, budget: float) -> dict[str, float | int | bool]:
    """Walk worker → allocations → case for every worker in post, until the budget."""
    engine = create_engine(f"sqlite:///{path.resolve().as_uri()}?mode=ro&uri=true")

    @event.listens_for(engine, "connect")
    def _read_only(connection, _record) -> None:
        connection.execute("PRAGMA query_only = 1")

    started = time.perf_counter()
    walked = 0
    total_load = 0.0
    with Session(engine) as session:
        workers = session.exec(select(NaiveWorker)).all()
        in_post = [w for w in workers if _open(w.start_date, w.end_date, day)]
        for worker in in_post:
            for allocation in worker.allocations:
                if not _open(allocation.start_date, allocation.end_date, day):
                    continue
                case = allocation.case
                if _open(case.opened_on, case.closed_on, day):
                    total_load += WEIGHTS[case.complexity]
            walked += 1
            if time.perf_counter() - started > budget:
                break
    elapsed = time.perf_counter() - started
    complete = walked == len(in_post)
    return {
        "seconds": elapsed if complete else elapsed * len(in_post) / max(walked, 1),
        "measured_seconds": elapsed,
        "walked": walked,
        "workers": len(in_post),
        "complete": complete,
        "total_load": total_load,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="Naive ORM per-worker load (a contrast).")
    parser.add_argument("db", type=Path)
    parser.add_argument("day", type=dt.date.fromisoformat)
    parser.add_argument("--budget", type=float, default=60.0)
    args = parser.parse_args()
    print(json.dumps(naive_loads(args.db, args.day, args.budget)))


if __name__ == "__main__":
    main()
