"""`cfmonitor check --against ssd`: cfmonitor's caseload beside the source's own counts.

Per worker, on the source's count date (30 September, the census day): the cases cfmonitor
would count, `prof_professional_caseload` and the census `Cases30`, and for each difference
the reasons found in the extract, so a manager whose number is challenged can see why.
"""

from __future__ import annotations

import datetime as dt

import polars as pl
from rich import box
from rich.console import Console, JustifyMethod
from rich.table import Table
from rich.text import Text

from cfmonitor.importing.sources.mapping import EXCLUDE, SourceMapping
from cfmonitor.importing.sources.ssd import SsdReading
from cfmonitor.importing.sources.ssd_cases import ALLOCATED
from cfmonitor.safe_text import visible

WINDOW_YEARS = 6
"""The SSD holds six years of history; older involvements may be missing."""


def _dates(frame: pl.DataFrame, *names: str) -> pl.DataFrame:
    return frame.with_columns(pl.col(name).str.to_date("%Y-%m-%d", strict=False) for name in names)


def held_on(reading: SsdReading, day: dt.date) -> pl.DataFrame:
    """(case_ref, staff_ref) of every case a worker holds on `day`, as cfmonitor counts it."""
    tables = reading.converted.tables
    allocations = _dates(tables["allocations"].frame, "start_date", "end_date")
    cases = _dates(tables["cases"].frame, "opened_on", "closed_on")
    return (
        allocations.join(cases.select("case_ref", "opened_on", "closed_on"), on="case_ref")
        .filter(
            (pl.col("start_date") <= day)
            & (pl.col("end_date").is_null() | (pl.col("end_date") > day))
            & (pl.col("opened_on") <= day)
            & (pl.col("closed_on").is_null() | (pl.col("closed_on") > day))
        )
        .select("case_ref", "staff_ref")
        .unique()
    )


def _source_view(reading: SsdReading, mapping: SourceMapping, day: dt.date) -> pl.DataFrame:
    """Per staff_ref, the involvements open on `day` as the source reads its own dates."""
    end = pl.col("invo_involvement_end_date")
    sentinel = end.is_in(list(mapping.open_sentinels))
    open_then = (pl.col("_start") <= day) & (end.is_null() | sentinel | (end >= day))
    involvements = reading.involvements.filter(pl.col("staff_ref").is_not_null() & open_then)
    allocated = pl.col("_role") == ALLOCATED
    return involvements.group_by("staff_ref").agg(
        (~allocated.fill_null(False)).sum().alias("not_allocated"),
        (allocated & sentinel).sum().alias("sentinel"),
        (allocated & (end == day)).sum().alias("ends_today"),
    )


def reconcile(reading: SsdReading, mapping: SourceMapping) -> tuple[pl.DataFrame, int]:
    """One row per professional: counts side by side and the reasons; and how many open
    cases opened before the source's six-year window."""
    day = reading.census_day
    held = held_on(reading, day)
    shared = held.group_by("case_ref").agg(pl.len().alias("_holders"))
    ours = (
        held.join(shared, on="case_ref")
        .group_by("staff_ref")
        .agg(pl.len().alias("cfmonitor"), (pl.col("_holders") > 1).sum().alias("co_worked"))
    )
    people = reading.people
    census = "Cases30" in people.columns
    left = (
        pl.col("RoleEndDate") < day if "RoleEndDate" in people.columns else pl.lit(False)
    ).fill_null(False)
    rows = (
        people.select(
            "staff_ref",
            pl.col("prof_professional_name").alias("name"),
            pl.col("prof_professional_caseload").alias("ssd"),
            (pl.col("Cases30") if census else pl.lit(None, pl.String)).alias("census"),
            (pl.col("cohort") == EXCLUDE).alias("excluded"),
            left.alias("left"),
        )
        .join(ours, on="staff_ref", how="left")
        .join(_source_view(reading, mapping, day), on="staff_ref", how="left")
        .with_columns(pl.col("cfmonitor", "co_worked").fill_null(0))
        .sort("staff_ref")
    )
    reasons = []
    for row in rows.iter_rows(named=True):
        counts = {row["ssd"], row["census"]} - {None}
        differs = any(value != str(row["cfmonitor"]) for value in counts)
        reasons.append(_reasons(row) if differs else "")
    cases = _dates(reading.converted.tables["cases"].frame, "opened_on", "closed_on")
    extract = reading.converted.provenance.extract_date or day
    window = extract.replace(year=extract.year - WINDOW_YEARS, day=min(extract.day, 28))
    old = cases.filter(
        (pl.col("opened_on") < window)
        & (pl.col("closed_on").is_null() | (pl.col("closed_on") > day))
    ).height
    return rows.with_columns(pl.Series("reasons", reasons, pl.String)), old


def _reasons(row: dict) -> str:
    found = []
    if row["excluded"]:
        found.append("not counted: the mapping excludes this job title")
    if row["left"]:
        found.append("left before the count date (census RoleEndDate)")
    if row["co_worked"]:
        found.append(f"{row['co_worked']} co-worked (another worker holds the case too)")
    if row["not_allocated"]:
        found.append(f"{row['not_allocated']} not an allocated role")
    if row["sentinel"]:
        found.append(f"{row['sentinel']} open-ended by 1900-01-01")
    if row["ends_today"]:
        found.append(f"{row['ends_today']} inclusive end date on the count date")
    if not found:
        found.append(
            f"unexplained here: possibly older than the source's {WINDOW_YEARS}-year window"
        )
    return "; ".join(found)


def print_reconciliation(reading: SsdReading, mapping: SourceMapping, console: Console) -> int:
    """Print the table; returns how many workers' counts differ."""
    rows, old = reconcile(reading, mapping)
    day = reading.census_day.isoformat()
    table = Table(
        title=f"Caseloads on {day} (the source's count date): cfmonitor beside the source",
        box=box.SIMPLE_HEAD,
        title_justify="left",
    )
    columns: tuple[tuple[str, JustifyMethod], ...] = (
        ("Staff ref", "left"),
        ("Name", "left"),
        ("cfmonitor", "right"),
        ("SSD caseload", "right"),
        ("Census Cases30", "right"),
        ("Why they differ", "left"),
    )
    for name, justify in columns:
        table.add_column(name, justify=justify, overflow="fold")
    differ = 0
    for row in rows.iter_rows(named=True):
        differ += bool(row["reasons"])
        table.add_row(
            Text(visible(row["staff_ref"])),
            Text(visible(row["name"])),
            Text(str(row["cfmonitor"])),
            Text(visible(row["ssd"] or "–")),
            Text(visible(row["census"] or "–")),
            Text(row["reasons"]),
        )
    console.print(table)
    console.print(Text(f"{differ} of {rows.height} professionals' counts differ."))
    if old:
        console.print(
            Text(
                f"{old} open case(s) began before the SSD's {WINDOW_YEARS}-year window; "
                "their earliest involvements may be missing from the extract."
            )
        )
    return differ


def check_against_ssd(folder, census, mapping_file, console: Console) -> None:
    """The `check --against ssd` command: read the extract (refusing bad input as an import
    would) and print the reconciliation."""
    from cfmonitor.importing.problems import ImportProblems, has_errors, print_problems
    from cfmonitor.importing.sources.choose import SourceOptionError
    from cfmonitor.importing.sources.mapping import load_mapping
    from cfmonitor.importing.sources.ssd import read_ssd_source

    if folder is None:
        raise SourceOptionError("--against ssd needs --dir FOLDER (the folder of ssd_*.csv files).")
    mapping = load_mapping(mapping_file)
    reading = read_ssd_source(folder, mapping, census_file=census)
    if has_errors(reading.converted.problems):
        print_problems(reading.converted.problems, console)
        raise ImportProblems(reading.converted.problems)
    print_reconciliation(reading, mapping, console)
