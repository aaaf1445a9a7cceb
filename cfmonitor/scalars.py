"""One value out of a Polars frame, as the type its column holds.

A row from `iter_rows()`/`rows(named=True)`, or a `Series.min()`/`max()`, is typed as any
Python value Polars can return. These helpers say which one a column holds, and fail loudly
(TypeError) when it holds something else rather than letting a wrong type travel on.
A null is None throughout.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence


def _wrong(expected: str, value: object) -> TypeError:
    return TypeError(f"expected {expected}, not {type(value).__name__}")


def as_int(value: object) -> int | None:
    """A whole number (a count, days, weeks)."""
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    raise _wrong("a whole number", value)


def as_float(value: object) -> float | None:
    """A figure (a caseload, FTE, a rate); a whole number is a figure too."""
    if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
        return value
    raise _wrong("a number", value)


def as_str(value: object) -> str | None:
    """Text (a status, a name)."""
    if value is None or isinstance(value, str):
        return value
    raise _wrong("text", value)


def as_bool(value: object) -> bool | None:
    """A yes/no column (a marker such as `sustained`)."""
    if value is None or isinstance(value, bool):
        return value
    raise _wrong("true or false", value)


def as_date(value: object) -> dt.date | None:
    """A date column (a datetime is a date too)."""
    if value is None or isinstance(value, dt.date):
        return value
    raise _wrong("a date", value)


def as_floats(value: object) -> list[float | None]:
    """A list column of figures (a series over time); nothing for a null."""
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str | bytes):
        return [as_float(item) for item in value]
    raise _wrong("a list of numbers", value)
