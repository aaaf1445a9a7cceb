"""Cases and allocations from the SSD's episodes and involvements.

One case per CIN episode (`{person}-{referral}`), typed by the most specific plan open during
it (CLA, then CP, then CIN); one care-leaver case per care leaver (`{person}-CL`), opened the
day after care ended. Allocations are the involvements in an allocated role, their inclusive
end dates made exclusive; a personal adviser's involvement after care belongs to the
care-leaver case.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from cfmonitor.importing.problems import WARNING, problem_rows
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.importing.sources.mapping import INCLUSIVE, SourceMapping, label_of, normalise_label
from cfmonitor.importing.sources.native import once_per_value

FAR = dt.date(9999, 12, 31)
CARE_LEAVER = "Care leaver"
DAY = pl.duration(days=1)
ALLOCATED = "allocated"
OTHER = "other"


def exclusive_end(end: pl.Expr, start: pl.Expr, mapping: SourceMapping) -> pl.Expr:
    """The source's end date as cfmonitor's: open sentinels open, inclusive ends +1 day,
    and a zero-length (same-day duty) span kept as one day."""
    end = pl.when(end.is_in(list(mapping.open_sentinels))).then(None).otherwise(end)
    if mapping.end_dates == INCLUSIVE:
        end = end + DAY
    return pl.when(end == start).then(start + DAY).otherwise(end)


def role_kinds(involvements: pl.DataFrame, mapping: SourceMapping):
    """Involvements with `_role` (allocated / other / null), and a warning per unknown role."""
    allocated = [normalise_label(r) for r in mapping.allocated_roles]
    other = [normalise_label(r) for r in mapping.other_roles]
    role = label_of(pl.col("invo_professional_role_id"))
    framed = involvements.with_columns(
        pl.when(role.is_in(allocated))
        .then(pl.lit(ALLOCATED))
        .when(role.is_in(other))
        .then(pl.lit(OTHER))
        .alias("_role")
    )
    notes = once_per_value(
        framed.filter(pl.col("_role").is_null()),
        "invo_professional_role_id",
        "role",
        "involvement",
        "is in neither involvements.allocated_roles nor other_roles of the mapping; "
        "they hold no case",
    )
    return framed, notes


def _overlapping(cases: pl.DataFrame, spans: pl.DataFrame) -> pl.Series:
    """For each case, whether a span of the same person overlaps it."""
    hits = (
        cases.select("case_ref", "_person", "opened_on", "closed_on")
        .join(spans, on="_person", how="inner")
        .filter(
            (pl.col("_from") < pl.col("closed_on").fill_null(FAR))
            & (pl.col("_to").fill_null(FAR) > pl.col("opened_on"))
        )
        .get_column("case_ref")
        .unique()
    )
    return cases.get_column("case_ref").is_in(hits.implode())


def _spans(frame: pl.DataFrame | None, person: str, start: str, end: str, mapping: SourceMapping):
    if frame is None:
        return pl.DataFrame(schema={"_person": pl.String, "_from": pl.Date, "_to": pl.Date})
    return frame.select(
        pl.col(person).alias("_person"),
        pl.col(start).alias("_from"),
        exclusive_end(pl.col(end), pl.col(start), mapping).alias("_to"),
    ).filter(pl.col("_person").is_not_null() & pl.col("_from").is_not_null())


def episode_cases(frames: dict[str, pl.DataFrame], mapping: SourceMapping) -> pl.DataFrame:
    """One case per CIN episode, typed CLA → CP → CIN by the plans open during it."""
    episodes = frames["ssd_cin_episodes"]
    cases = episodes.select(
        pl.format("{}-{}", "cine_person_id", "cine_referral_id").alias("case_ref"),
        pl.col("cine_person_id").alias("_person"),
        pl.col("cine_referral_id").alias("_referral"),
        pl.col("cine_referral_date").alias("opened_on"),
        exclusive_end(pl.col("cine_close_date"), pl.col("cine_referral_date"), mapping).alias(
            "closed_on"
        ),
        pl.col("_referral_team"),
        FILE,
        ROW,
    )
    cla = _spans(
        frames.get("ssd_cla_episodes"),
        "clae_person_id",
        "clae_cla_episode_start_date",
        "clae_cla_episode_ceased_date",
        mapping,
    )
    cp = _spans(
        frames.get("ssd_cp_plans"),
        "cppl_person_id",
        "cppl_cp_plan_start_date",
        "cppl_cp_plan_end_date",
        mapping,
    )
    case_type = (
        pl.when(_overlapping(cases, cla))
        .then(pl.lit("CLA"))
        .when(_overlapping(cases, cp))
        .then(pl.lit("CP"))
        .otherwise(pl.lit("CIN"))
    )
    return cases.with_columns(case_type.alias("case_type"))


def care_leaver_cases(frames: dict[str, pl.DataFrame], mapping: SourceMapping):
    """One case per care leaver, opened the day after their last care episode ended."""
    leavers = frames.get("ssd_care_leavers")
    if leavers is None:
        return None, []
    ended = (
        _spans(
            frames.get("ssd_cla_episodes"),
            "clae_person_id",
            "clae_cla_episode_start_date",
            "clae_cla_episode_ceased_date",
            mapping,
        )
        .group_by("_person")
        .agg(
            pl.when(pl.col("_to").is_null().any())
            .then(None)
            .otherwise(pl.col("_to").max())
            .alias("_left")
        )
    )
    cases = (
        leavers.unique("clea_person_id", keep="first", maintain_order=True)
        .with_columns(pl.col("clea_person_id").alias("_person"))
        .join(ended, on="_person", how="left", maintain_order="left")
    )
    missing = cases.filter(pl.col("_left").is_null())
    notes = []
    if missing.height:
        notes.append(
            problem_rows(
                missing,
                severity=WARNING,
                file=pl.col(FILE),
                column="clea_person_id",
                value=pl.col("clea_person_id"),
                message="a care leaver with no ended care episode in ssd_cla_episodes: "
                "no care-leaver case was made",
            )
        )
    cases = cases.filter(pl.col("_left").is_not_null()).select(
        pl.format("{}-CL", "_person").alias("case_ref"),
        "_person",
        pl.lit(None, pl.String).alias("_referral"),
        pl.col("_left").alias("opened_on"),
        pl.lit(None, pl.Date).alias("closed_on"),
        pl.col("_leaver_team").alias("_referral_team"),
        FILE,
        ROW,
        pl.lit(CARE_LEAVER).alias("case_type"),
    )
    return cases, notes


def link(allocations: pl.DataFrame, cases: pl.DataFrame, leavers: pl.DataFrame | None):
    """Each allocated involvement's case: by referral ID, else the person's episode open on
    its start day, else the person's care-leaver case; the rest are reported."""
    key = ROW
    by_referral = allocations.join(
        cases.filter(pl.col("_referral").is_not_null()).select(
            pl.col("_referral").alias("invo_referral_id"), pl.col("case_ref").alias("_by_ref")
        ),
        on="invo_referral_id",
        how="left",
        maintain_order="left",
    )
    by_date = (
        by_referral.filter(pl.col("_by_ref").is_null())
        .select(key, pl.col("invo_person_id").alias("_person"), "_start")
        .join(cases.select("_person", "case_ref", "opened_on", "closed_on"), on="_person")
        .filter(
            (pl.col("_start") >= pl.col("opened_on"))
            & (pl.col("_start") < pl.col("closed_on").fill_null(FAR))
        )
        .sort("opened_on", descending=True)
        .unique(key, keep="first")
        .select(key, pl.col("case_ref").alias("_by_date"))
    )
    linked = by_referral.join(by_date, on=key, how="left", maintain_order="left")
    if leavers is not None:
        after_care = leavers.select(
            pl.col("_person").alias("invo_person_id"),
            pl.col("case_ref").alias("_by_leaver"),
            pl.col("opened_on").alias("_leaver_from"),
        )
        linked = linked.join(after_care, on="invo_person_id", how="left", maintain_order="left")
        linked = linked.with_columns(
            pl.when(pl.col("_start") >= pl.col("_leaver_from")).then(pl.col("_by_leaver"))
        )
    else:
        linked = linked.with_columns(pl.lit(None, pl.String).alias("_by_leaver"))
    linked = linked.with_columns(pl.coalesce("_by_ref", "_by_date", "_by_leaver").alias("case_ref"))
    outside = linked.filter(pl.col("case_ref").is_null())
    problems = problem_rows(
        outside,
        severity=WARNING,
        file=pl.col(FILE),
        column="invo_person_id",
        value=pl.col("invo_person_id"),
        message="an allocated involvement outside every CIN episode of the person, who has "
        "no care-leaver case: left out",
    )
    return linked.filter(pl.col("case_ref").is_not_null()), problems


def merged_allocations(linked: pl.DataFrame) -> pl.DataFrame:
    """One allocation per continuous span of a worker on a case (hand-overs back to the same
    worker and duplicate involvements join up), so nothing is allocated twice at once."""
    pair = ["case_ref", "staff_ref"]
    spans = linked.select(*pair, pl.col("_start"), pl.col("_end").fill_null(FAR), FILE, ROW)
    # Most (case, worker) pairs occur once: only the others need joining up.
    repeated = spans.select(pl.struct(pair).is_duplicated()).to_series()
    single = spans.filter(~repeated).rename({"_start": "start_date", "_end": "end_date"})
    several = spans.filter(repeated).sort([*pair, "_start", ROW])
    reach = pl.col("_end").cum_max().shift(1).over(pair)
    several = several.with_columns(
        (reach.is_null() | (pl.col("_start") > reach)).cum_sum().over(pair).alias("_span")
    )
    joined = several.group_by([*pair, "_span"], maintain_order=True).agg(
        pl.col("_start").min().alias("start_date"),
        pl.col("_end").max().alias("end_date"),
        pl.col(FILE).first(),
        pl.col(ROW).first(),
    )
    merged = pl.concat([single, joined.select(single.columns)])
    return merged.select(
        *pair,
        "start_date",
        pl.when(pl.col("end_date") == FAR)
        .then(None)
        .otherwise(pl.col("end_date"))
        .alias("end_date"),
        FILE,
        ROW,
    )
