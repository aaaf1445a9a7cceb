"""The caseload policy: cohort maximums, complexity weights and the "near" band.

Defaults come from the council's recovery plan (experienced social workers up to 18
cases, NQSWs around 15). `db/policy.toml` documents them; an organisation can pass
its own TOML file with `--policy`. Anything unrecognised is refused, naming the key,
so a typo never silently falls back to a default.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible
from cfmonitor.toml_file import read_toml

COMPLEXITY_LEVELS = ("standard", "complex", "intense")

DEFAULT_COHORTS: Mapping[str, float] = MappingProxyType({"experienced": 18.0, "nqsw": 15.0})
DEFAULT_WEIGHTS: Mapping[str, float] = MappingProxyType(
    {"standard": 1.0, "complex": 1.2, "intense": 1.5}
)
DEFAULT_NEAR_BAND = 0.90
DEFAULT_SUSTAINED_WEEKS = 4
DEFAULT_STALE_AFTER_DAYS = 35
"""A monthly extract plus a working week's grace before the data is called stale."""
STALE_AFTER_DAYS_RANGE = (1, 3660)

_TOP_LEVEL_KEYS = ("near_band", "sustained_weeks", "stale_after_days", "cohorts", "weights")

MAX_SUSTAINED_WEEKS = 104
"""Two years of weeks: the longest history the trend reads."""
MAX_COHORT_CASES = 1000.0
MAX_WEIGHT = 100.0
"""Far above any real policy, low enough that a typo cannot exhaust memory or sense."""


class PolicyError(CfmonitorError):
    """A policy file that cannot be used; the message names the file and the key."""


@dataclass(frozen=True)
class Policy:
    """Thresholds a worker's caseload is judged against."""

    cohorts: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_COHORTS))
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    near_band: float = DEFAULT_NEAR_BAND
    sustained_weeks: int = DEFAULT_SUSTAINED_WEEKS
    stale_after_days: int = DEFAULT_STALE_AFTER_DAYS
    """Warn when the data's extract is older than this on the as-of day."""
    source: str = "built-in defaults"

    def cohort_maximum(self, cohort: str) -> float | None:
        """The maximum caseload for a cohort, or None when the policy does not know it."""
        return self.cohorts.get(cohort)


def _number(value: object, key: str, where: str, most: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise PolicyError(f"{where}: '{key}' must be a number, not {visible(repr(value))}")
    number = float(value)
    if not math.isfinite(number):
        raise PolicyError(f"{where}: '{key}' must be a finite number, not {value!r}")
    if number < 0:
        raise PolicyError(f"{where}: '{key}' must not be negative (got {value!r})")
    if number > most:
        raise PolicyError(f"{where}: '{key}' must be at most {most:g} (got {value!r})")
    return number


def _cohorts(table: Mapping[str, object], where: str) -> dict[str, float]:
    """Cohort limits by name; names differing only by surrounding spaces are one name."""
    cohorts: dict[str, float] = {}
    spelled: dict[str, str] = {}
    for name, limit in table.items():
        key = name.strip()
        if not key:
            raise PolicyError(f"{where}: a cohort name is blank ({visible(repr(name))})")
        if key in spelled:
            raise PolicyError(
                f"{where}: cohorts {visible(repr(spelled[key]))} and {visible(repr(name))} "
                "differ only by spaces; keep one"
            )
        spelled[key] = name
        cohorts[key] = _number(limit, f"cohorts.{visible(key)}", where, MAX_COHORT_CASES)
    return cohorts


def _table(value: object, key: str, where: str) -> dict[str, object]:
    if not isinstance(value, dict):
        raise PolicyError(f"{where}: '{key}' must be a table like [{key}]")
    return value


def policy_from_mapping(data: Mapping[str, object], where: str = "policy") -> Policy:
    """Validate parsed TOML and build a Policy; missing sections keep their defaults."""
    for key in data:
        if key not in _TOP_LEVEL_KEYS:
            allowed = ", ".join(_TOP_LEVEL_KEYS)
            raise PolicyError(f"{where}: unknown key '{visible(key)}' (allowed: {allowed})")

    cohorts = dict(DEFAULT_COHORTS)
    if "cohorts" in data:
        table = _table(data["cohorts"], "cohorts", where)
        cohorts = _cohorts(table, where)
        if not cohorts:
            raise PolicyError(f"{where}: 'cohorts' must name at least one cohort")

    weights = dict(DEFAULT_WEIGHTS)
    if "weights" in data:
        table = _table(data["weights"], "weights", where)
        for name, weight in table.items():
            if name not in COMPLEXITY_LEVELS:
                allowed = ", ".join(COMPLEXITY_LEVELS)
                raise PolicyError(
                    f"{where}: unknown key 'weights.{visible(name)}' (allowed: {allowed})"
                )
            weights[name] = _number(weight, f"weights.{name}", where, MAX_WEIGHT)

    near_band = DEFAULT_NEAR_BAND
    if "near_band" in data:
        near_band = _number(data["near_band"], "near_band", where, 1.0)
        if not 0 < near_band <= 1:
            raise PolicyError(f"{where}: 'near_band' must be above 0 and at most 1")

    sustained_weeks = DEFAULT_SUSTAINED_WEEKS
    if "sustained_weeks" in data:
        value = data["sustained_weeks"]
        if (
            isinstance(value, bool)
            or not isinstance(value, int)
            or not 1 <= value <= MAX_SUSTAINED_WEEKS
        ):
            raise PolicyError(
                f"{where}: 'sustained_weeks' must be a whole number from 1 to "
                f"{MAX_SUSTAINED_WEEKS} (two years)"
            )
        sustained_weeks = value

    return Policy(
        cohorts=cohorts,
        weights=weights,
        near_band=near_band,
        sustained_weeks=sustained_weeks,
        stale_after_days=_stale_after_days(data, where),
        source=where,
    )


def _stale_after_days(data: Mapping[str, object], where: str) -> int:
    if "stale_after_days" not in data:
        return DEFAULT_STALE_AFTER_DAYS
    value = data["stale_after_days"]
    low, high = STALE_AFTER_DAYS_RANGE
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise PolicyError(
            f"{where}: 'stale_after_days' must be a whole number of days from {low} to {high}, "
            f"not {value!r}"
        )
    return value


def load_policy(path: Path | str | None) -> Policy:
    """Read a policy TOML file, or return the built-in defaults when no path is given."""
    if path is None:
        return Policy()
    policy_path = Path(path)
    data = read_toml(policy_path, "policy file", PolicyError)
    return policy_from_mapping(data, str(policy_path))
