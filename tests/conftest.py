"""Shared fixtures: an app per test on SQLite + file cache, and the same on
PostgreSQL + Redis when those servers answer (skipped with a clear reason
otherwise). Each PostgreSQL test gets its own schema; each Redis test its own
key prefix, so tests never see each other's data.

Every test database is made by the migrations (``flask db upgrade``'s code):
each PostgreSQL schema is upgraded; on SQLite one database is upgraded per run and
each test gets a copy of that file (an upgrade costs ten times what a copy does).
"""

from __future__ import annotations

import os
import shutil
import socket
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app
from portal.cli import sync_content
from portal.config import PROJECT_ROOT
from portal.migrations import upgrade_database

POSTGRES_URL = os.environ.get("PORTAL_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("PORTAL_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
REAL_CONTENT = PROJECT_ROOT / "content"
FIXTURES = Path(__file__).parent / "fixtures"
# The fuzz targets run only through `make fuzz` (which sets PORTAL_FUZZ_SECONDS), never in the default run.
collect_ignore = [] if os.environ.get("PORTAL_FUZZ_SECONDS") else ["fuzz"]


def _port_open(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=0.5):
            return True
    except OSError:
        return False


def postgres_reason() -> str | None:
    """Why PostgreSQL tests cannot run here, or None when they can."""
    if not _port_open("127.0.0.1", 5432):
        return "PostgreSQL is not reachable on 127.0.0.1:5432 (start it to run the scale-out tests)"
    try:
        import psycopg

        psycopg.connect(POSTGRES_URL.replace("postgresql://", "postgresql://", 1), connect_timeout=2).close()
    except Exception as exc:  # noqa: BLE001
        return f"PostgreSQL at {POSTGRES_URL} refused the connection: {exc}"
    return None


def redis_reason() -> str | None:
    if not _port_open("127.0.0.1", 6379):
        return "Redis is not reachable on 127.0.0.1:6379 (start it to run the scale-out tests)"
    return None


BACKENDS = ["sqlite", "postgres"]


@pytest.fixture(scope="session")
def scale_out_skip_reason() -> str | None:
    return postgres_reason() or redis_reason()


class PostgresSchema:
    """A throw-away schema in the test database, so each test starts empty."""

    def __init__(self) -> None:
        import psycopg

        self.name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'CREATE SCHEMA "{self.name}"')

    @property
    def url(self) -> str:
        return f"{POSTGRES_URL}?options=-csearch_path%3D{self.name}"

    def drop(self) -> None:
        import psycopg

        with psycopg.connect(POSTGRES_URL, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE')


def clear_redis_prefix(prefix: str) -> None:
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    for key in client.scan_iter(f"{prefix}*"):
        client.delete(key)
    client.close()


@pytest.fixture(scope="session")
def upgraded_sqlite(tmp_path_factory) -> Path:
    """An SQLite database made by the migrations, once per run, for tests to copy."""
    path = tmp_path_factory.mktemp("schema") / "upgraded.sqlite3"
    upgrade_database(f"sqlite:///{path}")
    return path


@pytest.fixture
def make_app(tmp_path: Path, scale_out_skip_reason, upgraded_sqlite: Path) -> Iterator[Callable[..., Flask]]:
    """Build an app on a backend ("sqlite" or "postgres"); extra config as keyword arguments.

    All apps made in one test on the same backend share one database and cache,
    like two workers (or two instances) of one site.
    """
    cleanups: list[Callable[[], None]] = []
    shared: dict[str, dict] = {}

    def factory(backend: str = "sqlite", **overrides) -> Flask:
        if backend not in shared:
            if backend == "postgres":
                if scale_out_skip_reason:
                    pytest.skip(scale_out_skip_reason)
                schema = PostgresSchema()
                prefix = f"portal-test:{schema.name}:"
                cleanups.append(schema.drop)
                cleanups.append(lambda: clear_redis_prefix(prefix))
                cleanups.append(lambda: clear_redis_prefix(prefix.rstrip(":") + "-counters:"))  # portal/cache.py
                cleanups.append(lambda: clear_redis_prefix(prefix.rstrip(":") + "-insights:"))  # portal/insights
                upgrade_database(schema.url)
                shared[backend] = {"DATABASE_URL": schema.url, "REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
            else:
                instance = tmp_path / "instance"
                instance.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(upgraded_sqlite, instance / "portal.sqlite3")
                shared[backend] = {
                    "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
                    "REDIS_URL": None,
                    "CACHE_DIR": str(instance / "cache"),
                }
        config = {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(tmp_path / "instance"),
            "CONTENT_DIR": str(REAL_CONTENT),
            "SITE_URL": "http://portal.test",
            **shared[backend],
            **overrides,
        }
        app = create_app(config)
        cleanups.append(lambda: app.extensions["portal.engine"].dispose())
        return app

    yield factory
    for cleanup in reversed(cleanups):
        try:
            cleanup()
        except Exception:  # noqa: BLE001
            pass


@pytest.fixture
def app(make_app) -> Flask:
    """The site on SQLite + file cache with the real content/ synced."""
    app = make_app()
    sync_content(app)
    return app


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


@pytest.fixture
def backend_app(make_app, backend) -> Flask:
    """The site with the real content synced, on each backend in turn."""
    app = make_app(backend)
    sync_content(app)
    return app


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    """A writable copy of the real content/ for tests that edit files."""
    target = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, target)
    return target


def pytest_report_header(config) -> list[str]:
    lines = []
    for name, reason in (("PostgreSQL", postgres_reason()), ("Redis", redis_reason())):
        lines.append(f"{name}: {'available' if reason is None else 'SKIPPED - ' + reason}")
    chromium = shutil.which("chromium") or (Path("/usr/bin/chromium").exists() and "/usr/bin/chromium")
    lines.append(f"Chromium: {chromium or 'SKIPPED - /usr/bin/chromium not installed (browser tests skip)'}")
    return lines
