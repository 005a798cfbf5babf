"""Every page: security headers, help bar, errors, sitemap/robots and the page cache,
on SQLite + file cache and on PostgreSQL + Redis."""

from __future__ import annotations

import html
import shutil

import pytest
import yaml
from flask import abort

from portal.cli import sync_content

from .conftest import FIXTURES, REAL_CONTENT
from .test_sitemap import sitemap_locs

PAGES = ["/en/", "/zh-hk/", "/en/articles/", "/zh-hk/help", "/en/articles/category/parenting"]


@pytest.fixture
def fixture_content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_page(client, path):
    response = client.get(path)
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "object-src 'none'" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_no_inline_script_or_style(client, path):
    page = client.get(path).get_data(as_text=True)
    for script in page.split("<script")[1:]:
        head = script.split(">", 1)[0]
        assert "src=" in head or 'type="application/ld+json"' in head, f"inline script on {path}"
    assert " style=" not in page
    assert " onclick=" not in page and " onload=" not in page


def test_help_bar_numbers_come_from_the_hotline_file(client):
    hotlines = yaml.safe_load((REAL_CONTENT / "hotlines.yml").read_text(encoding="utf-8"))
    in_bar = sorted((h for h in hotlines if h.get("help_bar")), key=lambda h: h["help_bar"])
    assert [h["number"] for h in in_bar] == ["999", "18111", "2343 2255"]
    for path in ("/en/", "/zh-hk/articles/"):
        page = client.get(path).get_data(as_text=True)
        bar = page.split('class="help-bar"', 1)[1].split("</aside>", 1)[0]
        for hotline in in_bar:
            digits = hotline["number"].replace(" ", "")
            assert f'href="tel:+852{digits}"' in bar
        assert 'href="/' + path.split("/")[1] + '/help"' in bar


def test_help_page_lists_every_verified_hotline_with_its_source(client):
    hotlines = yaml.safe_load((REAL_CONTENT / "hotlines.yml").read_text(encoding="utf-8"))
    shared = REAL_CONTENT.parent.parent / "shared" / "data" / "hotlines.csv"
    en = html.unescape(client.get("/en/help").get_data(as_text=True))
    zh = html.unescape(client.get("/zh-hk/help").get_data(as_text=True))
    for hotline in hotlines:
        assert hotline["number"] in en and hotline["number"] in zh
        assert hotline["source"].startswith(("https://", "http://"))
        assert hotline["name_en"] in en and hotline["name_zh"] in zh
        if shared.exists():
            assert hotline["number"] in shared.read_text(encoding="utf-8"), hotline["id"]


def test_404_is_bilingual_and_keeps_the_site_chrome(client):
    en = client.get("/en/no-such-page")
    zh = client.get("/zh-hk/no-such-page")
    assert en.status_code == zh.status_code == 404
    assert "Page not found" in en.get_data(as_text=True)
    zh_html = zh.get_data(as_text=True)
    assert "找不到網頁" in zh_html and 'lang="zh-Hant-HK"' in zh_html
    assert "2343 2255" in zh_html  # the help bar is there on error pages too


def test_500_is_bilingual_without_a_traceback(make_app):
    app = make_app(PROPAGATE_EXCEPTIONS=False)

    @app.get("/<lang:lang_code>/boom")
    def boom():
        raise RuntimeError("secret internals")

    client = app.test_client()
    for path, text in (("/en/boom", "Sorry, something went wrong"), ("/zh-hk/boom", "系統出現問題")):
        response = client.get(path)
        page = response.get_data(as_text=True)
        assert response.status_code == 500
        assert text in page
        assert "secret internals" not in page and "Traceback" not in page


def test_400_is_friendly(make_app):
    app = make_app()

    @app.post("/<lang:lang_code>/form")
    def form():
        abort(400)

    response = app.test_client().post("/zh-hk/form")
    assert response.status_code == 400
    assert "<html" in response.get_data(as_text=True)


def test_robots_and_sitemap_with_hreflang(make_app, fixture_content):
    app = make_app(CONTENT_DIR=str(fixture_content))
    sync_content(app)
    client = app.test_client()
    robots = client.get("/robots.txt").get_data(as_text=True)
    assert "Sitemap: http://portal.test/sitemap.xml" in robots
    locs = sitemap_locs(client)  # every file of the index, each with all three hreflang links per entry
    assert "http://portal.test/en/" in locs and "http://portal.test/zh-hk/" in locs
    assert "http://portal.test/zh-hk/articles/family-meals" in locs


def test_text_size_control_works_without_javascript(client):
    response = client.get("/text-size/larger?next=/zh-hk/help")
    assert response.status_code == 303
    assert response.headers["Location"] == "/zh-hk/help"
    assert "textsize=larger" in response.headers["Set-Cookie"]
    page = client.get("/zh-hk/help").get_data(as_text=True)
    assert 'href="/text-size.css"' in page.split("<body", 1)[0]  # the page is the same for everyone...
    sheet = client.get("/text-size.css")  # ...and this stylesheet applies the visitor's choice
    assert "font-size: 137.5%" in sheet.get_data(as_text=True) and ".text-size-larger" in sheet.get_data(as_text=True)
    assert sheet.headers["Cache-Control"] == "private, no-cache" and sheet.headers["Vary"] == "Cookie"


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil.example"])
def test_text_size_never_redirects_off_site(client, target):
    response = client.get(f"/text-size/large?next={target}")
    assert response.headers["Location"] == "/"


def test_pages_are_cached_and_a_sync_refreshes_them(make_app, backend, fixture_content):
    """Two workers on one database and cache: an edit synced by one shows on the other at once."""
    worker_a = make_app(backend, CONTENT_DIR=str(fixture_content))
    worker_b = make_app(backend, CONTENT_DIR=str(fixture_content))
    sync_content(worker_a)
    client_a, client_b = worker_a.test_client(), worker_b.test_client()
    client_a.get("/en/articles/family-meals")  # first visit: the page is set aside
    hit = client_b.get("/en/articles/family-meals")
    assert hit.headers.get("X-Cache") == "hit"
    assert "Family meals that bring you together" in hit.get_data(as_text=True)

    article = fixture_content / "articles" / "family-meals" / "en.md"
    article.write_text(
        article.read_text(encoding="utf-8").replace(
            "title: Family meals that bring you together", "title: Family meals, renamed"
        ),
        encoding="utf-8",
    )
    sync_content(worker_a)
    fresh = client_b.get("/en/articles/family-meals")
    assert fresh.headers.get("X-Cache") == "miss"
    assert "Family meals, renamed" in fresh.get_data(as_text=True)


def test_a_cached_page_is_served_before_flask_with_the_same_headers(make_app, backend, fixture_content):
    """A hit skips routing, views and hooks, yet carries every header of the page it stands for."""
    app = make_app(backend, CONTENT_DIR=str(fixture_content))
    sync_content(app)
    requests_seen: list[str] = []
    app.before_request(lambda: requests_seen.append("flask") and None)
    client = app.test_client()
    miss = client.get("/zh-hk/articles/family-meals")
    assert miss.headers["X-Cache"] == "miss" and requests_seen == ["flask"]
    hit = app.test_client().get("/zh-hk/articles/family-meals")  # a new visitor: no cookies
    assert hit.headers["X-Cache"] == "hit" and requests_seen == ["flask"]  # Flask never saw it
    assert hit.get_data() == miss.get_data() and hit.status_code == 200
    for name in ("Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy", "X-Frame-Options",
                 "Permissions-Policy", "Content-Language", "Content-Type", "Link"):  # fmt: skip
        assert hit.headers.getlist(name) == miss.headers.getlist(name), name
    for name in ("Cache-Control", "ETag", "Last-Modified"):
        assert hit.headers[name] == miss.headers[name], name
    assert "Set-Cookie" not in hit.headers and "Set-Cookie" not in miss.headers  # a page view sets no cookie


def test_pages_flask_never_caches_are_never_served_by_the_cache(client):
    client.get("/en/search?q=family")
    assert client.get("/en/search?q=family").headers.get("X-Cache") != "hit"
    client.head("/en/help")
    assert client.head("/en/help").headers.get("X-Cache") != "hit"  # only GET is cached
    assert client.get("/en/help").headers.get("X-Cache") == "miss"


def test_one_cached_page_serves_every_text_size(client):
    first = client.get("/en/help")
    client.set_cookie("textsize", "large")
    response = client.get("/en/help")
    assert response.headers.get("X-Cache") == "hit" and response.get_data() == first.get_data()
    assert "font-size: 118.75%" in client.get("/text-size.css").get_data(as_text=True)


def test_site_stays_up_when_redis_is_down(make_app, fixture_content):
    app = make_app(REDIS_URL="redis://127.0.0.1:1/0", CONTENT_DIR=str(fixture_content))
    sync_content(app)  # invalidating an unreachable cache must not fail the sync
    client = app.test_client()
    for _ in range(2):
        response = client.get("/en/articles/family-meals")
        assert response.status_code == 200
        assert "Family meals that bring you together" in response.get_data(as_text=True)
