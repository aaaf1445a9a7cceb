"""How fast the caseload table paints, sorts and filters 35,000 rows, against DataTable.

Run by hand (never in CI):  python bench/bench_table.py [ROWS]

Both tables run headless under `App.run_test` in one process, on the same rows. A time
is from the call (set the rows, sort, filter) to the last line of the paint that follows
it, so it includes Textual's own layout and compositing, not only our Polars work.
DataTable has no filter: it is cleared and refilled with the filtered rows, as a screen
would have to do.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable

import polars as pl
from rich.text import Text
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import DataTable

from cfmonitor.tui.widgets.table import CaseloadTable, Column, count_cell, percent_cell

SIZE = (120, 36)


def workers(rows: int) -> pl.DataFrame:
    """Deterministic rows shaped like the team screen's (England-sized at 35,000)."""
    n = pl.int_range(rows, dtype=pl.Int64)

    def numbered(prefix: str, number: pl.Expr, digits: int) -> pl.Expr:
        return pl.concat_str(pl.lit(prefix), number.cast(pl.String).str.zfill(digits))

    statuses = pl.Series(["ok", "near", "over", None], dtype=pl.String)
    return pl.select(
        numbered("SW", n, 5).alias("ref"),
        numbered("Worker ", (n * 7919) % rows, 5).alias("name"),
        numbered("Team ", n % 2000, 4).alias("team"),
        pl.when(n == 3).then(None).otherwise((n * 37) % 41).alias("cases"),
        (((n * 13) % 150) / 100).alias("utilisation"),
        pl.lit(statuses).gather(n % 4).alias("status"),
    )


COLUMNS = (
    Column("name", "Name", 20, priority=10),
    Column("team", "Team", 12, priority=5),
    Column("cases", "Cases", 6, "right", count_cell, priority=8),
    Column("utilisation", "Util", 6, "right", percent_cell, priority=7),
    Column("status", "Status", 7, priority=6),
)


class PaintClock:
    """Remembers when a widget last drew a line."""

    def __init__(self) -> None:
        self.at = 0.0

    def tick(self) -> None:
        self.at = time.perf_counter()


class Timed:
    """Mixed into a Line API widget: notes the time of every line it draws."""

    clock: PaintClock

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)  # type: ignore[misc]
        self.clock.tick()
        return strip


class TimedCaseloadTable(Timed, CaseloadTable):
    clock = PaintClock()


class TimedDataTable(Timed, DataTable[Text]):
    clock = PaintClock()


class BenchApp(App[None]):
    def __init__(self, widget: Widget) -> None:
        super().__init__()
        self.widget = widget

    def compose(self) -> ComposeResult:
        yield self.widget


async def painted(pilot: Pilot[None], clock: PaintClock, action: Callable[[], None]) -> float:
    """Seconds from running `action` to the end of the paint that follows it."""
    start = time.perf_counter()
    action()
    await pilot.pause()
    while clock.at < start:
        if time.perf_counter() - start > 120:
            raise TimeoutError("the table did not repaint within two minutes")
        await pilot.pause(0.005)
    await pilot.pause()
    return clock.at - start


async def bench_line_table(frame: pl.DataFrame) -> dict[str, float]:
    table = TimedCaseloadTable()
    async with BenchApp(table).run_test(size=SIZE) as pilot:
        await pilot.pause()
        clock = table.clock
        times = {
            "first paint": await painted(
                pilot, clock, lambda: table.set_frame(frame, "ref", COLUMNS)
            ),
            "sort": await painted(pilot, clock, lambda: table.sort_by("cases", descending=True)),
            "re-sort": await painted(pilot, clock, table.reverse_sort),
            "filter": await painted(pilot, clock, lambda: table.filter_text("worker 1")),
            "clear filter": await painted(pilot, clock, lambda: table.filter_text("")),
        }
        assert table.row_count == frame.height
    return times


def _cells(frame: pl.DataFrame) -> list[tuple[Text, ...]]:
    return [
        tuple(column.render(row[column.key], row) for column in COLUMNS)
        for row in frame.iter_rows(named=True)
    ]


async def bench_data_table(frame: pl.DataFrame) -> dict[str, float]:
    table = TimedDataTable()
    keys = frame.get_column("ref").to_list()
    rows = _cells(frame)
    filtered = frame.filter(
        pl.col("name").str.to_lowercase().str.contains("worker 1", literal=True)
    )
    filtered_rows = _cells(filtered)
    filtered_keys = filtered.get_column("ref").to_list()
    # DataTable.sort sees only the cells; find each cell's raw figure by the cell's identity.
    cases_at = [column.key for column in COLUMNS].index("cases")
    raw_cases = {
        id(row[cases_at]): value
        for row, value in zip(rows, frame.get_column("cases").to_list(), strict=True)
    }

    def fill(cells: list[tuple[Text, ...]], row_keys: list[str]) -> None:
        table.clear()
        for row, key in zip(cells, row_keys, strict=True):
            table.add_row(*row, key=key)

    def sort_cases(descending: bool) -> None:
        def nulls_last(cell: Text) -> tuple[bool, int]:
            value = raw_cases[id(cell)]
            return (value is None) != descending, value or 0

        table.sort("cases", key=nulls_last, reverse=descending)

    async with BenchApp(table).run_test(size=SIZE) as pilot:
        for column in COLUMNS:
            table.add_column(Text(column.label), width=column.width, key=column.key)
        await pilot.pause()
        clock = table.clock
        times = {
            "first paint": await painted(pilot, clock, lambda: fill(rows, keys)),
            "sort": await painted(pilot, clock, lambda: sort_cases(True)),
            "re-sort": await painted(pilot, clock, lambda: sort_cases(False)),
            "filter": await painted(pilot, clock, lambda: fill(filtered_rows, filtered_keys)),
            "clear filter": await painted(pilot, clock, lambda: fill(rows, keys)),
        }
        assert table.row_count == frame.height
    return times


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 35_000
    frame = workers(rows)
    line = asyncio.run(bench_line_table(frame))
    data = asyncio.run(bench_data_table(frame))
    print(f"{rows:,} rows, {SIZE[0]}×{SIZE[1]} headless; seconds, call to end of paint")
    print(f"{'':14}{'CaseloadTable':>15}{'DataTable':>12}{'ratio':>9}")
    for name in line:
        ratio = data[name] / line[name] if line[name] else float("inf")
        print(f"{name:14}{line[name]:15.3f}{data[name]:12.3f}{ratio:8.0f}×")


if __name__ == "__main__":
    main()
