"""Live preview for editors (issue 14 part 6): ``flask content preview`` serves the working copy on
127.0.0.1 from its own database, re-syncs a saved file, and shows that file's problems on the page in
the page's language; production pages have none of it. The end-to-end tests run the real command in a
server process and poll the page after a save, with a 2-second deadline (a functional limit, not a
benchmark)."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.cli import sync_content
from portal.config import PROJECT_ROOT
from portal.preview import preview_app, preview_state
from portal.preview.watch import check_sources, resync

from .conftest import FIXTURES

pytestmark = pytest.mark.timeout(120)

ARTICLE = "articles/family-meals/en.md"
OLD_TITLE = "Family meals that bring you together"
SAVE_DEADLINE = 2.0  # seconds from a save to the changed page: what the feature promises


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture
def working_copy(tmp_path: Path) -> Path:
    target = tmp_path / "work" / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


# --- in process: the banner and what production never gets ---------------------------------------


@pytest.fixture
def preview(working_copy: Path, tmp_path: Path):
    app = preview_app(working_copy, tmp_path / "preview-data", 5001)
    with app.app_context():
        sync_content(app)
    preview_state(app).replace(check_sources(app))
    return app


def test_production_pages_have_no_preview_script_banner_or_endpoint(make_app):
    app = make_app(CONTENT_DIR=str(FIXTURES / "content"))
    sync_content(app)
    client = app.test_client()
    html = client.get("/en/articles/family-meals").get_data(as_text=True)
    assert "preview-reload.js" not in html and "preview-banner" not in html
    assert client.get("/__preview/state").status_code == 404


def test_the_preview_page_loads_its_reload_script_from_the_site_and_keeps_the_strict_policy(preview):
    response = preview.test_client().get("/en/articles/family-meals")
    html = response.get_data(as_text=True)
    # The site's own file, under its content-hashed address (issue 18), never an inline script.
    assert re.search(
        r'<script src="/static/js/preview-reload\.js\?v=[0-9a-f]+" data-state-url="/__preview/state"', html
    )
    assert "<script>" not in html  # no inline script
    policy = response.headers["Content-Security-Policy"]
    assert "script-src 'self';" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert "No problems found in this page's file." in html
    state = preview.test_client().get("/__preview/state")
    assert state.get_json() == {"version": 1} and state.headers["Cache-Control"] == "no-store"


def test_a_rejected_file_shows_its_problem_with_path_and_line_in_the_pages_language(preview, working_copy):
    edit(working_copy / ARTICLE, "category: parenting", "category: cooking")
    resync(preview, preview_state(preview), {working_copy / ARTICLE})
    client = preview.test_client()
    zh = client.get("/zh-hk/articles/family-meals").get_data(as_text=True)
    assert "這頁檔案的問題" in zh and "錯誤" in zh
    assert "content/articles/family-meals/en.md:4</code>" in zh and "沒有「cooking」這個類別" in zh
    en = client.get("/en/articles/family-meals").get_data(as_text=True)
    assert "Problems in this page's file" in en and OLD_TITLE in en  # the last good version stays
    assert "unknown category &#39;cooking&#39;" in en  # each problem in the page's language
    other = client.get("/en/articles/only-english").get_data(as_text=True)
    assert "1 other file has errors: run make check to see them." in other
    assert "unknown category" not in other


def test_the_preview_shows_a_scheduled_article_and_says_when_visitors_will_see_it(preview, working_copy):
    both = [working_copy / ARTICLE, working_copy / ARTICLE.replace("en.md", "zh-hk.md")]
    for path in both:  # both languages of an article carry the same 'published' (content check)
        edit(path, "published: 2026-01-10", "published: 2099-01-10 09:30")
        edit(path, "reviewed: 2026-02-01", "reviewed: 2099-02-01")
    resync(preview, preview_state(preview), set(both))
    html = preview.test_client().get("/en/articles/family-meals").get_data(as_text=True)
    assert "Scheduled: visitors see this page from 2099-01-10 09:30 (Hong Kong time)." in html


# --- end to end: the real command in its own process ---------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - our own server on 127.0.0.1
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8")


@dataclass
class PreviewServer:
    url: str
    content: Path
    process: subprocess.Popen

    def wait_for(self, path: str, text: str, deadline: float) -> float:
        """Seconds until ``text`` is on the page (polled); fails past ``deadline`` seconds."""
        start = time.monotonic()
        body = ""
        while time.monotonic() - start < deadline:
            status, body = get(self.url + path)
            if text in body:
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"{text!r} not on {path} within {deadline} s; last page:\n{body[:2000]}")


@pytest.fixture
def preview_server(working_copy: Path, tmp_path: Path) -> Iterator[PreviewServer]:
    port = free_port()
    env = {
        **os.environ,
        "PORTAL_CONTENT_DIR": str(working_copy),
        # The production app the command starts from: a database of its own here, never touched by the preview.
        "PORTAL_DATABASE_URL": f"sqlite:///{tmp_path / 'production.sqlite3'}",
        "PORTAL_SECRET_KEY": "preview-test",
    }
    env.pop("PORTAL_REDIS_URL", None)
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "content", "preview", "--port", str(port),
               "--data-dir", str(tmp_path / "preview-data")]  # fmt: skip
    log = (tmp_path / "preview.log").open("w")
    process = subprocess.Popen(command, cwd=PROJECT_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    server = PreviewServer(f"http://127.0.0.1:{port}", working_copy, process)
    try:
        start = time.monotonic()
        while time.monotonic() - start < 60:
            if process.poll() is not None:
                raise AssertionError((tmp_path / "preview.log").read_text())
            try:
                if get(server.url + "/__preview/state")[0] == 200:
                    break
            except OSError:
                time.sleep(0.2)
        else:
            raise AssertionError("the preview did not start within 60 s")
        yield server
    finally:
        process.terminate()
        process.wait(timeout=10)
        log.close()


def test_a_saved_file_changes_its_page_within_two_seconds(preview_server, tmp_path):
    article = preview_server.content / ARTICLE
    assert OLD_TITLE in get(preview_server.url + "/en/articles/family-meals")[1]
    assert get(preview_server.url + "/__preview/state")[1].strip() == '{"version":1}'

    edit(article, f"title: {OLD_TITLE}", "title: Family meals, saved in the editor")
    preview_server.wait_for("/en/articles/family-meals", "Family meals, saved in the editor", SAVE_DEADLINE)
    preview_server.wait_for("/__preview/state", '"version":2', SAVE_DEADLINE)  # what the open page's script polls

    edit(article, "category: parenting", "category: cooking")
    preview_server.wait_for("/zh-hk/articles/family-meals", "content/articles/family-meals/en.md:4", SAVE_DEADLINE)
    assert "這頁檔案的問題" in get(preview_server.url + "/zh-hk/articles/family-meals")[1]

    new = preview_server.content / "articles" / "new-article"
    new.mkdir()
    (new / "en.md").write_text(
        "---\ntitle: A brand new article\nsummary: Written just now.\ncategory: parenting\n"
        "published: 2026-01-01\nreviewed: 2026-01-01\n---\nHello.\n",
        encoding="utf-8",
    )
    preview_server.wait_for("/en/articles/new-article", "A brand new article", SAVE_DEADLINE)
    assert not (tmp_path / "production.sqlite3").exists() or _no_articles(tmp_path / "production.sqlite3")


def _no_articles(database: Path) -> bool:
    import sqlite3

    with sqlite3.connect(database) as connection:
        return connection.execute("SELECT count(*) FROM article").fetchone()[0] == 0
