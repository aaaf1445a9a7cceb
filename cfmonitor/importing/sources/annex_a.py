"""The Annex A adapter: a snapshot of who holds which child on the extract date.

One case per `Child Unique ID` across lists 6–9, typed by the most specific list or status
(CLA, then CP, then CIN, then assessment; list 9 alone → Care leaver). Allocations start on
the extract date. Imported month after month with `--update`, the database's open
allocations and cases that are no longer listed end on the later extract's date, so the
snapshots build a history.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import polars as pl

from cfmonitor.importing.contract import FORMATS
from cfmonitor.importing.provenance import Provenance
from cfmonitor.importing.reading import FILE, ROW, read_table
from cfmonitor.importing.sources.annex_a_lists import (
    CHILD,
    END,
    START,
    STATUS,
    TEAM,
    WORKER,
    read_lists,
)
from cfmonitor.importing.sources.mapping import SourceMapping
from cfmonitor.importing.sources.native import Converted, as_text, gather, listed, warning
from cfmonitor.importing.sources.teams import build_teams

SOURCE = "annex-a"
_NAME_KEY = "_name_key"
_TYPES = (  # (rank, type): the most specific first
    (1, "CLA"),
    (2, "CP"),
    (3, "CIN"),
    (4, "Assessment"),
    (5, "Care leaver"),
)


def _rows(lists: dict[int, pl.DataFrame]) -> pl.DataFrame:
    """Every list's rows in one frame, with each row's case type rank."""
    frames = [
        frame.select(CHILD, STATUS, TEAM, WORKER, START, END, FILE, ROW).with_columns(
            pl.lit(number).alias("_list")
        )
        for number, frame in lists.items()
    ]
    rows = pl.concat(frames).filter(pl.col(CHILD).is_not_null())
    status = pl.col(STATUS).str.extract(r"^\s*([a-dA-D])\)", 1).str.to_lowercase()
    listed_in = pl.col("_list")
    rank = (
        pl.when((listed_in == 8) | (status == "a"))
        .then(1)
        .when((listed_in == 7) | (status == "b"))
        .then(2)
        .when(status == "d")
        .then(4)
        .when(listed_in == 6)
        .then(3)
        .otherwise(5)
    )
    worker = pl.col(WORKER).str.replace_all(r"\s+", " ").str.strip_chars()
    # One worker per name whatever its letter case; the first spelling is the one shown.
    key = worker.str.to_lowercase()
    shown = worker.first().over(key)
    return rows.with_columns(rank.alias("_rank"), key.alias(_NAME_KEY)).with_columns(
        pl.when(key.is_null()).then(None).otherwise(shown).alias(WORKER)
    )


def _children(rows: pl.DataFrame, extract: dt.date, mapping: SourceMapping) -> pl.DataFrame:
    """One row per child: type, team, worker and end from the most specific list; opened
    on the earliest start any list gives (a CP plan starts after its CIN episode)."""
    types = dict(_TYPES)
    complexity = {key.casefold(): level for key, level in mapping.complexity.items()}
    children = (
        rows.sort("_rank", ROW)
        .group_by(CHILD, maintain_order=True)
        .agg(
            pl.col("_rank").first(),
            pl.col(TEAM).drop_nulls().first(),
            pl.col(WORKER).drop_nulls().first(),
            pl.col(_NAME_KEY).drop_nulls().first(),
            pl.col(START).min(),
            pl.col(END).first(),
            pl.col(FILE).first(),
            pl.col(ROW).first(),
        )
    )
    ended = pl.col(END).is_not_null() & (pl.col(END) < extract)
    case_type = pl.col("_rank").replace_strict(types, return_dtype=pl.String)
    return children.with_columns(
        case_type.alias("case_type"),
        case_type.str.to_lowercase()
        .replace_strict(complexity, default="standard", return_dtype=pl.String)
        .alias("complexity"),
        pl.col(START).fill_null(extract).alias("opened_on"),
        pl.when(ended).then(pl.col(END) + pl.duration(days=1)).alias("closed_on"),
        (~ended).alias("_open"),
    )


def _known_workers(path: Path | None) -> pl.DataFrame | None:
    """The --workers file (native workers format) keyed by normalised name."""
    if path is None:
        return None
    known = read_table(path, FORMATS["workers"]).frame
    return known.with_columns(
        pl.col("name")
        .str.replace_all(r"\s+", " ")
        .str.strip_chars()
        .str.to_lowercase()
        .alias(_NAME_KEY)
    ).unique(_NAME_KEY, keep="first", maintain_order=True)


def _workers(
    children: pl.DataFrame,
    extract: dt.date,
    mapping: SourceMapping,
    known: pl.DataFrame | None,
    previous: dict[str, pl.DataFrame] | None,
) -> tuple[pl.DataFrame, pl.DataFrame, list[pl.DataFrame]]:
    """(workers, name → staff_ref, warnings): team from their cases, the rest from the
    --workers file, else the database, else the mapping's default guess."""
    held = children.filter(pl.col(WORKER).is_not_null() & pl.col("_open"))
    names = held.group_by(_NAME_KEY, maintain_order=True).agg(
        pl.col(WORKER).first(),
        pl.col(TEAM).drop_nulls().mode().sort().first().alias("_case_team"),
        pl.col(FILE).first(),
        pl.col(ROW).first(),
    )
    fields = ["staff_ref", "team", "cohort", "fte", "employment", "start_date", "end_date"]
    if known is not None:
        file_fields = known.select(_NAME_KEY, *[pl.col(f).alias("_file_" + f) for f in fields])
    else:
        file_fields = pl.DataFrame(
            schema={_NAME_KEY: pl.String, **{"_file_" + f: pl.String for f in fields}}
        )
    names = names.join(file_fields, on=_NAME_KEY, how="left", maintain_order="left")
    names = names.with_columns(pl.coalesce("_file_staff_ref", WORKER).alias("staff_ref"))
    if previous is not None:
        stored = previous["workers"].select(
            "staff_ref",
            *[pl.col(f).cast(pl.String).alias("_db_" + f) for f in fields if f != "staff_ref"],
        )
    else:
        stored = pl.DataFrame(
            schema={"staff_ref": pl.String, **{"_db_" + f: pl.String for f in fields[1:]}}
        )
    names = names.join(stored, on="staff_ref", how="left", maintain_order="left")
    guessed = names.filter(pl.col("_file_cohort").is_null() & pl.col("_db_cohort").is_null())
    notes = []
    if guessed.height:
        given = "not in the --workers file" if known is not None else "with no --workers file"
        who = guessed.get_column(WORKER).to_list()
        notes.append(
            warning(
                str(guessed.get_column(FILE).first()),
                f"{len(who)} worker(s) {given}: guessed cohort {mapping.default_cohort!r} "
                f"(workers.default_cohort), FTE 1.0, permanent, started {extract.isoformat()}: "
                f"{listed(who)}",
                column=WORKER,
            )
        )
    defaults = {
        "cohort": mapping.default_cohort,
        "fte": "1.0",
        "employment": "permanent",
        "start_date": extract.isoformat(),
    }
    workers = names.select(
        "staff_ref",
        pl.col(WORKER).alias("name"),
        pl.coalesce("_file_team", "_case_team", "_db_team").alias("team"),
        *[
            pl.coalesce("_file_" + f, "_db_" + f, pl.lit(defaults[f])).alias(f)
            for f in ("cohort", "fte", "employment", "start_date")
        ],
        pl.coalesce("_file_end_date", "_db_end_date").alias("end_date"),
        FILE,
        ROW,
    )
    return workers, names.select(_NAME_KEY, "staff_ref"), notes


def _history(
    cases: pl.DataFrame,
    allocations: pl.DataFrame,
    previous: dict[str, pl.DataFrame] | None,
    extract: dt.date,
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Cases and allocations with the database's history: earlier opening dates kept, open
    allocations still listed left as they are, and those no longer listed ended today."""
    if previous is None:
        return cases, allocations
    label = "(database)"
    stored_cases = previous["cases"].select(
        pl.col("case_ref").alias(CHILD), pl.col("opened_on").alias("_db_opened")
    )
    cases = cases.join(stored_cases, on=CHILD, how="left", maintain_order="left").with_columns(
        pl.min_horizontal("opened_on", "_db_opened").alias("opened_on")
    )
    gone = (
        previous["cases"]
        .filter(pl.col("closed_on").is_null())
        .join(cases.select(pl.col(CHILD).alias("case_ref")), on="case_ref", how="anti")
    )
    closed = gone.select(
        pl.col("case_ref").alias(CHILD),
        "team",
        "case_type",
        "complexity",
        "opened_on",
        pl.lit(extract).alias("closed_on"),
        "family_ref",
        pl.lit(label).alias(FILE),
        pl.lit(None, pl.Int64).alias(ROW),
    )
    stored_open = previous["allocations"].filter(pl.col("end_date").is_null())
    pair = ["case_ref", "staff_ref"]
    still = allocations.join(stored_open.select(pair), on=pair, how="semi")
    new = allocations.join(stored_open.select(pair), on=pair, how="anti")
    ended = stored_open.join(still.select(pair), on=pair, how="anti").select(
        *pair,
        "start_date",
        pl.lit(extract).alias("end_date"),
        pl.lit(label).alias(FILE),
        pl.lit(None, pl.Int64).alias(ROW),
    )
    cases = pl.concat(
        [cases.select(closed.columns), closed.with_columns(pl.col("family_ref").cast(pl.String))],
        how="vertical_relaxed",
    )
    return cases, pl.concat([new, ended], how="vertical_relaxed")


def convert_annex_a(
    source: Path,
    mapping: SourceMapping,
    *,
    extract_date: dt.date,
    workers_file: Path | None = None,
    previous: dict[str, pl.DataFrame] | None = None,
) -> Converted:
    """Read the lists and build the native tables; `previous` is the database's natural
    tables when this import updates an earlier one (to build history)."""
    lists, problems = read_lists(source)
    children = _children(_rows(lists), extract_date, mapping)
    workers, refs, notes = _workers(
        children, extract_date, mapping, _known_workers(workers_file), previous
    )
    problems += notes
    cases = children.select(
        CHILD,
        pl.col(TEAM).alias("team"),
        "case_type",
        "complexity",
        "opened_on",
        "closed_on",
        pl.lit(None, pl.String).alias("family_ref"),
        FILE,
        ROW,
    )
    allocations = (
        children.filter(pl.col("_open") & pl.col(WORKER).is_not_null())
        .join(refs, on=_NAME_KEY, how="left", maintain_order="left")
        .select(
            pl.col(CHILD).alias("case_ref"),
            "staff_ref",
            pl.lit(extract_date).alias("start_date"),
            pl.lit(None, pl.Date).alias("end_date"),
            FILE,
            ROW,
        )
    )
    cases, allocations = _history(cases, allocations, previous, extract_date)
    cases = cases.rename({CHILD: "case_ref"})
    named = (
        pl.concat([workers.select("team", FILE, ROW), cases.select("team", FILE, ROW)])
        .drop_nulls("team")
        .unique("team", keep="first", maintain_order=True)
        .with_columns(pl.lit(None, pl.String).alias("_parent"))
    )
    teams, notes = build_teams(named, workers, mapping, str(source))
    problems += notes
    tables = {
        "teams": as_text(teams, "teams", source.name),
        "workers": as_text(workers, "workers", source.name),
        "cases": as_text(cases, "cases", source.name),
        "allocations": as_text(allocations, "allocations", source.name),
    }
    if mapping.reductions:
        from cfmonitor.importing.sources.ssd_workers import reductions

        side = reductions(pl.DataFrame(), mapping, extract_date, has_census=False)
        tables["reductions"] = as_text(side, "reductions", mapping.source)
    return Converted(tables, gather(problems), Provenance(SOURCE, extract_date))
