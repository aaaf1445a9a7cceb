"""`cfmonitor serve` from the command line: check everything once, then listen.

A bad database or policy path is reported here, once, in one sentence, rather than in
every tab that opens. The demo database is made before the first tab asks for it.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import sys
from pathlib import Path

from cfmonitor.errors import CfmonitorError
from cfmonitor.safe_text import visible
from cfmonitor.serve.command import AppArguments

EXPOSED_WARNING = (
    "Warning: listening on {host}, which other computers may reach. cfmonitor serve has "
    "no TLS and no sign-on of its own: put a reverse proxy with TLS and single sign-on in "
    "front of it (see 'In a browser' in the README) and pass --public-url."
)


class ServeError(CfmonitorError):
    """The server cannot start; nothing was served."""


def app_arguments(
    db: Path | str | None, as_of: dt.date | None, policy: Path | None
) -> AppArguments:
    """Absolute paths, checked now: every tab's app gets exactly these."""
    from cfmonitor.locate import choose_database
    from cfmonitor.policy import load_policy

    load_policy(policy)  # a bad policy file is reported once, here
    if isinstance(db, str):  # a postgresql:// URL: it would be on each tab's command line
        from cfmonitor.database.location import parse_postgres

        raise ServeError(
            f"{parse_postgres(db).label}: give a PostgreSQL database to serve in "
            "CFMONITOR_DB (and its password in PGPASSWORD or ~/.pgpass), not --db, so it is "
            "not on every tab's command line."
        )
    if db is not None:
        if not db.is_file():
            raise ServeError(f"{visible(db)}: no such database file.")
        db = db.resolve()
    else:
        choose_database(None, dt.date.today())  # makes the demo now, not in the first tab
    return AppArguments(db=db, as_of=as_of, policy=policy.resolve() if policy else None)


def run(
    *,
    db: Path | str | None,
    as_of: dt.date | None,
    policy: Path | None,
    host: str,
    port: int,
    public_url: str | None,
    max_sessions: int,
    idle_minutes: float,
) -> None:
    try:
        from cfmonitor.serve.security import Access, is_loopback
        from cfmonitor.serve.server import CfmonitorServer, serve
    except ImportError:
        raise ServeError(
            "cfmonitor serve needs textual-serve; install it with: pip install 'cfmonitor[serve]'"
        ) from None
    arguments = app_arguments(db, as_of, policy)
    if public_url is not None and not public_url.startswith(("https://", "http://")):
        raise ServeError(f"--public-url {visible(public_url)}: give the full address, https://…")
    if not is_loopback(host):
        print(EXPOSED_WARNING.format(host=visible(host)), file=sys.stderr, flush=True)
    access = Access.new(host=host, public_url=public_url)
    server = CfmonitorServer(
        arguments,
        access,
        host=host,
        port=port,
        max_sessions=max_sessions,
        idle_minutes=idle_minutes,
    )
    try:
        asyncio.run(serve(server))
    except OSError as error:
        raise ServeError(
            f"cannot listen on {visible(host)} port {port} ({error.strerror or 'refused'}); "
            "choose another with --port."
        ) from None
