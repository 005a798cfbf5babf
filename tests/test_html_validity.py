"""The Nu HTML checker (vnu-jar, issue 16) over every page type in each edition (en, zh-hk, zh-cn).

Each page type is rendered with the test client from the real content: one page per route the
sitemap names (so a new kind of page is covered as soon as it is in the sitemap), plus the pages
the sitemap cannot list (search results, a calendar month, a self-check result, "near me", a 404).
All of them go to one run of the checker (one JVM start) and any error fails the test.

`.ci/run` installs the checker from the npm registry into node_modules/; elsewhere set
``PORTAL_VNU_JAR`` to a vnu.jar. Without Java or the jar the test is skipped, saying which is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.db import session_scope
from portal.events.model import Event
from portal.events.queries import add_months
from portal.i18n import LANGUAGES

from .test_selfcheck import TOOLS, answers_for, form_for
from .test_sitemap import SITE, sitemap_locs

ROOT = Path(__file__).resolve().parent.parent
VNU_JAR = Path(os.environ.get("PORTAL_VNU_JAR") or ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar")
LANGS = tuple(LANGUAGES)  # every edition served, the generated Simplified one too


def _checker() -> list[str]:
    java = shutil.which("java")
    if java is None:
        pytest.skip("Java is not installed (apt-get install default-jre-headless); Nu HTML checker skipped")
    if not VNU_JAR.is_file():
        pytest.skip(f"vnu.jar not found at {VNU_JAR} (npm install vnu-jar, or set PORTAL_VNU_JAR); skipped")
    return [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]


def one_path_per_page_type(app, client) -> list[str]:
    """The first sitemap path of each endpoint (and language), e.g. one article, one centre, one event."""
    adapter = app.url_map.bind("portal.test")
    seen: set[tuple[str, str]] = set()
    paths = []
    for loc in sitemap_locs(client):
        path = loc.removeprefix(SITE)
        endpoint, args = adapter.match(path.split("?", 1)[0])
        key = (endpoint, args.get("lang_code", ""))
        if key not in seen:
            seen.add(key)
            paths.append(path)
    return paths


def render_pages(app, client) -> dict[str, str]:
    """Name -> HTML of every page to check."""
    pages = {path: client.get(path) for path in one_path_per_page_type(app, client)}
    tool = next(iter(TOOLS.values()))
    next_month = add_months(date.today().replace(day=1), 1).strftime("%Y-%m")
    with session_scope(app) as session:  # the real events are examples, which the sitemap leaves out
        event_id = session.scalars(select(Event.id).order_by(Event.starts)).first()
    for lang in LANGS:
        for path in (f"/{lang}/search?q=family", f"/{lang}/events/calendar?month={next_month}",
                     f"/{lang}/events/{event_id}", f"/{lang}/self-check/{tool.id}/questions",
                     f"/{lang}/no-such-page"):  # fmt: skip
            pages[path] = client.get(path)
        pages[f"POST /{lang}/self-check/{tool.id}/result"] = client.post(
            f"/{lang}/self-check/{tool.id}/result", data=form_for(answers_for(tool, 3))
        )
        pages[f"POST /{lang}/centres/near"] = client.post(
            f"/{lang}/centres/near", data={"lat": "22.3125", "lng": "114.2245"}
        )
    html = {}
    for name, response in pages.items():
        if response.mimetype == "text/html":
            html[name] = response.get_data(as_text=True)
    return html


def test_every_page_type_in_every_edition_has_no_html_errors(app, client, tmp_path):
    command = _checker()
    pages = render_pages(app, client)
    endpoints = {name.split("/")[2] if name.count("/") > 1 else name for name in pages}
    assert len(pages) >= 30 and {"articles", "events", "centres", "self-check", "help"} <= endpoints, sorted(pages)
    for lang in LANGS:  # the sitemap's pages and the ones it cannot list, in each edition
        assert f"/{lang}/search?q=family" in pages and f"POST /{lang}/centres/near" in pages, lang
        assert sum(name.startswith(f"/{lang}/") for name in pages) >= 15, lang
    files = {}
    for number, (name, html) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page-{number:03d}.html"
        path.write_text(html, encoding="utf-8")
        files[path.name] = name
    run = subprocess.run([*command, *(str(p) for p in sorted(tmp_path.glob("page-*.html")))],
                         capture_output=True, text=True, timeout=600, check=False)  # fmt: skip
    report = json.loads(run.stderr or run.stdout or '{"messages": []}')
    errors = [
        f"{files.get(m.get('url', '?').rsplit('/', 1)[-1], m.get('url'))}:{m.get('lastLine')}: {m.get('message')} "
        f"[{m.get('extract', '').strip()[:120]}]"
        for m in report["messages"]
        if m.get("type") in ("error", "non-document-error")
    ]
    assert not errors, f"{len(errors)} Nu HTML checker errors:\n" + "\n".join(errors)
