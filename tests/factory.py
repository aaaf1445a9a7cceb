"""Build small cfmonitor databases for tests, row by row, with natural defaults."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cfmonitor.data.schema import create_schema


@dataclass
class DatabaseBuilder:
    """Collects rows and writes them into a fresh database in one go."""

    teams: list[dict[str, Any]] = field(default_factory=list)
    workers: list[dict[str, Any]] = field(default_factory=list)
    reductions: list[dict[str, Any]] = field(default_factory=list)
    cases: list[dict[str, Any]] = field(default_factory=list)
    allocations: list[dict[str, Any]] = field(default_factory=list)

    def team(self, name: str = "Team A", **values: Any) -> int:
        row = {"name": name, "service_area": "Area", "establishment_fte": 1.0, **values}
        return self._add(self.teams, row)

    def worker(self, team_id: int, **values: Any) -> int:
        number = len(self.workers) + 1
        row = {
            "staff_ref": f"SW{number:04d}",
            "name": f"Worker {number}",
            "team_id": team_id,
            "cohort": "experienced",
            "fte": 1.0,
            "employment": "permanent",
            "start_date": "2020-01-01",
            "end_date": None,
            **values,
        }
        return self._add(self.workers, row)

    def reduction(self, worker_id: int, percent: float, **values: Any) -> int:
        row = {
            "worker_id": worker_id,
            "reason": "Phased return",
            "percent": percent,
            "start_date": "2020-01-01",
            "end_date": None,
            **values,
        }
        return self._add(self.reductions, row)

    def case(self, team_id: int, **values: Any) -> int:
        number = len(self.cases) + 1
        row = {
            "case_ref": f"C{number:06d}",
            "team_id": team_id,
            "case_type": "CIN",
            "complexity": "standard",
            "opened_on": "2020-01-01",
            "closed_on": None,
            "family_ref": None,
            **values,
        }
        return self._add(self.cases, row)

    def allocate(self, case_id: int, worker_id: int, **values: Any) -> int:
        row = {
            "case_id": case_id,
            "worker_id": worker_id,
            "start_date": "2020-01-01",
            "end_date": None,
            **values,
        }
        return self._add(self.allocations, row)

    def cases_for(self, worker_id: int, team_id: int, count: int, **values: Any) -> list[int]:
        """Open `count` cases in a team and allocate each to the worker."""
        ids = []
        for _ in range(count):
            case_id = self.case(team_id, **values)
            self.allocate(case_id, worker_id)
            ids.append(case_id)
        return ids

    @staticmethod
    def _add(rows: list[dict[str, Any]], row: dict[str, Any]) -> int:
        row = {"id": len(rows) + 1, **row}
        rows.append(row)
        return row["id"]

    def write(self, path: Path) -> Path:
        connection = sqlite3.connect(path, isolation_level=None)
        try:
            create_schema(connection)
            connection.execute("BEGIN")
            for table in ("teams", "workers", "reductions", "cases", "allocations"):
                for row in getattr(self, table):
                    columns = ", ".join(row)
                    marks = ", ".join("?" for _ in row)
                    connection.execute(
                        f"INSERT INTO {table} ({columns}) VALUES ({marks})", tuple(row.values())
                    )
            connection.execute("COMMIT")
        finally:
            connection.close()
        return path
