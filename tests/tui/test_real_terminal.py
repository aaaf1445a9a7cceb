"""The app in a real (pseudo-)terminal, as a user runs it: every key the help lists on
every screen, and the database changing under it (issue 8).

One app process walks every screen; after each key the process must still be running
and the screen must show what the key promised (a heading, a toast, a sort marker). A
Pilot test below checks that the walk covers every key of the app's own that the help
lists, so a new binding cannot go unpressed.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
from pathlib import Path

import pexpect
import pytest

from tests.tui.helpers import settle
from tests.tui.terminal import Terminal

FIRST_TEAM = "Adoption and Permanence"
SECOND_TEAM = "Adur Assessment and Intervention"
LAST_TEAM = "MASH South"
SORTED = re.compile(r"\S ?[▲▼]")

WALKED: dict[str, set[str]] = {
    "TableScreen": {
        "enter",
        "up",
        "down",
        "k",
        "j",
        "home",
        "end",
        "g",
        "G",
        "pageup",
        "pagedown",
        "s",
        "right_square_bracket",
        "left_square_bracket",
        "S",
        "o",
        "slash",
        "e",
        "r",
        "a",
        "question_mark",
        "ctrl+p",
        "ctrl+q",
        "z",
        "l",
        "X",
        "P",
    },
    "OverviewScreen": {"q", "f", "u", "t", "escape", "p", "space", "W"},
    "TeamScreen": {"escape", "backspace", "q", "f", "u", "t"},
    "TeamsScreen": {"escape", "backspace", "q", "f"},
    "WorkerScreen": {"escape", "backspace", "q", "t", "w", "n"},
    "UnallocatedScreen": {"escape", "backspace", "q", "w"},
    "MovePicker": {
        "escape",
        "enter",
        *("up", "k", "down", "j", "pageup", "pagedown", "home", "g", "end", "G"),
    },
    "MovesDialog": {"escape", "e", "z", "X"},
    "TrendScreen": {"escape", "backspace", "q", "f", "m"},
    "ProblemsScreen": {"escape", "backspace", "q"},
    "HelpScreen": {"escape", "q", "question_mark"},
    "AsOfDialog": {"escape", "enter"},
    "ExportDialog": {"escape", "enter"},
    "ErrorScreen": {"r", "a", "escape", "q"},
}
"""The keys the walk below presses, by screen (table screens share the first set)."""


def open_cases(term: Terminal) -> int | None:
    """The overview's "Open cases" figure as shown (the value under its label), or None
    while it is not (wholly) on screen: a frame half drawn, a toast over it."""
    lines = term.screen.display
    for row, line in enumerate(lines[:-1]):
        column = line.find("Open cases")
        if column >= 0:
            value = (lines[row + 1][column:].split() or [""])[0].replace(",", "")
            return int(value) if value.isdigit() else None
    return None


def table_rows(term: Terminal, label: str) -> list[str]:
    """The table's lines under the header holding `label`, down to the filter or key bar."""
    lines = term.text().splitlines()
    start = next((i for i, line in enumerate(lines) if label in line), None)
    if start is None:
        return []
    rows = []
    for line in lines[start + 1 : -1]:
        if not line.strip() or line.lstrip().startswith(("filter", "▁", "over")):
            break
        rows.append(line)
    return rows


def only_rows_with(mark: str):
    """A check: the overview's table shows rows, and every one of them holds `mark`."""

    def check(term: Terminal) -> bool:
        rows = table_rows(term, "Over/near")
        return bool(rows) and all(mark in row for row in rows)

    return check


def clear_input(term: Terminal) -> None:
    """Empty the dialog's input (as a person does, looking at it before typing)."""
    term.press("ctrl+a", "ctrl+k")
    term.wait_until(lambda t: "▊  DD/MM/YYYY" in t.text() or "▊     " in t.text(), "an empty input")


def header(term: Terminal, label: str) -> str:
    return term.line_with(label)


def walk_table_keys(term: Terminal, label: str, first_row: str | None = None) -> None:
    """The keys every table has: move, sort, own order, filter and its clearing."""
    term.press("s")
    term.wait_until(lambda t: SORTED.search(header(t, label)), "a sort marker after s")
    before = header(term, label)
    term.press("right_square_bracket")
    term.wait_until(lambda t: header(t, label) != before, "] to sort by the next column")
    term.press("left_square_bracket")
    term.wait_until(lambda t: header(t, label) == before, "[ to sort by the column before")
    term.press("S")
    flipped = before.replace("▲", "△").replace("▼", "▲").replace("△", "▼")
    term.wait_until(lambda t: header(t, label) == flipped, "S to reverse the sort")
    term.press("o")
    term.wait_until(lambda t: not SORTED.search(header(t, label)), "o: the screen's own order")
    for key in ("j", "k", "down", "up", "pagedown", "pageup", "G", "g", "end", "home"):
        term.press(key)
        term.assert_running()
    if first_row:
        term.wait_for(first_row)


def walk_supervision_keys(term: Terminal) -> None:
    """On a worker's screen: a move tried, listed, exported (esc), undone, tried again and
    discarded; presenter mode on, this worker's name shown, presenter mode off."""
    term.press("w")
    term.wait_for("utilisation now → after the move", "→")
    term.press("down", "j", "pagedown", "up", "k", "pageup")  # the picker's cursor keys
    term.wait_for("utilisation now → after the move", "Now → after")
    term.press("end")  # the last row: leave the case with nobody
    term.wait_for("Leave it unallocated")
    term.press("G", "home", "g")
    term.wait_for("utilisation now → after the move", "Now → after")
    term.press("escape")
    term.wait_for("Capacity", absent=["after the move"])
    term.press("w")
    term.wait_for("utilisation now → after the move")
    term.press("enter")
    term.wait_for("SCENARIO · 1 move, not made  DEMO-C", "z undo · l list · X discard")
    term.press("l")
    term.wait_for("Moves tried (nothing is written anywhere)")
    term.press("e")
    term.wait_for("Proposed reallocation as of 2026-11-26")
    term.press("escape")
    term.wait_for("SCENARIO · 1 move", absent=["Proposed reallocation"])
    term.press("l")
    term.wait_for("Moves tried")
    term.press("z")
    term.wait_for("Capacity", absent=["Moves tried", "SCENARIO ·"])  # undone: no banner
    term.press("w")
    term.wait_for("utilisation now → after the move")
    term.press("enter")
    term.wait_for("SCENARIO · 1 move")
    term.press("l")
    term.wait_for("Moves tried")
    term.press("X")
    term.wait_for("Scenario discarded", absent=["Moves tried"])
    term.press("w")
    term.wait_for("utilisation now → after the move")
    term.press("enter")
    term.wait_for("SCENARIO · 1 move")
    term.press("z")
    term.wait_for("Capacity", absent=["SCENARIO"])
    term.press("w")
    term.wait_for("utilisation now → after the move")
    term.press("enter")
    term.wait_for("SCENARIO · 1 move")
    term.press("X")
    term.wait_for("Scenario discarded", absent=["SCENARIO ·"])
    term.press("P")
    term.wait_for("PRESENTING", "Presenting:")
    term.press("n")
    term.wait_for("Showing this worker's name")
    term.press("P")
    term.wait_for("Presenting off", absent=["PRESENTING"])


def test_every_key_on_every_screen_in_a_real_terminal(demo_master: Path, tmp_path: Path):
    database = Path(shutil.copy(demo_master, tmp_path / "demo.db"))
    exported = tmp_path / "out" / "teams.csv"
    exported.parent.mkdir()
    term = Terminal(["--db", str(database), "--as-of", "26/11/2026"], home=tmp_path / "home")
    try:
        walk(term, database, exported)
    finally:
        term.close()


def walk(term: Terminal, database: Path, exported: Path) -> None:
    # --- overview --------------------------------------------------------------------
    term.wait_for("Organisation", "as of Thu 26 Nov 2026", FIRST_TEAM, "Workers over")
    term.press("f")
    term.wait_for("Showing only rows over or near.")
    term.press("f")
    term.wait_for("Showing every row.")
    term.press("slash")
    term.type("arun interv")
    term.wait_for("Arun Assessment and Intervention", "esc Clear", absent=[SECOND_TEAM])
    term.press("escape")
    term.wait_for(SECOND_TEAM, absent=["esc Clear"])
    term.press("slash")
    term.type("over")  # the status word behind the ▲ marks
    term.wait_until(only_rows_with("▲"), "only teams with someone over")
    term.press("escape")
    term.wait_until(lambda t: not only_rows_with("▲")(t), "every team again")
    walk_table_keys(term, "Over/near", FIRST_TEAM)
    term.press("j", "enter")
    term.wait_for(f"Organisation › {SECOND_TEAM}")
    term.press("escape")
    term.wait_for("Workers over")
    term.press("G", "enter")
    term.wait_for(f"Organisation › {LAST_TEAM}")
    term.press("backspace")
    term.press("g", "k", "enter")
    term.wait_for(f"Organisation › {FIRST_TEAM}")
    term.press("q")
    term.wait_for("Workers over")

    # --- several teams in one list: a service area's, then the teams marked ------------
    term.press("down", "down", "W")
    area = "Organisation › Service area: Assessment and Intervention · 7 teams"
    term.wait_for(area, "Weeks over", "Team")
    term.press("f")
    term.wait_for("Showing only rows over or near.")
    term.wait_until(
        lambda t: (
            bool(rows := table_rows(t, "Weeks over"))
            and all("▲ over" in row or "● near" in row for row in rows)
        ),
        "only workers over or near",
    )
    term.press("f")
    term.wait_for("Showing every row.")
    walk_table_keys(term, "Weeks over")
    term.press("e")
    term.wait_for("Export the", "enter writes, esc cancels.")
    term.press("escape")
    term.wait_for(area, absent=["Export the"])
    term.press("enter")
    term.wait_for("Capacity", "Shared", absent=["Service area:"])
    term.press("escape")
    term.wait_for(area)
    term.press("q")
    term.wait_for("Workers over", absent=["Service area:"])
    term.press("space")
    term.wait_for("Marked Arun Assessment", "■")
    term.press("W")
    term.wait_for("Organisation › 1 chosen team", "Weeks over")
    term.press("backspace")
    term.wait_for("Workers over")
    term.press("space")
    term.wait_for("Unmarked Arun Assessment")  # the toast wraps
    term.wait_until(lambda t: "■" not in t.text(), "the mark gone")
    term.press("g")  # back to the first team, where the walk goes on from

    term.press("question_mark")
    term.wait_for("Keys on this screen", "Flagged", "Problems")
    term.press("end")  # the help scrolls: Textual's own keys come last
    term.wait_for("Textual's own keys")
    term.press("question_mark")
    term.wait_for("Workers over", absent=["Keys on this screen"])
    term.press("p")
    term.wait_for("Organisation › Data problems")
    walk_table_keys(term, "Detail")
    term.press("escape")
    term.wait_for("Workers over")

    term.press("e")
    term.wait_for("Export the 35 rows shown", "enter writes, esc cancels.")
    term.press("escape")
    term.wait_for("Workers over", absent=["Export the"])
    term.press("e")
    term.wait_for("Export the 35 rows shown")
    clear_input(term)
    term.type(str(exported))
    term.press("enter")
    term.wait_for("Wrote 35 rows to")
    assert exported.exists()

    term.press("a")
    term.wait_for("Work out the figures as of")
    clear_input(term)
    term.type("12/31/2026")
    term.press("enter")
    term.wait_for("12/31/2026", "month")
    term.press("escape")
    term.wait_for("as of Thu 26 Nov 2026", absent=["Work out the figures"])
    term.press("a")
    term.wait_for("Work out the figures as of", "26/11/2026")  # the date as people write it
    clear_input(term)
    term.type("01/06/2026")
    term.press("enter")
    term.wait_for("as of Mon 1 Jun 2026", "Figures recomputed as of 2026-06-01.")
    term.press("a")
    term.wait_for("Work out the figures as of", "01/06/2026")
    clear_input(term)
    term.type("2026-11-26")
    term.press("enter")
    term.wait_for("as of Thu 26 Nov 2026", "Workers over")

    term.press("r")
    term.wait_for("Workers over", FIRST_TEAM)

    term.press("ctrl+p")
    # Before anything is typed: the app's own actions, and no team.
    term.wait_for("Change the as-of date", "Data problems", absent=["team ·"])
    term.type("horsham")
    term.wait_for("Horsham Assessment and Intervention")
    term.press("escape")
    term.wait_for("Workers over")

    term.press("u")
    term.wait_for("Organisation › Unallocated cases")
    walk_table_keys(term, "Days waiting")
    term.press("e")
    term.wait_for("Export the", "enter writes, esc cancels.")
    term.press("escape")
    term.wait_for("Organisation › Unallocated cases", absent=["Export the"])
    term.press("w")  # give the longest-waiting case to someone: the picker, then esc
    term.wait_for("utilisation now → after the move")
    term.press("escape")
    term.wait_for("Organisation › Unallocated cases", absent=["after the move"])
    term.press("q")
    term.wait_for("Workers over")

    term.press("t")
    term.wait_for("Organisation › Trend", "chart 1 of 3")
    term.press("m")
    term.wait_for("chart 2 of 3")
    term.press("f")
    term.wait_for("Showing only rows over or near.")
    term.press("f")
    walk_table_keys(term, "Week to")
    term.press("backspace")
    term.wait_for("Workers over")

    # --- a team, a worker, their trends --------------------------------------------
    term.press("down", "down", "enter")
    team = "Arun Assessment and Intervention"
    term.wait_for(f"Organisation › {team}", "Weeks over")
    term.press("f")
    term.wait_for("Showing only rows over or near.")
    term.press("f")
    walk_table_keys(term, "Weeks over")
    term.press("u")
    term.wait_for(f"Organisation › {team} › Unallocated cases")
    term.press("backspace")
    term.press("t")
    term.wait_for(f"Organisation › {team} › Trend")
    term.press("q")
    term.wait_for(f"Organisation › {team}", "Weeks over", absent=["› Trend"])
    term.press("question_mark")
    term.wait_for("Keys on this screen", "Unallocated")
    term.press("q")
    term.wait_for("Weeks over", absent=["Keys on this screen"])
    term.press("enter")
    term.wait_for("Capacity", "Load", "Shared")
    walk_table_keys(term, "Complexity")
    walk_supervision_keys(term)
    term.press("t")
    term.wait_for("› Trend", "Utilisation (%)", "100%")
    term.press("m")
    term.wait_for("Cases, weighted load and capacity")
    term.press("escape")
    term.wait_for("Capacity", absent=["› Trend"])
    term.press("escape")
    term.wait_for("Weeks over")

    # --- the database changes under the app --------------------------------------------
    stat = database.stat()
    os.utime(database, ns=(stat.st_atime_ns, stat.st_mtime_ns + 5_000_000_000))
    term.wait_for("The database changed on disk; figures reloaded.")
    term.press("escape")
    term.wait_for("Workers over")
    term.wait_until(lambda t: open_cases(t) is not None, "the Open cases figure")
    before = open_cases(term)
    assert before is not None
    connection = sqlite3.connect(database, isolation_level=None)
    team_id = connection.execute("SELECT id FROM teams WHERE name = ?", (team,)).fetchone()[0]
    connection.execute(
        "INSERT INTO cases (case_ref, team_id, case_type, complexity, opened_on)"
        " VALUES ('RT-NEW-1', ?, 'CIN', 'standard', '2026-11-01')",
        (team_id,),
    )
    connection.close()
    term.wait_for("The database changed on disk; figures reloaded.")
    term.wait_until(lambda t: open_cases(t) == before + 1, "one more open case on the overview")

    # --- the error screen: the file is no longer a database ------------------------------
    saved = database.read_bytes()
    database.write_bytes(b"not a database at all\n")
    term.press("r")
    term.wait_for("The database could not be read")
    term.press("a")
    term.wait_for("Work out the figures as of", "enter applies")
    term.press("escape")
    term.wait_for("The database could not be read", absent=["Work out the figures"])
    term.press("escape")
    # The figures read before. Their history is there if it was worked out before the read
    # failed, and is said to be missing if the failure cut it off (which one is a race
    # between the history's read and the key: on a loaded machine either comes first).
    term.wait_for("Open cases", absent=["could not be read"])
    term.wait_until(
        lambda t: ("history not available" in t.text()) != ("Workers over" in t.text()),
        "the figures read before, with their history or saying it is not available",
    )
    term.press("r")
    term.wait_for("The database could not be read")
    database.write_bytes(saved)
    term.press("r")
    term.wait_for("Open cases", absent=["could not be read"])
    term.wait_for("Workers over", timeout=90)  # the history, read after the figures
    database.write_bytes(b"not a database at all\n")
    term.press("r")
    term.wait_for("The database could not be read")
    term.press("q")
    term.child.expect(pexpect.EOF, timeout=20)


def test_ctrl_q_quits_from_any_screen(demo_master: Path, tmp_path: Path):
    database = Path(shutil.copy(demo_master, tmp_path / "demo.db"))
    term = Terminal(["--db", str(database), "--as-of", "2026-11-26"], home=tmp_path / "home")
    try:
        term.wait_for("Workers over")
        term.press("enter")
        term.wait_for("Weeks over")
        term.press("ctrl+q")
        term.child.expect(pexpect.EOF, timeout=20)
    finally:
        term.close()


def test_a_small_terminal_without_colour(demo_master: Path, tmp_path: Path):
    """80×24 with NO_COLOR: rows for the table, one line of keys, charts told apart by
    marker, the unknown and the over read in words."""
    database = Path(shutil.copy(demo_master, tmp_path / "demo.db"))
    term = Terminal(
        ["--db", str(database), "--as-of", "26/11/2026"],
        home=tmp_path / "home",
        columns=80,
        lines=24,
        extra_env={"NO_COLOR": "1"},
    )
    try:
        term.wait_for(FIRST_TEAM, "Last 12 wk:", "? Help")
        lines = term.text().splitlines()
        assert sum(line.startswith(("Children", "Care", "Adur", "Arun")) for line in lines) >= 8
        assert lines[-1].lstrip().startswith("q Quit") and "? Help" in lines[-1]
        term.press("t")
        term.wait_for("Organisation › Trend", "• average")
        term.press("m")
        term.wait_for("• over", "× near", "+ sustained")
        chart = term.text()
        assert "×" in chart.split("× near", 1)[1]  # the near series is drawn in its marker
        term.press("escape")
        term.wait_for(FIRST_TEAM)
        term.press("down", "down", "enter")
        term.wait_for("▲ over", "Weeks over")
    finally:
        term.close()


@pytest.mark.parametrize(
    "steps",
    [
        (),
        ("enter",),
        ("enter", "enter"),
        ("W",),
        ("u",),
        ("t",),
        ("p",),
        ("question_mark",),
        ("a",),
        ("e",),
        ("enter", "enter", "w"),
        ("u", "w"),
    ],
)
async def test_the_walk_presses_every_key_the_help_lists(demo_db, make_app, steps):
    """Every key of the app's own on each screen is one the real-terminal walk presses."""
    from cfmonitor.tui.screens.base import TableScreen
    from cfmonitor.tui.screens.help import HelpScreen, is_the_apps

    app = make_app(demo_db)
    async with app.run_test(size=(120, 36), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press(*steps)
        await pilot.pause()
        screen = app.screen
        name = type(screen).__name__
        listed = {
            key for key, active in screen.active_bindings.items() if is_the_apps(active.binding)
        }
        table_keys = WALKED["TableScreen"] if isinstance(screen, TableScreen) else set()
        assert listed <= WALKED[name] | table_keys, (name, listed - WALKED[name] - table_keys)
        if "question_mark" in listed and not isinstance(screen, HelpScreen):
            await pilot.press("question_mark")
            assert isinstance(app.screen, HelpScreen)
            shown = {name for _key, name, _tip in app.screen.own_rows}
            assert {
                active.binding.description
                for active in screen.active_bindings.values()
                if is_the_apps(active.binding)
            } <= shown
