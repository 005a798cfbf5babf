"""Migrations: a database made by the previous release (d4fe00e, before migrations) is adopted and
keeps every row; a new one is created; the models and the migrations never drift apart.

The previous release's schema and rows are in tests/fixtures/previous_release/, written by that
release's own code (``make_fixture.py`` there says how).
"""

from __future__ import annotations

import json
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import Boolean, Column, Date, DateTime, MetaData, Table, Text, create_engine, inspect, select

from portal import create_app
from portal.db import Base, make_engine
from portal.migrations import (
    BASELINE,
    head_revision,
    migration_engine,
    schema_differences,
    script_heads,
    upgrade_database,
)
from portal.migrations.cli import FIX_HINT

from .conftest import BACKENDS, REAL_CONTENT, PostgresSchema, postgres_reason

PREVIOUS = Path(__file__).parent / "fixtures" / "previous_release"
ROWS = json.loads((PREVIOUS / "rows.json").read_text())


@pytest.fixture(scope="module", autouse=True)
def every_model(tmp_path_factory) -> None:
    """Base.metadata holds every model once an app is made (each capability brings its own)."""
    instance = tmp_path_factory.mktemp("models")
    create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(instance), "REDIS_URL": None})


@pytest.fixture(params=BACKENDS)
def empty_database(request, tmp_path) -> str:
    """The address of an empty database on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'previous.sqlite3'}"
        return
    reason = postgres_reason()
    if reason:
        pytest.skip(reason)
    schema = PostgresSchema()
    yield schema.url
    schema.drop()


def _value(column: Column, value: object) -> object:
    if value is None:
        return None
    if isinstance(column.type, DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, Date):
        return date.fromisoformat(value)
    if isinstance(column.type, Boolean):
        return bool(value)
    return value


def _plain(value: object) -> object:
    """A stored value as the fixture writes it (SQLite gives naive UTC datetimes back)."""
    if isinstance(value, datetime):
        return (value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return value


def previous_release_database(url: str) -> None:
    """The schema d4fe00e's create_all made, with rows of every kind production holds."""
    engine = make_engine(url)
    name = "postgresql" if url.startswith("postgresql") else "sqlite"
    statements = (PREVIOUS / f"schema.{name}.sql").read_text().split(";\n")
    with engine.begin() as connection:
        for statement in statements:
            if statement.strip():
                connection.exec_driver_sql(statement)
        metadata = MetaData()
        for table_name, rows in ROWS.items():
            if rows:
                table = Table(table_name, metadata, autoload_with=connection)
                connection.execute(table.insert(), [{k: _value(table.c[k], v) for k, v in r.items()} for r in rows])
        if name == "postgresql":  # ids were given: move each sequence past them, as the release's inserts had
            for table_name, rows in ROWS.items():
                if rows and isinstance(rows[0].get("id"), int):
                    sequence = f"pg_get_serial_sequence('{table_name}', 'id')"
                    connection.exec_driver_sql(f"SELECT setval({sequence}, (SELECT max(id) FROM {table_name}))")
    engine.dispose()


def stored_rows(url: str) -> dict[str, list[dict]]:
    engine = make_engine(url)
    found = {}
    with engine.connect() as connection:
        metadata = MetaData()
        for table_name in ROWS:
            table = Table(table_name, metadata, autoload_with=connection)
            result = connection.execute(select(table).order_by(*table.primary_key.columns))
            # (tsv: PostgreSQL's search column, made by the search backend, not part of the rows written)
            found[table_name] = [{k: _plain(v) for k, v in row._mapping.items() if k != "tsv"} for row in result]
    engine.dispose()
    return found


def test_a_database_made_by_the_previous_release_is_adopted_and_keeps_every_row(empty_database, tmp_path):
    previous_release_database(empty_database)
    assert sum(map(len, ROWS.values())) > 300 and ROWS["event"] and ROWS["feed_note"] and ROWS["partner_feed"]

    result = upgrade_database(empty_database)

    assert result.adopted and result.before is None and result.after == head_revision()
    assert result.tables_kept == len(ROWS)
    after = stored_rows(empty_database)
    for table_name, rows in ROWS.items():
        kept = after[table_name]
        if table_name == "article":  # the one new column, filled for the articles already there
            assert {row.pop("sources_json") for row in kept} == {"[]"}
        # The Simplified copies (0004) start empty: the next sync and feed refresh make them.
        simplified = {value for row in kept for name in list(row) if name.endswith("_zhs") for value in [row.pop(name)]}
        assert simplified <= {""}, f"{table_name}: Simplified columns filled by the migration"
        assert kept == rows, f"{table_name}: rows changed by the upgrade"
    # Upgrading again changes nothing; the adopted database is what the models describe.
    again = upgrade_database(empty_database)
    assert (again.before, again.after, again.adopted) == (head_revision(), head_revision(), False)
    with migration_engine(empty_database).connect() as connection:
        assert schema_differences(connection) == []


def test_the_adopted_site_serves_its_old_events_and_partner_health_and_takes_new_rows(empty_database, tmp_path):
    previous_release_database(empty_database)
    upgrade_database(empty_database)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path / "instance"),
                      "DATABASE_URL": empty_database, "REDIS_URL": None, "CONTENT_DIR": str(REAL_CONTENT),
                      "SITE_URL": "http://portal.test"})  # fmt: skip
    try:
        client = app.test_client()
        event = next(row for row in ROWS["event"] if row["source"] == "feed")
        page = client.get(f"/en/events/{event['id']}")
        assert page.status_code == 200 and event["title_en"] in page.get_data(as_text=True)
        health = client.get("/en/partners/harbour-family").get_data(as_text=True)
        assert "Harbour Family Centre" in health
        # New rows get new ids after the old ones (PostgreSQL sequences and SQLite rowids survived).
        from portal.db import session_scope
        from portal.feedback.model import Feedback

        with session_scope(app) as session:
            row = Feedback(received=datetime.now(UTC), page="/en", lang="en", category="useful", comment="")
            session.add(row)
            session.flush()
            assert row.id > max(r["id"] for r in ROWS["feedback"])
    finally:
        app.extensions["portal.engine"].dispose()


def test_flask_db_upgrade_creates_a_new_database_and_says_so(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.sqlite3'}"
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
                      "REDIS_URL": None})  # fmt: skip
    runner = app.test_cli_runner()
    assert runner.invoke(args=["db", "current"]).exit_code == 1  # nothing yet
    result = runner.invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"from nothing to {head_revision()}" in result.output and "Adopted" not in result.output
    assert runner.invoke(args=["db", "current"]).exit_code == 0
    assert runner.invoke(args=["db", "upgrade"]).output.strip().endswith(f"at {head_revision()} already.")
    check = runner.invoke(args=["db", "check"])
    assert check.exit_code == 0 and "agree" in check.output
    app.extensions["portal.engine"].dispose()


def test_flask_db_upgrade_reports_an_adoption(tmp_path):
    url = f"sqlite:///{tmp_path / 'previous.sqlite3'}"
    previous_release_database(url)
    app = create_app({"TESTING": True, "SECRET_KEY": "t", "INSTANCE_PATH": str(tmp_path), "DATABASE_URL": url,
                      "REDIS_URL": None})  # fmt: skip
    result = app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert f"its {len(ROWS)} tables and their rows were kept" in result.output
    assert f"from nothing to {head_revision()}" in result.output
    app.extensions["portal.engine"].dispose()


def test_a_development_database_made_by_create_all_is_adopted_without_adding_a_column_twice(tmp_path):
    url = f"sqlite:///{tmp_path / 'dev.sqlite3'}"
    engine = make_engine(url)
    Base.metadata.create_all(engine)  # what the code before migrations did at start-up (sources_json included)
    engine.dispose()
    result = upgrade_database(url)
    assert result.adopted and result.after == head_revision()
    with migration_engine(url).connect() as connection:
        assert schema_differences(connection) == []


def test_the_models_and_the_migrations_agree(backend_app):
    """Red when a model changed without a migration: the message says how to add one."""
    with migration_engine(backend_app.config["DATABASE_URL"]).connect() as connection:
        differences = schema_differences(connection)
    assert differences == [], "\n".join(map(str, differences)) + "\n\n" + FIX_HINT


def test_a_model_change_without_a_migration_is_caught(tmp_path):
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade_database(url)
    changed = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(changed)
    changed.tables["article"].append_column(Column("subtitle", Text, nullable=False, default=""))
    with migration_engine(url).connect() as connection:
        differences = schema_differences(connection, changed)
    assert [(d[0], d[2], d[3].name) for d in differences] == [("add_column", "article", "subtitle")]


def test_the_migrations_form_one_line_from_the_baseline():
    """Two branches that each added a migration must be joined (flask db merge) before they land."""
    assert script_heads() == [head_revision()]
    engine = create_engine("sqlite://")
    with engine.connect() as connection:
        assert "alembic_version" not in inspect(connection).get_table_names()
    assert BASELINE == "0001_baseline"


def test_an_upgrade_that_fails_half_way_on_sqlite_leaves_nothing_behind(tmp_path):
    """The migration engine makes SQLite's DDL transactional (pysqlite would run it outside any transaction)."""
    url = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    upgrade_database(url)
    engine = migration_engine(url)
    with pytest.raises(RuntimeError), engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE half_done (id INTEGER PRIMARY KEY)")
        connection.exec_driver_sql("ALTER TABLE article ADD COLUMN half_done TEXT")
        raise RuntimeError("the next step of the migration failed")
    with engine.connect() as connection:
        assert "half_done" not in inspect(connection).get_table_names()
        assert "half_done" not in {c["name"] for c in inspect(connection).get_columns("article")}
    engine.dispose()


def test_two_upgrades_at_once_queue_and_the_second_finds_the_work_done(empty_database):
    """Two deploys (or workers with PORTAL_DATABASE_UPGRADE_ON_START) upgrading one database together."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(lambda _n: upgrade_database(empty_database), range(2)))
    assert sorted(r.before or "" for r in results) == ["", head_revision()]
    assert {r.after for r in results} == {head_revision()}
