"""Render a Snapshot for the terminal (Rich) and as CSV, JSON or Markdown.

The figures are the snapshot's, only rounded: loads, capacities and FTE to 2 places,
rates and utilisation to 4. Data goes into Rich tables as `Text`, never as markup.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, replace
from dataclasses import fields as fields_of
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import polars as pl

from cfmonitor import selection
from cfmonitor.column_text import json_document
from cfmonitor.data.engine import (
    STATUS_RANK,
    SUMMARY_FIELDS,
    TEAM_FIELDS,
    UNALLOCATED_FIELDS,
    WORKER_FIELDS,
    Snapshot,
)
from cfmonitor.errors import CfmonitorError
from cfmonitor.presentation import (
    STATUS_STYLES,
    agency_share,
    census_vacancy,
    field_label,
    format_change,
    format_count,
    format_measure,
    format_number,
    format_percent,
    fte_against_establishment,
    near_count,
    over_count,
    status_label,
    title_line,
    vacancy_gap,
)
from cfmonitor.safe_text import visible
from cfmonitor.scalars import as_date

if TYPE_CHECKING:  # the trend engine, and Rich (the table form only), on first use
    from rich.console import Console, RenderableType
    from rich.table import Table
    from rich.text import Text

    from cfmonitor.data.engine import DataAge, Direction, Trend
    from cfmonitor.export import Sheet

FORMATS = ("table", "csv", "json", "markdown", "xlsx")
FILE_FORMATS = ("csv", "json", "markdown", "xlsx")
TWO_PLACES = (
    "fte", "weighted_load", "capacity", "fte_in_post", "establishment_fte",
    "vacancy_fte", "agency_fte", "average_caseload",
    "permanent_fte", "census_vacancy_fte", "census_average_caseload",
)  # fmt: skip
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


def _with_history(
    frame: pl.DataFrame, fields: tuple[str, ...], extra: tuple[str, ...]
) -> list[str]:
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


@dataclass(frozen=True)
class Chosen(Snapshot):
    """A snapshot narrowed to several teams (`--team A --team B`, `--service-area`): the
    report is headed with the set's figures and says which set it is."""

    chosen_teams: tuple[str, ...] = ()
    chosen_areas: tuple[str, ...] = ()

    @property
    def description(self) -> str:
        return selection.describe(self.chosen_teams, self.chosen_areas)


def _as_names(value: str | Sequence[str] | None) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def select(
    snapshot: Snapshot,
    team: str | Sequence[str] | None = None,
    only: str | None = None,
    *,
    areas: Sequence[str] = (),
) -> Snapshot:
    """Narrow a snapshot to a team (or several, or service areas) and/or to workers at a
    status or worse.

    With `only`, the teams listed are those with such a worker (teams asked for by name
    or area stay listed); the unallocated cases follow the teams. One team asked for by
    name is a team's report; several, or an area, a `Chosen` one headed by their sum."""
    teams_asked = _as_names(team)
    workers, teams = snapshot.workers, snapshot.teams
    unallocated = snapshot.unallocated_cases
    one_team: str | None = None
    chosen: tuple[list[str], list[str]] | None = None
    if len(teams_asked) == 1 and not areas:
        one_team = selection.team_name(snapshot.teams.get_column("team").to_list(), teams_asked[0])
        names = [one_team]
    elif teams_asked or areas:
        chosen = selection.chosen_teams(snapshot.teams, teams_asked, areas)
        names = chosen[0]
    if one_team is not None or chosen is not None:
        workers = workers.filter(pl.col("team").is_in(names))
        teams = teams.filter(pl.col("team").is_in(names))
        unallocated = unallocated.filter(pl.col("team").is_in(names))
    if only is not None:
        workers = workers.filter(pl.col("status").is_in(at_least(only)))
        if one_team is None and chosen is None:
            teams = teams.filter(pl.col("team").is_in(workers.get_column("team").implode()))
    narrowed = replace(
        snapshot,
        workers=workers,
        teams=teams,
        unallocated_cases=unallocated,
        team=one_team,
        only=only,
    )
    if chosen is None:
        return narrowed
    fields = {field.name: getattr(narrowed, field.name) for field in fields_of(Snapshot)}
    return Chosen(**fields, chosen_teams=tuple(chosen[0]), chosen_areas=tuple(chosen[1]))


def chosen_team_names(snapshot: Snapshot) -> list[str] | None:
    """The teams a report was narrowed to by name or area (None: every team)."""
    if isinstance(snapshot, Chosen):
        return list(snapshot.chosen_teams)
    return [snapshot.team] if snapshot.team is not None else None


ONLY_WORDS = {
    "over": "workers over (or of an unknown cohort)",
    "near": "workers over or near (or of an unknown cohort)",
}


def subject(snapshot: Snapshot) -> str:
    """What the report is about: the organisation, the one team asked for, or the set."""
    if isinstance(snapshot, Chosen):
        return snapshot.description
    return visible(snapshot.team) if snapshot.team else "Organisation"


def is_demo(snapshot: Snapshot) -> bool:
    return bool(snapshot.source and snapshot.source.is_demo)


def title(snapshot: Snapshot) -> str:
    """`Caseloads as of 2026-11-26 (data as of 2026-11-25) · Organisation · DEMO DATA`:
    what is shown, exactly, and how fresh the data under it is."""
    what = ONLY_WORDS.get(snapshot.only or "")
    day = f"{snapshot.as_of.isoformat()} ({snapshot.data_age.text})"
    return title_line(day, subject(snapshot), what, is_demo=is_demo(snapshot))


def _with_warning(text: str, age: DataAge | None) -> str:
    """Markdown: a stale extract is said right under the title line."""
    if age is None or not age.warning:
        return text
    first, _, rest = text.partition("\n")
    return f"{first}\n\n> **Warning:** {age.warning}\n{rest}"


def headline_row(snapshot: Snapshot) -> dict[str, Any]:
    """The figures the report is headed with: the team's when one was asked for, the
    set's when several were."""
    if isinstance(snapshot, Chosen):
        return selection.set_row(snapshot.teams)
    if snapshot.team is not None and snapshot.teams.height == 1:
        return snapshot.teams.row(0, named=True)
    return snapshot.organisation_row


def unallocated_rows(snapshot: Snapshot) -> pl.DataFrame:
    return snapshot.unallocated_cases.select(UNALLOCATED_FIELDS)


def fails(snapshot: Snapshot, status: str) -> bool:
    """True when any worker has `status` or worse: the exit code for scheduled checks."""
    return snapshot.workers.filter(pl.col("status").is_in(at_least(status))).height > 0


# --- JSON -------------------------------------------------------------------------


def as_json(snapshot: Snapshot) -> str:
    age = snapshot.data_age
    document: dict[str, object] = {
        "as_of": snapshot.as_of.isoformat(),
        "data_as_of": age.extract_date.isoformat() if age.extract_date else None,
        "freshness": age.as_dict(),
        "workers": worker_rows(snapshot),
        "teams": team_rows(snapshot),
        "organisation": organisation_row(snapshot),
        "unallocated": _dated(unallocated_rows(snapshot), ["opened_on", "unallocated_since"]),
        "problems": snapshot.problems,
    }
    if isinstance(snapshot, Chosen):
        document["chosen"] = {
            "description": snapshot.description,
            "service_areas": list(snapshot.chosen_areas),
            "teams": list(snapshot.chosen_teams),
            "figures": _rounded(pl.DataFrame([headline_row(snapshot)])).row(0, named=True),
        }
    if is_demo(snapshot):
        document = {"as_of": document.pop("as_of"), "demo_data": True, **document}
    return json_document(document)


# --- CSV, Markdown and XLSX: files people read ----------------------------------------


def sheets(snapshot: Snapshot, *, everything: bool = True) -> list[Sheet]:
    """The report's tables with its title: the headline figures (the organisation's, or
    the team's), the teams, the workers, the unallocated cases and any problems.
    `everything=False` gives the workers and the unallocated cases only (the CSV)."""
    from cfmonitor.export import Sheet

    heading = title(snapshot)
    parts = []
    if everything:
        headline = _rounded(pl.DataFrame([headline_row(snapshot)]))
        fields = team_fields(headline) if snapshot.team else summary_fields(headline)
        parts.append(Sheet(subject(snapshot), headline.select(fields), heading))
        if snapshot.team is None:
            parts.append(Sheet("Teams", team_rows(snapshot), heading))
    parts.append(Sheet("Workers", worker_rows(snapshot), heading))
    parts.append(Sheet("Unallocated cases", unallocated_rows(snapshot), heading))
    if everything and snapshot.problems.height:
        parts.append(Sheet("Problems", snapshot.problems.select("kind", "detail"), heading))
    return parts


def as_csv(snapshot: Snapshot) -> str:
    """The title, the workers and the unallocated cases: the tables a manager most often
    takes elsewhere; safe for Excel."""
    from cfmonitor.export import sheets_csv

    return sheets_csv(sheets(snapshot, everything=False), show_controls=True)


def markdown_table(frame: pl.DataFrame) -> str:
    from cfmonitor.export import markdown_text

    return markdown_text(frame).rstrip("\n")


def as_markdown(snapshot: Snapshot) -> str:
    from cfmonitor.export import sheets_markdown

    return _with_warning(sheets_markdown(sheets(snapshot)), snapshot.data_age)


# --- Rich table -----------------------------------------------------------------------


def _cell(value: object, style: str = "") -> Text:
    """Data for a Rich table cell: literal text that folds rather than being cut off."""
    from rich.text import Text

    return Text(visible(value), style=style, overflow="fold")


def status_text(status: str | None) -> Text:
    from rich.text import Text

    return Text(status_label(status), style=STATUS_STYLES.get(status or "", ""))


def _right(value: str) -> Text:
    from rich.text import Text

    return Text(value, justify="right")


def _headline(snapshot: Snapshot) -> Table:
    from rich import box
    from rich.table import Table

    row = headline_row(snapshot)
    table = Table(
        title=subject(snapshot), box=box.SIMPLE_HEAD, show_header=False, pad_edge=False,
        title_justify="left",
    )  # fmt: skip
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("FTE in post / establishment", fte_against_establishment(row))
    table.add_row("Vacancy gap (agency cover fills a post)", vacancy_gap(row))
    table.add_row("Census vacancy rate (agency cover is vacant)", census_vacancy(row))
    table.add_row("Agency workers (census agency rate)", agency_share(row))
    table.add_row(
        "Open cases (unallocated)",
        f"{format_count(row['open_cases'])} ({format_count(row['unallocated_cases'])})",
    )
    table.add_row("Average caseload per FTE", format_number(row["average_caseload"]))
    table.add_row(
        "Census caseload (case holders only)", format_number(row["census_average_caseload"])
    )
    table.add_row("Workers over / near", f"{over_count(row['over'])} / {near_count(row['near'])}")
    return table


def _teams_table(snapshot: Snapshot) -> Table:
    from rich import box
    from rich.table import Table
    from rich.text import Text

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
            Text(over_count(row["over"]) if row["over"] else "0", style=style, justify="right"),
            Text(
                near_count(row["near"]) if row["near"] else "0",
                style=STATUS_STYLES["near"] if row["near"] else "",
                justify="right",
            ),
        )
    return table


def _workers_table(snapshot: Snapshot) -> Table:
    from rich import box
    from rich.table import Table

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
    from rich.text import Text

    if not row["weeks_over"]:
        return _right("")
    label = f"{row['weeks_over']} sustained" if row["sustained"] else str(row["weeks_over"])
    return Text(label, style=STATUS_STYLES["over"] if row["sustained"] else "", justify="right")


def _problems_table(problems: pl.DataFrame) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(title=f"Problems ({problems.height})", box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Kind")
    table.add_column("Detail", overflow="fold")
    for kind, detail in problems.select("kind", "detail").iter_rows():
        table.add_row(_cell(kind), _cell(detail))
    return table


def _unallocated_table(cases: pl.DataFrame) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(
        title=f"Unallocated cases ({cases.height:,}), longest waiting first",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    for name in ("case_ref", "team", "case_type", "complexity", "opened_on", "unallocated_since"):
        table.add_column(field_label(name), overflow="fold")
    table.add_column(field_label("days_unallocated"), justify="right")
    table.add_column(field_label("last_staff_ref"), overflow="fold")
    for row in cases.iter_rows(named=True):
        table.add_row(
            _cell(row["case_ref"]),
            _cell(row["team"]),
            _cell(row["case_type"]),
            _cell(row["complexity"]),
            _cell(row["opened_on"].isoformat()),
            _cell(row["unallocated_since"].isoformat()),
            _right(format_count(row["days_unallocated"])),
            _cell(row["last_staff_ref"] or "–"),
        )
    return table


def as_rich(snapshot: Snapshot) -> RenderableType:
    from rich.console import Group
    from rich.text import Text

    age = snapshot.data_age
    heading = Text(title(snapshot), "bold yellow" if age.stale else "bold")
    if snapshot.source is not None and not snapshot.source.is_demo:
        heading.append("  " + visible(snapshot.source.label), "dim")
    elif snapshot.source is not None:
        heading.append(f"  ({visible(snapshot.source.path.name)})", "dim")
    parts: list[RenderableType] = [heading]
    if age.warning:
        parts.append(Text(f"⚠ {age.warning}", style="bold yellow"))
    parts.append(_headline(snapshot))
    if snapshot.team is None:
        parts.append(_teams_table(snapshot))
    parts.append(_workers_table(snapshot))
    if snapshot.unallocated_cases.height:
        parts.append(_unallocated_table(snapshot.unallocated_cases))
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
    write_text(snapshot, fmt, console.file)


def write_text(snapshot: Snapshot, fmt: str, stream: IO[str]) -> None:
    """Write the report as CSV, JSON or Markdown to `stream`, ending with a newline."""
    text = {"csv": as_csv, "json": as_json, "markdown": as_markdown}[fmt](snapshot)
    stream.write(text if text.endswith("\n") else text + "\n")


# --- Trend (report --trend) -------------------------------------------------------------


def trend_rows(
    trend: Trend, team: str | None = None, only: str | None = None
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """The series as report rows: each is the snapshot's row for its date, plus `date`.

    Returns (organisation, teams, workers) frames, rounded as the snapshot report is.
    """
    workers, teams = trend.workers, trend.teams
    if team is not None:
        team = selection.team_name(teams.get_column("team").unique().to_list(), team)
        members = trend.worker_details.filter(pl.col("team") == team).get_column("worker_id")
        workers = workers.filter(pl.col("worker_id").is_in(members.implode()))
        teams = teams.filter(pl.col("team") == team)
    if only is not None:
        workers = workers.filter(pl.col("status").is_in(at_least(only)))
    workers = trend.worker_rows(workers)
    if only is not None and team is None:
        # On each date, only the teams with a worker at that status (as a day's report).
        teams = teams.join(workers.select("date", "team").unique(), on=["date", "team"], how="semi")
    organisation = trend.organisation
    return (
        _rounded(organisation.select("date", *summary_fields(organisation))),
        _rounded(teams.select("date", *team_fields(teams))),
        _rounded(workers.select("date", *worker_fields(workers))),
    )


def _dated(frame: pl.DataFrame, columns: Sequence[str] = ("date",)) -> pl.DataFrame:
    """Dates as ISO text, as JSON has no dates."""
    return frame.with_columns(pl.col(list(columns)).cast(pl.String))


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
    return json_document(document)


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
        f"# {trend_heading(trend, organisation)}" + (f" ({age.text})" if age else ""),
        *([f"> **Warning:** {age.warning}"] if age and age.warning else []),
        "## Organisation",
        markdown_table(organisation),
        "## Teams",
        markdown_table(teams),
        "## Workers",
        markdown_table(workers),
    ]
    return "\n\n".join(parts) + "\n"


def trend_heading(trend: Trend, organisation: pl.DataFrame) -> str:
    """`Caseloads from 2024-12-04 to 2026-11-25, every week`: the first and last rows shown
    (weekly points step back from the end, so the first is not always `--from`)."""
    dates = organisation.get_column("date")
    first = as_date(dates.min()) or trend.start  # None when no row is shown
    last = as_date(dates.max()) or trend.end
    return f"Caseloads from {first.isoformat()} to {last.isoformat()}, every {trend.every}"


def _direction_table(direction: Direction) -> Table:
    from rich import box
    from rich.table import Table

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
        measure = row["measure"]
        table.add_row(
            labels.get(measure, measure),
            _right(format_measure(measure, row["now"])),
            _right(format_measure(measure, row["weeks_12_ago"])),
            _right(format_change(row["change_12_weeks"], measure)),
            _right(format_measure(measure, row["months_12_ago"])),
            _right(format_change(row["change_12_months"], measure)),
        )
    return table


def _series_table(organisation: pl.DataFrame, title: str) -> Table:
    from rich import box
    from rich.table import Table

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
    from rich import box
    from rich.table import Table

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
    from rich.console import Group
    from rich.text import Text

    organisation, teams, workers = trend_rows(trend, team, only)
    series = organisation
    title = "Organisation"
    if team is not None:
        series = teams
        title = visible(teams.get_column("team").first() or team)
    last = workers.filter(pl.col("date") == trend.end, pl.col("sustained"))
    heading = Text(trend_heading(trend, organisation), "bold")
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
    """One visible sheet per table, each under the report's title."""
    from cfmonitor.export import Sheet, sheets_xlsx

    return sheets_xlsx([*sheets(snapshot), Sheet("About", about_frame(snapshot))])


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
