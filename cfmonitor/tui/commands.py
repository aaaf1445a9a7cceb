"""Command palette: jump to any team or worker by name, or to a case by its reference.

Textual's `Matcher.highlight` parses its candidate as markup, so a worker called
`[@click=app.quit]x` would become an action. Hits here are built as `Content` from the
visible text and highlighted by offset instead; the help line (which the palette does
parse as markup) holds only the app's own words.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import polars as pl
from textual.command import Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from cfmonitor.data.engine import Snapshot
from cfmonitor.redact import Redactor
from cfmonitor.safe_text import visible
from cfmonitor.tui import requests
from cfmonitor.tui.view import current_view


def highlighted(matcher: Matcher, candidate: str, suffix: str = "") -> Content:
    """The candidate as literal Content, with the matched characters styled."""
    content = Content(candidate)
    _score, offsets = matcher.fuzzy_search.match(matcher.query, candidate)
    for offset in offsets:
        if not candidate[offset].isspace():
            content = content.stylize(matcher.match_style, offset, offset + 1)
    if suffix:
        content = content + Content.styled(suffix, "dim")
    return content


SHORTLIST = 200
"""Candidates given to the (slow, per-string) fuzzy matcher after the vectorised cut."""


HIDDEN_CHARACTERS = r"[\p{Cc}\p{Cf}\p{Co}\p{Cn}\p{Zl}\p{Zp}]"
"""What `visible` rewrites; rows without any are shown as they are."""


def visible_column(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    """`visible` applied to one text column, in Python only on the rows that need it."""
    hidden = pl.col(column).str.contains(HIDDEN_CHARACTERS)
    marked = frame.with_row_index("_order").with_columns(hidden.fill_null(False).alias("_hidden"))
    dirty = marked.filter(pl.col("_hidden")).with_columns(
        pl.col(column).map_elements(visible, return_dtype=pl.String)
    )
    return (
        pl.concat([marked.filter(~pl.col("_hidden")), dirty])
        .sort("_order")
        .drop("_order", "_hidden")
    )


def search_index(snapshot: Snapshot) -> pl.DataFrame:
    """Every team, worker and open case once, as the palette shows and matches them.

    A case's key is `case_ref`, with the staff reference of whoever holds it (or the team
    waiting to allocate it) after a tab, so choosing it can open the right screen."""
    teams = snapshot.teams.select(
        pl.col("team").alias("key"),
        pl.col("team").alias("text"),
        pl.format("  team · {}", "service_area").alias("context"),
        pl.lit("team").alias("kind"),
    )
    workers = snapshot.workers.select(
        pl.col("staff_ref").alias("key"),
        pl.format("{} ({})", "name", "staff_ref").alias("text"),
        pl.format("  worker · {}", "team").alias("context"),
        pl.lit("worker").alias("kind"),
    )
    holders = snapshot.workers.select("worker_id", "staff_ref", "name")
    held = snapshot.worker_cases.join(holders, on="worker_id", how="inner").select(
        pl.format("{}\t{}", "case_ref", "staff_ref").alias("key"),
        pl.col("case_ref").alias("text"),
        pl.format("  case · held by {} ({})", "name", "staff_ref").alias("context"),
        pl.lit("case").alias("kind"),
    )
    waiting = snapshot.unallocated_cases.select(
        pl.format("{}\t{}", "case_ref", pl.col("team").fill_null("")).alias("key"),
        pl.col("case_ref").alias("text"),
        pl.format("  case · unallocated · {}", pl.col("team").fill_null("no team")).alias(
            "context"
        ),
        pl.lit("unallocated").alias("kind"),
    )
    index = visible_column(
        visible_column(pl.concat([teams, workers, held, waiting]), "text"), "context"
    )
    return index.with_columns(pl.col("text").str.to_lowercase().alias("folded"))


def shortlist(index: pl.DataFrame, query: str, limit: int = SHORTLIST) -> pl.DataFrame:
    """The rows holding every character of the query, best first: where the query appears
    whole and early, then the shortest. Vectorised, so 37,000 names take milliseconds."""
    folded = query.lower()
    letters = sorted({char for char in folded if not char.isspace()})
    if not letters:
        return index.head(0)
    held = [pl.col("folded").str.contains(char, literal=True) for char in letters]
    return (
        index.filter(*held)
        .with_columns(
            pl.col("folded").str.find(folded.strip(), literal=True).alias("at"),
            pl.col("folded").str.len_chars().alias("length"),
        )
        .sort(["at", "length"], nulls_last=True)
        .head(limit)
    )


def presented(snapshot: Snapshot, redactor: Redactor) -> Snapshot:
    """What the palette may find while presenting: teams, and workers by initials and staff
    ref; no case (its reference would show, and who holds it)."""
    return dataclasses.replace(
        snapshot,
        workers=redactor.frame(snapshot.workers),
        worker_cases=snapshot.worker_cases.head(0),
        unallocated_cases=snapshot.unallocated_cases.head(0),
    )


class NavigationProvider(Provider):
    """Teams, workers and cases of the current Snapshot, by name or reference. It offers
    nothing before a letter is typed: the palette's first list is the app's own actions."""

    _index: tuple[int, bool, pl.DataFrame] | None = None

    def _search_index(self) -> pl.DataFrame | None:
        """The index of the figures drawn (a scenario's included); while presenting, of
        what may be shown to the room."""
        view = current_view(self.app)
        figures = view.figures if view is not None else None
        if view is None or figures is None:
            return None
        redactor = view.redactor_for(None)
        key = (id(figures), redactor is not None)
        if self._index is None or self._index[:2] != key:
            shown = figures if redactor is None else presented(figures, redactor)
            self._index = (*key, search_index(shown))
        return self._index[2]

    def _open(self, kind: str, key: str) -> Callable[[], None]:
        """Choosing a hit posts a request up to the app, which decides what opens."""
        subject: requests.Subject
        if kind == "team":
            subject = requests.Team(key)
        elif kind in ("case", "unallocated"):
            case_ref, _, holder = key.partition("\t")
            subject = requests.Case(case_ref, holder, kind == "unallocated")
        else:
            subject = requests.Worker(key)

        def request() -> None:
            self.app.post_message(requests.Open(subject))

        return request

    @staticmethod
    def _help(kind: str) -> str:
        if kind == "team":
            return "Open this team: its workers, most overloaded first"
        if kind == "case":
            return "Open the supervision view of the worker who holds this case"
        if kind == "unallocated":
            return "Nobody holds this case: open its team's unallocated cases"
        return "Open this worker's supervision view"

    def _several_teams(self) -> list[tuple[str, str, requests.Teams]]:
        """(text, context, subject): the workers of each service area, and of the teams
        marked on the overview when the palette was opened over it with some marked."""
        view = current_view(self.app)
        figures = view.figures if view is not None else None
        if figures is None:
            return []
        found = []
        marked = getattr(self.screen, "marked_subject", None)
        chosen = marked() if callable(marked) else None
        if isinstance(chosen, requests.Teams):
            count = len(chosen.teams)
            found.append(
                (
                    "Workers in the marked teams",
                    f"  {count} team{'s' if count != 1 else ''}",
                    chosen,
                )
            )
        teams = figures.teams.filter(pl.col("service_area").is_not_null())
        for (area,), rows in teams.group_by("service_area", maintain_order=True):
            names = tuple(rows.get_column("team").to_list())
            subject = requests.Teams(names, (str(area),))
            count = len(names)
            context = f"  {count} team{'s' if count != 1 else ''}"
            found.append((visible(f"Workers in service area {area}"), context, subject))
        return found

    def _open_subject(self, subject: requests.Subject) -> Callable[[], None]:
        def request() -> None:
            self.app.post_message(requests.Open(subject))

        return request

    async def search(self, query: str) -> Hits:
        index = self._search_index()
        if index is None:
            return
        matcher = self.matcher(query)
        for text, context, subject in self._several_teams():
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, text, context),
                    self._open_subject(subject),
                    text=text,
                    help="Their workers in one list, with the team as a column",
                )
        rows = shortlist(index, query).select("key", "text", "context", "kind").iter_rows()
        for key, text, context, kind in rows:
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, text, context),
                    self._open(kind, key),
                    text=text,
                    help=self._help(kind),
                )
