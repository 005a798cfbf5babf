"""The shipped nginx config (deploy/nginx/portal.conf) in front of the app: micro-caching that honours
the app's headers, 304s, compression (issue #16: compression is nginx's job), security headers.

``.ci/run`` starts nginx and the app server and sets ``PORTAL_TEST_NGINX_URL``; without it, the test
starts its own nginx (rendered by deploy/render_nginx.py, as a normal process in a temporary folder)
in front of the app served in a thread. Skipped, saying why, when nginx is not installed.
"""

from __future__ import annotations

import gzip
import os
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal.config import PROJECT_ROOT

from .conftest import _port_open

pytestmark = pytest.mark.nginx

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def nginx_url(tmp_path_factory) -> Iterator[str]:
    given = os.environ.get("PORTAL_TEST_NGINX_URL")
    if given:
        yield given.rstrip("/")
        return
    if NGINX is None:
        pytest.skip("nginx is not installed (apt-get install nginx-light; .ci/run installs it)")
    from portal import create_app
    from portal.cli import sync_content

    folder = tmp_path_factory.mktemp("nginx")
    app = create_app(
        {"TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(folder / "instance"), "REDIS_URL": None,
         "DATABASE_UPGRADE_ON_START": True}  # the schema by the migrations, as .ci/run's app gets it
    )  # fmt: skip
    sync_content(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = free_port()
    # nginx's workers (user nobody when started by root) must reach their cache: not under pytest's 0700 folders.
    prefix = Path(tempfile.mkdtemp(prefix="portal-nginx-"))
    prefix.chmod(0o755)
    subprocess.run(
        [
            "python3", str(PROJECT_ROOT / "deploy" / "render_nginx.py"), "--standalone", str(prefix),
            "--listen", f"127.0.0.1:{port}", "--upstream", f"127.0.0.1:{server.server_port}", "--brotli",
        ],
        check=True, capture_output=True,
    )  # fmt: skip
    conf = ["-p", str(prefix), "-c", str(prefix / "nginx.conf")]
    subprocess.run([NGINX, *conf], check=True)
    try:
        for _ in range(100):
            if _port_open("127.0.0.1", port):
                break
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}"
    finally:
        subprocess.run([NGINX, *conf, "-s", "quit"], check=False)
        server.shutdown()
        shutil.rmtree(prefix, ignore_errors=True)


def fetch(url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - our own test server
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def unique(path: str) -> str:
    """The same page under a query the app drops (not declared): a fresh nginx cache entry each run."""
    return f"{path}?utm_source=t{time.time_ns()}" if "?" not in path else f"{path}&utm_source=t{time.time_ns()}"


SECURITY = ["content-security-policy", "x-content-type-options", "referrer-policy", "x-frame-options"]


def test_a_page_is_a_miss_then_a_hit_with_its_headers(nginx_url):
    url = nginx_url + "/en/help"
    status, first, body = fetch(url)
    assert status == 200 and first["x-cache-status"] in ("MISS", "HIT", "STALE", "UPDATING", "REVALIDATED")
    page = nginx_url + unique("/en/articles/")
    assert fetch(page)[1]["x-cache-status"] == "MISS"
    status, hit, cached = fetch(page)
    assert status == 200 and hit["x-cache-status"] == "HIT"
    assert hit["cache-control"].startswith("public, max-age=")
    for name in SECURITY:
        assert name in hit, name
    assert "set-cookie" not in hit


def test_nginx_answers_304_from_its_cache(nginx_url):
    page = nginx_url + unique("/zh-hk/help")
    _, headers, _ = fetch(page)
    status, again, body = fetch(page, {"If-None-Match": headers["etag"]})
    assert status == 304 and body == b"" and again["x-cache-status"] == "HIT"
    assert fetch(page, {"If-Modified-Since": headers["last-modified"]})[0] == 304


def test_private_responses_and_cookies_are_never_cached(nginx_url):
    switch = nginx_url + "/language/zh-hk?next=/zh-hk/"
    for _ in range(2):
        request = urllib.request.Request(switch)
        opener = urllib.request.build_opener(NoRedirect)
        try:
            opener.open(request, timeout=10)
        except urllib.error.HTTPError as answer:
            assert answer.code == 303 and "lang=zh-hk" in answer.headers["Set-Cookie"]
            assert answer.headers["X-Cache-Status"] != "HIT"
    sheet = nginx_url + "/text-size.css"
    for _ in range(2):
        status, headers, _ = fetch(sheet, {"Cookie": "textsize=large"})
        assert status == 200 and headers["x-cache-status"] != "HIT"
    assert "118.75%" in fetch(sheet, {"Cookie": "textsize=large"})[2].decode()
    assert "118.75%" not in fetch(sheet)[2].decode()  # nobody gets another visitor's size


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # noqa: ANN002, ANN003 - urllib's signature
        return None


@pytest.mark.parametrize(
    ("path", "kind"),
    [
        ("/en/help", "text/html"),
        ("/en/articles/feed.atom", "xml"),
        ("/sitemap.xml", "xml"),
        ("/en/events/feed.ics", "text/calendar"),
        ("/api/centres.json", "application/json"),
        ("/static/css/site.css", "text/css"),
        ("/static/js/site.js", "javascript"),
    ],
)
def test_text_responses_are_compressed(nginx_url, path, kind):
    status, headers, body = fetch(nginx_url + path, {"Accept-Encoding": "gzip"})
    assert status == 200 and kind in headers["content-type"], headers.get("content-type")
    assert headers.get("content-encoding") == "gzip" and "Accept-Encoding" in headers.get("vary", "")
    _, plain_headers, plain = fetch(nginx_url + path)
    assert "content-encoding" not in plain_headers  # plain for a client that asks nothing
    assert gzip.decompress(body) == plain and (len(body) < len(plain) or len(plain) < 200)


def test_static_files_have_security_headers_and_a_year_under_a_hashed_url(nginx_url):
    html = fetch(nginx_url + "/en/help")[2].decode()
    start = html.index("/static/css/site.css?v=")
    url = html[start : html.index('"', start)]
    status, headers, _ = fetch(nginx_url + url)
    assert status == 200 and headers["cache-control"] == "public, max-age=31536000, immutable"
    for name in SECURITY:
        assert name in headers, name
    assert fetch(nginx_url + "/static/css/site.css")[1]["cache-control"] == "public, max-age=3600"
