"""Deterministic, invented demo data shaped like a county's children's social care.

One code path makes both the `cfmonitor demo` database (one council, ~511 FTE of
social-worker posts in teams a West Sussex manager would recognise) and the benchmark
databases (`bench/generate.py`: many councils). Everything is simulated, vectorised in
NumPy and Polars, from a seeded generator, so the same seed and `today` always give
byte-identical rows.

How the story is told:

* Each team has an establishment (FTE), split into posts (full-time, job shares, a few
  0.8/0.9 posts whose spare hours are a vacancy). A post has a succession of
  occupants: workers who start and leave, agency cover, gaps while it is vacant.
* Each post holds a number of caseload "slots"; a slot is a run of cases one after
  another. Slots retire (or are added) during the last two years, so caseloads fall
  gently in most teams and not in a few.
* A case is allocated to whoever occupies its post while it is open: a leaver's cases
  pass to the next occupant, and are unallocated while the post is vacant. Some teams
  take days to allocate new cases. Siblings are opened together and share a family.

The rows never break the engine's rules (no double allocations, no allocation to a
closed case or a worker not in post), so the demo shows no problems on `today`.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from cfmonitor.scalars import as_str

# The first frame built from a NumPy array has Polars' Rust code look NumPy's C API up,
# reading NumPy's version with `numpy.lib.NumpyVersion`. A ctrl-c inside that Rust call is
# a panic, not a KeyboardInterrupt; done here first, it is over in microseconds there.
np.lib.NumpyVersion(np.__version__)

EPOCH = dt.date(1970, 1, 1)

# --- The council's shape ---------------------------------------------------------------

DISTRICTS = ("Adur", "Arun", "Chichester", "Crawley", "Horsham", "Mid Sussex", "Worthing")

# (team name, service area, establishment FTE). The establishment sums to 511.
WEST_SUSSEX_TEAMS: tuple[tuple[str, str, float], ...] = (
    ("MASH North", "MASH", 16.0),
    ("MASH South", "MASH", 14.0),
    ("Adur Assessment and Intervention", "Assessment and Intervention", 9.0),
    ("Arun Assessment and Intervention", "Assessment and Intervention", 19.0),
    ("Chichester Assessment and Intervention", "Assessment and Intervention", 14.0),
    ("Crawley Assessment and Intervention", "Assessment and Intervention", 20.0),
    ("Horsham Assessment and Intervention", "Assessment and Intervention", 13.0),
    ("Mid Sussex Assessment and Intervention", "Assessment and Intervention", 15.0),
    ("Worthing Assessment and Intervention", "Assessment and Intervention", 16.0),
    ("Adur Family Support and Protection", "Family Support and Protection", 12.0),
    ("Arun Family Support and Protection 1", "Family Support and Protection", 16.0),
    ("Arun Family Support and Protection 2", "Family Support and Protection", 15.0),
    ("Chichester Family Support and Protection", "Family Support and Protection", 17.5),
    ("Crawley Family Support and Protection 1", "Family Support and Protection", 17.0),
    ("Crawley Family Support and Protection 2", "Family Support and Protection", 17.0),
    ("Horsham Family Support and Protection", "Family Support and Protection", 17.0),
    ("Mid Sussex Family Support and Protection 1", "Family Support and Protection", 14.5),
    ("Mid Sussex Family Support and Protection 2", "Family Support and Protection", 12.0),
    ("Worthing Family Support and Protection 1", "Family Support and Protection", 15.0),
    ("Worthing Family Support and Protection 2", "Family Support and Protection", 14.0),
    ("Children Looked After North", "Children Looked After", 17.0),
    ("Children Looked After South", "Children Looked After", 16.0),
    ("Children Looked After Coastal", "Children Looked After", 18.0),
    ("Children Looked After West", "Children Looked After", 15.0),
    ("Unaccompanied Asylum Seeking Children", "Children Looked After", 8.0),
    ("Care Leavers North", "Care Leavers", 12.5),
    ("Care Leavers South", "Care Leavers", 13.0),
    ("Care Leavers Coastal", "Care Leavers", 13.5),
    ("Children with Disabilities North", "Children with Disabilities", 14.0),
    ("Children with Disabilities South", "Children with Disabilities", 17.0),
    ("High Risk Complex Adolescents North", "High Risk Complex Adolescents", 11.0),
    ("High Risk Complex Adolescents South", "High Risk Complex Adolescents", 11.5),
    ("High Risk Complex Adolescents Coastal", "High Risk Complex Adolescents", 10.5),
    ("Family and Friends", "Family and Friends", 18.0),
    ("Adoption and Permanence", "Adoption", 13.0),
)

# Per service area: case types with their shares, median case length in days, and the
# complexity mix (standard, complex, intense).
AREA_CASES: dict[str, tuple[tuple[tuple[str, float], ...], tuple[float, float, float]]] = {
    "MASH": ((("Assessment", 1.0),), (0.80, 0.15, 0.05)),
    "Assessment and Intervention": (
        (("Assessment", 0.7), ("CIN", 0.2), ("CP", 0.1)),
        (0.65, 0.27, 0.08),
    ),
    "Family Support and Protection": (
        (("CIN", 0.45), ("CP", 0.45), ("PLO", 0.10)),
        (0.50, 0.35, 0.15),
    ),
    "Children Looked After": ((("CLA", 1.0),), (0.55, 0.33, 0.12)),
    "Care Leavers": ((("Care leaver", 1.0),), (0.70, 0.25, 0.05)),
    "Children with Disabilities": ((("CWD", 0.8), ("CIN", 0.2)), (0.45, 0.38, 0.17)),
    "High Risk Complex Adolescents": (
        (("CP", 0.5), ("CIN", 0.2), ("CLA", 0.3)),
        (0.25, 0.40, 0.35),
    ),
    "Family and Friends": ((("Kinship assessment", 0.5), ("CLA", 0.5)), (0.60, 0.30, 0.10)),
    "Adoption": ((("Adoption", 1.0),), (0.70, 0.25, 0.05)),
}
CASE_DAYS = {
    "Assessment": 32,
    "CIN": 210,
    "CP": 290,
    "PLO": 180,
    "CLA": 650,
    "Care leaver": 800,
    "CWD": 700,
    "Kinship assessment": 120,
    "Adoption": 330,
}
CASE_TYPES = tuple(CASE_DAYS)
COMPLEXITY = ("standard", "complex", "intense")
WEIGHTS = np.array([1.0, 1.2, 1.5])
COHORT_MAXIMUM = {"experienced": 18.0, "nqsw": 15.0}
# Siblings: share of first-born cases with one or two brothers or sisters in the family.
SIBLING_ONE, SIBLING_TWO = 0.20, 0.07
NO_FAMILY_TYPES = ("Care leaver", "Adoption")

REDUCTION_ASYE = "ASYE protected time"
REDUCTION_PHASED = "Phased return"
REDUCTION_UNION = "Union duties"

# Invented name parts: nobody is called this.
_FIRST_SYLLABLES = (
    "Ar", "Bel", "Cor", "Dal", "El", "Fen", "Gal", "Hal", "Is", "Jor", "Kel", "Lin", "Mer",
    "Nol", "Or", "Pel", "Quin", "Ros", "Sel", "Tam", "Ul", "Val", "Wyn", "Yar", "Zel",
)  # fmt: skip
_SECOND_SYLLABLES = (
    "adin", "bry", "cora", "dell", "eth", "fina", "grim", "wen", "ith", "lowe", "mira",
    "nor", "olin", "pia", "ric", "sa", "tove", "vy", "wyn", "ys",
)  # fmt: skip
_NATURE_WORDS = (
    "Alder", "Bramble", "Brook", "Cloud", "Dew", "Elm", "Fern", "Frost", "Glen", "Hazel",
    "Heath", "Holly", "Lark", "Marsh", "Meadow", "Moss", "Oak", "Pebble", "Reed", "Rowan",
    "Sorrel", "Thistle", "Willow", "Wren",
)  # fmt: skip
_NATURE_ENDINGS = (
    "bank", "brook", "combe", "dale", "field", "ford", "gate", "hollow", "hurst", "ley",
    "mere", "shaw", "stone", "thorn", "wick", "worth",
)  # fmt: skip
_COUNCIL_NAMES = (
    "Brackenmoor", "Fernshire", "Glimmerdale", "Hollowmere", "Larkvale", "Mossbury",
    "Oakhaven", "Pebbleford", "Reedwick", "Sorrelton", "Thistlecombe", "Willowgate",
)  # fmt: skip


WINDOW_DAYS = 2 * 365 + 1
"""The two years a screen looks back over from its as-of date (and a day's slack)."""


@dataclass(frozen=True)
class DemoShape:
    """How big to make it: `councils` copies of the county, teams `team_scale` times larger."""

    councils: int = 1
    team_scale: float = 1.0
    history_days: int = 800
    """Days of history before `today` a user may ask about (`--as-of`)."""
    warm_up_days: int = WINDOW_DAYS
    """Days simulated before that history, so the two-year window of any as-of date in
    it is already in steady state (no council growing out of nothing)."""


DEMO_SHAPE = DemoShape()
BENCH_SHAPES: dict[str, DemoShape] = {
    "S": DEMO_SHAPE,  # one council: ~560 workers in post, ~7k open cases, ~50k allocations
    "M": DemoShape(councils=8, team_scale=1.1),  # a region: ~5k workers, ~440k allocations
    "L": DemoShape(councils=57, team_scale=1.1),  # England: ~35k workers, ~2,000 teams
}
"""Sizes for `bench/generate.py`; the same simulation as the demo, more of it."""


@dataclass(frozen=True)
class DemoTables:
    """The five tables, as Polars frames in the database's column order, dates as text."""

    teams: pl.DataFrame
    workers: pl.DataFrame
    reductions: pl.DataFrame
    cases: pl.DataFrame
    allocations: pl.DataFrame

    def items(self) -> list[tuple[str, pl.DataFrame]]:
        return [
            ("teams", self.teams),
            ("workers", self.workers),
            ("reductions", self.reductions),
            ("cases", self.cases),
            ("allocations", self.allocations),
        ]


def _day(date: dt.date) -> int:
    return (date - EPOCH).days


def _as_date_text(days: pl.Expr) -> pl.Expr:
    return days.cast(pl.Int32).cast(pl.Date).cast(pl.String)


def _teams(shape: DemoShape) -> pl.DataFrame:
    """Every team of every council, with its establishment."""
    names, areas, establishment = [], [], []
    for council in range(shape.councils):
        prefix = ""
        if shape.councils > 1:
            base = _COUNCIL_NAMES[council % len(_COUNCIL_NAMES)]
            prefix = f"{base} {council // len(_COUNCIL_NAMES) + 1} "
        for name, area, fte in WEST_SUSSEX_TEAMS:
            names.append(prefix + name)
            areas.append(area)
            establishment.append(round(fte * shape.team_scale * 2) / 2)
    return pl.DataFrame(
        {
            "id": np.arange(1, len(names) + 1, dtype=np.int64),
            "name": names,
            "service_area": areas,
            "establishment_fte": establishment,
        }
    )


def _posts(rng: np.random.Generator, teams: pl.DataFrame) -> pl.DataFrame:
    """Split each team's establishment into posts; a few part-time posts leave spare hours.

    Each whole FTE is a full-time post, a job share (0.5 + 0.5 or 0.6 + 0.4) or one
    part-time post (0.8 or 0.9). A half FTE left over is one 0.5 post.
    """
    establishment = teams["establishment_fte"].to_numpy()
    whole = np.floor(establishment).astype(np.int64)
    unit_team = np.repeat(teams["id"].to_numpy(), whole)
    kind = rng.choice(5, size=unit_team.size, p=[0.83, 0.05, 0.04, 0.05, 0.03])
    # kind: 0 full time, 1 share 0.5/0.5, 2 share 0.6/0.4, 3 one 0.8, 4 one 0.9
    first = np.choose(kind, [1.0, 0.5, 0.6, 0.8, 0.9])
    second = np.choose(kind, [0.0, 0.5, 0.4, 0.0, 0.0])
    half_team = teams["id"].to_numpy()[(establishment - whole) >= 0.5]
    team_id = np.concatenate([unit_team, unit_team[second > 0], half_team])
    fte = np.concatenate([first, second[second > 0], np.full(half_team.size, 0.5)])
    order = np.argsort(team_id, kind="stable")
    return pl.DataFrame({"team_id": team_id[order], "fte": fte[order]}).with_row_index("post_id")


def _occupants(
    rng: np.random.Generator, posts: pl.DataFrame, today: int, earliest: int
) -> pl.DataFrame:
    """Who held each post when: built backwards from today, one tenure at a time."""
    n = posts.height
    vacant_now = np.zeros(n, dtype=bool)
    vacant_now[rng.choice(n, size=max(1, round(0.009 * n)), replace=False)] = True
    # The current occupant (or, for a vacant post, the last one, who left recently).
    agency_now = np.zeros(n, dtype=bool)
    agency_now[rng.choice(n, size=round(0.145 * n), replace=False)] = True
    elapsed = np.where(
        agency_now,
        rng.integers(20, 500, n),
        np.minimum(rng.exponential(1100, n).astype(np.int64) + 10, 9000),
    )
    start = today - elapsed
    end = np.full(n, -1, dtype=np.int64)  # -1: no end date
    leaving_soon = (rng.random(n) < 0.02) & ~vacant_now
    end[leaving_soon] = today + rng.integers(7, 60, leaving_soon.sum())
    left_at = today - rng.integers(14, 120, n)
    end[vacant_now] = left_at[vacant_now]
    start[vacant_now] = left_at[vacant_now] - rng.integers(120, 1200, vacant_now.sum())
    rounds = [(np.arange(n), start, end, agency_now)]
    post, following_start = np.arange(n), start
    while post.size:
        live = following_start > earliest
        post, following_start = post[live], following_start[live]
        if not post.size:
            break
        m = post.size
        agency = rng.random(m) < 0.5
        gap = np.where(rng.random(m) < 0.55, 0, rng.integers(7, 60, m))
        previous_end = following_start - gap
        tenure = np.where(agency, rng.integers(45, 420, m), rng.integers(200, 1800, m))
        previous_start = previous_end - tenure
        rounds.append((post, previous_start, previous_end, agency))
        following_start = previous_start
    frame = pl.DataFrame(
        {
            "post_id": np.concatenate([r[0] for r in rounds]).astype(np.uint32),
            "start": np.concatenate([r[1] for r in rounds]),
            "end": np.concatenate([r[2] for r in rounds]),
            "agency": np.concatenate([r[3] for r in rounds]),
        }
    ).with_columns(pl.when(pl.col("end") >= 0).then(pl.col("end")).alias("end"))
    return frame.join(posts, on="post_id", how="left").sort(["start", "post_id"])


def _workers(rng: np.random.Generator, occupants: pl.DataFrame, today: int) -> pl.DataFrame:
    """Give occupants ids, refs, invented names, cohorts and employment."""
    n = occupants.height
    recent = occupants["start"].to_numpy() >= today - 540
    nqsw = recent & ~occupants["agency"].to_numpy() & (rng.random(n) < 0.42)
    first = np.array(_FIRST_SYLLABLES)[rng.integers(0, len(_FIRST_SYLLABLES), n)]
    second = np.array(_SECOND_SYLLABLES)[rng.integers(0, len(_SECOND_SYLLABLES), n)]
    nature = np.array(_NATURE_WORDS)[rng.integers(0, len(_NATURE_WORDS), n)]
    ending = np.array(_NATURE_ENDINGS)[rng.integers(0, len(_NATURE_ENDINGS), n)]
    ids = np.arange(1, n + 1, dtype=np.int64)
    return occupants.with_columns(
        pl.Series("id", ids),
        pl.Series("nqsw", nqsw),
        pl.Series("_first", first),
        pl.Series("_second", second),
        pl.Series("_nature", nature),
        pl.Series("_ending", ending),
    ).with_columns(
        pl.format("DEMO-SW{}", pl.col("id").cast(pl.String).str.zfill(4)).alias("staff_ref"),
        pl.concat_str(
            [pl.col("_first") + pl.col("_second"), pl.col("_nature") + pl.col("_ending")],
            separator=" ",
        ).alias("name"),
        pl.when(pl.col("nqsw"))
        .then(pl.lit("nqsw"))
        .otherwise(pl.lit("experienced"))
        .alias("cohort"),
        pl.when(pl.col("agency"))
        .then(pl.lit("agency"))
        .otherwise(pl.lit("permanent"))
        .alias("employment"),
    )


def _reductions(rng: np.random.Generator, workers: pl.DataFrame, today: int) -> pl.DataFrame:
    """ASYE protected time for NQSWs, phased returns, union duties; all with end dates."""
    start = workers["start"].to_numpy()
    end = workers["end"].fill_null(today + 3650).to_numpy()
    ids = workers["id"].to_numpy()
    in_post = (start <= today) & (end > today)
    permanent = ~workers["agency"].to_numpy()
    parts = []

    nqsw = workers["nqsw"].to_numpy()
    asye_end = np.minimum(start[nqsw] + 365, end[nqsw])
    parts.append((ids[nqsw], REDUCTION_ASYE, np.full(nqsw.sum(), 10.0), start[nqsw], asye_end))

    # Phased returns scattered through history, and a few happening now.
    n = ids.size
    chosen = permanent & (rng.random(n) < 0.10) & (np.minimum(end, today) - start > 120)
    span = np.minimum(end, today)[chosen] - start[chosen]  # begun by today, never later
    begin = start[chosen] + (rng.random(chosen.sum()) * (span - 60)).astype(np.int64)
    finish = np.minimum(begin + rng.integers(28, 57, chosen.sum()), end[chosen])
    percent = rng.choice([25.0, 40.0, 50.0], chosen.sum())
    parts.append((ids[chosen], REDUCTION_PHASED, percent, begin, finish))
    now = np.flatnonzero(in_post & permanent & (start < today - 200))
    now = now[rng.permutation(now.size)][: max(3, round(0.012 * in_post.sum()))]
    begin = today - rng.integers(1, 25, now.size)
    finish = np.minimum(begin + rng.integers(35, 57, now.size), end[now])
    parts.append((ids[now], REDUCTION_PHASED, rng.choice([25.0, 50.0], now.size), begin, finish))

    # Union duties: a few long-serving workers, until the end of the next March.
    union = np.flatnonzero(in_post & permanent & (start < today - 800))
    union = union[rng.permutation(union.size)][: max(3, round(0.008 * in_post.sum()))]
    today_date = EPOCH + dt.timedelta(days=today)
    march = dt.date(today_date.year + (today_date.month > 3), 4, 1)
    begin = np.maximum(start[union], today - rng.integers(90, 700, union.size))
    parts.append(
        (
            ids[union],
            REDUCTION_UNION,
            rng.choice([10.0, 20.0], union.size),
            begin,
            np.full(union.size, _day(march)),
        )
    )
    frame = pl.concat(
        pl.DataFrame(
            {
                "worker_id": worker,
                "reason": pl.Series([reason] * worker.size, dtype=pl.String),
                "percent": percent,
                "start": begin.astype(np.int64),
                "end": finish.astype(np.int64),
            }
        )
        for worker, reason, percent, begin, finish in parts
    )
    return (
        frame.filter(pl.col("end") > pl.col("start"))
        .sort(["start", "worker_id", "reason"])
        .with_row_index("id", offset=1)
    )


def _slots(
    rng: np.random.Generator,
    posts: pl.DataFrame,
    workers: pl.DataFrame,
    reductions: pl.DataFrame,
    teams: pl.DataFrame,
    today: int,
    history: int,
) -> pl.DataFrame:
    """How many cases each post holds, and when each caseload slot is open for new cases.

    The target caseload follows the current occupant's capacity, with a right-skewed
    spread and a long tail. Two years ago most teams held more (slots that retire since);
    a few teams did not improve (slots added since).
    """
    current = workers.filter(
        (pl.col("start") <= today) & (pl.col("end").is_null() | (pl.col("end") > today))
    )
    reduced = (
        reductions.filter((pl.col("start") <= today) & (pl.col("end") > today))
        .group_by("worker_id")
        .agg(pl.col("percent").sum())
    )
    current = current.join(reduced, left_on="id", right_on="worker_id", how="left").select(
        "post_id",
        (
            pl.col("cohort").replace_strict(COHORT_MAXIMUM, return_dtype=pl.Float64)
            * pl.col("fte")
            * (1 - pl.col("percent").fill_null(0).clip(upper_bound=100) / 100)
        ).alias("capacity"),
    )
    frame = posts.join(current, on="post_id", how="left").join(
        teams.select(pl.col("id").alias("team_id"), "service_area"), on="team_id", how="left"
    )
    frame = frame.with_columns(
        pl.col("capacity").fill_null(pl.col("fte") * COHORT_MAXIMUM["experienced"])
    )
    n = frame.height
    team_ids = teams["id"].to_numpy()
    # Team ids run 1..n, so a team's figure is found at index id - 1.
    team_pressure = rng.normal(1.0, 0.07, team_ids.size)
    not_improving = rng.random(team_ids.size) < 0.22
    post_team = frame["team_id"].to_numpy()
    pressure = team_pressure[post_team - 1]
    flat = not_improving[post_team - 1]
    utilisation = rng.lognormal(np.log(0.80), 0.10, n) * pressure
    tail = rng.random(n) < 0.014
    utilisation[tail] = rng.uniform(1.45, 1.85, tail.sum())

    mean_weight = {area: float(np.dot(mix, WEIGHTS)) for area, (_types, mix) in AREA_CASES.items()}
    weight = frame["service_area"].replace_strict(mean_weight, return_dtype=pl.Float64)
    siblings = 1 + SIBLING_ONE + 2 * SIBLING_TWO
    cases_now = utilisation * frame["capacity"].to_numpy() / weight.to_numpy() / siblings
    slots_now = np.maximum(1, np.round(cases_now / 0.93)).astype(np.int64)
    trend = np.where(flat, rng.uniform(0.9, 1.02, n), rng.uniform(1.08, 1.25, n))
    slots_then = np.maximum(1, np.round(slots_now * trend)).astype(np.int64)
    total = np.maximum(slots_now, slots_then)

    post = np.repeat(frame["post_id"].to_numpy(), total)
    index = np.arange(total.sum()) - np.repeat(np.cumsum(total) - total, total)
    now_each = np.repeat(slots_now, total)
    then_each = np.repeat(slots_then, total)
    m = post.size
    change = today - rng.integers(20, history - 30, m)
    opens = np.where(index >= then_each, change, np.iinfo(np.int64).min)
    closes = np.where(index >= now_each, change, np.iinfo(np.int64).max)
    return pl.DataFrame(
        {"post_id": post, "slot": index, "window_start": opens, "window_end": closes}
    ).join(frame.select("post_id", "team_id", "service_area"), on="post_id", how="left")


def _cases(
    rng: np.random.Generator, slots: pl.DataFrame, today: int, earliest: int
) -> pl.DataFrame:
    """Run each slot forward: case after case, each with a type, complexity and length."""
    areas = sorted(AREA_CASES)
    area_index = (
        slots["service_area"]
        .replace_strict({a: i for i, a in enumerate(areas)}, return_dtype=pl.Int64)
        .to_numpy()
    )
    type_probability = np.zeros((len(areas), len(CASE_TYPES)))
    complexity_probability = np.zeros((len(areas), 3))
    for i, area in enumerate(areas):
        types, mix = AREA_CASES[area]
        for name, share in types:
            type_probability[i, CASE_TYPES.index(name)] = share
        complexity_probability[i] = mix
    type_cdf = np.cumsum(type_probability, axis=1)
    complexity_cdf = np.cumsum(complexity_probability, axis=1)
    median_days = np.array([CASE_DAYS[t] for t in CASE_TYPES], dtype=float)

    window_start = slots["window_start"].to_numpy()
    window_end = np.minimum(slots["window_end"].to_numpy(), today + 1)
    warm = earliest - (rng.random(slots.height) * 700).astype(np.int64)
    t = np.where(window_start > earliest, window_start, warm)
    alive = np.arange(slots.height)
    chunks = []
    sequence = 0
    while alive.size:
        keep = t < window_end[alive]
        alive, t = alive[keep], t[keep]
        if not alive.size:
            break
        m = alive.size
        area = area_index[alive]
        case_type = np.minimum(
            (rng.random(m)[:, None] > type_cdf[area]).sum(axis=1), len(CASE_TYPES) - 1
        )
        complexity = np.minimum((rng.random(m)[:, None] > complexity_cdf[area]).sum(axis=1), 2)
        length = np.maximum(
            3, rng.lognormal(np.log(median_days[case_type]), 0.55, m).astype(np.int64)
        )
        chunks.append((alive, np.full(m, sequence), t, t + length, case_type, complexity))
        t = t + length + rng.integers(0, 12, m)
        sequence += 1
    slot_row = np.concatenate([c[0] for c in chunks])
    frame = pl.DataFrame(
        {
            "slot_row": slot_row,
            "sequence": np.concatenate([c[1] for c in chunks]),
            "opened": np.concatenate([c[2] for c in chunks]),
            "closed": np.concatenate([c[3] for c in chunks]),
            "type_index": np.concatenate([c[4] for c in chunks]),
            "complexity_index": np.concatenate([c[5] for c in chunks]),
        }
    )
    slot_info = slots.with_row_index("slot_row").select(
        pl.col("slot_row").cast(pl.Int64), "post_id", "team_id"
    )
    return (
        frame.filter(pl.col("closed") > earliest - 365)
        .with_columns(pl.col("slot_row").cast(pl.Int64))
        .join(slot_info, on="slot_row", how="left")
    )


def _with_siblings(
    rng: np.random.Generator, cases: pl.DataFrame, teams: pl.DataFrame
) -> pl.DataFrame:
    """Add brothers and sisters (opened together, one family), and allocation delays."""
    n = cases.height
    no_family = np.isin(
        cases["type_index"].to_numpy(), [CASE_TYPES.index(t) for t in NO_FAMILY_TYPES]
    )
    draw = rng.random(n)
    siblings = np.where(draw < SIBLING_ONE, 1, np.where(draw < SIBLING_ONE + SIBLING_TWO, 2, 0))
    siblings[no_family] = 0
    # Teams under pressure take days to allocate a new case; the rest allocate at once.
    team_ids = teams["id"].to_numpy()
    slow_team = rng.random(team_ids.size) < 0.3
    slow = slow_team[cases["team_id"].to_numpy() - 1]
    delay = np.where(slow, rng.integers(0, 22, n), 0)
    base = cases.with_columns(
        pl.Series("family", np.where(no_family, -1, np.arange(n))),
        pl.Series("delay", delay),
        pl.lit(0).alias("sibling"),
    )
    copies = np.repeat(np.arange(n), siblings)
    order = np.arange(copies.size) - np.repeat(np.cumsum(siblings) - siblings, siblings) + 1
    clones = base[copies].with_columns(pl.Series("sibling", order).cast(pl.Int32))
    return pl.concat([base.with_columns(pl.col("sibling").cast(pl.Int32)), clones])


def _allocations(cases: pl.DataFrame, workers: pl.DataFrame, today: int) -> pl.DataFrame:
    """Whoever occupies the case's post while it is open holds it; vacancies leave it waiting."""
    never = np.iinfo(np.int64).max
    occupants = workers.select(
        "post_id",
        pl.col("id").alias("worker_id"),
        pl.col("start").alias("worker_start"),
        pl.col("end").fill_null(never).alias("worker_end"),
    )
    joined = cases.select(
        pl.col("id").alias("case_id"),
        "post_id",
        (pl.col("opened") + pl.col("delay")).alias("ready"),
        pl.when(pl.col("closed") <= today).then(pl.col("closed")).otherwise(never).alias("until"),
    ).join(occupants, on="post_id", how="inner")
    return (
        joined.with_columns(
            pl.max_horizontal("ready", "worker_start").alias("start"),
            pl.min_horizontal("until", "worker_end").alias("end"),
        )
        .filter((pl.col("start") < pl.col("end")) & (pl.col("start") <= today))
        .with_columns(pl.when(pl.col("end") < never).then(pl.col("end")).alias("end"))
        .select("case_id", "worker_id", "start", "end")
        .sort(["start", "case_id", "worker_id"])
        .with_row_index("id", offset=1)
    )


def generate_demo(*, seed: int, today: dt.date, shape: DemoShape = DEMO_SHAPE) -> DemoTables:
    """Simulate the organisation up to `today`; the same arguments give the same rows."""
    rng = np.random.default_rng(seed)
    day = _day(today)
    earliest = day - shape.history_days - shape.warm_up_days
    teams = _teams(shape)
    posts = _posts(rng, teams)
    occupants = _occupants(rng, posts, day, earliest)
    workers = _workers(rng, occupants, day)
    reductions = _reductions(rng, workers, day)
    slots = _slots(rng, posts, workers, reductions, teams, day, shape.history_days)
    cases = _cases(rng, slots, day, earliest)
    cases = (
        _with_siblings(rng, cases, teams)
        .sort(["opened", "team_id", "post_id", "slot_row", "sequence", "sibling"])
        .with_row_index("id", offset=1)
        .with_columns(pl.col("id").cast(pl.Int64))
    )
    first_of_family = (
        cases.filter(pl.col("family") >= 0)
        .group_by("family")
        .agg(pl.col("id").min().alias("first_case"))
        .sort("first_case")
        .with_row_index("family_number", offset=1)
    )
    cases = cases.join(first_of_family, on="family", how="left")
    allocations = _allocations(cases, workers, day)

    type_names = pl.Series(CASE_TYPES)
    complexity_names = pl.Series(COMPLEXITY)
    return DemoTables(
        teams=teams,
        workers=workers.select(
            pl.col("id").cast(pl.Int64),
            "staff_ref",
            "name",
            pl.col("team_id").cast(pl.Int64),
            "cohort",
            "fte",
            "employment",
            _as_date_text(pl.col("start")).alias("start_date"),
            _as_date_text(pl.col("end")).alias("end_date"),
        ),
        reductions=reductions.select(
            pl.col("id").cast(pl.Int64),
            pl.col("worker_id").cast(pl.Int64),
            "reason",
            "percent",
            _as_date_text(pl.col("start")).alias("start_date"),
            _as_date_text(pl.col("end")).alias("end_date"),
        ),
        cases=cases.select(
            "id",
            pl.format("DEMO-C{}", pl.col("id").cast(pl.String).str.zfill(7)).alias("case_ref"),
            pl.col("team_id").cast(pl.Int64),
            type_names.gather(cases["type_index"]).alias("case_type"),
            complexity_names.gather(cases["complexity_index"]).alias("complexity"),
            _as_date_text(pl.col("opened")).alias("opened_on"),
            _as_date_text(pl.when(pl.col("closed") <= day).then(pl.col("closed"))).alias(
                "closed_on"
            ),
            pl.when(pl.col("family_number").is_not_null())
            .then(pl.format("DEMO-F{}", pl.col("family_number").cast(pl.String).str.zfill(5)))
            .alias("family_ref"),
        ),
        allocations=allocations.select(
            pl.col("id").cast(pl.Int64),
            pl.col("case_id").cast(pl.Int64),
            pl.col("worker_id").cast(pl.Int64),
            _as_date_text(pl.col("start")).alias("start_date"),
            _as_date_text(pl.col("end")).alias("end_date"),
        ),
    )


def insert_tables(connection: sqlite3.Connection, tables: DemoTables) -> None:
    """Insert every row in one transaction (the schema must exist already)."""
    connection.execute("BEGIN IMMEDIATE")
    try:
        for name, frame in tables.items():
            columns = ", ".join(frame.columns)
            marks = ", ".join("?" * frame.width)
            connection.executemany(
                f"INSERT INTO {name} ({columns}) VALUES ({marks})", frame.iter_rows()
            )
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def record_demo(connection: sqlite3.Connection, today: dt.date) -> None:
    """The demo's own provenance: invented data, "extracted" and "imported" on its today
    (midnight UTC, so the same seed and day still give the same file)."""
    connection.execute(
        "INSERT INTO imports (source, extract_date, imported_at) VALUES ('demo', ?, ?)",
        (today.isoformat(), f"{today.isoformat()}T00:00:00Z"),
    )


def summarise(tables: DemoTables, today: dt.date) -> str:
    """One line for the user: how big the invented organisation is on `today`."""
    day = today.isoformat()
    workers = tables.workers.filter(
        (pl.col("start_date") <= day) & (pl.col("end_date").is_null() | (pl.col("end_date") > day))
    )
    open_cases = tables.cases.filter(
        (pl.col("opened_on") <= day) & (pl.col("closed_on").is_null() | (pl.col("closed_on") > day))
    )
    first = as_str(tables.allocations["start_date"].min())  # dates are text here
    return (
        f"{tables.teams.height} teams, {workers.height} workers in post "
        f"({workers['fte'].sum():.1f} of {tables.teams['establishment_fte'].sum():.1f} FTE), "
        f"{open_cases.height} open cases, {tables.allocations.height} allocations "
        f"since {first}, as of {day}."
    )


def write_demo_database(
    path: Path, *, seed: int = 7, today: dt.date, shape: DemoShape = DEMO_SHAPE
) -> str:
    """Create the schema in `path` (new or an empty file) and fill it with invented data."""
    tables = generate_demo(seed=seed, today=today, shape=shape)
    write_demo_tables(path, tables, today)
    return summarise(tables, today)


def write_demo_tables(path: Path, tables: DemoTables, today: dt.date) -> None:
    """The schema and `tables` in `path`, marked as demo data (bench/generate.py's other
    shape writes its own tables this way too)."""
    from cfmonitor.data.contract import DEMO_APPLICATION_ID
    from cfmonitor.data.schema import create_schema

    connection = sqlite3.connect(path, isolation_level=None)
    try:
        # The mark travels with the file: a copy opened with --db is still labelled.
        connection.execute(f"PRAGMA application_id = {DEMO_APPLICATION_ID}")
        create_schema(connection)
        insert_tables(connection, tables)
        record_demo(connection, today)
    finally:
        connection.close()
