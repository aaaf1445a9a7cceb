"""Redaction for a shared screen or a report taken into a room (presenter mode, `--redact`).

Worker names become initials and staff ref (`HW (SW0412)`), or the staff ref alone;
case and family references become numbered stand-ins (`case 17`, `family 4`) except on
the open worker's own rows; a problem's detail, which quotes references, is withheld.
Staff refs stay: they are what a supervisor and worker use to talk about a colleague
without naming them. The stand-ins are numbered within one Redactor, so the same case
is `case 17` in every table of one report, and unique, so tables keyed by case still work.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass

import polars as pl

from cfmonitor.data.engine import Snapshot

NAMES_INITIALS = "initials"
NAMES_STAFF_REF = "staff-ref"
NAME_STYLES = (NAMES_INITIALS, NAMES_STAFF_REF)

NAME_COLUMNS = {
    "name": "staff_ref",
    "from_name": "from_staff_ref",
    "to_name": "to_staff_ref",
}
"""Columns holding a worker's name, and the column with that worker's staff ref."""
CASE_COLUMNS = ("case_ref",)
FAMILY_COLUMNS = ("family_ref",)
WITHHELD_DETAIL = "details withheld while redacted (they quote references)"


@dataclass(frozen=True)
class Redaction:
    """What to hide. `open_staff_ref`: the worker whose own screen is open (their case and
    family refs stay); `show_open_name`: that worker is the person in the room."""

    names: str = NAMES_INITIALS
    open_staff_ref: str | None = None
    show_open_name: bool = False

    def __post_init__(self) -> None:
        if self.names not in NAME_STYLES:
            raise ValueError(f"names must be one of {NAME_STYLES}, not {self.names!r}")


def initials(name: str | None) -> str:
    """`Halith Wrencombe` → `HW`: the first letter of each word that has one."""
    if not name:
        return ""
    letters = (next((ch for ch in word if ch.isalpha()), "") for word in name.split())
    return "".join(letters).upper()


def shown_name(name: str | None, staff_ref: str | None, names: str = NAMES_INITIALS) -> str:
    """A worker as a redacted view names them: `HW (SW0412)`, or `SW0412`."""
    ref = staff_ref or "?"
    short = initials(name)
    return f"{short} ({ref})" if names == NAMES_INITIALS and short else ref


class Redactor:
    """Redacts frames and Snapshots consistently: one numbering of stand-ins throughout."""

    def __init__(self, redaction: Redaction = Redaction()) -> None:
        self.redaction = redaction
        self._stand_ins: dict[str, dict[str, str]] = {"case": {}, "family": {}}

    def for_worker(self, staff_ref: str | None, *, show_name: bool = False) -> Redactor:
        """The same numbering of stand-ins, with `staff_ref`'s screen open (their own case
        and family refs kept; their name too with `show_name`): one per screen drawn."""
        other = Redactor(
            dataclasses.replace(self.redaction, open_staff_ref=staff_ref, show_open_name=show_name)
        )
        other._stand_ins = self._stand_ins
        return other

    def reference(self, stand_in: str, kind: str = "case") -> str:
        """The reference behind a stand-in (`case 17` → its case ref); itself when none."""
        found = (ref for ref, shown in self._stand_ins[kind].items() if shown == stand_in)
        return next(found, stand_in)

    def stand_in(self, ref: str, kind: str = "case") -> str:
        """What is shown for `ref` (numbered now, when it had no stand-in yet)."""
        self.learn(kind, [ref])
        return self._stand_ins[kind][ref]

    def learn(self, kind: str, refs: Iterable[str | None]) -> None:
        """Number `refs` (in sorted order, after those already numbered)."""
        table = self._stand_ins[kind]
        for ref in sorted({ref for ref in refs if ref is not None} - table.keys()):
            table[ref] = f"{kind} {len(table) + 1}"

    def _own_rows(self, frame: pl.DataFrame, worker_ids: list[int]) -> pl.Expr:
        """Rows that are the open worker's own (kept as they are)."""
        open_ref = self.redaction.open_staff_ref
        if open_ref is None:
            return pl.lit(False)
        if "staff_ref" in frame.columns:
            return pl.col("staff_ref").eq_missing(pl.lit(open_ref))
        if "worker_id" in frame.columns and worker_ids:
            return pl.col("worker_id").is_in(worker_ids)
        return pl.lit(False)

    def frame(
        self, frame: pl.DataFrame, *, open_worker_ids: list[int] | None = None
    ) -> pl.DataFrame:
        """`frame` with names, case and family refs and problem details redacted in
        whichever of those columns it has."""
        own = self._own_rows(frame, open_worker_ids or [])
        changes: list[pl.Expr] = []
        for column, ref_column in NAME_COLUMNS.items():
            if column in frame.columns and ref_column in frame.columns:
                keep = pl.lit(False)
                if self.redaction.show_open_name and self.redaction.open_staff_ref:
                    keep = pl.col(ref_column).eq_missing(pl.lit(self.redaction.open_staff_ref))
                pairs = frame.select(column, ref_column).rows()
                shown = [shown_name(name, ref, self.redaction.names) for name, ref in pairs]
                changes.append(
                    pl.when(keep)
                    .then(pl.col(column))
                    .otherwise(pl.Series(column, shown, dtype=pl.String))
                    .alias(column)
                )
            elif column in frame.columns:
                changes.append(pl.lit(None, dtype=pl.String).alias(column))
        for kind, columns in (("case", CASE_COLUMNS), ("family", FAMILY_COLUMNS)):
            for column in (name for name in columns if name in frame.columns):
                self.learn(kind, frame.get_column(column).to_list())
                stand_in = pl.col(column).replace_strict(
                    self._stand_ins[kind], default=None, return_dtype=pl.String
                )
                changes.append(pl.when(own).then(pl.col(column)).otherwise(stand_in).alias(column))
        if "detail" in frame.columns and "kind" in frame.columns:
            changes.append(pl.lit(WITHHELD_DETAIL, dtype=pl.String).alias("detail"))
        return frame.with_columns(changes) if changes else frame

    def snapshot(self, snapshot: Snapshot) -> Snapshot:
        """Every frame of `snapshot` redacted (cases numbered across all of them)."""
        self.learn("case", snapshot.worker_cases.get_column("case_ref").to_list())
        self.learn("case", snapshot.unallocated_cases.get_column("case_ref").to_list())
        for frame in (snapshot.worker_cases, snapshot.unallocated_cases):
            self.learn("family", frame.get_column("family_ref").to_list())
        open_ref = self.redaction.open_staff_ref
        open_ids = (
            snapshot.workers.filter(pl.col("staff_ref") == open_ref).get_column("worker_id")
            if open_ref
            else pl.Series(dtype=pl.Int64)
        ).to_list()
        return dataclasses.replace(
            snapshot,
            workers=self.frame(snapshot.workers),
            worker_cases=self.frame(snapshot.worker_cases, open_worker_ids=open_ids),
            unallocated_cases=self.frame(snapshot.unallocated_cases),
            problems=self.frame(snapshot.problems),
        )


def redact_snapshot(snapshot: Snapshot, redaction: Redaction = Redaction()) -> Snapshot:
    """`snapshot` as a shared screen may show it (see the module's docstring)."""
    return Redactor(redaction).snapshot(snapshot)
