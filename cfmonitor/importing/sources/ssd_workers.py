"""Workers and their reductions from `ssd_professionals`, with the census where given.

staff_ref is `prof_professional_id` (else `prof_staff_id`); the cohort comes from the job
title through the mapping, a census hint (ASYE or newly qualified) making it nqsw. FTE,
employment and dates fall back from the SSD to the census to a stated guess, and each guess
is reported once, naming the workers.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from cfmonitor.importing.problems import ERROR, problem_rows
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources.csww import SWE_KEY, swe_digits
from cfmonitor.importing.sources.mapping import EXCLUDE, SourceMapping, label_of
from cfmonitor.importing.sources.native import listed, once_per_value, warning

PROFESSIONALS = "ssd_professionals"
_YES = ("y", "yes", "1", "true")
_NO = ("n", "no", "0", "false")


def _title_cohorts(mapping: SourceMapping) -> pl.DataFrame:
    titles = mapping.cohort_by_title()
    return pl.DataFrame(
        {"_title": list(titles), "_mapped": list(titles.values())},
        schema={"_title": pl.String, "_mapped": pl.String},
    )


def professionals(frame: pl.DataFrame, mapping: SourceMapping, census: pl.DataFrame | None):
    """(everyone with staff_ref, cohort or "exclude", census columns; warnings)."""
    people = frame.with_columns(
        pl.coalesce("prof_professional_id", "prof_staff_id").alias("staff_ref"),
        label_of(pl.col("prof_professional_job_title")).alias("_title"),
        swe_digits(pl.col("prof_social_worker_registration_no")).alias(SWE_KEY),
    ).join(_title_cohorts(mapping), on="_title", how="left", maintain_order="left")
    if census is not None:
        people = people.join(
            census.drop(FILE, ROW), on=SWE_KEY, how="left", maintain_order="left", suffix="_census"
        )
        hint = (pl.col("CFKSSstatus") == "1") | (pl.col("StartOrigin") == "1")
    else:
        hint = pl.lit(False)
    unknown = pl.col("_mapped").is_null()
    cohort = (
        pl.when(pl.col("_mapped") == EXCLUDE)
        .then(pl.lit(EXCLUDE))
        .when(hint.fill_null(False))
        .then(pl.lit("nqsw"))
        .when(unknown)
        .then(pl.lit(mapping.default_cohort))
        .otherwise(pl.col("_mapped"))
    )
    people = people.with_columns(cohort.alias("cohort"), unknown.alias("_no_cohort"))
    notes = once_per_value(
        people.filter(pl.col("_no_cohort")),
        "prof_professional_job_title",
        "job title",
        "worker",
        f"has no cohort in the mapping; counted as {mapping.default_cohort!r} "
        "(workers.default_cohort)",
    )
    return people, notes


def _flag(text: pl.Expr) -> pl.Expr:
    lowered = text.str.to_lowercase()
    return (
        pl.when(lowered.is_in(_YES))
        .then(pl.lit("agency"))
        .when(lowered.is_in(_NO))
        .then(pl.lit("permanent"))
    )


def workers(
    people: pl.DataFrame,
    first_involvement: pl.DataFrame,
    extract: dt.date,
    has_census: bool,
) -> tuple[pl.DataFrame, list[pl.DataFrame]]:
    """The native workers (everyone not excluded), and one warning per kind of guess."""
    rows = people.filter(pl.col("cohort") != EXCLUDE).join(
        first_involvement, on="staff_ref", how="left", maintain_order="left"
    )
    notes = []
    teamless = rows.filter(pl.col("_team").is_null() & pl.col("_first_start").is_null())
    if teamless.height:
        refs = teamless.get_column("staff_ref").to_list()
        notes.append(
            warning(
                str(teamless.get_column(FILE).first()),
                f"{len(refs)} professional(s) with no department and no involvement were left "
                f"out: {listed(refs)}",
                column="prof_professional_department",
            )
        )
        rows = rows.filter(pl.col("_team").is_not_null() | pl.col("_first_start").is_not_null())
    census_fte = pl.col("FTE") if has_census else pl.lit(None, pl.String)
    census_agency = (
        pl.when(pl.col("AgencyWorker") == "1")
        .then(pl.lit("agency"))
        .when(pl.col("AgencyWorker") == "0")
        .then(pl.lit("permanent"))
        if has_census
        else pl.lit(None, pl.String)
    )
    census_start = pl.col("RoleStartDate") if has_census else pl.lit(None, pl.Date)
    census_end = pl.col("RoleEndDate") if has_census else pl.lit(None, pl.Date)
    start = pl.min_horizontal(census_start, pl.col("_first_start"))
    rows = rows.with_columns(
        pl.coalesce("prof_full_time_equivalency", census_fte).alias("_fte"),
        pl.coalesce(_flag(pl.col("prof_agency_worker_flag")), census_agency).alias("_employment"),
        start.alias("_start"),
        (census_end + pl.duration(days=1)).alias("end_date"),
    )
    file = str(rows.get_column(FILE).first()) if rows.height else PROFESSIONALS
    source = "the SSD or the census" if has_census else "the SSD (no --csww census given)"
    for column, fallback, what in (
        ("_fte", "1.0", "FTE"),
        ("_employment", "permanent", "employment"),
    ):
        guessed = rows.filter(pl.col(column).is_null()).get_column("staff_ref").to_list()
        if guessed:
            notes.append(
                warning(
                    file,
                    f"no {what} in {source} for {len(guessed)} worker(s), set to {fallback}: "
                    f"{listed(guessed)}",
                )
            )
    guessed_start = rows.filter(census_start.is_null() if has_census else pl.lit(True))
    from_involvement = guessed_start.filter(pl.col("_first_start").is_not_null())
    nothing = guessed_start.filter(pl.col("_first_start").is_null())
    if from_involvement.height:
        refs = from_involvement.get_column("staff_ref").to_list()
        notes.append(
            warning(
                file,
                f"start date guessed from the first involvement for {len(refs)} worker(s) "
                f"(no census RoleStartDate): {listed(refs)}",
            )
        )
    if nothing.height:
        refs = nothing.get_column("staff_ref").to_list()
        notes.append(
            warning(
                file,
                f"no start date and no involvement for {len(refs)} worker(s); start set to the "
                f"extract date {extract.isoformat()}: {listed(refs)}",
            )
        )
    native = rows.select(
        "staff_ref",
        pl.col("prof_professional_name").alias("name"),
        pl.col("_team").alias("team"),
        "cohort",
        pl.col("_fte").fill_null("1.0").alias("fte"),
        pl.col("_employment").fill_null("permanent").alias("employment"),
        pl.col("_start").fill_null(pl.lit(extract)).alias("start_date"),
        "end_date",
        FILE,
        ROW,
    )
    return native, notes


def reductions(
    people: pl.DataFrame, mapping: SourceMapping, census_day: dt.date, has_census: bool
) -> pl.DataFrame:
    """The mapping's side list, plus a census-day absence as a 100% reduction from that day."""
    side = pl.DataFrame(
        {
            "staff_ref": [r.staff_ref for r in mapping.reductions],
            "reason": [r.reason for r in mapping.reductions],
            "percent": [f"{r.percent:g}" for r in mapping.reductions],
            "start_date": [r.start_date for r in mapping.reductions],
            "end_date": [r.end_date for r in mapping.reductions],
            FILE: [mapping.source] * len(mapping.reductions),
            ROW: [None] * len(mapping.reductions),
        },
        schema={
            "staff_ref": pl.String,
            "reason": pl.String,
            "percent": pl.String,
            "start_date": pl.Date,
            "end_date": pl.Date,
            FILE: pl.String,
            ROW: pl.Int64,
        },
    )
    if not has_census:
        return side
    absent = people.filter((pl.col("cohort") != EXCLUDE) & (pl.col("Absat30Sept") == "1"))
    census = absent.select(
        "staff_ref",
        pl.format(
            "absent on census day ({})", pl.col("ReasonAbsence").fill_null("no reason given")
        ).alias("reason"),
        pl.lit("100").alias("percent"),
        pl.lit(census_day).alias("start_date"),
        pl.lit(None, pl.Date).alias("end_date"),
        pl.col(FILE).cast(pl.String),
        pl.col(ROW),
    )
    return pl.concat([side, census])


def unknown_professionals(involvements: pl.DataFrame, people: pl.DataFrame) -> pl.DataFrame:
    """An error for every involvement whose professional is not in ssd_professionals."""
    known = people.select(pl.col("prof_professional_id").alias("invo_professional_id")).unique()
    bad = involvements.filter(~pl.col("_team_held")).join(
        known, on="invo_professional_id", how="anti", maintain_order="left"
    )
    return problem_rows(
        bad,
        severity=ERROR,
        file=pl.col(FILE),
        column="invo_professional_id",
        value=pl.col("invo_professional_id"),
        message="unknown professional: no ssd_professionals row has this prof_professional_id",
    )
