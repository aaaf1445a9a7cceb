"""The PostgreSQL DDL is generated from the models, and what it stores reads back exactly."""

from __future__ import annotations

from pathlib import Path

from cfmonitor.database.pg_schema import schema_sql

ROOT = Path(__file__).resolve().parents[2]


def test_the_schema_file_is_what_the_models_generate() -> None:
    shipped = (ROOT / "db" / "schema.postgresql.sql").read_text(encoding="utf-8")
    assert shipped == schema_sql(), (
        "regenerate: python -m cfmonitor.database.pg_schema > db/schema.postgresql.sql"
    )


def test_ids_are_bigint_and_fractions_double_precision() -> None:
    sql = schema_sql()
    assert "REAL" not in sql
    assert "SERIAL" not in sql
    for column in ("fte", "percent", "establishment_fte"):
        assert f"\t{column} DOUBLE PRECISION" in sql
    assert "\tid BIGINT NOT NULL," in sql
    assert "\tcase_id BIGINT NOT NULL," in sql


def test_the_schema_runs_and_fte_reads_back_exactly(postgres) -> None:
    import adbc_driver_postgresql.dbapi as adbc

    with (
        adbc.connect(postgres.server.socket_url(database="demo")) as connection,
        connection.cursor() as cursor,
    ):
        cursor.execute("SELECT count(*) FROM workers WHERE fte = 0.8")
        (exactly,) = cursor.fetchone()
        cursor.execute("SELECT version FROM cfmonitor_schema")
        (version,) = cursor.fetchone()
    assert exactly > 0
    assert version == 2


CATALOG = (
    "SELECT conrelid::regclass::text, conname, pg_get_constraintdef(oid) FROM pg_constraint "
    "WHERE connamespace = 'public'::regnamespace "
    "UNION ALL SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' "
    "ORDER BY 1, 2, 3"
)


def _catalog(postgres, database: str) -> list[tuple[str, str, str]]:
    import adbc_driver_postgresql.dbapi as adbc

    url = postgres.server.socket_url(database=database)
    with adbc.connect(url) as connection, connection.cursor() as cursor:
        cursor.execute(CATALOG)
        return [tuple(row) for row in cursor.fetchall()]


def test_a_bulk_copy_keeps_every_key_and_index_of_the_schema(postgres) -> None:
    """The tests' and the bench's loader makes keys and indexes after COPY: the database
    it leaves has exactly the keys, references and indexes `init` makes."""
    from cfmonitor.database.location import parse_postgres
    from cfmonitor.database.pg_schema import create_schema_in
    from tests.postgres import server as pg

    pg.create_database(postgres.server, "initialised")
    create_schema_in(
        parse_postgres(postgres.url("initialised", pg.SUPERUSER, pg.SUPERUSER_PASSWORD))
    )
    made = _catalog(postgres, "initialised")
    assert len([row for row in made if "FOREIGN KEY" in row[2]]) == 5
    assert _catalog(postgres, "demo") == made
