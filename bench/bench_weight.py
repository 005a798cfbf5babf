"""Page weight: what a visitor's browser downloads for one page, counted by a real browser.

    .venv/bin/python bench/bench_weight.py [--path /en/articles/what-is-an-ifsc] [--path ...]

Serves the site with the real content on a local port, opens each page in
Debian's Chromium (Playwright), and lists every request the page made: HTML,
CSS, JavaScript, images, fonts. Sizes are shown raw and gzip-compressed (level
6, what nginx or a CDN sends); the first visit is counted (empty browser cache).
Prints figures only; never asserts. Target (issue 7): an article page's HTML,
CSS and JavaScript together <= 60 KB compressed, in <= 5 requests.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.cli import sync_content  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]  # fmt: skip
DEFAULT_PATHS = ["/en/articles/what-is-an-ifsc", "/zh-hk/articles/what-is-an-ifsc", "/en/", "/en/centres/",
                 "/en/events", "/en/self-check/who5"]  # fmt: skip
CODE_TYPES = {"document", "stylesheet", "script"}


def serve(work: Path) -> tuple[object, str]:
    app = create_app({
        "INSTANCE_PATH": str(work), "DATABASE_URL": f"sqlite:///{work / 'weight.sqlite3'}", "REDIS_URL": None,
        "CACHE_DIR": str(work / "cache"), "CONTENT_DIR": str(ROOT / "content"), "DATABASE_UPGRADE_ON_START": True,
    })  # fmt: skip
    sync_content(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def weigh(page, url: str) -> list[tuple[str, str, int, int]]:
    """(resource type, url, raw bytes, gzip bytes) of every request the page made."""
    seen: list = []

    def finished(request) -> None:
        seen.append(request)

    page.on("requestfinished", finished)
    page.goto(url, wait_until="networkidle")
    rows = []
    for request in seen:
        response = request.response()
        body = response.body() if response else b""
        rows.append((request.resource_type, request.url, len(body), len(gzip.compress(body, 6))))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--path", action="append", help="page to weigh (repeatable)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as playwright:
        server, base = serve(Path(tmp))
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for path in args.path or DEFAULT_PATHS:
                context = browser.new_context()  # a first visit: nothing cached
                rows = weigh(context.new_page(), base + path)
                context.close()
                code = [r for r in rows if r[0] in CODE_TYPES]
                print(
                    f"\n{path}: {len(rows)} requests, {sum(r[3] for r in rows) / 1024:.1f} KB compressed in all; "
                    f"HTML+CSS+JS {len(code)} requests, {sum(r[3] for r in code) / 1024:.1f} KB compressed "
                    f"({sum(r[2] for r in code) / 1024:.1f} KB raw)"
                )
                for kind, url, raw, packed in rows:
                    print(f"  {kind:<11} {raw / 1024:7.1f} KB raw {packed / 1024:7.1f} KB gz  {url.removeprefix(base)}")
        finally:
            browser.close()
            server.shutdown()


if __name__ == "__main__":
    main()
