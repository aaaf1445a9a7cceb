"""Where the data lives: a SQLite file or a PostgreSQL server, and how to reach it.

`location` parses `--db`; `connection` opens PostgreSQL through ADBC (whose errors it
turns into one sentence without the password); `pg_schema` is the PostgreSQL DDL made
from the same SQLModel models as SQLite's. Nothing here imports Textual.
"""

QUICK_CHECK_NOTE = (
    "quick_check: no counterpart on PostgreSQL (the server keeps its own files sound)"
)
"""What `check` says where SQLite's `PRAGMA quick_check` would be."""
