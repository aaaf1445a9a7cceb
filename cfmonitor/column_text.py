"""Whole columns as text, for the report's JSON, CSV and Markdown writers.

A report at England size has tens of thousands of rows; building one Python object per
cell and handing them to `json.dumps` took seconds. Here each column becomes text in
one Polars expression. Where Python's own formatting decides the bytes (a float's
`repr`, a percentage rounded by `format`, an escape), it is applied once per distinct
value and spread back over the column, so the output stays exactly what the per-cell
writers gave.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import polars as pl

from cfmonitor.cell_text import markdown_cell
from cfmonitor.safe_text import visible

INDENT = "  "
"""The report's JSON is indented by two spaces, as `json.dumps(indent=2)` writes it."""

PLAIN_ASCII = r"^[\x20-\x7e]*$"
"""Text that `visible` leaves alone for certain: printable ASCII (a superset test;
anything else is looked at by `visible` itself)."""
JSON_PLAIN = r'^[^\x00-\x1f"\\]*$'
"""Text JSON writes between quotes unchanged (`ensure_ascii=False` escapes only these)."""
MARKDOWN_PLAIN = r"^[\x20-\x7e]*$"
MARKDOWN_SPECIAL = r"[\\`*_\[\]()<>|~&]"
"""Text `markdown_cell` leaves alone: printable ASCII with no Markdown punctuation."""


def per_distinct(series: pl.Series, text: Callable[[Any], str]) -> pl.Series:
    """`text` of each value, called once per distinct non-null value; nulls stay null."""
    distinct = series.drop_nulls().unique(maintain_order=True)
    if distinct.is_empty():
        return pl.Series(series.name, [None] * series.len(), dtype=pl.String)
    shown = pl.Series([text(value) for value in distinct.to_list()], dtype=pl.String)
    result = series.replace_strict(distinct, shown, return_dtype=pl.String)
    if series.dtype.is_float():
        # -0.0 and 0.0 are one value to `unique` but are written apart.
        zero = (series == 0).fill_null(False)
        if zero.any():
            negative = (1.0 / series) < 0
            result = result.scatter((zero & negative).arg_true(), text(-0.0))
            result = result.scatter((zero & negative.not_()).arg_true(), text(0.0))
    return result


def _where_not_plain(series: pl.Series, plain: str, text: Callable[[Any], str]) -> pl.Series:
    """`series` (text) as is where it matches `plain`, else `text` of it (per distinct)."""
    unusual = series.str.contains(plain).not_()
    if not unusual.any():
        return series
    changed = per_distinct(series.filter(unusual), text)
    return series.scatter(unusual.arg_true(), changed)


def visible_text(series: pl.Series) -> pl.Series:
    """`visible` of every cell of a text column (nulls stay null)."""
    return _where_not_plain(series, PLAIN_ASCII, visible)


# --- JSON ----------------------------------------------------------------------------


def _json_scalar(value: object) -> str:
    return json.dumps(value, ensure_ascii=False)


def json_values(series: pl.Series, level: int) -> pl.Series:
    """Each cell as `json.dumps(cell, indent=2, ensure_ascii=False)` writes it when it is
    the value of a key `level` deep in the document."""
    dtype = series.dtype
    if dtype == pl.String:
        plain = series.str.contains(JSON_PLAIN)
        quoted = ('"' + series + '"').alias(series.name)
        if not plain.fill_null(True).all():
            unusual = plain.not_().fill_null(False)
            quoted = quoted.scatter(
                unusual.arg_true(), per_distinct(series.filter(unusual), _json_scalar)
            )
        return quoted.fill_null("null")
    if dtype == pl.Boolean:
        return series.replace_strict(
            [True, False], ["true", "false"], return_dtype=pl.String
        ).fill_null("null")
    if dtype.is_integer():
        return series.cast(pl.String).fill_null("null")
    if dtype.is_float():
        # float.__repr__ (as json writes it) decides the digits; NaN and infinities too.
        return per_distinct(series.cast(pl.Float64), _json_scalar).fill_null("null")
    if dtype == pl.Null:
        return pl.Series(series.name, ["null"] * series.len(), dtype=pl.String)
    if isinstance(dtype, pl.List) and dtype.inner is not None and dtype.inner.is_integer():
        inner = INDENT * (level + 1)
        joined = series.list.eval(pl.element().cast(pl.String)).list.join(",\n" + inner)
        framed = pl.select(
            pl.when(series.list.len() == 0)
            .then(pl.lit("[]"))
            .otherwise(pl.lit("[\n" + inner) + joined + pl.lit("\n" + INDENT * level + "]"))
        ).to_series()
        return framed.fill_null("null").alias(series.name)
    # Anything rarer: Python's own writer, one cell at a time.
    prefix = "\n" + INDENT * level
    cells = [
        json.dumps(value, indent=2, ensure_ascii=False).replace("\n", prefix)
        for value in series.to_list()
    ]
    return pl.Series(series.name, cells, dtype=pl.String)


def json_rows(frame: pl.DataFrame, level: int = 0) -> str:
    """`json.dumps(frame.to_dicts(), indent=2, ensure_ascii=False)` as it is written
    `level` deep in a document, built column-wise."""
    if frame.height == 0:
        return "[]"
    if frame.width == 0:
        return (
            "[\n"
            + ",\n".join([INDENT * (level + 1) + "{}"] * frame.height)
            + "\n"
            + (INDENT * level + "]")
        )
    item, field = INDENT * (level + 1), INDENT * (level + 2)
    leads = [
        ("{\n" if number == 0 else ",\n") + field + _json_scalar(name) + ": "
        for number, name in enumerate(frame.columns)
    ]
    values = [json_values(frame.get_column(name), level + 2) for name in frame.columns]
    rows = _joined_rows(leads, values, "\n" + item + "}")
    return "[\n" + item + rows.str.join(",\n" + item).item() + "\n" + INDENT * level + "]"


def _joined_rows(leads: list[str], values: list[pl.Series], end: str) -> pl.Series:
    """Per row: lead 1, value 1, lead 2, value 2, …, end (values are text, never null)."""
    texts = pl.DataFrame({f"c{number}": value for number, value in enumerate(values)})
    pieces: list[pl.Expr] = []
    for number, lead in enumerate(leads):
        pieces += [pl.lit(lead), pl.col(f"c{number}")]
    return texts.select(pl.concat_str([*pieces, pl.lit(end)]).alias("row")).get_column("row")


def json_document(parts: Mapping[str, object]) -> str:
    """A JSON object whose values are small Python values or frames (written as lists of
    rows, column-wise), byte for byte as `json.dumps(indent=2, ensure_ascii=False)`
    writes the same object with each frame given as `frame.to_dicts()`."""
    if not parts:
        return "{}"
    members = []
    for key, value in parts.items():
        if isinstance(value, pl.DataFrame):
            text = json_rows(value, level=1)
        else:
            text = json.dumps(value, indent=2, ensure_ascii=False).replace("\n", "\n" + INDENT)
        members.append(INDENT + _json_scalar(key) + ": " + text)
    return "{\n" + ",\n".join(members) + "\n}"


# --- Markdown ------------------------------------------------------------------------


def markdown_column(series: pl.Series) -> pl.Series:
    """`markdown_cell` of every cell, a null as an empty cell."""
    dtype = series.dtype
    if dtype == pl.String:
        plain = series.str.contains(MARKDOWN_PLAIN) & series.str.contains(MARKDOWN_SPECIAL).not_()
        text = series
        unusual = plain.not_().fill_null(False)
        if unusual.any():
            text = series.scatter(
                unusual.arg_true(), per_distinct(series.filter(unusual), markdown_cell)
            )
        return text.fill_null("")
    if dtype.is_integer():
        return series.cast(pl.String).fill_null("")
    return per_distinct(series, markdown_cell).fill_null("")


def markdown_table_text(frame: pl.DataFrame) -> str:
    """A GitHub-style table, one row a line, each ending in a newline."""
    header = "| " + " | ".join(markdown_cell(name) for name in frame.columns) + " |"
    rule = "|" + "|".join("---" for _ in frame.columns) + "|"
    if frame.height == 0 or frame.width == 0:
        return "\n".join([header, rule, *(["|  |"] * frame.height)]) + "\n"
    leads = ["| " if number == 0 else " | " for number in range(frame.width)]
    values = [markdown_column(frame.get_column(name)) for name in frame.columns]
    rows = _joined_rows(leads, values, " |")
    return header + "\n" + rule + "\n" + rows.str.join("\n").item() + "\n"
