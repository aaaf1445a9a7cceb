"""Command palette: jump to any team or worker by name.

Textual's `Matcher.highlight` parses its candidate as markup, so a worker called
`[@click=app.quit]x` would become an action. Hits here are built as `Content` from the
visible text and highlighted by offset instead; the help line (which the palette does
parse as markup) holds only the app's own words.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.fuzzy import Matcher

from cfmonitor.safe_text import visible

if TYPE_CHECKING:
    from cfmonitor.tui.app import CfmonitorApp

YIELD_EVERY = 2_000
"""Give the event loop a turn this often while matching a big organisation."""


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


class NavigationProvider(Provider):
    """Teams and workers of the current Snapshot, by name (and staff reference)."""

    @property
    def _app(self) -> CfmonitorApp:
        return self.app  # type: ignore[return-value]

    def _targets(self) -> list[tuple[str, str, Callable[[], None], str]]:
        """(candidate, context, open it, help) for every team and worker."""
        snapshot = self._app.snapshot
        if snapshot is None:
            return []
        targets: list[tuple[str, str, Callable[[], None], str]] = []
        for team, area in snapshot.teams.select("team", "service_area").iter_rows():
            targets.append(
                (
                    visible(team),
                    f"  team · {visible(area)}",
                    partial(self._app.open_team, team),
                    "Open this team: its workers, most overloaded first",
                )
            )
        for name, staff_ref, team in snapshot.workers.select(
            "name", "staff_ref", "team"
        ).iter_rows():
            targets.append(
                (
                    f"{visible(name)} ({visible(staff_ref)})",
                    f"  worker · {visible(team)}",
                    partial(self._app.open_worker, staff_ref),
                    "Open this worker's supervision view",
                )
            )
        return targets

    async def discover(self) -> Hits:
        snapshot = self._app.snapshot
        if snapshot is None:
            return
        for team, area in snapshot.teams.select("team", "service_area").iter_rows():
            yield DiscoveryHit(
                Content(visible(team)) + Content.styled(f"  team · {visible(area)}", "dim"),
                partial(self._app.open_team, team),
                text=visible(team),
                help="Open this team: its workers, most overloaded first",
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for index, (candidate, context, command, help_text) in enumerate(self._targets()):
            if index and index % YIELD_EVERY == 0:
                await asyncio.sleep(0)
            score = matcher.match(candidate)
            if score > 0:
                yield Hit(
                    score,
                    highlighted(matcher, candidate, context),
                    command,
                    text=candidate,
                    help=help_text,
                )
