"""Problems found in import files, collected all at once and shown as one Rich table."""

from __future__ import annotations

import polars as pl
from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible

ERROR = "error"
WARNING = "warning"

PROBLEM_SCHEMA: dict[str, pl.DataType] = {
    "severity": pl.String(),
    "file": pl.String(),
    "row": pl.Int64(),
    "column": pl.String(),
    "value": pl.String(),
    "message": pl.String(),
}
SHOWN_AT_MOST = 200
"""More rows than this would scroll off any terminal; the rest are counted."""


class ImportProblems(CfmonitorError):
    """The files have errors; nothing was written. Carries every problem found."""

    def __init__(self, problems: pl.DataFrame) -> None:
        errors = problems.filter(pl.col("severity") == ERROR).height
        super().__init__(
            f"{errors} problem{'s' if errors != 1 else ''} in the import files; "
            "nothing was written."
        )
        self.problems = problems


def empty() -> pl.DataFrame:
    return pl.DataFrame(schema=PROBLEM_SCHEMA)


def problem_rows(
    frame: pl.DataFrame,
    *,
    severity: str,
    file: str | pl.Expr,
    column: str,
    value: pl.Expr,
    message: pl.Expr | str,
    row: pl.Expr | None = None,
) -> pl.DataFrame:
    """One problem per row of `frame` (which carries `_file` and `_row` when from a file)."""
    return frame.select(
        pl.lit(severity).alias("severity"),
        (file if isinstance(file, pl.Expr) else pl.lit(file)).cast(pl.String).alias("file"),
        (row if row is not None else pl.col("_row")).cast(pl.Int64).alias("row"),
        pl.lit(column).alias("column"),
        value.cast(pl.String).alias("value"),
        (message if isinstance(message, pl.Expr) else pl.lit(message))
        .cast(pl.String)
        .alias("message"),
    )


def combine(parts: list[pl.DataFrame]) -> pl.DataFrame:
    """All problems, errors first, then by file, row and column as the user reads them."""
    frames = [part.select(list(PROBLEM_SCHEMA)) for part in parts if part.height]
    if not frames:
        return empty()
    return (
        pl.concat(frames, how="vertical")
        .unique(maintain_order=True)
        .sort(
            [pl.col("severity") != ERROR, "file", "row", "column"],
            nulls_last=True,
            maintain_order=True,
        )
    )


def has_errors(problems: pl.DataFrame) -> bool:
    return problems.filter(pl.col("severity") == ERROR).height > 0


def _cell(value: object) -> Text:
    """Data as literal text (never markup), control characters made visible, wrappable."""
    return Text(visible(value))


def problems_table(problems: pl.DataFrame, *, limit: int = SHOWN_AT_MOST) -> Table:
    """The problems as a Rich table; every cell is data and goes in as plain `Text`."""
    errors = problems.filter(pl.col("severity") == ERROR).height
    warnings = problems.height - errors
    title = f"Import problems: {errors} error(s), {warnings} warning(s)"
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("", no_wrap=True)
    table.add_column("File", overflow="fold")
    table.add_column("Row", justify="right")
    table.add_column("Column")
    table.add_column("Value", overflow="fold")
    table.add_column("Problem", overflow="fold")
    for severity, file, row, column, value, message in problems.head(limit).iter_rows():
        style = "bold red" if severity == ERROR else "yellow"
        table.add_row(
            Text(severity, style=style),
            _cell(file),
            Text("" if row is None else str(row)),
            _cell(column),
            Text("(blank)", style="dim") if value is None else _cell(value),
            _cell(message),
        )
    if problems.height > limit:
        more = problems.height - limit
        table.caption = f"… and {more} more not shown ({problems.height} in all)."
    return table


def print_problems(problems: pl.DataFrame, console: Console) -> None:
    if problems.height:
        console.print(problems_table(problems))
