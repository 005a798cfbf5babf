"""Database engine, sessions and the declarative base every model uses.

One engine per app. Views use :func:`get_session` (one session per request,
closed at teardown); commands use :func:`session_scope`. The schema itself is made
and changed only by migrations (:mod:`portal.migrations`, ``flask db upgrade``).
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

from flask import Flask, current_app, g
from sqlalchemy import DateTime, String, Text, create_engine, event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, sessionmaker
from sqlalchemy.types import TypeDecorator


class Base(DeclarativeBase):
    """Base class of every model."""


class UTCDateTime(TypeDecorator):
    """A timezone-aware datetime stored as UTC; SQLite gives naive values back, we re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTCDateTime column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    return datetime.now(UTC)


class SiteState(Base):
    """Small key/value facts shared by every worker (e.g. the content version)."""

    __tablename__ = "site_state"
    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
    updated: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_engine(url: str, sqlite_pragmas: bool = True) -> Engine:
    """The engine for ``url``; ``sqlite_pragmas=False`` leaves SQLite's connection set-up to the caller."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})
        if sqlite_pragmas:
            event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    # A server that does not answer makes a request (or /healthz) fail in seconds, not hang.
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=5, connect_args={"connect_timeout": 5})


def configure_database(app: Flask) -> None:
    engine = make_engine(app.config["DATABASE_URL"])
    app.extensions["portal.engine"] = engine
    app.extensions["portal.sessionmaker"] = sessionmaker(engine, expire_on_commit=False)
    app.teardown_appcontext(_close_session)


def get_engine(app: Flask | None = None) -> Engine:
    return (app or current_app).extensions["portal.engine"]


def new_session(app: Flask | None = None) -> Session:
    return (app or current_app).extensions["portal.sessionmaker"]()


def get_session() -> Session:
    """The request's session (created on first use, closed at teardown)."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def _close_session(_exc: BaseException | None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        session.close()


@contextmanager
def session_scope(app: Flask | None = None) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on error."""
    session = new_session(app)
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def lock_key(name: str) -> int:
    """The advisory-lock number PostgreSQL uses for ``name``."""
    return zlib.crc32(name.encode()) & 0x7FFFFFFF


def lock_for_writing(session: Session, name: str) -> None:
    """Serialise writers of one kind (content sync, feed refresh) across processes.

    PostgreSQL: a transaction-scoped advisory lock. SQLite: take the database's
    write lock now, so two writers queue instead of failing half-way.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": lock_key(name)})
    elif dialect == "sqlite":
        # A write that touches nothing still takes SQLite's RESERVED lock for this transaction.
        session.execute(text("UPDATE site_state SET key = key WHERE key = '__lock__'"))


def get_state(session: Session, key: str, default: str = "") -> str:
    row = session.get(SiteState, key)
    return row.value if row else default


def set_state(session: Session, key: str, value: str) -> None:
    row = session.get(SiteState, key)
    if row is None:
        session.add(SiteState(key=key, value=value, updated=utcnow()))
    else:
        row.value, row.updated = value, utcnow()
