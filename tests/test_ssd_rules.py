"""The SSD adapter's rules, each on a small extract (issue 15, "The rules")."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from tests.ssdfiles import convert, errors, messages, rows, write_census, write_ssd

EPISODE = "71,1001,2025-01-06,NULL,101"


def test_one_case_per_cin_episode_named_by_person_and_episode(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=["71,1001,2024-01-08,2024-06-30,101", "72,1001,2025-02-03,NULL,101"],
    )
    found = convert(folder)
    # Opened on the referral date; closed the day after the (inclusive) close date.
    assert rows(found, "cases", "case_ref", "opened_on", "closed_on") == [
        ("1001-71", "2024-01-08", "2024-07-01"),
        ("1001-72", "2025-02-03", None),
    ]


def test_case_type_is_cla_then_cp_then_cin(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=[
            "71,1001,2025-01-06,NULL,101",  # CP and CLA both overlap: CLA
            "72,1002,2025-01-06,NULL,101",  # CP only: CP
            "73,1003,2025-01-06,NULL,101",  # a CP plan that ended before the episode: CIN
        ],
        ssd_cp_plans=[
            "1,71,1001,2025-01-20,NULL",
            "2,72,1002,2025-02-01,NULL",
            "3,NULL,1003,2023-01-01,2023-12-31",
        ],
        ssd_cla_episodes=["1,1001,2025-03-01,NULL,71"],
    )
    assert rows(convert(folder), "cases", "case_ref", "case_type") == [
        ("1001-71", "CLA"),
        ("1002-72", "CP"),
        ("1003-73", "CIN"),
    ]


def test_care_leaver_case_opens_the_day_after_care_and_takes_the_personal_adviser(
    tmp_path: Path,
) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_department=["101,Team A,10,Area One", "201,Leaving Care,20,Corporate Parenting"],
        ssd_professionals=[
            "1,S1,Worker One,SW1001,N,Social Worker,1,Team A,1.0",
            "4,S4,Pat Adviser,NULL,N,Personal Adviser,1,Leaving Care,1.0",
        ],
        ssd_cin_episodes=["74,1004,2024-05-01,2025-08-31,101"],
        ssd_cla_episodes=["1,1004,2024-06-01,2025-08-31,74"],
        ssd_care_leavers=["1,1004,201,4"],
        ssd_involvements=[
            "1,1,CW,101,1004,2024-05-01,2025-08-31,NULL,74",
            "2,4,16PLUS,201,1004,2025-09-01,NULL,NULL,NULL",  # after care: the care-leaver case
            "3,1,CW,101,1999,2025-09-01,NULL,NULL,NULL",  # no episode, no care leaver
        ],
    )
    found = convert(folder)
    assert ("1004-CL", "Leaving Care", "Care leaver", "2025-09-01", None) in rows(
        found, "cases", "case_ref", "team", "case_type", "opened_on", "closed_on"
    )
    assert rows(found, "allocations", "case_ref", "staff_ref") == [
        ("1004-74", "1"),
        ("1004-CL", "4"),
    ]
    outside = found.problems.filter(found.problems["column"] == "invo_person_id")
    assert outside.rows()[0][2:5] == (4, "invo_person_id", "1999")
    assert "outside every CIN episode" in outside["message"][0]


def test_end_dates_inclusive_to_exclusive_open_sentinel_and_one_day_duty(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=[EPISODE, "72,1002,2025-01-06,NULL,101", "73,1003,2025-01-06,NULL,101"],
        ssd_involvements=[
            "1,1,CW,101,1001,2025-01-06,2025-05-31,NULL,71",  # inclusive: ends 2025-06-01
            "2,2,CW,101,1001,2025-06-01,NULL,NULL,71",  # the next worker, the day after
            "3,1,CW,101,1002,2025-01-06,1900-01-01,NULL,72",  # open, by the sentinel
            "4,2,CW,101,1003,2025-03-04,2025-03-04T00:00:00,NULL,73",  # one day of duty
        ],
    )
    assert rows(convert(folder), "allocations") == [
        ("1001-71", "1", "2025-01-06", "2025-06-01"),
        ("1001-71", "2", "2025-06-01", None),
        ("1002-72", "1", "2025-01-06", None),
        ("1003-73", "2", "2025-03-04", "2025-03-05"),
    ]
    exclusive = convert(folder, {"involvements": {"end_dates": "exclusive"}})
    assert ("1001-71", "1", "2025-01-06", "2025-05-31") in rows(exclusive, "allocations")
    assert ("1003-73", "2", "2025-03-04", "2025-03-05") in rows(exclusive, "allocations")


def test_team_held_and_non_allocated_roles_leave_the_case_unallocated(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=[EPISODE, "72,1002,2025-01-06,NULL,102"],
        ssd_involvements=[
            "1,-1,CW,101,1001,2025-01-06,NULL,NULL,71",
            "2,NULL,CW,102,1002,2025-01-06,NULL,NULL,72",
            "3,1,IRO,101,1002,2025-01-06,NULL,NULL,72",
        ],
    )
    found = convert(folder)
    assert rows(found, "allocations") == []
    assert len(rows(found, "cases")) == 2
    assert errors(found).height == 0


def test_case_team_is_the_latest_allocated_involvements_else_the_referral_team(
    tmp_path: Path,
) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=[EPISODE, "72,1002,2025-01-06,NULL,101"],
        ssd_involvements=[
            "1,1,CW,101,1001,2025-01-06,NULL,NULL,71",
            "2,2,Allocated Worker,Team B,1001,2025-03-01,NULL,NULL,71",  # co-worker, by name
        ],
    )
    assert rows(convert(folder), "cases", "case_ref", "team") == [
        ("1001-71", "Team B"),
        ("1002-72", "Team A"),
    ]


def test_family_ref_from_the_family_id_and_complexity_from_the_mapping(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_cin_episodes=[EPISODE, "72,1002,2025-01-06,NULL,101"],
        ssd_cp_plans=["1,72,1002,2025-01-06,NULL"],
        ssd_family=["1,900,1001", "2,900,1002"],
    )
    found = convert(folder, {"complexity": {"CP": "intense"}})
    assert rows(found, "cases", "case_ref", "complexity", "family_ref") == [
        ("1001-71", "standard", "900"),
        ("1002-72", "intense", "900"),
    ]


def test_workers_cohort_fte_employment_and_dates_with_their_fallbacks(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_professionals=[
            "1,S1,Worker One,SW104233,NULL,Social Worker,1,Team A,NULL",  # census: all
            "NULL,S2,Worker Two,NULL,Y,Newly Qualified Social Worker (ASYE),1,102,0.5",
            "3,S3,Worker Three,SW3,NULL,Social Worker,0,Team A,NULL",  # nothing: guessed
            "4,S4,Rev Officer,NULL,N,Independent Reviewing Officer,0,Team A,1.0",
        ],
        ssd_cin_episodes=[EPISODE],
        ssd_involvements=["1,3,CW,101,1001,2025-02-03,NULL,NULL,71"],
    )
    census = write_census(
        tmp_path / "csww.csv", ["SW0000104233,1,0.6,5,2019-09-02,2025-10-31,1,2,3,0,"]
    )
    found = convert(folder, census=census)
    assert rows(found, "workers") == [
        ("1", "Worker One", "Team A", "nqsw", "0.6", "agency", "2019-09-02", "2025-11-01"),
        ("3", "Worker Three", "Team A", "experienced", "1.0", "permanent", "2025-02-03", None),
        ("S2", "Worker Two", "Team B", "nqsw", "0.5", "agency", "2025-11-30", None),
    ]
    said = messages(found)
    assert any(m.startswith("no FTE") and m.endswith(": 3") for m in said)
    assert any(m.startswith("no employment") and m.endswith(": 3") for m in said)
    assert any(
        "start date guessed from the first involvement" in m and m.endswith(": 3") for m in said
    )


def test_unknown_job_titles_and_roles_are_reported_once_with_their_counts(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_professionals=[
            "1,S1,A,NULL,N,Advanced Practitioner,1,Team A,1.0",
            "2,S2,B,NULL,N,Advanced Practitioner,1,Team A,1.0",
            "3,S3,C,NULL,N,Advanced  practitioner,1,Team A,1.0",
        ],
        ssd_cin_episodes=[EPISODE],
        ssd_involvements=[
            "1,1,SW-ALLOC,101,1001,2025-02-03,NULL,NULL,71",
            "2,2,SW-ALLOC,101,1001,2025-02-03,NULL,NULL,71",
        ],
    )
    said = messages(convert(folder))
    assert (
        said.count(
            "job title 'Advanced Practitioner' (2 workers) has no cohort in the mapping; "
            "counted as 'experienced' (workers.default_cohort)"
        )
        == 1
    )
    assert any(m.startswith("job title 'Advanced  practitioner' (1 worker)") for m in said)
    assert any(m.startswith("role 'SW-ALLOC' (2 involvements) is in neither") for m in said)


def test_reductions_from_the_mapping_and_census_day_absence(tmp_path: Path) -> None:
    folder = write_ssd(tmp_path)
    census = write_census(tmp_path / "csww.csv", ["SW0000001002,0,1,5,2020-01-01,,0,2,1,1,MAT"])
    side = {
        "reductions": [
            {"staff_ref": "1", "reason": "Union duties", "percent": 10, "start_date": "2025-01-01"}
        ]
    }
    assert rows(convert(folder, side, census=census), "reductions") == [
        ("1", "Union duties", "10", "2025-01-01", None),
        ("2", "absent on census day (MAT)", "100", "2025-09-30", None),
    ]


def test_teams_by_department_id_or_name_with_service_area_from_mapping_else_parent(
    tmp_path: Path,
) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_professionals=[
            "1,S1,One,NULL,N,Social Worker,1,101,1.0",
            "2,S2,Two,NULL,N,Social Worker,1,team b,0.5",
        ],
    )
    found = convert(
        folder, {"teams": {"Team A": {"service_area": "Front Door", "establishment_fte": 2}}}
    )
    assert rows(found, "teams") == [("Team A", "Front Door", "2.0"), ("Team B", "Area One", "0.5")]
    assert rows(found, "workers", "staff_ref", "team") == [("1", "Team A"), ("2", "Team B")]
    assert any("no establishment_fte in the mapping for 1 team(s)" in m for m in messages(found))


def test_census_links_by_the_digits_of_the_swe_number(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_professionals=["1,S1,One,SW104233,NULL,Social Worker,1,Team A,NULL"],
    )
    census = write_census(tmp_path / "c.csv", ["SW0000104233,1,0.7,5,2018-04-01,,0,2,4,0,"])
    assert rows(convert(folder, census=census), "workers", "fte", "employment", "start_date") == [
        ("0.7", "agency", "2018-04-01")
    ]


def test_ssd_tables_may_be_workbooks(tmp_path: Path) -> None:
    import xlsxwriter

    folder = write_ssd(tmp_path, ssd_cin_episodes=[EPISODE])
    (folder / "ssd_department.csv").unlink()
    book = xlsxwriter.Workbook(folder / "ssd_department.xlsx")
    sheet = book.add_worksheet("Sheet1")
    sheet.write_row(0, 0, ["dept_team_id", "dept_team_name", "dept_team_parent_id",
        "dept_team_parent_name"])  # fmt: skip
    sheet.write_row(1, 0, [101, "Team A", 10, "Area One"])
    sheet.write_row(2, 0, [102, "Team B", 10, "Area One"])
    book.close()
    found = convert(folder)
    assert errors(found).height == 0
    assert rows(found, "cases", "case_ref", "team") == [("1001-71", "Team A")]


def test_reconciliation_names_an_inclusive_end_on_the_count_day(tmp_path: Path) -> None:
    from cfmonitor.importing.sources.mapping import SourceMapping
    from cfmonitor.importing.sources.reconcile import reconcile
    from cfmonitor.importing.sources.ssd import read_ssd_source

    folder = write_ssd(
        tmp_path,
        ssd_professionals=["1,S1,One,NULL,N,Social Worker,2,Team A,1.0"],
        ssd_cin_episodes=[EPISODE, "72,1002,2025-01-06,NULL,101"],
        ssd_involvements=[
            "1,1,CW,101,1001,2025-01-06,2025-09-30,NULL,71",  # ends on the count day
            "2,1,CW,101,1002,2025-10-01,NULL,NULL,72",  # starts the day after
        ],
    )
    reading = read_ssd_source(folder, SourceMapping(), extract_date=dt.date(2025, 11, 30))
    table, _ = reconcile(reading, SourceMapping())
    (row,) = table.select("cfmonitor", "ssd", "reasons").rows()
    # cfmonitor counts 1001-71 on 30 September (the inclusive end) and not yet 1002-72.
    assert row == (1, "2", "1 inclusive end date on the count date")


def test_the_census_as_its_xml_return_with_its_reference_date(tmp_path: Path) -> None:
    folder = write_ssd(
        tmp_path / "ssd",
        ssd_professionals=[
            "1,S1,Worker One,SW1001,NULL,Social Worker,1,Team A,NULL",
            "2,S2,Worker Two,SW1002,N,Social Worker,1,Team B,1.0",
        ],
    )
    census = tmp_path / "csww.xml"
    census.write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<Message><Header><CollectionDetails>'
        "<Collection>CSWW</Collection><Year>2025</Year><ReferenceDate>2025-09-30</ReferenceDate>"
        "</CollectionDetails></Header><LALevelVacancies><NumberOfVacancies>3</NumberOfVacancies>"
        "</LALevelVacancies>"
        "<CSWWWorker><SWENo>SW0000001001</SWENo><AgencyWorker>1</AgencyWorker><FTE>0.5</FTE>"
        "<RoleStartDate>2021-04-06</RoleStartDate><Absat30Sept>1</Absat30Sept>"
        "<ReasonAbsence>TRN</ReasonAbsence></CSWWWorker>"
        "<CSWWWorker><SWENo>SW0000001002</SWENo><AgencyWorker>0</AgencyWorker><FTE>1</FTE>"
        "<RoleStartDate>2020-01-01</RoleStartDate><CFKSSstatus>1</CFKSSstatus></CSWWWorker>"
        "</Message>\n"
    )
    # An extract taken in 2026 would count on 2026-09-30; the return says its own day.
    found = convert(folder, census=census, extract=dt.date(2026, 11, 1))
    assert rows(found, "workers", "staff_ref", "cohort", "fte", "employment", "start_date") == [
        ("1", "experienced", "0.5", "agency", "2021-04-06"),
        ("2", "nqsw", "1.0", "permanent", "2020-01-01"),
    ]
    assert rows(found, "reductions", "staff_ref", "reason", "start_date") == [
        ("1", "absent on census day (TRN)", "2025-09-30")
    ]


def test_a_professional_with_no_department_and_no_involvement_is_left_out_and_said(
    tmp_path: Path,
) -> None:
    folder = write_ssd(
        tmp_path,
        ssd_professionals=[
            "1,S1,One,NULL,N,Social Worker,1,Team A,1.0",
            "9,S9,Admin,NULL,N,Social Worker,0,NULL,1.0",
        ],
    )
    found = convert(folder)
    assert rows(found, "workers", "staff_ref") == [("1",)]
    assert "1 professional(s) with no department and no involvement were left out: 9" in (
        messages(found)
    )
