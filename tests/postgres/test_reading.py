"""The PostgreSQL reader gives the SQLite reader's frames, from a read-only transaction."""

from __future__ import annotations

import pytest
from polars.testing import assert_frame_equal

from cfmonitor.data import reading
from cfmonitor.data.store import TABLE_NAMES
from cfmonitor.database import pg_reading
from cfmonitor.database.location import parse_location
from tests.postgres.conftest import DEMO_DAY


@pytest.mark.parametrize("as_of", [None, DEMO_DAY])
def test_the_same_frames_as_the_sqlite_file(postgres, as_of) -> None:
    location = parse_location(postgres.demo)
    from_postgres = pg_reading.load_frames(location, as_of=as_of)
    from_sqlite = reading.load_frames(postgres.sqlite_demo, as_of=as_of)
    for table in TABLE_NAMES:
        assert_frame_equal(getattr(from_postgres, table), getattr(from_sqlite, table))
    assert from_postgres.source.is_demo
    assert from_postgres.source.schema_version == from_sqlite.source.schema_version
    assert from_postgres.source.last_import == from_sqlite.source.last_import
    assert from_postgres.source.first_day == from_sqlite.source.first_day
    assert from_postgres.source.last_day == from_sqlite.source.last_day
