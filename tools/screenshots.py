"""First-screen screenshots of the main page types as a 390 x 844 phone shows them, in both languages.

Usage: python tools/screenshots.py [output folder]   (default docs/screenshots; `make screenshots`)

The site is served from the real content/ in a throw-away instance folder, exactly as the browser
tests serve it, and Debian's Chromium (/usr/bin/chromium, or PORTAL_CHROMIUM) takes one PNG per page
and language: what a visitor sees before scrolling, so each shows whether the page's heading is there.
Each line printed gives the file, its size and where the page's h1 ends (it must be above 844).
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.cli import sync_content  # noqa: E402

CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-dev-shm-usage"]
PHONE = {"width": 390, "height": 844}
PAGES = {
    "home": "/{lang}/",
    "article": "/{lang}/articles/what-is-an-ifsc",
    "events": "/{lang}/events",
    "self-check": "/{lang}/self-check/phq9",
    "finder": "/{lang}/centres/",
}


def serve(instance: Path):
    """The site on a free local port, with the real content loaded."""
    import threading

    from werkzeug.serving import make_server

    app = create_app(
        {
            "INSTANCE_PATH": str(instance),
            "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
            "REDIS_URL": None,
            "CACHE_DIR": str(instance / "cache"),
            "CONTENT_DIR": str(ROOT / "content"),
            "DATABASE_UPGRADE_ON_START": True,
            "SECRET_KEY": "screenshots",
        }
    )
    sync_content(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}"


def main(out: Path) -> int:
    from playwright.sync_api import sync_playwright

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder:
        server, base = serve(Path(folder))
        try:
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
                page = browser.new_context(viewport=PHONE, device_scale_factor=1).new_page()
                for lang in ("en", "zh-hk"):
                    for name, path in PAGES.items():
                        page.goto(base + path.format(lang=lang))
                        bottom = page.evaluate("document.querySelector('h1').getBoundingClientRect().bottom")
                        target = out / f"{name}-{lang}.png"
                        page.screenshot(path=str(target))
                        print(
                            f"{target.relative_to(ROOT)}: {target.stat().st_size // 1024} KB, h1 ends at y={bottom:.0f}"
                        )
                browser.close()
        finally:
            server.shutdown()
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"))
