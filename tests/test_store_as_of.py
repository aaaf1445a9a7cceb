"""Loading for one day reads only the cases and allocations that can matter on that day."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from cfmonitor.data.store import load_frames
from tests.factory import DatabaseBuilder

DAY = dt.date(2024, 6, 1)


def test_closed_cases_stay_on_disk_unless_an_open_allocation_points_at_them(
    builder: DatabaseBuilder, db_path: Path
) -> None:
    team_id = builder.team()
    staff = builder.worker(team_id)
    open_case = builder.case(team_id)
    long_closed = builder.case(team_id, closed_on="2021-01-01")
    closed_but_allocated = builder.case(team_id, closed_on="2024-03-01")
    not_yet_open = builder.case(team_id, opened_on="2025-01-01")
    builder.allocate(open_case, staff)
    builder.allocate(long_closed, staff, end_date="2021-01-01")
    builder.allocate(closed_but_allocated, staff)
    builder.write(db_path)

    for_the_day = load_frames(db_path, as_of=DAY)
    assert for_the_day.cases["id"].to_list() == [open_case, closed_but_allocated]
    assert for_the_day.allocations["case_id"].to_list() == [open_case, closed_but_allocated]

    everything = load_frames(db_path)
    assert everything.cases["id"].to_list() == [
        open_case,
        long_closed,
        closed_but_allocated,
        not_yet_open,
    ]
