"""Render a Snapshot for the terminal (Rich) and as CSV, JSON or Markdown.

The figures are the snapshot's, only rounded: loads, capacities and FTE to 2 places,
rates and utilisation to 4. Data goes into Rich tables as `Text`, never as markup.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import polars as pl
from rich import box
from rich.console import Console, Group, RenderableType
from rich.table import Table
from rich.text import Text

from cfmonitor.data.caseload import (
    STATUS_RANK,
    SUMMARY_FIELDS,
    TEAM_FIELDS,
    WORKER_FIELDS,
    Snapshot,
)
from cfmonitor.errors import CfmonitorError
from cfmonitor.presentation import (
    STATUS_STYLES,
    STATUS_SYMBOLS,
    format_count,
    format_number,
    format_percent,
    status_label,
)
from cfmonitor.safe_text import visible

if TYPE_CHECKING:  # the trend engine (and numpy) are imported only by those who use them
    from cfmonitor.data.freshness import DataAge
    from cfmonitor.data.trend import Direction, Trend

FORMATS = ("table", "csv", "json", "markdown", "xlsx")
FILE_FORMATS = ("csv", "json", "markdown", "xlsx")
TWO_PLACES = ("fte", "weighted_load", "capacity", "fte_in_post", "establishment_fte")
TWO_PLACES += ("vacancy_fte", "agency_fte", "average_caseload")
TWO_PLACES += ("permanent_fte", "census_vacancy_fte", "census_average_caseload")
FOUR_PLACES = ("utilisation", "vacancy_rate", "agency_rate", "census_vacancy_rate")


class ReportError(CfmonitorError):
    """A report request that cannot be met (an unknown team, say)."""


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    return frame.with_columns(
        *[pl.col(name).round(2) for name in TWO_PLACES if name in frame.columns],
        *[pl.col(name).round(4) for name in FOUR_PLACES if name in frame.columns],
    )


WORKER_HISTORY_FIELDS = ("weeks_over", "sustained")
SUMMARY_HISTORY_FIELDS = ("sustained",)
"""Present once `trend.add_history` has looked back over the weekly series."""


def _with_history(frame: pl.DataFrame, fields: tuple[str, ...], extra: tuple[str, ...]):
    return [*fields, *(name for name in extra if name in frame.columns)]


def worker_fields(frame: pl.DataFrame) -> list[str]:
    return _with_history(frame, WORKER_FIELDS, WORKER_HISTORY_FIELDS)


def team_fields(frame: pl.DataFrame) -> list[str]:
    return _with_history(frame, TEAM_FIELDS, SUMMARY_HISTORY_FIELDS)


def summary_fields(frame: pl.DataFrame) -> list[str]:
    return _with_history(frame, SUMMARY_FIELDS, SUMMARY_HISTORY_FIELDS)


def worker_rows(snapshot: Snapshot) -> pl.DataFrame:
    """The report's worker fields, rounded."""
    return _rounded(snapshot.workers.select(worker_fields(snapshot.workers)))


def team_rows(snapshot: Snapshot) -> pl.DataFrame:
    return _rounded(snapshot.teams.select(team_fields(snapshot.teams)))


def organisation_row(snapshot: Snapshot) -> dict[str, Any]:
    frame = snapshot.organisation
    return _rounded(frame.select(summary_fields(frame))).row(0, named=True)


def at_least(status: str) -> list[str]:
    """Statuses as bad as `status` or worse (`near` → over, unknown-cohort, near)."""
    rank = STATUS_RANK[status]
    return [name for name, value in STATUS_RANK.items() if value <= rank]


def team_name(names: list[str], team: str) -> str:
    """The team called `team` (ignoring case), or a ReportError naming what was asked."""
    if team in names:
        return team
    folded = {name.casefold(): name for name in names}
    if team.casefold() in folded:
        return folded[team.casefold()]
    raise ReportError(f"--team: no team is called {visible(team)!r}.")


def select(snapshot: Snapshot, team: str | None = None, only: str | None = None) -> Snapshot:
    """Narrow a snapshot to one team and/or to workers at a status or worse."""
    workers, teams = snapshot.workers, snapshot.teams
    if team is not None:
        team = team_name(snapshot.teams.get_column("team").to_list(), team)
        workers = workers.filter(pl.col("team") == team)
        teams = teams.filter(pl.col("team") == team)
    if only is not None:
        workers = workers.filter(pl.col("status").is_in(at_least(only)))
    return Snapshot(
        as_of=snapshot.as_of,
        policy=snapshot.policy,
        source=snapshot.source,
        workers=workers,
        teams=teams,
        service_areas=snapshot.service_areas,
        organisation=snapshot.organisation,
        worker_cases=snapshot.worker_cases,
        unallocated_cases=snapshot.unallocated_cases,
        reductions=snapshot.reductions,
        problems=snapshot.problems,
    )


def fails(snapshot: Snapshot, status: str) -> bool:
    """True when any worker has `status` or worse: the exit code for scheduled checks."""
    return snapshot.workers.filter(pl.col("status").is_in(at_least(status))).height > 0


# --- JSON -------------------------------------------------------------------------


def as_json(snapshot: Snapshot) -> str:
    age = snapshot.data_age
    document = {
        "as_of": snapshot.as_of.isoformat(),
        "data_as_of": age.extract_date.isoformat() if age.extract_date else None,
        "freshness": age.as_dict(),
        "workers": worker_rows(snapshot).to_dicts(),
        "teams": team_rows(snapshot).to_dicts(),
        "organisation": organisation_row(snapshot),
        "problems": snapshot.problems.to_dicts(),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


# --- CSV ----------------------------------------------------------------------------


def shown_as_text(frame: pl.DataFrame) -> pl.DataFrame:
    """Text columns with control characters made visible, for output people will read."""
    return frame.with_columns(
        pl.col(name).map_elements(visible, return_dtype=pl.String)
        for name, dtype in frame.schema.items()
        if dtype == pl.String()
    )


def as_csv(snapshot: Snapshot) -> str:
    """Workers as CSV: the table a manager most often takes elsewhere; safe for Excel."""
    from cfmonitor.export import csv_text

    return csv_text(shown_as_text(worker_rows(snapshot)))


# --- Markdown -----------------------------------------------------------------------


def markdown_table(frame: pl.DataFrame) -> str:
    from cfmonitor.export import markdown_text

    return markdown_text(frame).rstrip("\n")


def as_markdown(snapshot: Snapshot) -> str:
    organisation = pl.DataFrame([organisation_row(snapshot)])
    age = snapshot.data_age
    parts = [
        f"# Caseloads as of {snapshot.as_of.isoformat()} ({age.text})",
        *([f"> **Warning:** {age.warning}"] if age.warning else []),
        "## Organisation",
        markdown_table(organisation),
        "## Teams",
        markdown_table(team_rows(snapshot)),
        "## Workers",
        markdown_table(worker_rows(snapshot)),
    ]
    if snapshot.problems.height:
        parts += ["## Problems", markdown_table(snapshot.problems.select("kind", "detail"))]
    return "\n\n".join(parts) + "\n"


# --- Rich table -----------------------------------------------------------------------


def _cell(value: object, style: str = "") -> Text:
    """Data for a Rich table cell: literal text that folds rather than being cut off."""
    return Text(visible(value), style=style, overflow="fold")


def status_text(status: str | None) -> Text:
    return Text(status_label(status), style=STATUS_STYLES.get(status or "", ""))


def _right(value: str) -> Text:
    return Text(value, justify="right")


def _headline(snapshot: Snapshot) -> Table:
    org = snapshot.organisation_row
    table = Table(box=box.SIMPLE_HEAD, show_header=False, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row(
        "FTE in post / establishment", f"{org['fte_in_post']:.1f} / {org['establishment_fte']:.1f}"
    )
    table.add_row(
        "Vacancy gap (agency cover fills a post)",
        f"{format_number(org['vacancy_fte'])} FTE ({format_percent(org['vacancy_rate'], 1)})",
    )
    table.add_row(
        "Census vacancy rate (agency cover is vacant)",
        f"{format_percent(org['census_vacancy_rate'], 1)} "
        f"({format_number(org['census_vacancy_fte'])} FTE)",
    )
    table.add_row(
        "Agency workers (census agency rate)",
        f"{format_count(org['agency_workers'])} ({format_percent(org['agency_rate'], 1)} of FTE)",
    )
    table.add_row(
        "Open cases (unallocated)",
        f"{format_count(org['open_cases'])} ({format_count(org['unallocated_cases'])})",
    )
    table.add_row("Average caseload per FTE", format_number(org["average_caseload"]))
    table.add_row(
        "Census caseload (case holders only)", format_number(org["census_average_caseload"])
    )
    table.add_row("Workers over / near", f"{org['over']} / {org['near']}")
    return table


def _teams_table(snapshot: Snapshot) -> Table:
    table = Table(title="Teams", box=box.SIMPLE_HEAD, title_justify="left")
    for name in ("Team", "Service area"):
        table.add_column(name, overflow="fold")
    for name in ("Workers", "FTE", "Vacancy", "Census\nvacancy", "Agency", "Open", "Unalloc."):
        table.add_column(name, justify="right")
    for name in ("Avg", "Census\navg", "Over", "Near"):
        table.add_column(name, justify="right")
    for row in snapshot.teams.iter_rows(named=True):
        style = STATUS_STYLES["over"] if row["over"] else ""
        table.add_row(
            _cell(row["team"], style),
            _cell(row["service_area"]),
            _right(format_count(row["workers_in_post"])),
            _right(format_number(row["fte_in_post"])),
            _right(format_percent(row["vacancy_rate"])),
            _right(format_percent(row["census_vacancy_rate"])),
            _right(format_percent(row["agency_rate"])),
            _right(format_count(row["open_cases"])),
            _right(format_count(row["unallocated_cases"])),
            _right(format_number(row["average_caseload"])),
            _right(format_number(row["census_average_caseload"])),
            Text(
                f"{STATUS_SYMBOLS['over']} {row['over']}" if row["over"] else "0",
                style=style,
                justify="right",
            ),
            _right(format_count(row["near"])),
        )
    return table


def _workers_table(snapshot: Snapshot) -> Table:
    table = Table(title="Workers", box=box.SIMPLE_HEAD, title_justify="left")
    for name in ("Staff ref", "Name", "Team", "Cohort"):
        table.add_column(name, overflow="fold")
    for name in ("FTE", "Cases", "Load", "Capacity", "Util."):
        table.add_column(name, justify="right")
    table.add_column("Status")
    history = "weeks_over" in snapshot.workers.columns
    if history:
        table.add_column("Weeks over", justify="right")
    for row in snapshot.workers.iter_rows(named=True):
        weeks = [_weeks_over_text(row)] if history else []
        table.add_row(
            _cell(row["staff_ref"]),
            _cell(row["name"]),
            _cell(row["team"]),
            _cell(row["cohort"]),
            _right(format_number(row["fte"], 2)),
            _right(format_count(row["cases"])),
            _right(format_number(row["weighted_load"])),
            _right(format_number(row["capacity"])),
            _right(format_percent(row["utilisation"])),
            status_text(row["status"]),
            *weeks,
        )
    return table


def _weeks_over_text(row: dict[str, Any]) -> Text:
    """Weeks over; sustained overload is said in words, not only by style."""
    if not row["weeks_over"]:
        return _right("")
    label = f"{row['weeks_over']} sustained" if row["sustained"] else str(row["weeks_over"])
    return Text(label, style=STATUS_STYLES["over"] if row["sustained"] else "", justify="right")


def _problems_table(problems: pl.DataFrame) -> Table:
    table = Table(title=f"Problems ({problems.height})", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Kind")
    table.add_column("Detail", overflow="fold")
    for kind, detail in problems.select("kind", "detail").iter_rows():
        table.add_row(_cell(kind), _cell(detail))
    return table


def as_rich(snapshot: Snapshot) -> RenderableType:
    source = snapshot.source.label if snapshot.source else ""
    age = snapshot.data_age
    title = Text.assemble(
        ("Caseloads as of ", "bold"),
        (snapshot.as_of.isoformat(), "bold"),
        (f" · {age.text}", "bold yellow" if age.stale else ""),
        ("  " + visible(source), "dim"),
    )
    parts: list[RenderableType] = [title]
    if age.warning:
        parts.append(Text(f"⚠ {age.warning}", style="bold yellow"))
    parts += [_headline(snapshot), _teams_table(snapshot)]
    parts.append(_workers_table(snapshot))
    if snapshot.problems.height:
        parts.append(_problems_table(snapshot.problems))
    return Group(*parts)


def render(snapshot: Snapshot, fmt: str, console: Console) -> None:
    """Write the report to the console in the chosen format."""
    if fmt == "table":
        if not console.is_terminal:  # wide enough for the teams table with its census columns
            console.width = max(console.width, 180)
        console.print(as_rich(snapshot))
        return
    text = {"csv": as_csv, "json": as_json, "markdown": as_markdown}[fmt](snapshot)
    console.file.write(text if text.endswith("\n") else text + "\n")


# --- Trend (report --trend) -------------------------------------------------------------


def trend_rows(trend: Trend, team: str | None = None, only: str | None = None):
    """The series as report rows: each is the snapshot's row for its date, plus `date`.

    Returns (organisation, teams, workers) frames, rounded as the snapshot report is.
    """
    workers, teams = trend.workers, trend.teams
    if team is not None:
        team = team_name(teams.get_column("team").unique().to_list(), team)
        members = trend.worker_details.filter(pl.col("team") == team).get_column("worker_id")
        workers = workers.filter(pl.col("worker_id").is_in(members.implode()))
        teams = teams.filter(pl.col("team") == team)
    if only is not None:
        workers = workers.filter(pl.col("status").is_in(at_least(only)))
    workers = trend.worker_rows(workers)
    organisation = trend.organisation
    return (
        _rounded(organisation.select("date", *summary_fields(organisation))),
        _rounded(teams.select("date", *team_fields(teams))),
        _rounded(workers.select("date", *worker_fields(workers))),
    )


def _dated(frame: pl.DataFrame) -> list[dict[str, Any]]:
    return frame.with_columns(pl.col("date").cast(pl.String)).to_dicts()


def trend_json(
    trend: Trend, team: str | None = None, only: str | None = None, age: DataAge | None = None
) -> str:
    organisation, teams, workers = trend_rows(trend, team, only)
    freshness = {}
    if age is not None:
        freshness = {
            "data_as_of": age.extract_date.isoformat() if age.extract_date else None,
            "freshness": age.as_dict(),
        }
    document = {
        "from": trend.start.isoformat(),
        "to": trend.end.isoformat(),
        "every": trend.every,
        **freshness,
        "organisation": _dated(organisation),
        "teams": _dated(teams),
        "workers": _dated(workers),
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def trend_csv(
    trend: Trend, team: str | None = None, only: str | None = None, age: DataAge | None = None
) -> str:
    """Organisation and team rows by date in one sheet (the organisation's team is empty)."""
    organisation, teams, _ = trend_rows(trend, team, only)
    combined = pl.concat(
        [
            organisation.with_columns(
                pl.lit(None, dtype=pl.String).alias("team"),
                pl.lit(None, dtype=pl.String).alias("service_area"),
            ),
            teams,
        ],
        how="diagonal",
    ).select(teams.columns)
    buffer = io.StringIO()
    combined.write_csv(buffer)
    return buffer.getvalue()


def trend_markdown(
    trend: Trend, team: str | None = None, only: str | None = None, age: DataAge | None = None
) -> str:
    organisation, teams, workers = trend_rows(trend, team, only)
    parts = [
        f"# Caseloads from {trend.start.isoformat()} to {trend.end.isoformat()}, "
        f"every {trend.every}" + (f" ({age.text})" if age else ""),
        *([f"> **Warning:** {age.warning}"] if age and age.warning else []),
        "## Organisation",
        markdown_table(organisation),
        "## Teams",
        markdown_table(teams),
        "## Workers",
        markdown_table(workers),
    ]
    return "\n\n".join(parts) + "\n"


def _change(value: float | None, percent: bool) -> str:
    if value is None:
        return "–"
    arrow = "↑" if value > 1e-9 else "↓" if value < -1e-9 else "→"
    amount = f"{value * 100:+.1f} pts" if percent else f"{value:+.1f}".replace(".0", "")
    return f"{arrow} {amount}"


def _direction_table(direction: Direction) -> Table:
    table = Table(
        title=f"Direction of travel to {direction.as_of.isoformat()}",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    table.add_column("Measure")
    for name in ("Now", "12 weeks ago", "Change", "12 months ago", "Change"):
        table.add_column(name, justify="right")
    labels = {
        "average_caseload": "Average caseload per FTE",
        "over": "Workers over",
        "vacancy_rate": "Vacancy rate",
        "agency_rate": "Agency rate",
    }
    for row in direction.organisation.iter_rows(named=True):
        percent = row["measure"].endswith("_rate")

        def shown(value: float | None, measure: str = row["measure"]) -> str:
            if measure.endswith("_rate"):
                return format_percent(value, 1)
            return format_count(value) if measure == "over" else format_number(value)

        table.add_row(
            labels.get(row["measure"], row["measure"]),
            _right(shown(row["now"])),
            _right(shown(row["weeks_12_ago"])),
            _right(_change(row["change_12_weeks"], percent)),
            _right(shown(row["months_12_ago"])),
            _right(_change(row["change_12_months"], percent)),
        )
    return table


def _series_table(organisation: pl.DataFrame, title: str) -> Table:
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Date", no_wrap=True, min_width=10)
    for name in ("FTE", "Vacancy", "Agency", "Open", "Unalloc.", "Avg", "Over", "Near"):
        table.add_column(name, justify="right")
    table.add_column("Sustained", justify="right")
    for row in organisation.iter_rows(named=True):
        table.add_row(
            row["date"].isoformat(),
            _right(format_number(row["fte_in_post"])),
            _right(format_percent(row["vacancy_rate"], 1)),
            _right(format_percent(row["agency_rate"], 1)),
            _right(format_count(row["open_cases"])),
            _right(format_count(row["unallocated_cases"])),
            _right(format_number(row["average_caseload"])),
            _right(format_count(row["over"])),
            _right(format_count(row["near"])),
            _right(format_count(row["sustained"])),
        )
    return table


def _sustained_table(workers: pl.DataFrame, day: object) -> Table:
    table = Table(
        title=f"Workers in sustained overload on {day}", box=box.SIMPLE_HEAD, title_justify="left"
    )
    for name in ("Staff ref", "Name", "Team"):
        table.add_column(name, overflow="fold")
    for name in ("Cases", "Load", "Capacity", "Weeks over"):
        table.add_column(name, justify="right")
    for row in workers.sort("weeks_over", descending=True).iter_rows(named=True):
        table.add_row(
            _cell(row["staff_ref"]),
            _cell(row["name"]),
            _cell(row["team"]),
            _right(format_count(row["cases"])),
            _right(format_number(row["weighted_load"])),
            _right(format_number(row["capacity"])),
            _right(format_count(row["weeks_over"])),
        )
    return table


def trend_rich(
    trend: Trend,
    direction: Direction,
    team: str | None = None,
    only: str | None = None,
    age: DataAge | None = None,
) -> RenderableType:
    """The organisation's (or one team's) series, the direction of travel, and who is in
    sustained overload at the end of the range. Every figure is also in --format json."""
    organisation, teams, workers = trend_rows(trend, team, only)
    series = organisation
    title = "Organisation"
    if team is not None:
        series = teams
        title = visible(teams.get_column("team").first() or team)
    last = workers.filter(pl.col("date") == trend.end, pl.col("sustained"))
    heading = Text.assemble(
        ("Caseloads from ", "bold"),
        (f"{trend.start.isoformat()} to {trend.end.isoformat()}, every {trend.every}", "bold"),
    )
    warnings: list[RenderableType] = []
    if age is not None:
        heading.append(f" · {age.text}", "bold yellow" if age.stale else "")
        if age.warning:
            warnings.append(Text(f"⚠ {age.warning}", style="bold yellow"))
    return Group(
        heading,
        *warnings,
        _series_table(series, title),
        _direction_table(direction),
        _sustained_table(last, trend.end.isoformat()),
    )


def render_trend(
    trend: Trend,
    direction: Direction | None,
    fmt: str,
    console: Console,
    team: str | None = None,
    only: str | None = None,
    age: DataAge | None = None,
) -> None:
    """Write the series to the console in the chosen format (`age`: how fresh the data
    is at the end of the range, for the header)."""
    if fmt == "table":
        if direction is None:
            raise ValueError("the table form shows the direction of travel; pass it")
        if not console.is_terminal:
            console.width = max(console.width, 160)
        console.print(trend_rich(trend, direction, team, only, age))
        return
    writers = {"csv": trend_csv, "json": trend_json, "markdown": trend_markdown}
    text = writers[fmt](trend, team, only, age)
    console.file.write(text if text.endswith("\n") else text + "\n")


# --- Files --------------------------------------------------------------------------------


def as_xlsx(snapshot: Snapshot) -> bytes:
    """One visible sheet per table: organisation, teams, workers (and problems, if any)."""
    from cfmonitor.export import xlsx_bytes

    sheets = {
        "Organisation": pl.DataFrame([organisation_row(snapshot)]),
        "Teams": team_rows(snapshot),
        "Workers": worker_rows(snapshot),
    }
    if snapshot.problems.height:
        sheets["Problems"] = snapshot.problems.select("kind", "detail")
    sheets["About"] = about_frame(snapshot)
    return xlsx_bytes(sheets)


def about_frame(snapshot: Snapshot) -> pl.DataFrame:
    """The workbook's header, as a sheet: which day, how fresh the data, and any warning."""
    age = snapshot.data_age
    freshness = age.as_dict()
    items = {
        "Caseloads as of": snapshot.as_of.isoformat(),
        "Data as of": freshness["extract_date"] or age.text,
        "Source": freshness["source"] or "not recorded",
        "Imported at (UTC)": freshness["imported_at"] or "not recorded",
        "Warning": age.warning or "none",
    }
    return pl.DataFrame({"item": list(items), "value": list(items.values())})


def write_report(snapshot: Snapshot, fmt: str, path: Path, *, force: bool) -> Path:
    """Write the report to `path` (never over an existing file without `force`)."""
    from cfmonitor.export import write_bytes

    if fmt == "xlsx":
        data = as_xlsx(snapshot)
    elif fmt in ("csv", "json", "markdown"):
        text = {"csv": as_csv, "json": as_json, "markdown": as_markdown}[fmt](snapshot)
        data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    else:
        raise ReportError(f"--output needs --format {', '.join(FILE_FORMATS)}, not {fmt}.")
    return write_bytes(path, data, force=force)
