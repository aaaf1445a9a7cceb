"""Connect to PostgreSQL through ADBC's libpq driver, and explain what goes wrong.

The driver is an extra (`pip install 'cfmonitor[postgres]'`): a council laptop that
only opens files does not pay for it. Every failure becomes one sentence that names
the database by its label, never by its password: the password is also cut out of
libpq's own words before they are shown, in case a server ever echoes it.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from cfmonitor.database.location import PostgresLocation
from cfmonitor.errors import CfmonitorError

if TYPE_CHECKING:
    from adbc_driver_manager.dbapi import Connection

INSTALL_HINT = "pip install 'cfmonitor[postgres]'"
CONNECT_TIMEOUT_SECONDS = 10
READ_ONLY = "-c default_transaction_read_only=on"
"""Every reading connection's transactions are read-only: a slip in cfmonitor cannot
write. A client can switch it off, so the README's SELECT-only role is what stops writes."""


class PostgresError(CfmonitorError):
    """A PostgreSQL database that cannot be reached or read; one sentence, no password."""


class DriverMissing(PostgresError):
    """The ADBC PostgreSQL driver is not installed."""


def driver() -> Any:
    """The ADBC PostgreSQL DB-API module, or one sentence saying how to install it."""
    try:
        import adbc_driver_postgresql.dbapi as dbapi
    except ImportError:
        raise DriverMissing(
            f"reading PostgreSQL needs the ADBC PostgreSQL driver; install it with {INSTALL_HINT}."
        ) from None
    return dbapi


def connect(location: PostgresLocation, *, read_only: bool = True) -> Connection:
    """A new connection in autocommit mode: callers BEGIN their own transaction, with
    the isolation level they need."""
    dbapi = driver()
    settings = {
        "application_name": "cfmonitor",
        "connect_timeout": str(CONNECT_TIMEOUT_SECONDS),
    }
    if read_only:
        settings["options"] = READ_ONLY
    try:
        return dbapi.connect(location.conninfo(**settings), autocommit=True)
    except Exception as error:
        raise explain(location, error) from None


_QUOTED = r'"([^"]{1,80})"'


def _reason(location: PostgresLocation, error: BaseException) -> str:
    """libpq's first meaningful line, without ADBC's prefixes or the password."""
    text = str(error)
    if location.password:
        text = text.replace(location.password, "…")
    text = re.sub(r"^[A-Z_]+: (\[libpq\] )?", "", text.strip())
    text = re.sub(
        r"^Failed to (?:connect|execute query|prepare query|begin COPY)(?: '.*?')?: ",
        "",
        text,
        flags=re.S,
    )
    text = re.sub(r"(?s)(\. )?SQLSTATE: \w+$", "", text)
    text = re.sub(r"(?s)\nQuery was: .*$", "", text)
    first = next((line.strip() for line in text.splitlines() if line.strip()), "unknown error")
    first = re.sub(r"^(ERROR|FATAL):\s+", "", first)
    first = re.sub(r"^connection to server at .*? failed: (FATAL:\s+)?", "", first)
    return first if len(first) <= 160 else first[:159] + "…"


def explain(location: PostgresLocation, error: BaseException) -> PostgresError:
    """One sentence for a connection or query failure."""
    if isinstance(error, PostgresError):
        return error
    where = location.label
    reason = _reason(location, error)
    lowered = reason.lower()
    quoted = re.search(_QUOTED, reason)
    name = quoted.group(1) if quoted else ""
    if "password authentication failed" in lowered:
        return PostgresError(f"{where}: the server refused the password for user {name}.")
    if "no password supplied" in lowered:
        return PostgresError(
            f"{where}: the server wants a password; give it in PGPASSWORD, ~/.pgpass "
            "or a PGSERVICE service file (or in the URL)."
        )
    if "could not translate host name" in lowered:
        return PostgresError(f"{where}: unknown host {name or location.host}.")
    if "connection refused" in lowered:
        return PostgresError(
            f"{where}: nothing is listening there (connection refused); "
            "check the host and port, and that the server is running."
        )
    if "timeout expired" in lowered or "timed out" in lowered:
        return PostgresError(f"{where}: the server did not answer in time.")
    if "database" in lowered and "does not exist" in lowered:
        return PostgresError(f"{where}: the server has no database named {name}.")
    if "role" in lowered and "does not exist" in lowered:
        return PostgresError(f"{where}: the server has no user named {name}.")
    if "permission denied for" in lowered:
        table = re.search(r"permission denied for (?:table|relation|sequence) (\w+)", reason)
        what = f"table {table.group(1)}" if table else "a table cfmonitor reads"
        return PostgresError(
            f"{where}: user {location.user or 'this user'} may not read {what}; "
            "grant it SELECT (see the README, 'On PostgreSQL')."
        )
    if "read-only transaction" in lowered:
        return PostgresError(
            f"{where}: a write was refused: this command opens the database read-only."
        )
    if "relation" in lowered and "does not exist" in lowered:
        return PostgresError(
            f"{where}: has no table {name}; create cfmonitor's tables with "
            f"`cfmonitor init {where}`."
        )
    return PostgresError(f"{where}: cannot be read ({reason}).")
