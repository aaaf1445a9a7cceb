"""Integrity checks on the state an import would leave, before anything is written.

Each check returns problems located in the files (file, row, column, value) where the
fault is a file's; a row already in the database is named as such.
"""

from __future__ import annotations

import polars as pl

from cfmonitor.data.intervals import overlapping
from cfmonitor.importing.contract import DATE_RANGES, FORMATS, REF, REFERENCES
from cfmonitor.importing.matching import positions
from cfmonitor.importing.merging import UPDATE
from cfmonitor.importing.natural import ID
from cfmonitor.importing.problems import ERROR, WARNING, combine, problem_rows
from cfmonitor.importing.reading import FILE, ROW
from cfmonitor.policy import Policy

DATABASE = "(database)"
HASH_ROWS = 500_000
"""Rows whose folded keys are made and hashed at once (bounds the copies of the keys)."""
_FOLD = "_fold"


def _folded(table: str, key: list[str]) -> list[pl.Expr]:
    """The key with refs in lower case: two refs equal here are the same to a person."""
    kinds = {column.name: column.kind for column in FORMATS[table].columns}
    return [
        (pl.col(name).str.to_lowercase() if kinds[name] == REF else pl.col(name)).alias(
            _FOLD + name
        )
        for name in key
    ]


def duplicate_keys(table: str, frame: pl.DataFrame, raw_prefix: str) -> pl.DataFrame:
    """Rows of one file whose key repeats an earlier row's, exactly or but for case/spaces."""
    key = list(FORMATS[table].key)
    folded = [_FOLD + name for name in key]
    # Repeated keys by hash first (light on memory; a collision only adds a candidate,
    # the grouping below is exact), then copy just those rows. The folded keys are
    # hashed a slice at a time, so millions of them are never held in lower case at once.
    hashed = pl.concat(
        frame.slice(offset, HASH_ROWS).select(pl.struct(_folded(table, key)).hash()).to_series()
        for offset in range(0, max(frame.height, 1), HASH_ROWS)
    )
    repeated = frame.select(
        pl.all_horizontal(pl.col(name).is_not_null() for name in key) & hashed.is_duplicated()
    ).to_series()
    rows = frame.filter(repeated).with_columns(_folded(table, key)).sort(ROW)
    raw = pl.coalesce(raw_prefix + key[0], key[0])
    first = [pl.col(name).first().over(folded).alias("_first_" + name) for name in key]
    rows = rows.with_columns(
        pl.col(ROW).first().over(folded).alias("_first_row"),
        *first,
        raw.first().over(folded).alias("_first_raw"),
        raw.alias("_raw"),
    ).filter(pl.col(ROW) != pl.col("_first_row"))
    same = pl.all_horizontal(pl.col(name) == pl.col("_first_" + name) for name in key)
    value = pl.concat_str([pl.col("_raw"), *key[1:]], separator=" / ")
    message = (
        pl.when(same & (pl.col("_raw") == pl.col("_first_raw")))
        .then(pl.format("duplicate: the same {} as row {}", pl.lit(_key_words(key)), "_first_row"))
        .when(same)
        .then(
            pl.format(
                "clash: differs only in surrounding spaces from row {} ({})",
                "_first_row",
                pl.col("_first_raw"),
            )
        )
        .otherwise(
            pl.format(
                "clash: differs only in letter case from row {} ({})",
                "_first_row",
                pl.col("_first_" + key[0]),
            )
        )
    )
    return problem_rows(
        rows, severity=ERROR, file=pl.col(FILE), column=key[0], value=value, message=message
    )


def _key_words(key: list[str]) -> str:
    return " + ".join(key)


def clashes_with_database(
    table: str, final: pl.DataFrame, existing: pl.DataFrame, mode: str
) -> pl.DataFrame:
    """In --update, a file key that matches a stored key but for letter case is a clash."""
    key = FORMATS[table].key
    if mode != UPDATE or len(key) != 1:
        return pl.DataFrame()
    (name,) = key
    rows = final.filter(pl.col(FILE).is_not_null() & pl.col(ID).is_null())
    if rows.height == 0:  # no new key: nothing to compare (and no stored key folded)
        return pl.DataFrame()
    rows = rows.with_columns(pl.col(name).str.to_lowercase().alias("_f"))
    folded = pl.col(name).str.to_lowercase()
    stored = existing.filter(folded.is_in(rows.get_column("_f").implode())).select(
        pl.col(name).alias("_stored"), folded.alias("_f")
    )
    rows = rows.join(stored, on="_f", how="inner")
    return problem_rows(
        rows,
        severity=ERROR,
        file=pl.col(FILE),
        column=name,
        value=pl.col(name),
        message=pl.format(
            "clash: differs only in letter case from {} already in the database", "_stored"
        ),
    )


def unknown_references(final: dict[str, pl.DataFrame]) -> pl.DataFrame:
    """Rows naming a team, worker or case that the resulting database would not have."""
    parts = []
    for table, references in REFERENCES.items():
        for column, target in references.items():
            target_key = FORMATS[target].key[0]
            # By a hash of the reference (an anti-join on text copied millions of keys).
            found = positions(final[table], final[target], [column], [target_key])
            missing = final[table].filter(found.is_null() & pl.col(column).is_not_null())
            del found
            if missing.height == 0:
                continue
            known = final[target].select(pl.col(target_key).alias(column))
            hints = known.select(
                pl.col(column).alias("_hint"), pl.col(column).str.to_lowercase().alias("_f")
            ).unique(subset="_f", keep="first")
            missing = missing.with_columns(pl.col(column).str.to_lowercase().alias("_f")).join(
                hints, on="_f", how="left", maintain_order="left"
            )
            words = {"teams": "team", "workers": "worker", "cases": "case"}[target]
            unknown = f"unknown {words}: not in this import nor in the database"
            removed = (
                f"a {table.removesuffix('s')} already in the database names this {words}, "
                "which would no longer exist (removed by --replace?)"
            )
            message = (
                pl.when(pl.col("_hint").is_not_null())
                .then(
                    pl.format(
                        "unknown {}; did you mean {}? (refs are case-sensitive)",
                        pl.lit(words),
                        "_hint",
                    )
                )
                .when(pl.col(FILE).is_null())
                .then(pl.lit(removed))
                .otherwise(pl.lit(unknown))
            )
            parts.append(
                problem_rows(
                    missing,
                    severity=ERROR,
                    file=pl.col(FILE).fill_null(DATABASE),
                    column=column,
                    value=pl.col(column),
                    message=message,
                )
            )
    return combine(parts)


def ends_before_start(final: dict[str, pl.DataFrame]) -> pl.DataFrame:
    parts = []
    for table, (start, end) in DATE_RANGES.items():
        rows = final[table].filter(pl.col(FILE).is_not_null() & (pl.col(end) < pl.col(start)))
        parts.append(
            problem_rows(
                rows,
                severity=ERROR,
                file=pl.col(FILE),
                column=end,
                value=pl.col(end).cast(pl.String),
                message=pl.format("ends before it starts ({} {})", pl.lit(start), pl.col(start)),
            )
        )
    return combine(parts)


def double_allocations(allocations: pl.DataFrame) -> pl.DataFrame:
    """One case allocated to one worker twice over the same days (half-open ranges)."""
    # Only a (case, worker) pair that occurs more than once can overlap: found by a hash
    # (a collision only adds a candidate), so the exact sort on text runs on those alone.
    pair = pl.struct("case_ref", "staff_ref").hash().is_duplicated()
    rows = overlapping(
        allocations.filter(pair), ["case_ref", "staff_ref"], ROW, carry=[ROW, "start_date"]
    ).filter(pl.col(FILE).is_not_null())
    other = (
        pl.when(pl.col("_previous_row").is_not_null())
        .then(pl.format("row {}", "_previous_row"))
        .otherwise(pl.format("the allocation in the database from {}", "_previous_start_date"))
    )
    return problem_rows(
        rows,
        severity=ERROR,
        file=pl.col(FILE),
        column="start_date",
        value=pl.col("start_date").cast(pl.String),
        message=pl.format(
            "case {} is allocated to {} twice at once (overlaps {})", "case_ref", "staff_ref", other
        ),
    )


def unknown_cohorts(workers: pl.DataFrame, policy: Policy) -> pl.DataFrame:
    """A warning only: the policy may be extended to cover the cohort later."""
    known = sorted(policy.cohorts)
    rows = workers.filter(
        pl.col(FILE).is_not_null() & pl.col("cohort").is_not_null() & ~pl.col("cohort").is_in(known)
    )
    return problem_rows(
        rows,
        severity=WARNING,
        file=pl.col(FILE),
        column="cohort",
        value=pl.col("cohort"),
        message=f"cohort not in the policy (it knows: {', '.join(known)}); shown as unknown-cohort",
    )


def check_state(
    final: dict[str, pl.DataFrame],
    files: dict[str, pl.DataFrame],
    existing: dict[str, pl.DataFrame],
    mode: str,
    policy: Policy,
    raw_prefix: str,
) -> pl.DataFrame:
    """Every integrity problem of the resulting state, at once."""
    parts = [duplicate_keys(table, frame, raw_prefix) for table, frame in files.items()]
    parts += [clashes_with_database(table, final[table], existing[table], mode) for table in files]
    parts.append(unknown_references(final))
    parts.append(ends_before_start(final))
    parts.append(double_allocations(final["allocations"]))
    parts.append(unknown_cohorts(final["workers"], policy))
    return combine(parts)
