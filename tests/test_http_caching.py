"""What a browser, nginx or a CDN may keep: public pages with ETag / Last-Modified answering 304,
no cookie on an ordinary page view, one HTML for every text size, private pages that say so.

Runs on SQLite + file cache and on PostgreSQL + Redis (skipped when those are not reachable).
"""

from __future__ import annotations

import re
import shutil

import pytest

from portal.cli import sync_content

from .conftest import FIXTURES

ARTICLE = "/en/articles/family-meals"
PUBLIC_PAGES = ["/en/", "/zh-hk/", ARTICLE, "/zh-hk/articles/family-meals", "/en/articles/", "/zh-hk/help"]


@pytest.fixture
def site(make_app, backend, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    app = make_app(backend, CONTENT_DIR=str(content))
    sync_content(app)
    return app


def test_anonymous_pages_are_public_with_a_strong_etag_and_no_cookie(site):
    for path in PUBLIC_PAGES:
        for attempt in ("miss", "hit"):
            response = site.test_client().get(path)  # a new visitor each time: no cookies
            assert response.status_code == 200, path
            assert response.headers.get("X-Cache") == attempt, path
            assert response.headers["Cache-Control"] == "public, max-age=60, stale-while-revalidate=300"
            assert re.fullmatch(r'"[0-9a-f]{32}"', response.headers["ETag"]), path  # strong: no W/
            assert response.headers["Last-Modified"].endswith(" GMT")
            assert "Set-Cookie" not in response.headers, path


def test_max_age_and_stale_window_are_settings(make_app, backend, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    app = make_app(backend, CONTENT_DIR=str(content), HTTP_MAX_AGE=5, HTTP_STALE_SECONDS=7)
    sync_content(app)
    assert app.test_client().get(ARTICLE).headers["Cache-Control"] == "public, max-age=5, stale-while-revalidate=7"


@pytest.mark.parametrize("cached", [False, True], ids=["rendered", "page-cache-hit"])
def test_a_browser_that_has_the_page_gets_304(site, cached):
    client = site.test_client()
    first = client.get(ARTICLE)
    if cached:
        assert client.get(ARTICLE).headers["X-Cache"] == "hit"
    etag, modified = first.headers["ETag"], first.headers["Last-Modified"]

    same = client.get(ARTICLE, headers={"If-None-Match": etag})
    assert same.status_code == 304 and same.get_data() == b""
    assert same.headers["ETag"] == etag and same.headers["Cache-Control"].startswith("public")
    assert client.get(ARTICLE, headers={"If-Modified-Since": modified}).status_code == 304

    other = client.get(ARTICLE, headers={"If-None-Match": '"0123456789abcdef0123456789abcdef"'})
    assert other.status_code == 200 and other.get_data() == first.get_data()
    assert client.get(ARTICLE, headers={"If-Modified-Since": "Mon, 01 Jan 2001 00:00:00 GMT"}).status_code == 200


def test_the_etag_follows_the_page_and_a_hit_keeps_it(site):
    miss, hit = site.test_client().get(ARTICLE), site.test_client().get(ARTICLE)
    assert hit.headers["X-Cache"] == "hit"
    assert (hit.headers["ETag"], hit.headers["Last-Modified"]) == (miss.headers["ETag"], miss.headers["Last-Modified"])
    assert site.test_client().get("/zh-hk/articles/family-meals").headers["ETag"] != miss.headers["ETag"]


def test_the_language_cookie_is_set_only_by_the_language_switch(site):
    client = site.test_client()
    page = client.get("/en/help")
    assert "Set-Cookie" not in page.headers
    toggle = re.search(r'class="lang-toggle" href="([^"]+)"', page.get_data(as_text=True)).group(1)
    assert toggle == "/language/zh-hk?next=/zh-hk/help"
    switched = client.get(toggle)
    assert switched.status_code == 303 and switched.headers["Location"] == "/zh-hk/help"
    assert "lang=zh-hk" in switched.headers["Set-Cookie"]
    assert switched.headers["Cache-Control"] == "private, no-store"
    assert "Set-Cookie" not in client.get("/zh-hk/help").headers
    root = client.get("/", headers={"Accept-Language": "en"})  # the remembered choice wins at /
    assert root.headers["Location"] == "/zh-hk/" and root.headers["Cache-Control"].startswith("private")


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/"])
def test_the_language_switch_stays_on_the_site(site, target):
    assert site.test_client().get(f"/language/en?next={target}").headers["Location"] == "/en/"
    unknown = site.test_client().get("/language/fr?next=/en/")
    assert unknown.status_code == 303 and "Set-Cookie" not in unknown.headers


def test_every_text_size_gets_the_same_html(site):
    pages, sheets = {}, {}
    for size in ("normal", "large", "larger", "nonsense"):
        client = site.test_client()
        client.set_cookie("textsize", size)
        pages[size] = client.get(ARTICLE)
        sheets[size] = client.get("/text-size.css")
    assert len({page.get_data() for page in pages.values()}) == 1
    assert "Vary" not in pages["large"].headers  # nothing to vary on: the HTML is the same
    assert [pages[size].headers["X-Cache"] for size in pages] == ["miss", "hit", "hit", "hit"]
    assert "font-size: 118.75%" in sheets["large"].get_data(as_text=True)
    assert "font-size: 137.5%" in sheets["larger"].get_data(as_text=True)
    assert sheets["nonsense"].get_data() == sheets["normal"].get_data()
    for sheet in sheets.values():
        assert sheet.headers["Cache-Control"] == "private, no-cache" and sheet.headers["Vary"] == "Cookie"
    client = site.test_client()
    client.set_cookie("textsize", "large")
    again = client.get("/text-size.css", headers={"If-None-Match": sheets["large"].headers["ETag"]})
    assert again.status_code == 304
    assert client.get("/text-size.css", headers={"If-None-Match": sheets["normal"].headers["ETag"]}).status_code == 200


def test_self_check_results_and_posted_forms_are_private(backend_app):
    client = backend_app.test_client()  # the real content: it has the self-checks
    answers = {f"q-q{n}": "1" for n in range(1, 10)}
    result = client.post("/en/self-check/phq9/result", data=answers)
    assert result.status_code == 200
    assert result.headers["Cache-Control"].startswith("private, no-store")
    assert "ETag" not in result.headers and "Last-Modified" not in result.headers
    incomplete = client.post("/en/self-check/phq9/result", data={"q-q1": "1"})
    assert incomplete.status_code == 422 and incomplete.headers["Cache-Control"].startswith("private, no-store")
    feedback = client.post("/en/feedback", data={"page": ARTICLE, "useful": "yes"})
    assert feedback.status_code < 500 and "no-store" in feedback.headers["Cache-Control"]


def test_errors_and_redirects_are_not_shared(backend_app):
    client = backend_app.test_client()
    missing = client.get("/en/articles/no-such-article")
    assert missing.status_code == 404 and missing.headers["Cache-Control"] == "private, no-store"
    back = client.get("/en/self-check/phq9/result")  # GET of a result: back to the start
    assert back.status_code in (302, 303) and back.headers["Cache-Control"] == "private, no-store"


def test_preview_pages_are_private(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    app = make_app(CONTENT_DIR=str(content), PREVIEW=True)
    sync_content(app)
    response = app.test_client().get(ARTICLE)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "private, no-store"


def test_static_files_have_hashed_urls_cached_for_a_year(site, tmp_path):
    html = site.test_client().get("/en/help").get_data(as_text=True)
    urls = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert urls and all(re.search(r"\?v=[0-9a-f]{12}$", url) for url in urls), urls
    response = site.test_client().get(urls[0])
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    stale = site.test_client().get(urls[0].split("?v=")[0] + "?v=000000000000")  # an old or made-up version
    assert stale.status_code == 200 and "immutable" not in stale.headers.get("Cache-Control", "")


def test_a_changed_static_file_gets_a_new_url(make_app, tmp_path):
    from portal.templating import static_version

    static = tmp_path / "static"
    (static / "css").mkdir(parents=True)
    (static / "css" / "x.css").write_text("a{}")
    app = make_app()
    app.static_folder = str(static)
    before = static_version(app, "css/x.css")
    (static / "css" / "x.css").write_text("a{color:red}")
    assert static_version(app, "css/x.css") != before
    assert static_version(app, "../pyproject.toml") is None and static_version(app, "css/none.css") is None
