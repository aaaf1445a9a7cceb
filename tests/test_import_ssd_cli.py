"""`cfmonitor import --from ssd` end to end: the sample, real-shaped files and bad input."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.cli_runner import run_cli
from tests.importfiles import contents
from tests.ssdfiles import BASE, HEADERS, write_census, write_ssd

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "db" / "samples" / "ssd"
MAPPING = ROOT / "db" / "mapping.toml"


@pytest.fixture(autouse=True)
def wide_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "250")


def _import(capsys, db: Path, folder: Path, *extra: str):
    return run_cli(capsys, "import", "--db", str(db), "--from", "ssd", "--dir", str(folder), *extra)


def _caseloads(capsys, db: Path, day: str) -> dict[str, int]:
    done = run_cli(capsys, "report", "--db", str(db), "--as-of", day, "--format", "json")
    assert done.code in (0, 1), done.err
    return {worker["name"]: worker["cases"] for worker in json.loads(done.out)["workers"]}


def test_the_ssd_sample_imports_and_counts_as_by_hand(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "council.db"
    csww = SAMPLE / "csww_2025.csv"
    done = _import(capsys, db, SAMPLE, "--csww", str(csww), "--mapping", str(MAPPING))
    assert done.code == 0, done.out + done.err
    assert f"Created {db}; integrity_check: ok." in done.out
    # Only the unknown job title is worth a word, once.
    assert "job title 'Advanced Practitioner' (1 worker) has no cohort" in done.out
    # By hand, on the census day 2025-09-30 (db/samples/ssd/ssd_involvements.csv):
    #  Ada  – 1001-71 (from 06-01, after Finn's inclusive end 05-31) and 1002-72 (open by
    #         1900-01-01, co-worked with Cleo)                                     = 2
    #  Ben  – 1004-74 ended 08-31 (closed), 1006-76 open                           = 1
    #  Cleo – 1002-72 (co-worked, from 04-01); 1005-75 only from 10-01             = 1
    #  Dan  – the personal adviser on the care-leaver case 1004-CL from 09-01      = 1
    #  Gus  – the one-day duty on 1005-75, 09-30 only                              = 1
    #  Finn – left 2025-05-31 (census RoleEndDate)                                 = 0 (not shown)
    #  Eve  – the IRO, excluded by her job title: not a worker at all.
    assert _caseloads(capsys, db, "2025-09-30") == {
        "Ada Brook": 2,
        "Ben Carr": 1,
        "Cleo Dunn": 1,
        "Dan Ellis": 1,
        "Gus Hale": 1,
    }
    # The next day Gus's duty has ended and Cleo holds 1005-75 as well: Cleo 2, Gus 0.
    after = _caseloads(capsys, db, "2025-10-01")
    assert after["Cleo Dunn"] == 2 and after["Gus Hale"] == 0
    report = run_cli(capsys, "report", "--db", str(db), "--as-of", "2025-09-30")
    # Open on 09-30: 1001-71, 1002-72, 1003-73 (team-held), 1005-75, 1006-76, 1004-CL and
    # 1007-77 (opened 2018, before the extract's window: no involvement) = 7; 1003-73 and
    # 1007-77 are unallocated.
    assert re.search(r"Open cases \(unallocated\) +7 \(2\)", report.out)


def test_real_shaped_files_bom_null_datetimes_crlf_and_cr_only(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = write_ssd(tmp_path / "ssd", ssd_cin_episodes=["71,1001,2025-01-06T00:00:00,NULL,101"])
    involvement = "1,1,CW,101,1001,2025-01-06 00:00:00.000,2025-03-31 00:00:00.000,NULL,71"
    for name, rows, ending in (
        ("ssd_professionals", BASE["ssd_professionals"], "\r\n"),  # BOM and CRLF
        ("ssd_involvements", [involvement], "\r"),  # BOM and old-Mac CR only
    ):
        text = ending.join([HEADERS[name], *rows]) + ending
        (folder / f"{name}.csv").write_bytes(b"\xef\xbb\xbf" + text.encode())
    db = tmp_path / "c.db"
    done = _import(capsys, db, folder)
    assert done.code == 0, done.out + done.err
    # The inclusive end 2025-03-31 (written with milliseconds) is stored as 2025-04-01.
    assert [row[3:5] for row in contents(db)["allocations"]] == [("2025-01-06", "2025-04-01")]


def _line_with(text: str, *parts: str) -> bool:
    """Whether one line of the problem table shows every part (file, row, column, value)."""
    return any(all(part in line for part in parts) for line in text.splitlines())


def _bad(capsys, tmp_path: Path, folder: Path, *extra: str):
    """Import the sample first, then the bad input with --replace: exit 2, nothing changed."""
    db = tmp_path / "kept.db"
    assert _import(capsys, db, SAMPLE).code == 0
    before = contents(db)
    done = _import(capsys, db, folder, "--replace", *extra)
    assert done.code == 2, done.out + done.err
    assert "Traceback" not in done.out + done.err
    assert contents(db) == before
    return done


def test_a_missing_required_table_is_refused(tmp_path: Path, capsys) -> None:
    folder = write_ssd(tmp_path / "ssd")
    (folder / "ssd_department.csv").unlink()
    done = _bad(capsys, tmp_path, folder)
    assert done.err.strip().count("\n") == 0
    assert "has no ssd_department.csv (or .xlsx); an SSD import needs" in done.err


def test_a_table_of_another_kind_is_refused(tmp_path: Path, capsys) -> None:
    folder = write_ssd(tmp_path / "ssd")
    (folder / "ssd_involvements.csv").write_text((folder / "ssd_professionals.csv").read_text())
    done = _bad(capsys, tmp_path, folder)
    assert "ssd_involvements.csv: the header has no column 'invo_involvements_id'" in done.err
    assert "so it is not an ssd_involvements table" in done.err


def test_an_involvement_of_an_unknown_professional_or_department(tmp_path: Path, capsys) -> None:
    folder = write_ssd(
        tmp_path / "ssd",
        ssd_cin_episodes=["71,1001,2025-01-06,NULL,101"],
        ssd_involvements=[
            "1,77,CW,101,1001,2025-01-06,NULL,NULL,71",
            "2,1,CW,999,1001,2025-01-06,NULL,NULL,71",
        ],
    )
    done = _bad(capsys, tmp_path, folder)
    assert "2 problems in the import files; nothing was written." in done.err
    assert (
        "unknown professional: no ssd_professionals row has this prof_professional_id" in done.out
    )
    assert "unknown department: no ssd_department row has this ID or name" in done.out
    assert _line_with(done.out, "ssd_involvements.csv", " 2 ", "invo_professional_id", " 77 ")
    assert _line_with(done.out, "ssd_involvements.csv", " 3 ", "invo_professional_team", " 999 ")


def test_unknown_roles_and_job_titles_are_reported_not_fatal(tmp_path: Path, capsys) -> None:
    folder = write_ssd(
        tmp_path / "ssd",
        ssd_professionals=["1,S1,One,NULL,N,Family Support Worker,1,Team A,1.0"],
        ssd_cin_episodes=["71,1001,2025-01-06,NULL,101"],
        ssd_involvements=["1,1,FSW,101,1001,2025-01-06,NULL,NULL,71"],
    )
    done = _import(capsys, tmp_path / "c.db", folder)
    assert done.code == 0, done.err
    assert "job title 'Family Support Worker' (1 worker) has no cohort" in done.out
    assert "role 'FSW' (1 involvement) is in neither" in done.out


def test_two_census_rows_for_one_swe_number(tmp_path: Path, capsys) -> None:
    folder = write_ssd(tmp_path / "ssd")
    census = write_census(
        tmp_path / "csww.csv",
        ["SW0000001001,0,1,5,2020-01-01,,0,2,1,0,", "SW1001,0,1,5,2021-01-01,,0,2,1,0,"],
    )
    done = _bad(capsys, tmp_path, folder, "--csww", str(census))
    assert "1 problem in the import files; nothing was written." in done.err
    assert "a second census record for one Social Work England number (row 2)" in done.out


def test_dates_in_an_unknown_format(tmp_path: Path, capsys) -> None:
    folder = write_ssd(
        tmp_path / "ssd",
        ssd_cin_episodes=["71,1001,06-Jan-2025,NULL,101"],
    )
    done = _bad(capsys, tmp_path, folder)
    assert _line_with(done.out, "ssd_cin_episodes.csv", " 2 ", "cine_referral_date", "06-Jan-2025")
    assert "not a date in a format the source writes" in done.out


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("[workers]\ndefault_cohrt = 'nqsw'\n", "unknown key 'workers.default_cohrt'"),
        ("[team.'Team A']\nservice_area = 'X'\n", "unknown key 'team'"),
        (
            "[teams.'Team A']\nestablishment_fte = -2\n",
            "'teams.Team A.establishment_fte' must not be negative (got -2)",
        ),
    ],
)
def test_a_bad_mapping_is_refused_by_name(tmp_path: Path, capsys, text: str, said: str) -> None:
    mapping = tmp_path / "mapping.toml"
    mapping.write_text(text)
    done = _bad(capsys, tmp_path, write_ssd(tmp_path / "ssd"), "--mapping", str(mapping))
    assert said in done.err and done.err.count("\n") == 1


def test_the_documented_mapping_is_the_built_in_one(tmp_path: Path) -> None:
    """db/mapping.toml writes out the defaults: loading it changes no list or cohort."""
    from cfmonitor.importing.sources.mapping import SourceMapping, load_mapping

    loaded, built_in = load_mapping(MAPPING), SourceMapping()
    assert loaded.allocated_roles == built_in.allocated_roles
    assert loaded.other_roles == built_in.other_roles
    assert dict(loaded.cohorts) == dict(built_in.cohorts)
    assert loaded.open_sentinels == built_in.open_sentinels


def test_check_against_ssd_sets_counts_side_by_side_with_reasons(
    capsys: pytest.CaptureFixture[str],
) -> None:
    done = run_cli(
        capsys, "check", "--against", "ssd", "--dir", str(SAMPLE),
        "--csww", str(SAMPLE / "csww_2025.csv"), "--mapping", str(MAPPING),
    )  # fmt: skip
    assert done.code == 0, done.err
    assert "Caseloads on 2025-09-30 (the source's count date)" in done.out
    lines = {line.split()[0]: line for line in done.out.splitlines() if line.strip()[:2] == "50"}
    # Ada: cfmonitor 2 (by hand, above), the SSD says 3, the census 2. Her 1002-72 is
    # co-worked with Cleo and open-ended by 1900-01-01.
    assert _line_with(
        lines["5001"], "Ada Brook", " 2 ", " 3 ", "1 co-worked", "1 open-ended by 1900-01-01"
    )
    # Eve, the IRO: the SSD counts 4, cfmonitor none, because her job title is excluded.
    assert _line_with(lines["5005"], " 0 ", " 4 ", "the mapping excludes this job title")
    assert _line_with(lines["5005"], "1 not an allocated role")
    # Cleo agrees everywhere: no reason.
    assert lines["5003"].split()[-3:] == ["1", "1", "1"]
    assert "1 open case(s) began before the SSD's 6-year window" in done.out


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["--from", "ssd"], "--from ssd needs --dir FOLDER"),
        (["--dir", "x"], "--dir, --file, --csww and --mapping need --from."),
        (["--from", "ssd", "--dir", "x", "--teams", "t.csv"], "--from reads the source's own"),
        (["--from", "annex-a", "--csww", "c.csv"], "--csww applies to --from ssd only."),
    ],
)
def test_source_options_that_do_not_fit(tmp_path: Path, capsys, args: list[str], said: str) -> None:
    db = tmp_path / "x.db"
    done = run_cli(capsys, "import", "--db", str(db), *args)
    assert done.code == 2 and said in done.err and done.err.count("\n") == 1
    assert not db.exists()
