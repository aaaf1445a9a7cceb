"""The Standard Safeguarding Dataset tables an import reads, and how to find them in a folder.

Each table is a CSV (or XLSX) file named after it, `ssd_professionals.csv` and so on. Four are
required; the others add case types, care leavers and families when they are there.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from cfmonitor.importing.reading import ImportFileError
from cfmonitor.importing.sources.text import parse_dates, read_source


@dataclass(frozen=True)
class TableSpec:
    columns: dict[str, tuple[str, ...]]
    """Canonical column → other spellings seen in extracts."""
    required: tuple[str, ...]
    dates: tuple[str, ...] = ()
    needed: bool = True


def _columns(*names: str) -> dict[str, tuple[str, ...]]:
    return {name: () for name in names}


SSD_TABLES: dict[str, TableSpec] = {
    "ssd_professionals": TableSpec(
        _columns(
            "prof_professional_id",
            "prof_staff_id",
            "prof_professional_name",
            "prof_social_worker_registration_no",
            "prof_agency_worker_flag",
            "prof_professional_job_title",
            "prof_professional_caseload",
            "prof_professional_department",
            "prof_full_time_equivalency",
        ),
        required=("prof_professional_id", "prof_professional_name", "prof_professional_job_title"),
    ),
    "ssd_involvements": TableSpec(
        _columns(
            "invo_involvements_id",
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_professional_team",
            "invo_person_id",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
            "invo_worker_change_reason",
            "invo_referral_id",
        ),
        required=(
            "invo_involvements_id",
            "invo_professional_id",
            "invo_professional_role_id",
            "invo_person_id",
            "invo_involvement_start_date",
            "invo_involvement_end_date",
        ),
        dates=("invo_involvement_start_date", "invo_involvement_end_date"),
    ),
    "ssd_department": TableSpec(
        _columns("dept_team_id", "dept_team_name", "dept_team_parent_id", "dept_team_parent_name"),
        required=("dept_team_id", "dept_team_name"),
    ),
    "ssd_cin_episodes": TableSpec(
        _columns(
            "cine_referral_id",
            "cine_person_id",
            "cine_referral_date",
            "cine_close_date",
            "cine_referral_team",
        ),
        required=("cine_referral_id", "cine_person_id", "cine_referral_date"),
        dates=("cine_referral_date", "cine_close_date"),
    ),
    "ssd_cp_plans": TableSpec(
        _columns(
            "cppl_cp_plan_id",
            "cppl_referral_id",
            "cppl_person_id",
            "cppl_cp_plan_start_date",
            "cppl_cp_plan_end_date",
        ),
        required=("cppl_person_id", "cppl_cp_plan_start_date"),
        dates=("cppl_cp_plan_start_date", "cppl_cp_plan_end_date"),
        needed=False,
    ),
    "ssd_cla_episodes": TableSpec(
        {
            "clae_cla_episode_id": (),
            "clae_person_id": (),
            "clae_cla_episode_start_date": (),
            "clae_cla_episode_ceased_date": ("clae_cla_episode_ceased",),
            "clae_referral_id": (),
        },
        required=("clae_person_id", "clae_cla_episode_start_date"),
        dates=("clae_cla_episode_start_date", "clae_cla_episode_ceased_date"),
        needed=False,
    ),
    "ssd_care_leavers": TableSpec(
        _columns(
            "clea_table_id",
            "clea_person_id",
            "clea_care_leaver_allocated_team",
            "clea_care_leaver_worker_id",
        ),
        required=("clea_person_id",),
        needed=False,
    ),
    "ssd_family": TableSpec(
        _columns("fami_table_id", "fami_family_id", "fami_person_id"),
        required=("fami_family_id", "fami_person_id"),
        needed=False,
    ),
}
NEEDED = tuple(name for name, spec in SSD_TABLES.items() if spec.needed)


def find_table(folder: Path, name: str) -> Path | None:
    """`name.csv` or `name.xlsx` in `folder`, whatever the letter case of the file name."""
    wanted = {f"{name}.csv", f"{name}.xlsx"}
    for path in sorted(folder.iterdir()):
        if path.is_file() and path.name.lower() in wanted:
            return path
    return None


def read_ssd(folder: Path) -> tuple[dict[str, pl.DataFrame], list[pl.DataFrame]]:
    """Every SSD table found in `folder` (dates parsed), and the cells that were not dates."""
    if not folder.is_dir():
        raise ImportFileError(f"{folder}: no such folder (give the folder holding the SSD files).")
    frames: dict[str, pl.DataFrame] = {}
    problems: list[pl.DataFrame] = []
    for name, spec in SSD_TABLES.items():
        path = find_table(folder, name)
        if path is None:
            if spec.needed:
                raise ImportFileError(
                    f"{folder}: has no {name}.csv (or .xlsx); an SSD import needs "
                    f"{', '.join(NEEDED)}."
                )
            continue
        table = read_source(path, spec.columns, spec.required, f"an {name} table")
        frames[name], found = parse_dates(table, spec.dates)
        problems.append(found)
    return frames, problems
