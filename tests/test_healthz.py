"""/healthz: 200 when the database (at the expected schema) and the cache answer, 503 with a plain
reason otherwise; the last content sync and feed refresh; never cached; no secrets or addresses."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from portal.db import session_scope
from portal.events.model import Partner, PartnerFeed
from portal.migrations import head_revision


def health(app) -> tuple[int, dict, str, object]:
    response = app.test_client().get("/healthz")
    return response.status_code, response.get_json(), response.get_data(as_text=True), response.headers


def assert_tells_nothing_secret(app, body: str) -> None:
    for secret in ("postgres@", "127.0.0.1", "localhost", "6379", "5432", app.config["SECRET_KEY"], "Traceback"):
        assert secret not in body
    assert app.config["DATABASE_URL"] not in body and "search_path" not in body


def test_a_healthy_site_says_ok_with_its_schema_and_last_sync_and_is_never_cached(backend_app):
    status, report, body, headers = health(backend_app)
    assert status == 200, body
    assert report["status"] == "ok" and report["problems"] == []
    assert headers["Cache-Control"] == "no-store" and headers["Content-Type"].startswith("application/json")
    assert "Set-Cookie" not in headers
    database = report["database"]
    assert database["reachable"] and database["schema"] == {
        "revision": head_revision(), "expected": head_revision(), "current": True,
    }  # fmt: skip
    synced = datetime.fromisoformat(database["content"]["last_sync"])
    assert timedelta(0) <= datetime.now(UTC) - synced < timedelta(hours=1)
    assert report["cache"]["reachable"]
    assert report["cache"]["backend"] == ("redis" if backend_app.config["REDIS_URL"] else "files")
    assert_tells_nothing_secret(backend_app, body)
    assert health(backend_app)[0] == 200  # asked again: answered again, not from a cache


def test_the_feed_refresh_times_come_from_the_feeds_health(backend_app):
    now = datetime.now(UTC).replace(microsecond=0)
    with session_scope(backend_app) as session:
        session.add(Partner(id="health-test", name_en="Health test", content_hash="x"))
        session.flush()
        session.add(PartnerFeed(partner_id="health-test", url="https://a.example/feed.xml",
                                last_fetched_at=now, last_success_at=now - timedelta(hours=1)))  # fmt: skip
        earlier = now - timedelta(minutes=30)
        session.add(PartnerFeed(partner_id="health-test", url="https://b.example/feed.xml",
                                last_fetched_at=earlier, last_success_at=earlier))  # fmt: skip
    feeds = health(backend_app)[1]["database"]["feeds"]
    assert datetime.fromisoformat(feeds["last_refresh"]) == now
    assert datetime.fromisoformat(feeds["last_success"]) == now - timedelta(minutes=30)
    assert feeds["failing"] == 1 and feeds["registered"] >= 2


@pytest.mark.parametrize(
    "url",
    ["postgresql://portal:s3cret@127.0.0.1:1/portal", "sqlite:////nonexistent-folder/nowhere/portal.sqlite3"],
    ids=["postgres-port-closed", "sqlite-folder-missing"],
)
def test_a_database_that_cannot_be_reached_is_a_503_with_a_plain_reason(make_app, url):
    app = make_app("sqlite", DATABASE_URL=url)
    status, report, body, headers = health(app)
    assert status == 503 and report["status"] == "unavailable"
    assert report["problems"] == [report["problems"][0]] and report["problems"][0].startswith(
        "database: cannot be reached"
    )
    assert report["database"]["reachable"] is False and report["cache"]["reachable"] is True
    assert headers["Cache-Control"] == "no-store"
    assert "s3cret" not in body and "portal:" not in body and "nonexistent-folder" not in body
    assert_tells_nothing_secret(app, body)


def test_a_redis_that_cannot_be_reached_is_a_503_with_a_plain_reason(make_app):
    app = make_app("postgres", REDIS_URL="redis://:hunter2@127.0.0.1:1/0")
    status, report, body, _headers = health(app)
    assert status == 503
    assert report["problems"] == ["cache: the Redis server cannot be reached"]
    assert report["database"]["reachable"] and report["database"]["schema"]["current"]
    assert "hunter2" not in body
    assert_tells_nothing_secret(app, body)


def test_a_database_not_yet_upgraded_is_a_503_that_says_what_to_run(make_app, tmp_path):
    app = make_app("sqlite", DATABASE_URL=f"sqlite:///{tmp_path / 'never-upgraded.sqlite3'}")
    status, report, _body, _headers = health(app)
    assert status == 503
    assert report["problems"] == [f"database: schema at no revision, the code needs {head_revision()}: "
                                  "run flask db upgrade"]  # fmt: skip
    assert "content" not in report["database"]


def test_only_get_is_answered(app):
    assert app.test_client().post("/healthz").status_code == 405
