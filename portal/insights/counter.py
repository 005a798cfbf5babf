"""Counting in memory, flushed in batches: to the database, or through Redis when the site uses Redis.

Each process adds to a dict (one lock, one increment: the cached page path stays as quick as it was).
The dict is flushed when it holds ``INSIGHTS_FLUSH_KEYS`` keys or is ``INSIGHTS_FLUSH_SECONDS`` old, at
process exit, and by ``flask insights flush``. A flush adds its counts to what is stored, never
replaces it (``ON CONFLICT DO UPDATE SET count = count + excluded.count`` on SQLite and PostgreSQL,
``HINCRBY`` on Redis), so any number of workers and instances add up. With Redis, the counts wait in
one hash until ``flask insights flush`` moves them into the database.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import weakref
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from typing import Any

from flask import Flask
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Connection

from ..db import get_engine
from .model import DAY, MAX_KEY, InsightCount

log = logging.getLogger(__name__)

EPOCH = date(1970, 1, 1)
HK_OFFSET = 8 * 3600  # Hong Kong has had no daylight saving since 1979: a day is UTC+8
MAX_WAITING = 50_000  # keys kept for a later flush when the store cannot be reached; beyond, counts are dropped
CountKey = tuple[int, str, str]  # (day number since 1970 in Hong Kong, kind, key)


def today_number(now: float | None = None) -> int:
    """Today in Hong Kong as a day number (cheap enough to run on every counted page)."""
    return int(((time.time() if now is None else now) + HK_OFFSET) // 86400)


def day_of(number: int) -> date:
    return EPOCH + timedelta(days=number)


def number_of(day: date) -> int:
    return (day - EPOCH).days


class Counter:
    """One process's counts not yet flushed, for one app."""

    def __init__(self, app: Flask) -> None:
        # Weakly: the signals hold this counter, and must not keep a finished app (a test's) alive.
        self._app = weakref.ref(app)
        self.max_keys = app.config["INSIGHTS_FLUSH_KEYS"]
        self.max_seconds = app.config["INSIGHTS_FLUSH_SECONDS"]
        self.counts: dict[CountKey, int] = {}
        self.lock = threading.Lock()
        self.flush_lock = threading.Lock()
        self.since = time.time()
        self.flusher: threading.Thread | None = None

    @property
    def app(self) -> Flask:
        app = self._app()
        if app is None:
            raise RuntimeError("the app of this counter is gone")
        return app

    def add(self, kind: str, key: str, n: int = 1) -> None:
        """One increment under one lock: this runs on every counted page, page-cache hits too."""
        now = time.time()
        item = (int((now + HK_OFFSET) // 86400), kind, key[:MAX_KEY])
        with self.lock:
            counts = self.counts
            if not counts:
                self.since = now  # the batch's age is its oldest count's
            counts[item] = counts.get(item, 0) + n
            due = len(counts) >= self.max_keys or now - self.since >= self.max_seconds
        if due:
            self.flush_soon()

    def flush_soon(self) -> None:
        """Flush in a thread of its own: a database that is busy (SQLite waits up to 30 s for a lock) must
        never hold up the page whose count filled the batch."""
        if self.flush_lock.locked():
            return
        self.flusher = threading.Thread(target=self.flush, name="insights-flush", daemon=True)
        self.flusher.start()

    def take(self) -> dict[CountKey, int]:
        with self.lock:
            counts, self.counts, self.since = self.counts, {}, time.time()
        return counts

    def give_back(self, counts: Mapping[CountKey, int]) -> None:
        with self.lock:
            for item, n in counts.items():
                if item in self.counts or len(self.counts) < MAX_WAITING:
                    self.counts[item] = self.counts.get(item, 0) + n

    def flush(self, wait: bool = False) -> int:
        """Write this process's counts out (Redis when configured, else the database); returns how many keys.

        Without ``wait``, a flush already under way in another thread wins and these counts wait for the next.
        """
        if self._app() is None:  # the app is gone (a test's, at the interpreter's exit): nowhere to write
            return 0
        if not self.flush_lock.acquire(blocking=wait):
            return 0
        try:
            counts = self.take()
            if not counts:
                return 0
            try:
                if not (self.app.config["REDIS_URL"] and to_redis(self.app, counts)):
                    add_counts(self.app, counts)
            except Exception as exc:  # noqa: BLE001 - counting never breaks a page
                log.warning("insights flush failed (%s); counts kept for the next flush", exc.__class__.__name__)
                self.give_back(counts)
                return 0
            return len(counts)
        finally:
            self.flush_lock.release()


# --- the database -------------------------------------------------------------------------------


def rows_of(counts: Mapping[CountKey, int], period: str = DAY) -> list[dict[str, Any]]:
    """Rows to upsert, in key order (two flushes of the same keys then lock them in the same order)."""
    return [
        {"period": period, "start": day_of(day), "kind": kind, "key": key, "count": n}
        for (day, kind, key), n in sorted(counts.items())
        if n
    ]


def upsert(connection: Connection, rows: Iterable[dict[str, Any]]) -> None:
    """Add each row's count to the stored one (or store it): the same statement on SQLite and PostgreSQL."""
    rows = list(rows)
    if not rows:
        return
    table = InsightCount.__table__
    insert = pg_insert if connection.dialect.name == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["period", "start", "kind", "key"], set_={"count": table.c.count + statement.excluded.count}
    )
    connection.execute(statement, rows)


def add_counts(app: Flask, counts: Mapping[CountKey, int]) -> None:
    with get_engine(app).begin() as connection:
        upsert(connection, rows_of(counts))


# --- Redis ---------------------------------------------------------------------------------------


def redis_hash(app: Flask) -> str:
    """Outside the page cache's prefix, so clearing the page cache keeps the counts."""
    return app.config["CACHE_KEY_PREFIX"].rstrip(":") + "-insights:counts"


def _redis(app: Flask):
    client = app.extensions.get("portal.insights_redis")
    if client is None:
        import redis

        timeout = app.config["REDIS_TIMEOUT"]
        client = redis.Redis.from_url(app.config["REDIS_URL"], socket_timeout=timeout, socket_connect_timeout=timeout)
        app.extensions["portal.insights_redis"] = client
    return client


def _field(item: CountKey) -> str:
    day, kind, key = item
    return f"{day}|{kind}|{key}"


def _item(field: bytes | str) -> CountKey:
    text = field.decode() if isinstance(field, bytes) else field
    day, kind, key = text.split("|", 2)
    return int(day), kind, key


def to_redis(app: Flask, counts: Mapping[CountKey, int]) -> bool:
    """HINCRBY every count into the shared hash; False (write to the database instead) when Redis fails."""
    try:
        pipe = _redis(app).pipeline(transaction=False)
        for item, n in counts.items():
            pipe.hincrby(redis_hash(app), _field(item), n)
        pipe.execute()
        return True
    except Exception as exc:  # noqa: BLE001 - the database takes them
        log.warning("insights: Redis unreachable (%s); counts written to the database", exc.__class__.__name__)
        return False


def move_from_redis(app: Flask) -> int:
    """Move the shared hash's counts into the database; returns how many keys.

    The hash is renamed first (atomic), so counts added meanwhile start a new hash and none is moved
    twice; if the database refuses them they are added back to the hash.
    """
    if not app.config["REDIS_URL"]:
        return 0
    client, name = _redis(app), redis_hash(app)
    moving = f"{name}:moving:{secrets.token_hex(6)}"
    try:
        client.rename(name, moving)
    except Exception as exc:  # noqa: BLE001 - no such key (nothing counted) or Redis down
        if "no such key" not in str(exc).lower():
            log.warning("insights: Redis unreachable (%s); nothing moved", exc.__class__.__name__)
        return 0
    counts = {_item(field): int(value) for field, value in client.hgetall(moving).items()}
    try:
        add_counts(app, counts)
    except Exception:
        to_redis(app, counts)
        client.delete(moving)
        raise
    client.delete(moving)
    return len(counts)
