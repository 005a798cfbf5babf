"""Lighthouse (mobile) accessibility, best-practices and SEO scores of the key pages, both languages.

    .venv/bin/python bench/lighthouse.py [--path /en/centres/] [--path ...] [--details]

Serves the site with the real content on a local port (SQLite + file cache, as ``make run``), then
runs Lighthouse 12 from the npm registry (``npx --yes lighthouse@12.8.2``: Lighthouse 13 wants Node 22)
on each page with Debian's Chromium (``CHROME_PATH=/usr/bin/chromium``, headless, Lighthouse's default
mobile preset: a Moto G Power screen and touch). Nothing leaves the machine except npx fetching
Lighthouse the first time. Prints a score table and, with ``--details``, every audit that did not
pass. Not part of ``make test`` (about 15 s a page); the latest figures are in bench/README.md.
Issue 16 target: 100 for all three on home, article, events, a self-check and the centre finder.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal import create_app  # noqa: E402
from portal.cli import sync_content  # noqa: E402

LIGHTHOUSE = os.environ.get("PORTAL_LIGHTHOUSE", "lighthouse@12.8.2")
CHROMIUM = os.environ.get("PORTAL_CHROMIUM", "/usr/bin/chromium")
CATEGORIES = ("accessibility", "best-practices", "seo")
PAGES = ["/", "/articles/what-is-an-ifsc", "/events", "/self-check/who5", "/centres/"]
DEFAULT_PATHS = [f"/{lang}{page}" for page in PAGES for lang in ("en", "zh-hk")]


def serve(work: Path) -> tuple[object, str]:
    app = create_app({
        "INSTANCE_PATH": str(work), "DATABASE_URL": f"sqlite:///{work / 'lighthouse.sqlite3'}", "REDIS_URL": None,
        "CACHE_DIR": str(work / "cache"), "CONTENT_DIR": str(ROOT / "content"), "SECRET_KEY": "lighthouse",
        "DATABASE_UPGRADE_ON_START": True,
    })  # fmt: skip
    sync_content(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    app.config["SITE_URL"] = f"http://127.0.0.1:{server.server_port}"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, app.config["SITE_URL"]


def audit(url: str, report: Path) -> dict:
    """Lighthouse's JSON report of one page."""
    command = [
        "npx", "--yes", LIGHTHOUSE, url, "--quiet", "--output=json", f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}", "--chrome-flags=--headless=new --no-sandbox --disable-gpu",
    ]  # fmt: skip
    subprocess.run(command, check=True, env={**os.environ, "CHROME_PATH": CHROMIUM}, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def failures(result: dict) -> list[str]:
    """The audits of our categories that scored below 1 (not the informative or not-applicable ones)."""
    lines = []
    for category in CATEGORIES:
        for ref in result["categories"][category]["auditRefs"]:
            item = result["audits"][ref["id"]]
            if ref.get("weight", 0) and item.get("score") is not None and item["score"] < 1:
                lines.append(f"    {category}: {ref['id']} ({item['score']}): {item['title']}")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--path", action="append", help="a page to audit (repeatable); default: the issue's ten")
    parser.add_argument("--details", action="store_true", help="list every audit that did not pass")
    args = parser.parse_args()
    if not Path(CHROMIUM).exists():
        sys.exit(f"Chromium not found at {CHROMIUM} (apt-get install chromium)")
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # the scores, not every request
    with tempfile.TemporaryDirectory() as work:
        server, base = serve(Path(work))
        print(f"{'page':<40} {'accessibility':>13} {'best-practices':>14} {'seo':>5}")
        try:
            for path in args.path or DEFAULT_PATHS:
                result = audit(base + path, Path(work) / "report.json")
                scores = [round(100 * (result["categories"][c]["score"] or 0)) for c in CATEGORIES]
                print(f"{path:<40} {scores[0]:>13} {scores[1]:>14} {scores[2]:>5}", flush=True)
                if args.details:
                    print("\n".join(failures(result)) or "    (every audit passed)", flush=True)
        finally:
            server.shutdown()


if __name__ == "__main__":
    main()
