"""Scale-out proof: two gunicorn instances share one PostgreSQL and one Redis.

Content synced through one instance's configuration is served by the other at
once (no stale cached page), and both serve the same pages as the embedded
default. Skipped with a clear reason when PostgreSQL or Redis is unreachable.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import FIXTURES, REDIS_URL, PostgresSchema, clear_redis_prefix

GUNICORN = Path(sys.executable).with_name("gunicorn")
PROJECT = Path(__file__).resolve().parent.parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> tuple[int, dict[str, str], str]:
    with urllib.request.urlopen(url, timeout=10) as response:  # noqa: S310 - local test server
        return response.status, dict(response.headers), response.read().decode("utf-8")


def wait_until_up(url: str, process: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"gunicorn exited with {process.returncode}: {process.stderr.read().decode()[-2000:]}")
        try:
            fetch(url)
            return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


@pytest.fixture
def shared_env(scale_out_skip_reason, tmp_path) -> Iterator[dict[str, str]]:
    if scale_out_skip_reason:
        pytest.skip(scale_out_skip_reason)
    if not GUNICORN.exists():
        pytest.skip(f"gunicorn not installed at {GUNICORN}")
    schema = PostgresSchema()
    prefix = f"portal-test:{schema.name}:"
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    env = {
        **os.environ,
        "PORTAL_DATABASE_URL": schema.url,
        "PORTAL_REDIS_URL": REDIS_URL,
        "PORTAL_CACHE_PREFIX": prefix,
        "PORTAL_CONTENT_DIR": str(content),
        "PORTAL_SECRET_KEY": "scale-out-test",
        "FLASK_APP": "wsgi",
    }
    yield env
    schema.drop()
    clear_redis_prefix(prefix)


def flask(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(Path(sys.executable).with_name("flask")), *args],
        cwd=PROJECT, env=env, capture_output=True, text=True, timeout=120, check=True,
    )  # fmt: skip


@pytest.fixture
def two_instances(shared_env) -> Iterator[list[str]]:
    flask(shared_env, "db", "upgrade")  # as a deployment does, before the servers start
    flask(shared_env, "content", "sync")
    processes, urls = [], []
    for _ in range(2):
        port = free_port()
        process = subprocess.Popen(
            [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{port}", "wsgi:app"],
            cwd=PROJECT, env=shared_env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        )  # fmt: skip
        processes.append(process)
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url, process in zip(urls, processes, strict=True):
            wait_until_up(url + "/robots.txt", process)
        yield urls
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)


def test_content_synced_once_is_served_fresh_by_every_instance(two_instances, shared_env):
    a, b = two_instances
    page = "/en/articles/family-meals"
    # Warm the shared cache through both instances and all their workers.
    for _ in range(4):
        for url in (a, b):
            status, _, body = fetch(url + page)
            assert status == 200 and "Family meals that bring you together" in body
    assert fetch(b + page)[1].get("X-Cache") == "hit"

    article = Path(shared_env["PORTAL_CONTENT_DIR"]) / "articles" / "family-meals" / "en.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace("Family meals that bring you together", "Family meals, new title"),
        encoding="utf-8",
    )
    flask(shared_env, "content", "sync")

    for _ in range(4):  # every worker of both instances, not just one
        for url in (a, b):
            body = fetch(url + page)[2]
            assert "Family meals, new title" in body
            assert "Family meals that bring you together" not in body


def test_instances_agree_with_each_other(two_instances):
    a, b = two_instances
    for path in ("/en/", "/zh-hk/articles/", "/zh-hk/help", "/sitemap.xml"):
        status_a, _, body_a = fetch(a + path)
        status_b, _, body_b = fetch(b + path)
        assert status_a == status_b == 200
        assert body_a == body_b, path
