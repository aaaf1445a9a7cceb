"""Parse `--db` / `$CFMONITOR_DB`: a SQLite path, or a `postgresql://` URL.

A URL's password is kept apart from everything that is ever shown: the label names
user, host, port and database only (`postgresql://reader@host:5432/db`), and the
password is read back only when the connection string is made.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from cfmonitor.errors import CfmonitorError

SCHEMES = ("postgresql", "postgres")
"""`postgres://` is the alias every PostgreSQL client accepts."""
DEFAULT_PORT = 5432


class LocationError(CfmonitorError):
    """A `--db` value that names no database cfmonitor can reach."""


@dataclass(frozen=True)
class SqliteLocation:
    """A SQLite database file."""

    path: Path

    @property
    def label(self) -> str:
        return str(self.path)


@dataclass(frozen=True)
class PostgresLocation:
    """A PostgreSQL database. Empty fields are left to libpq (PGHOST, PGSERVICE, …)."""

    host: str = ""
    port: int | None = None
    user: str = ""
    database: str = ""
    options: tuple[tuple[str, str], ...] = ()
    """Other libpq settings from the URL's query (sslmode, service, passfile, …)."""
    password: str | None = field(default=None, repr=False, compare=False)
    """Only from the URL; never in `label`, `repr` or any message."""

    @property
    def label(self) -> str:
        """What messages and screens show: never the password."""
        user = f"{urllib.parse.quote(self.user, safe='')}@" if self.user else ""
        host = self.host
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        if host.startswith("/"):  # a socket folder: libpq's `host=` in the query
            host = ""
        port = f":{self.port or DEFAULT_PORT}" if host else ""
        database = urllib.parse.quote(self.database, safe="")
        service = dict(self.options).get("service")
        shown = f"postgresql://{user}{host}{port}/{database}"
        return f"{shown}?service={service}" if service and not host else shown

    def conninfo(self, **settings: str) -> str:
        """libpq's `key=value` connection string, with `settings` (`options`, …) added.

        Without a password here, libpq itself looks in PGPASSWORD, ~/.pgpass and the
        PGSERVICE service file, as every PostgreSQL client does.
        """
        pairs: dict[str, str] = dict(self.options)
        for key, value in (
            ("host", self.host),
            ("port", str(self.port) if self.port else ""),
            ("user", self.user),
            ("dbname", self.database),
            ("password", self.password or ""),
        ):
            if value:
                pairs[key] = value
        pairs.update(settings)
        return " ".join(f"{key}={_quoted(value)}" for key, value in pairs.items())


def _quoted(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("'", "\\'")
    return f"'{escaped}'"


Location = SqliteLocation | PostgresLocation


def is_postgres_url(text: str) -> bool:
    scheme, separator, _ = text.partition("://")
    return bool(separator) and scheme.lower() in SCHEMES


def parse_location(text: str | Path) -> Location:
    """`text` as a database location. Anything not a PostgreSQL URL is a SQLite path."""
    if isinstance(text, Path) or not is_postgres_url(text):
        return SqliteLocation(Path(text))
    return parse_postgres(text)


def parse_postgres(text: str) -> PostgresLocation:
    """A `postgresql://` (or `postgres://`) URL; the password is kept out of every message."""
    if not is_postgres_url(text):
        raise LocationError("not a postgresql:// URL.")
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
    except ValueError:
        # Never echo the URL: it may hold a password.
        raise LocationError(
            "the PostgreSQL URL cannot be read; write it as "
            "postgresql://USER@HOST:PORT/DATABASE (the port a number)."
        ) from None
    database = urllib.parse.unquote(parts.path.lstrip("/"))
    if "/" in database:
        raise LocationError(
            "the PostgreSQL URL names a path, not a database; write it as "
            "postgresql://USER@HOST:PORT/DATABASE."
        )
    options = tuple(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
    given = dict(options)
    password = parts.password
    if "password" in given:
        password = given["password"]
    options = tuple((k, v) for k, v in options if k != "password")
    host = urllib.parse.unquote(parts.hostname or "") if parts.hostname else ""
    if not host and given.get("host"):
        host = given["host"]
        options = tuple((k, v) for k, v in options if k != "host")
    return PostgresLocation(
        host=host,
        port=port,
        user=urllib.parse.unquote(parts.username or ""),
        database=database,
        options=options,
        password=urllib.parse.unquote(password) if password is not None else None,
    )
