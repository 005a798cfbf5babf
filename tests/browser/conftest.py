"""Real-browser fixtures: the site served on a local port, Playwright driving
Debian's Chromium (/usr/bin/chromium), and an axe-core accessibility scan.

The site the browser tests share (``live_server``) runs under granian, the app
server the deployment recipe ships (deploy/systemd/portal.service), so the
browser suite is also the proof that the site works under it (issue 18);
``PORTAL_TEST_SERVER=werkzeug`` runs it in-process instead. Tests whose app
needs something only code can give (an extra route, a file watcher) serve it
in-process with werkzeug.

Browser tests skip with a clear reason where Chromium or Playwright is
missing; CI installs Chromium in .ci/run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from portal import create_app
from portal.cli import sync_content

from ..conftest import REAL_CONTENT

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
AXE = Path(__file__).parent / "vendor" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-dev-shm-usage",
]  # fmt: skip

pytestmark = pytest.mark.browser


def pytest_collection_modifyitems(items):
    """Mark the tests in this folder only: the hook sees the whole session's items, and marking them all
    made ``-m "not browser"`` deselect the entire suite."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.browser)


class LiveServer:
    """An app served in this process by werkzeug's threaded server."""

    def __init__(self, app):
        self.app = app
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()


GRANIAN = Path(sys.executable).parent / "granian"
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class GranianServer:
    """The app served by granian in its own processes, as deploy/systemd/portal.service runs it (two workers).

    The workers build their app from the same settings (tests/browser/live_app.py reads them from the
    environment); ``app`` is an app in this process on the same database and cache, for the tests that
    look at or change what the site holds."""

    def __init__(self, app, settings: dict):
        self.app = app
        port = free_port()
        self.url = f"http://127.0.0.1:{port}"
        settings = {**settings, "SITE_URL": self.url}
        app.config["SITE_URL"] = self.url
        self.log = Path(settings["INSTANCE_PATH"]) / "granian.log"
        env = {**os.environ, "PORTAL_TEST_APP_SETTINGS": json.dumps(settings)}
        command = [
            str(GRANIAN), "--interface", "wsgi", "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
            "--blocking-threads", "1", "--backpressure", "64", "--no-ws", "--log-level", "warning",
            "--working-dir", str(ROOT), "tests.browser.live_app:app",
        ]  # fmt: skip
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        self._wait_until_up()

    def _wait_until_up(self, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                urllib.request.urlopen(self.url + "/healthz", timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"granian did not start: {self.log.read_text(errors='replace')[-2000:]}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()


def serve(app, settings: dict):
    """granian when it is installed (the default), else werkzeug in this process; PORTAL_TEST_SERVER chooses."""
    wanted = os.environ.get("PORTAL_TEST_SERVER", "granian")
    if wanted == "granian" and GRANIAN.exists():
        return GranianServer(app, settings)
    if wanted == "granian" and not shutil.which("granian"):
        print("granian is not installed: the browser tests use werkzeug's server instead", file=sys.stderr)
    server = LiveServer(app)
    app.config["SITE_URL"] = server.url
    return server


def site_settings(instance: Path, content: Path = REAL_CONTENT, **extra) -> dict:
    """A browser-test site's settings: SQLite and the file cache in ``instance``, the schema by the migrations."""
    return {
        "INSTANCE_PATH": str(instance),
        "DATABASE_UPGRADE_ON_START": True,
        "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "REDIS_URL": None,
        "CACHE_DIR": str(instance / "cache"),
        "CONTENT_DIR": str(content),
        "SECRET_KEY": "browser-tests",
        **extra,
    }


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[LiveServer | GranianServer]:
    """The whole site with the real content, served for the browser on 127.0.0.1."""
    settings = site_settings(
        tmp_path_factory.mktemp("live-instance"),
        FEEDBACK_PER_HOUR=10_000,  # the feedback tests send more than a visitor may in an hour
    )
    app = create_app(settings)
    sync_content(app)
    server = serve(app, settings)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip(f"Chromium not found at {CHROMIUM} (apt-get install chromium); browser tests skipped")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("Playwright for Python is not installed; browser tests skipped")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def context(browser):
    context = browser.new_context(bypass_csp=False, locale="en-GB", viewport={"width": 1280, "height": 900})
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.js_errors = errors
    yield page
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def axe(browser):
    """Scan a URL with axe-core for WCAG 2.x A and AA violations; returns the violations."""

    def scan(url: str, page=None) -> list[dict]:
        # A context that bypasses CSP only so that axe itself can be injected.
        context = browser.new_context(bypass_csp=True)
        scan_page = context.new_page()
        try:
            scan_page.goto(url)
            scan_page.add_script_tag(path=str(AXE))
            result = scan_page.evaluate(
                """async () => await axe.run(document, {
                    runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']}
                })"""
            )
        finally:
            context.close()
        return result["violations"]

    return scan


def describe(violations: list[dict]) -> str:
    """Readable summary of axe violations for assertion messages."""
    return json.dumps(
        [{"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"][:5]]} for v in violations],
        indent=1,
    )
