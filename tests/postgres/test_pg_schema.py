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
