"""The SSD adapter: a folder of Standard Safeguarding Dataset tables → the five native tables.

The rules are in `ssd_cases` (cases and allocations) and `ssd_workers` (workers and
reductions); this module reads the folder, resolves teams, and puts the pieces together.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources import ssd_cases, ssd_workers
from cfmonitor.importing.sources.csww import read_census
from cfmonitor.importing.sources.departments import resolve_team, unknown_teams
from cfmonitor.importing.sources.mapping import EXCLUDE, SourceMapping, label_of
from cfmonitor.importing.sources.native import (
    Converted,
    as_text,
    gather,
    last_count_day,
    warning,
)
from cfmonitor.importing.sources.ssd_tables import read_ssd
from cfmonitor.importing.sources.teams import build_teams

SOURCE = "ssd"


def latest_day(frames: dict[str, pl.DataFrame]) -> dt.date:
    """The last day the extract shows activity: its extract date when none is given."""
    days = [
        frames["ssd_involvements"].get_column("invo_involvement_start_date").max(),
        frames["ssd_cin_episodes"].get_column("cine_referral_date").max(),
    ]
    known = [day for day in days if isinstance(day, dt.date)]
    return max(known) if known else dt.date.today()


def involvements(frames: dict[str, pl.DataFrame], mapping: SourceMapping) -> pl.DataFrame:
    """Involvements with `_start`, exclusive `_end`, `_team_held` and their own `_invo_team`."""
    frame = frames["ssd_involvements"]
    start = pl.col("invo_involvement_start_date")
    frame = frame.with_columns(
        (pl.col("invo_professional_id").is_null() | (pl.col("invo_professional_id") == "-1")).alias(
            "_team_held"
        ),
        start.alias("_start"),
        ssd_cases.exclusive_end(pl.col("invo_involvement_end_date"), start, mapping).alias("_end"),
    )
    return resolve_team(frame, "invo_professional_team", frames["ssd_department"], "_invo_team")


def _named_teams(workers: pl.DataFrame, cases: pl.DataFrame, departments: pl.DataFrame):
    """Every team name used, with its department row and parent name."""
    used = (
        pl.concat([workers.select("team"), cases.select("team")])
        .drop_nulls()
        .unique(maintain_order=True)
    )
    rows = departments.select(
        label_of(pl.col("dept_team_name")).alias("_key"),
        pl.col("dept_team_parent_name").alias("_parent"),
        FILE,
        ROW,
    ).unique("_key", keep="first")
    return (
        used.with_columns(label_of(pl.col("team")).alias("_key"))
        .join(rows, on="_key", how="left", maintain_order="left")
        .drop("_key")
    )


@dataclass(frozen=True)
class SsdReading:
    """The native tables, and what reconciliation needs to explain them."""

    converted: Converted
    involvements: pl.DataFrame
    """Every involvement with `_role`, `staff_ref`, `_start` and exclusive `_end`."""
    people: pl.DataFrame
    """Every professional with `staff_ref`, `cohort` and the census columns (if given)."""
    census_day: dt.date


def convert_ssd(
    folder: Path,
    mapping: SourceMapping,
    *,
    census_file: Path | None = None,
    extract_date: dt.date | None = None,
) -> Converted:
    """Read `folder` (and the census) and build the native tables, with every problem found."""
    return read_ssd_source(
        folder, mapping, census_file=census_file, extract_date=extract_date
    ).converted


def read_ssd_source(
    folder: Path,
    mapping: SourceMapping,
    *,
    census_file: Path | None = None,
    extract_date: dt.date | None = None,
) -> SsdReading:
    """`convert_ssd`, keeping the involvements and professionals it read."""
    frames, problems = read_ssd(folder)
    census, census_date = None, None
    if census_file is not None:
        read = read_census(census_file)
        census, census_date = read.frame, read.reference_date
        problems.append(read.problems)
    extract = extract_date or latest_day(frames)
    census_day = mapping.census_date or census_date or last_count_day(extract)
    departments = frames["ssd_department"]

    people, invo = _people_and_involvements(frames, mapping, census, problems)
    allocated = _allocated(invo, problems)
    cases, linked = _cases(frames, allocated, mapping, problems)
    first = (
        invo.filter(pl.col("staff_ref").is_not_null())
        .group_by("staff_ref")
        .agg(pl.col("_start").min().alias("_first_start"))
    )
    workers, notes = ssd_workers.workers(people, first, extract, census is not None)
    problems += notes
    if census is not None:
        problems.append(_census_unmatched(census, people))
    reductions = ssd_workers.reductions(people, mapping, census_day, census is not None)
    teams, notes = build_teams(
        _named_teams(workers, cases, departments), workers, mapping, _file_of(departments)
    )
    problems += notes
    tables = {
        "teams": as_text(teams, "teams", "ssd_department"),
        "workers": as_text(workers, "workers", "ssd_professionals"),
        "reductions": as_text(reductions, "reductions", "reductions"),
        "cases": as_text(cases, "cases", "ssd_cin_episodes"),
        "allocations": as_text(
            ssd_cases.merged_allocations(linked), "allocations", "ssd_involvements"
        ),
    }
    converted = Converted(tables, gather(problems), Provenance(SOURCE, extract))
    return SsdReading(converted, invo, people, census_day)


def _people_and_involvements(
    frames: dict[str, pl.DataFrame],
    mapping: SourceMapping,
    census: pl.DataFrame | None,
    problems: list[pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Professionals with their team (their department, else their latest involvement's),
    and involvements with their professional's staff_ref, cohort and team."""
    departments = frames["ssd_department"]
    people, notes = ssd_workers.professionals(frames["ssd_professionals"], mapping, census)
    problems += notes
    people = resolve_team(people, "prof_professional_department", departments, "_own_team")
    problems.append(unknown_teams(people, "prof_professional_department", "_own_team"))
    invo = involvements(frames, mapping)
    problems.append(unknown_teams(invo, "invo_professional_team", "_invo_team"))
    problems.append(ssd_workers.unknown_professionals(invo, people))
    invo, notes = ssd_cases.role_kinds(invo, mapping)
    problems += notes
    invo = invo.join(
        people.select(
            pl.col("prof_professional_id").alias("invo_professional_id"),
            "staff_ref",
            "cohort",
            pl.col("_own_team").alias("_prof_team"),
        ).unique("invo_professional_id", keep="first"),
        on="invo_professional_id",
        how="left",
        maintain_order="left",
    ).with_columns(pl.when(~pl.col("_team_held")).then(pl.col("staff_ref")).alias("staff_ref"))
    latest_team = (
        invo.filter(pl.col("staff_ref").is_not_null() & pl.col("_invo_team").is_not_null())
        .sort("_start", ROW)
        .group_by("staff_ref")
        .agg(pl.col("_invo_team").last().alias("_latest_team"))
    )
    people = people.join(latest_team, on="staff_ref", how="left", maintain_order="left")
    people = people.with_columns(pl.coalesce("_own_team", "_latest_team").alias("_team"))
    invo = invo.with_columns(pl.coalesce("_invo_team", "_prof_team").alias("_team"))
    return people, invo


def _allocated(invo: pl.DataFrame, problems: list[pl.DataFrame]) -> pl.DataFrame:
    """The involvements that hold a case: an allocated role, a professional not excluded."""
    allocated = invo.filter(
        (pl.col("_role") == ssd_cases.ALLOCATED) & pl.col("staff_ref").is_not_null()
    )
    excluded = allocated.filter(pl.col("cohort") == EXCLUDE)
    if excluded.height:
        problems.append(
            warning(
                str(excluded.get_column(FILE).first()),
                f"{excluded.height} allocated involvement(s) of professionals whose job title "
                "the mapping excludes were left out (their cases may show as unallocated)",
            )
        )
    return allocated.filter(pl.col("cohort") != EXCLUDE)


def _cases(
    frames: dict[str, pl.DataFrame],
    allocated: pl.DataFrame,
    mapping: SourceMapping,
    problems: list[pl.DataFrame],
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Episode and care-leaver cases with team, complexity and family; and the allocated
    involvements linked to them."""
    departments = frames["ssd_department"]
    cin = resolve_team(
        frames["ssd_cin_episodes"], "cine_referral_team", departments, "_referral_team"
    )
    problems.append(unknown_teams(cin, "cine_referral_team", "_referral_team"))
    case_frames = {**frames, "ssd_cin_episodes": cin}
    if "ssd_care_leavers" in frames:
        leavers = resolve_team(
            frames["ssd_care_leavers"],
            "clea_care_leaver_allocated_team",
            departments,
            "_leaver_team",
        )
        problems.append(unknown_teams(leavers, "clea_care_leaver_allocated_team", "_leaver_team"))
        case_frames["ssd_care_leavers"] = leavers
    episodes = ssd_cases.episode_cases(case_frames, mapping)
    leaver_cases, notes = ssd_cases.care_leaver_cases(case_frames, mapping)
    problems += notes
    cases = episodes if leaver_cases is None else pl.concat([episodes, leaver_cases])
    linked, found = ssd_cases.link(allocated, cases, leaver_cases)
    problems.append(found)
    case_team = (
        linked.sort("_start", ROW)
        .group_by("case_ref")
        .agg(pl.col("_team").last().alias("_held_by"))
    )
    complexity = {key.casefold(): level for key, level in mapping.complexity.items()}
    cases = (
        cases.join(case_team, on="case_ref", how="left", maintain_order="left")
        .join(_families(frames), on="_person", how="left", maintain_order="left")
        .with_columns(
            pl.coalesce("_held_by", "_referral_team").alias("team"),
            pl.col("case_type")
            .str.to_lowercase()
            .replace_strict(complexity, default="standard", return_dtype=pl.String)
            .alias("complexity"),
        )
    )
    return cases, linked


def _families(frames: dict[str, pl.DataFrame]) -> pl.DataFrame:
    family = frames.get("ssd_family")
    if family is None:
        return pl.DataFrame(schema={"_person": pl.String, "family_ref": pl.String})
    return (
        family.select(pl.col("fami_person_id").alias("_person"), pl.col("fami_family_id"))
        .drop_nulls()
        .sort("fami_family_id")
        .unique("_person", keep="first")
        .select("_person", pl.col("fami_family_id").alias("family_ref"))
    )


def _census_unmatched(census: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    from cfmonitor.importing.sources.csww import SWE_KEY

    unmatched = census.join(people.select(SWE_KEY).drop_nulls(), on=SWE_KEY, how="anti")
    if unmatched.height == 0:
        return pl.DataFrame()
    return warning(
        str(unmatched.get_column(FILE).first()),
        f"{unmatched.height} census row(s) match no professional's "
        "prof_social_worker_registration_no; they were not used",
    )


def _file_of(frame: pl.DataFrame) -> str:
    """The name of the file a source frame was read from (for problems not tied to a row)."""
    return str(frame.get_column(FILE).first()) if frame.height else "ssd_department"
