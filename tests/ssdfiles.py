"""Small SSD extracts for tests: a header per table and the rows a test gives."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from cfmonitor.importing.sources.mapping import SourceMapping, mapping_from_data
from cfmonitor.importing.sources.native import Converted
from cfmonitor.importing.sources.ssd import convert_ssd

HEADERS = {
    "ssd_department": "dept_team_id,dept_team_name,dept_team_parent_id,dept_team_parent_name",
    "ssd_professionals": (
        "prof_professional_id,prof_staff_id,prof_professional_name,"
        "prof_social_worker_registration_no,prof_agency_worker_flag,prof_professional_job_title,"
        "prof_professional_caseload,prof_professional_department,prof_full_time_equivalency"
    ),
    "ssd_involvements": (
        "invo_involvements_id,invo_professional_id,invo_professional_role_id,"
        "invo_professional_team,invo_person_id,invo_involvement_start_date,"
        "invo_involvement_end_date,invo_worker_change_reason,invo_referral_id"
    ),
    "ssd_cin_episodes": (
        "cine_referral_id,cine_person_id,cine_referral_date,cine_close_date,cine_referral_team"
    ),
    "ssd_cp_plans": "cppl_cp_plan_id,cppl_referral_id,cppl_person_id,cppl_cp_plan_start_date,"
    "cppl_cp_plan_end_date",
    "ssd_cla_episodes": "clae_cla_episode_id,clae_person_id,clae_cla_episode_start_date,"
    "clae_cla_episode_ceased_date,clae_referral_id",
    "ssd_care_leavers": "clea_table_id,clea_person_id,clea_care_leaver_allocated_team,"
    "clea_care_leaver_worker_id",
    "ssd_family": "fami_table_id,fami_family_id,fami_person_id",
}
CSWW_HEADER = (
    "SWENo,AgencyWorker,FTE,OrgRole,RoleStartDate,RoleEndDate,CFKSSstatus,StartOrigin,"
    "Cases30,Absat30Sept,ReasonAbsence"
)
BASE = {
    "ssd_department": ["101,Team A,10,Area One", "102,Team B,10,Area One"],
    "ssd_professionals": [
        "1,S1,Worker One,SW1001,N,Social Worker,1,Team A,1.0",
        "2,S2,Worker Two,SW1002,N,Social Worker,1,Team B,1.0",
    ],
    "ssd_involvements": [],
    "ssd_cin_episodes": [],
}


def write_ssd(folder: Path, **tables: list[str]) -> Path:
    """Write BASE with `tables` replacing (or adding) tables; returns the folder."""
    folder.mkdir(parents=True, exist_ok=True)
    for name, rows in {**BASE, **tables}.items():
        (folder / f"{name}.csv").write_text("\n".join([HEADERS[name], *rows]) + "\n")
    return folder


def write_census(path: Path, rows: list[str]) -> Path:
    path.write_text("\n".join([CSWW_HEADER, *rows]) + "\n")
    return path


def convert(
    folder: Path,
    mapping: dict | None = None,
    census: Path | None = None,
    extract: dt.date | None = dt.date(2025, 11, 30),
) -> Converted:
    chosen = SourceMapping() if mapping is None else mapping_from_data(mapping)
    return convert_ssd(folder, chosen, census_file=census, extract_date=extract)


def rows(converted: Converted, table: str, *columns: str) -> list[tuple]:
    """The text rows of one native table, sorted, as the pipeline would read them."""
    frame = converted.tables[table].frame
    return sorted(frame.select(columns or frame.columns[:-2]).rows(), key=str)


def messages(converted: Converted) -> list[str]:
    return converted.problems.get_column("message").to_list()


def errors(converted: Converted) -> pl.DataFrame:
    return converted.problems.filter(pl.col("severity") == "error")
