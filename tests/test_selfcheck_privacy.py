"""A self-check submission leaves no trace: nothing in the database, the cache or the logs.

Runs on SQLite + file cache and on PostgreSQL + Redis (skipped when those are not reachable).
"""

from __future__ import annotations

import logging
import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from werkzeug.serving import make_server

from portal.db import Base

# Distinctive answers: a pattern we can look for in logs and storage.
PHQ9_ANSWERS = {"q-q1": "3", "q-q2": "2", "q-q3": "1", "q-q4": "3", "q-q5": "2", "q-q6": "1", "q-q7": "3", "q-q8": "2"}
PHQ9_ANSWERS["q-q9"] = "1"
ENCODED = urllib.parse.urlencode(PHQ9_ANSWERS)


def database_rows(app) -> dict[str, list]:
    engine = app.extensions["portal.engine"]
    rows = {}
    with engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            rows[table] = sorted(map(repr, conn.execute(text(f'SELECT * FROM "{table}"')).all()))
    assert set(Base.metadata.tables) <= set(rows)
    return rows


def cache_contents(app) -> set[str]:
    if app.config["REDIS_URL"]:
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        try:
            return {key.decode() for key in client.scan_iter(f"{app.config['CACHE_KEY_PREFIX']}*")}
        finally:
            client.close()
    folder = Path(app.config["CACHE_DIR"])
    return {str(p.relative_to(folder)) for p in folder.rglob("*") if p.is_file()} if folder.exists() else set()


def test_a_submission_leaves_nothing_in_the_database_cache_or_logs(backend_app, caplog):
    client = backend_app.test_client()
    client.get("/en/self-check/phq9/questions")  # warm the page cache for the pages around it
    client.get("/en/self-check/phq9/questions")
    db_before, cache_before = database_rows(backend_app), cache_contents(backend_app)
    caplog.set_level(logging.DEBUG)
    response = client.post("/en/self-check/phq9/result", data=PHQ9_ANSWERS)
    assert response.status_code == 200 and 'data-score="18"' in response.get_data(as_text=True)
    missing = client.post("/en/self-check/phq9/result", data={"q-q1": "3", "q-q9": "2"})
    assert missing.status_code == 422
    assert database_rows(backend_app) == db_before
    assert cache_contents(backend_app) == cache_before
    logged = caplog.text
    assert "q-q" not in logged and ENCODED not in logged and "data-score" not in logged


def test_the_access_log_shows_the_path_but_never_the_answers(app, caplog):
    """A real HTTP server: werkzeug's access log has the request line only, never the POST body."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    caplog.set_level(logging.DEBUG)
    try:
        url = f"http://127.0.0.1:{server.server_port}/en/self-check/phq9/result"
        request = urllib.request.Request(url, data=ENCODED.encode(), method="POST")
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - local test server
            assert response.status == 200
            assert "no-store" in response.headers["Cache-Control"]
    finally:
        server.shutdown()
    access = [r.getMessage() for r in caplog.records if r.name == "werkzeug"]
    assert any("POST /en/self-check/phq9/result" in line for line in access)
    assert "q-q" not in caplog.text and ENCODED not in caplog.text


@pytest.mark.parametrize("path", ["/en/self-check/phq9/result", "/zh-hk/self-check/who5/result"])
def test_result_responses_carry_no_store(app, path):
    response = app.test_client().post(path, data={"q-q1": "1"})
    assert {"private", "no-store"} <= {part.strip() for part in response.headers["Cache-Control"].split(",")}
    assert "Set-Cookie" not in response.headers or "q-" not in response.headers["Set-Cookie"]
