"""The page cache cannot go stale, hang the site or be flooded, and JSON in a page cannot break out of it
(issue 13 parts 4 and 5); on SQLite + file cache and on PostgreSQL + Redis."""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask, render_template_string

from portal import cache as page_cache
from portal.cli import sync_content
from portal.templating import json_for_html

from .conftest import FIXTURES, REDIS_URL
from .test_events import add_event

pytestmark = pytest.mark.timeout(180)

ARTICLE = "/en/articles/family-meals"
OLD_TITLE, NEW_TITLE = "Family meals that bring you together", "Family meals, renamed"
HOSTILE = "</script><script>alert(1)</script>\u2028\u2029<!-- & 'quoted'"


@pytest.fixture
def fixture_content(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


def rename_article(content: Path) -> None:
    article = content / "articles" / "family-meals" / "en.md"
    text = article.read_text(encoding="utf-8")
    article.write_text(text.replace(f"title: {OLD_TITLE}", f"title: {NEW_TITLE}"), encoding="utf-8")


def page_entries(app: Flask) -> list[str]:
    """The keys (Redis) or files (file cache) of every cached page of this app."""
    if app.config["REDIS_URL"]:
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        try:
            return [k.decode() for k in client.scan_iter(f"{app.config['CACHE_KEY_PREFIX']}{page_cache.PAGE_PREFIX}*")]
        finally:
            client.close()
    folder = Path(app.config["CACHE_DIR"])
    return [p.name for p in folder.iterdir() if not p.name.startswith("__wz_cache")] if folder.exists() else []


# --- 4a: a failed clear never serves old pages ---------------------------------------------------


def test_a_content_change_shows_at_once_even_when_the_cache_refuses_to_be_cleared(
    make_app, backend, fixture_content, monkeypatch
):
    worker_a = make_app(backend, CONTENT_DIR=str(fixture_content))
    worker_b = make_app(backend, CONTENT_DIR=str(fixture_content))
    sync_content(worker_a)
    client_b = worker_b.test_client()
    client_b.get(ARTICLE)
    assert client_b.get(ARTICLE).headers.get("X-Cache") == "hit"
    stored = len(page_entries(worker_b))

    clears: list[str] = []

    def refuse() -> bool:
        clears.append("refused")
        raise ConnectionError("the cache is having a bad day")

    monkeypatch.setattr(page_cache.cache, "clear", refuse)
    rename_article(fixture_content)
    sync_content(worker_a)  # commits the edit; the clear fails and is only logged

    assert clears == ["refused"] and len(page_entries(worker_b)) == stored  # the old page is still in the store
    fresh = client_b.get(ARTICLE)
    assert fresh.status_code == 200 and fresh.headers.get("X-Cache") == "miss"
    assert NEW_TITLE in fresh.get_data(as_text=True) and OLD_TITLE not in fresh.get_data(as_text=True)
    assert client_b.get(ARTICLE).headers.get("X-Cache") == "hit"  # and the new page is cached in turn


def test_a_listener_that_fails_still_retires_the_cached_pages(make_app, fixture_content):
    app = make_app(CONTENT_DIR=str(fixture_content))
    sync_content(app)
    client = app.test_client()
    client.get(ARTICLE)

    def broken_listener(_app, _changes) -> None:
        raise RuntimeError("search index is locked")

    app.extensions["portal.change_listeners"].insert(0, broken_listener)
    rename_article(fixture_content)
    with pytest.raises(RuntimeError):
        sync_content(app)
    assert NEW_TITLE in client.get(ARTICLE).get_data(as_text=True)


def test_another_process_sees_a_new_version_within_the_version_interval(make_app, fixture_content):
    """A process keeps the version it read for CONTENT_VERSION_SECONDS, then reads the database again."""
    app = make_app(CONTENT_DIR=str(fixture_content), CONTENT_VERSION_SECONDS=0.3)
    sync_content(app)
    version = page_cache.ContentVersion(ttl=0.3)  # as a second process would hold it
    before = version.current(app)
    page_cache.content_version(app).bump(app)  # what a sync in another process writes
    assert version.current(app) == before  # still within its interval: no database read
    time.sleep(0.35)
    assert version.current(app) not in (None, before)


# --- 4b: Redis stopped or paused --------------------------------------------------------------------


class SilentServer:
    """A TCP server that accepts connections and never answers (a paused or wedged Redis)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(64)
        self.port = self.sock.getsockname()[1]
        self.accepted: list[socket.socket] = []
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self) -> None:
        for conn in self.accepted:
            conn.close()
        self.sock.close()


@pytest.fixture
def silent_redis() -> Iterator[SilentServer]:
    server = SilentServer()
    yield server
    server.close()


def timed_gets(client, paths: list[str]) -> list[float]:
    took = []
    for path in paths:
        start = time.monotonic()
        response = client.get(path)
        took.append(time.monotonic() - start)
        assert response.status_code == 200, path
    return took


@pytest.mark.timeout(60)
def test_pages_answer_quickly_when_redis_is_stopped(make_app, fixture_content):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", CONTENT_DIR=str(fixture_content))
    sync_content(app)  # clearing an unreachable cache must not fail the sync
    took = timed_gets(app.test_client(), [ARTICLE, "/en/", "/en/articles/", ARTICLE] * 5)
    assert max(took) < 2 and sum(took) < 10, took


@pytest.mark.timeout(60)
def test_a_paused_redis_costs_one_short_timeout_not_one_per_request(make_app, fixture_content, silent_redis):
    app = make_app(
        REDIS_URL=f"redis://127.0.0.1:{silent_redis.port}/0",
        CONTENT_DIR=str(fixture_content),
        REDIS_TIMEOUT=0.2,
        CACHE_RETRY_SECONDS=30,
    )
    start = time.monotonic()
    sync_content(app)  # the clear waits once for the silent server, then gives up
    assert time.monotonic() - start < 15
    assert silent_redis.accepted, "the test server was never asked: the hang was not exercised"
    took = timed_gets(app.test_client(), [ARTICLE, "/en/", "/en/articles/"] * 5)
    # The cache is skipped after the failure: no request waits for Redis again.
    assert max(took) < 1.5 and sum(took) < 6, took


@pytest.mark.timeout(60)
def test_the_first_request_to_a_paused_redis_waits_no_longer_than_the_timeout(make_app, fixture_content,
                                                                              silent_redis):  # fmt: skip
    app = make_app(REDIS_URL=f"redis://127.0.0.1:{silent_redis.port}/0", CONTENT_DIR=str(fixture_content),
                   REDIS_TIMEOUT=0.2)  # fmt: skip
    healthy = make_app(CONTENT_DIR=str(fixture_content))  # same database, file cache: the sync's clear succeeds
    sync_content(healthy)
    client = app.test_client()
    client.get("/en/")  # templates compiled, database warm
    page_cache._breaker(app).open_until = 0  # as if the pause had just begun
    took = timed_gets(client, [ARTICLE, ARTICLE, ARTICLE])
    assert took[0] < 1.5 and sum(took[1:]) < 1.5, took  # read timed out once (0.5 s at most), then skipped


# --- 4c: junk parameters share one entry -----------------------------------------------------------


def test_junk_parameters_share_one_entry_and_real_ones_get_their_own(make_app, backend):
    app = make_app(backend)  # the real content: its districts are what ?district= may name
    sync_content(app)
    for i in range(25):  # a second page of events in Sha Tin
        add_event(app, f"flood-{i}", 1 + i)
    client = app.test_client()
    for i in range(200):
        response = client.get(f"/en/events?utm_source=mail{i}&junk={'x' * (i % 50)}{i}&fbclid={i}")
        assert response.status_code == 200
    assert len(page_entries(app)) <= 3

    junk_page = client.get("/en/events?utm_source=mail7&junk=7").get_data(as_text=True)
    assert "utm_source" not in junk_page and "junk=" not in junk_page  # the shared page echoes no visitor's junk

    plain = len(page_entries(app))
    district = client.get("/en/events?district=sha-tin&utm_source=x")
    assert district.headers.get("X-Cache") == "miss"
    assert client.get("/en/events?utm_medium=y&district=sha-tin").headers.get("X-Cache") == "hit"
    page_two = client.get("/en/events?page=2&utm_campaign=z")
    assert page_two.headers.get("X-Cache") == "miss"
    assert client.get("/en/events?page=2").headers.get("X-Cache") == "hit"
    assert client.get("/en/events?district=sha-tin&page=2").headers.get("X-Cache") == "miss"
    assert client.get("/en/events?page=2&district=sha-tin").headers.get("X-Cache") == "hit"  # sorted
    assert len(page_entries(app)) == plain + 3


@pytest.mark.parametrize("query", ["q=%E6%B5%B7%E6%B8%AF", "q=海港"])
def test_a_declared_parameter_reaches_the_view_unchanged_in_chinese_too(client, query):
    """Percent-encoded or raw UTF-8, the centre search still finds 海港 (Harbour) after the key narrowed the query."""
    html = client.get(f"/zh-hk/centres/?utm_source=x&{query}").get_data(as_text=True)
    assert 'value="海港"' in html


def test_a_view_that_declares_no_parameters_drops_them_all(client):
    client.get("/en/help")
    assert client.get("/en/help?utm_source=newsletter&q=anything").headers.get("X-Cache") == "hit"


def test_pages_that_read_their_own_parameters_still_get_them(client):
    """Search declares nothing and is never cached: its query must reach it whole."""
    html = client.get("/en/search?q=parenting&utm_source=x").get_data(as_text=True)
    assert 'value="parenting"' in html


def test_an_unknown_text_size_cookie_is_not_a_new_cache_entry(app):
    client = app.test_client()
    client.get("/en/help")
    before = len(page_entries(app))
    for i in range(20):
        client.set_cookie("textsize", f"huge{i}")
        assert client.get("/en/help").status_code == 200
    assert len(page_entries(app)) == before


def test_redis_prefix_really_holds_the_pages(make_app, scale_out_skip_reason, fixture_content):
    """page_entries() looks where the pages are, so the counts above mean something on Redis too."""
    if scale_out_skip_reason:
        pytest.skip(scale_out_skip_reason)
    app = make_app("postgres", CONTENT_DIR=str(fixture_content))
    assert app.config["REDIS_URL"] == REDIS_URL
    sync_content(app)
    app.test_client().get("/en/help")
    assert len(page_entries(app)) == 1


# --- 5: JSON in HTML ---------------------------------------------------------------------------------


def test_json_for_html_escapes_everything_that_could_leave_the_script_or_attribute():
    text = str(json_for_html({"name": HOSTILE, "zh": "家庭"}))
    for raw in ("<", ">", "&", "'", "\u2028", "\u2029"):
        assert raw not in text, repr(raw)
    assert "家庭" in text  # Chinese stays readable
    assert json.loads(text) == {"name": HOSTILE, "zh": "家庭"}


def test_tojson_in_templates_is_the_safe_helper(app):
    assert app.jinja_env.filters["tojson"] is json_for_html
    with app.test_request_context("/en/"):
        html = render_template_string(
            "<script type=\"application/ld+json\">{{ v|tojson }}</script><div data-x='{{ v|tojson }}'></div>", v=HOSTILE
        )
    assert html.count("<script") == 1 and html.count("</script>") == 1 and "<!--" not in html
    attribute = re.search(r"data-x='([^']*)'", html).group(1)
    assert json.loads(attribute) == HOSTILE


def test_event_json_ld_with_a_hostile_title_stays_inside_its_script(app):
    event_id = add_event(app, "hostile", 2, title_en=HOSTILE, venue_en=HOSTILE, address_en=HOSTILE)
    html = app.test_client().get(f"/en/events/{event_id}").get_data(as_text=True)
    assert "<script>alert(1)" not in html and html.count("</script>") == html.count("<script")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert len(blocks) == 1
    for raw in ("<", ">", "&", "'", "\u2028", "\u2029"):  # (in the page's text, U+2028 is just a character)
        assert raw not in blocks[0], repr(raw)
    data = json.loads(blocks[0])
    assert data["name"] == HOSTILE and data["location"]["name"] == HOSTILE


def test_every_template_writes_json_through_tojson():
    """No hand-made JSON in a page: each ld+json script and each JSON data attribute goes through |tojson."""
    templates = Path(__file__).resolve().parent.parent / "portal" / "templates"
    for path in templates.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "json.dumps" not in text, path
        for body in re.findall(r'<script type="application/(?:ld\+)?json">(.*?)</script>', text, re.S):
            assert re.fullmatch(r"\{\{\s*[\w.]+\s*\|\s*tojson\s*\}\}", body.strip()), f"{path}: {body}"
