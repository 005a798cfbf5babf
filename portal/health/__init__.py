"""``/healthz``: is this site able to serve, and are its cron jobs running?

For a load balancer, a monitor or the IT volunteer: 200 when the database answers at the schema
the code expects and the cache answers; 503 otherwise, with a plain reason per problem. Also the
last content sync and feed refresh, so a stopped cron job shows. Never cached, and it names no
host, user, password or address: only what is up, what is not, and when things last happened.
"""

from __future__ import annotations

import logging
import secrets
from datetime import datetime
from typing import Any

from flask import Blueprint, Flask, Response, current_app, json
from sqlalchemy import func, select, text
from sqlalchemy.engine import Connection

from ..cache import cache, never_cache_this_page
from ..db import SiteState, UTCDateTime, get_engine
from ..migrations import current_revision, head_revision

log = logging.getLogger(__name__)
bp = Blueprint("health", __name__)

# site_state keys written by `flask content sync` (portal/cli.py): every completed sync, and the last
# one that changed something.
SYNC_COMPLETED_KEY = "content_sync_completed_at"
SYNC_CHANGED_KEY = "content_synced_at"


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)


@bp.get("/healthz")
def healthz() -> Response:
    never_cache_this_page()
    problems: list[str] = []
    report: dict[str, Any] = {"database": database_report(problems), "cache": cache_report(problems)}
    report = {"status": "unavailable" if problems else "ok", "problems": problems, **report}
    response = Response(json.dumps(report, indent=1), status=503 if problems else 200, mimetype="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def database_report(problems: list[str]) -> dict[str, Any]:
    engine = get_engine()
    report: dict[str, Any] = {"backend": engine.dialect.name, "reachable": False}
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
            report["reachable"] = True
            report["schema"] = schema_report(connection, problems)
            if report["schema"]["current"]:
                report["content"] = content_report(connection)
                report["feeds"] = feeds_report(connection)
    except Exception as exc:  # noqa: BLE001 - a report, never a 500; the details go to the log only
        log.warning("healthz: the database check failed", exc_info=True)
        what = "cannot be reached" if not report["reachable"] else "failed a query"
        problems.append(f"database: {what} ({type(exc).__name__})")
    return report


def schema_report(connection: Connection, problems: list[str]) -> dict[str, Any]:
    revision, expected = current_revision(connection), head_revision()
    if revision != expected:
        problems.append(f"database: schema at {revision or 'no revision'}, the code needs {expected}: "
                        "run flask db upgrade")  # fmt: skip
    return {"revision": revision, "expected": expected, "current": revision == expected}


def content_report(connection: Connection) -> dict[str, str | None]:
    rows = dict(connection.execute(select(SiteState.key, SiteState.value).where(
        SiteState.key.in_([SYNC_COMPLETED_KEY, SYNC_CHANGED_KEY]))).all())  # fmt: skip
    return {"last_sync": rows.get(SYNC_COMPLETED_KEY), "last_change": rows.get(SYNC_CHANGED_KEY)}


def feeds_report(connection: Connection) -> dict[str, Any]:
    """From the feeds' own health rows: the last refresh that read any feed, the last successful read."""
    from ..events.model import PartnerFeed

    registered, fetched, success = connection.execute(
        select(func.count(), func.max(PartnerFeed.last_fetched_at), func.max(PartnerFeed.last_success_at))
    ).one()
    failing = connection.execute(
        select(func.count()).where(
            PartnerFeed.last_fetched_at.is_not(None),
            (PartnerFeed.last_success_at.is_(None)) | (PartnerFeed.last_success_at < PartnerFeed.last_fetched_at),
        )
    ).scalar_one()
    return {"registered": registered, "last_refresh": _when(fetched, connection),
            "last_success": _when(success, connection), "failing": failing}  # fmt: skip


def _when(value: Any, connection: Connection) -> str | None:
    """An aggregate's time as ISO 8601 UTC (SQLite gives a max() back as text)."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return UTCDateTime().process_result_value(value, connection.dialect).isoformat()


def cache_report(problems: list[str]) -> dict[str, Any]:
    """Write and read back one short-lived key, straight to the store (not through the page cache's breaker)."""
    backend = "redis" if current_app.config["REDIS_URL"] else "files"
    store = current_app.extensions["cache"][cache]
    token = secrets.token_hex(8)
    try:
        reachable = bool(store.set("healthz", token, timeout=60)) and store.get("healthz") == token
    except Exception:  # noqa: BLE001 - a report, never a 500
        log.warning("healthz: the cache check failed", exc_info=True)
        reachable = False
    if not reachable:
        problems.append(f"cache: the {'Redis server' if backend == 'redis' else 'cache folder'} cannot be reached")
    return {"backend": backend, "reachable": reachable}
