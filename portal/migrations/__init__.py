"""Schema migrations with Alembic: ``flask db upgrade`` makes or upgrades the database.

The application never creates tables itself: every schema change is a revision in
``versions/``, applied by :func:`upgrade_database` (``flask db upgrade``, ``make run``,
the test fixtures). The first revision is the schema of the last release made without
migrations; a database that release created (its tables, no ``alembic_version``) is
*adopted*: its tables and rows are kept, what it lacks is created, and it is stamped.

Plain Alembic rather than Flask-Migrate: the portal uses SQLAlchemy directly (one engine
per app, :mod:`portal.db`), and Flask-Migrate is built around Flask-SQLAlchemy.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from flask import Flask
from sqlalchemy import MetaData, event, inspect, text
from sqlalchemy.engine import Connection, Engine

from ..db import Base, UTCDateTime, lock_key, make_engine

if TYPE_CHECKING:
    from alembic.config import Config

# Alembic is imported inside the functions that use it: importing it (with the SQL dialects and Mako
# it pulls in) is about a third of a second, which every `flask` command and worker start-up would
# pay though only `flask db …`, the upgrade on start and /healthz's schema check need it.

HERE = Path(__file__).resolve().parent
BASELINE = "0001_baseline"
VERSION_TABLE = "alembic_version"

# Objects the search backends own, made by raw DDL in the baseline revision (see portal/search/model.py):
# the FTS5 table on SQLite (with the shadow tables FTS5 keeps), the tsvector column and its GIN index on
# PostgreSQL, and the narrow covering index on SQLite. No model declares them, so comparing models with the
# database must not report them.
SEARCH_TABLES = ("search_fts",)
SEARCH_INDEXES = frozenset({"ix_search_doc_tsv", "ix_search_doc_id_lang_kind"})
SEARCH_COLUMNS = frozenset({("search_doc", "tsv")})


@dataclass(frozen=True)
class UpgradeResult:
    before: str | None
    after: str | None
    adopted: bool  # tables made by the release before migrations were found and kept
    tables_kept: int


def init_app(app: Flask) -> None:
    """``flask db …``; with ``DATABASE_UPGRADE_ON_START`` (previews, tests, one-process sites) also the upgrade."""
    from .cli import db_cli

    app.cli.add_command(db_cli)
    if app.config.get("DATABASE_UPGRADE_ON_START"):
        upgrade_app_database(app)


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    """What autogenerate and the model check consider: everything but the search backends' own objects."""
    if type_ == "table" and reflected and compare_to is None and name and name.startswith(SEARCH_TABLES):
        return False
    if type_ == "index" and name in SEARCH_INDEXES:
        return False
    if type_ == "column" and reflected and compare_to is None and (obj.table.name, name) in SEARCH_COLUMNS:
        return False
    return True


def render_item(type_: str, obj: Any, autogen_context: Any) -> str | bool:
    """Write the portal's column types as plain SQLAlchemy ones, so a revision never imports portal code."""
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def alembic_config(connection: Connection, metadata: MetaData | None = None) -> Config:
    """An Alembic configuration that runs on ``connection`` (no alembic.ini: everything is here)."""
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(HERE))
    config.set_main_option("file_template", "%%(year)d%%(month).2d%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    config.attributes["metadata"] = metadata
    return config


@lru_cache(maxsize=1)
def head_revision() -> str | None:
    """The revision the code expects (read once per process: revisions do not change while serving)."""
    from alembic.script import ScriptDirectory

    heads = ScriptDirectory(str(HERE)).get_heads()
    return heads[0] if len(heads) == 1 else None


def script_heads() -> list[str]:
    from alembic.script import ScriptDirectory

    return list(ScriptDirectory(str(HERE)).get_heads())


def current_revision(connection: Connection) -> str | None:
    from alembic.migration import MigrationContext

    return MigrationContext.configure(connection).get_current_revision()


def migration_engine(url: str) -> Engine:
    """An engine for schema changes. On SQLite: transactional DDL (pysqlite runs DDL outside any
    transaction unless told otherwise), the write lock taken at BEGIN so two upgrades queue, and
    foreign keys not enforced while tables are rebuilt (batch mode), then checked at the end."""
    engine = make_engine(url, sqlite_pragmas=False)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine, "connect")
        def _connect(dbapi_connection, _record) -> None:
            dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
            dbapi_connection.execute("PRAGMA busy_timeout=30000")
            dbapi_connection.execute("PRAGMA journal_mode=WAL")

        @event.listens_for(engine, "begin")
        def _begin(connection) -> None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def legacy_tables(connection: Connection) -> list[str]:
    """The tables of a database made before migrations (none when it has a version table)."""
    names = inspect(connection).get_table_names()
    return [] if VERSION_TABLE in names else [name for name in names if not name.startswith(SEARCH_TABLES)]


def upgrade_database(url: str, revision: str = "head") -> UpgradeResult:
    """Create or upgrade the database at ``url`` to ``revision``, in one transaction.

    Several processes may call this at once (each worker's start-up, two deploys): PostgreSQL
    serialises them with an advisory lock, SQLite with its write lock; the second finds the work done.
    """
    from alembic import command

    engine = migration_engine(url)
    try:
        with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key("schema")})
            before = current_revision(connection)
            kept = legacy_tables(connection) if before is None else []
            command.upgrade(alembic_config(connection), revision)
            after = current_revision(connection)
            _check_foreign_keys(connection)
    finally:
        engine.dispose()
    return UpgradeResult(before, after, adopted=bool(kept), tables_kept=len(kept))


def upgrade_app_database(app: Flask, revision: str = "head") -> UpgradeResult:
    return upgrade_database(app.config["DATABASE_URL"], revision)


def _check_foreign_keys(connection: Connection) -> None:
    """SQLite only: a rebuilt table must not have left a row pointing nowhere (rolls the upgrade back)."""
    if connection.dialect.name != "sqlite":
        return
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if broken:
        tables = sorted({row[0] for row in broken})
        raise RuntimeError(f"the upgrade left rows whose foreign key points nowhere in: {', '.join(tables)}")


def schema_differences(connection: Connection, metadata: MetaData | None = None) -> list[Any]:
    """What differs between the models and the database (Alembic autogenerate's view); [] when they agree.

    ``Base.metadata`` holds every model once the app is made (each capability imports its own).
    """
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    context = MigrationContext.configure(
        connection,
        opts={"include_object": include_object, "compare_type": True, "render_as_batch": True},
    )
    return compare_metadata(context, metadata if metadata is not None else Base.metadata)
