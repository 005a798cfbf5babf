"""The sitemap is an index of bounded files (issue 13 part 2): however many events a partner calendar
brings, no file holds more than SITEMAP_MAX_URLS entries, and together the files list every page once."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime, timedelta
from pathlib import Path
from xml.etree import ElementTree as ET

import pytest
from flask import Flask

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.model import Event
from portal.i18n import LANGUAGES
from portal.sitemap import SitemapSection, register_sitemap_provider

from .conftest import FIXTURES

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "x": "http://www.w3.org/1999/xhtml"}
SITE = "http://portal.test"


def sitemap_files(client) -> list[str]:
    """The paths of the files the index names (the index itself must be a valid <sitemapindex>)."""
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    root = ET.fromstring(response.data)
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}sitemapindex"
    locs = [item.findtext("s:loc", namespaces=NS) for item in root.findall("s:sitemap", NS)]
    assert locs and all(loc.startswith(f"{SITE}/sitemap-") and loc.endswith(".xml") for loc in locs)
    return [loc.removeprefix(SITE) for loc in locs]


def sitemap_text(client) -> str:
    """Every file of the sitemap, joined (for tests that look for one page in it)."""
    return "\n".join(client.get(path).get_data(as_text=True) for path in sitemap_files(client))


def sitemap_locs(client, limit: int | None = None) -> list[str]:
    """Every <loc> of every file, checking each file's shape and size on the way."""
    found = []
    for path in sitemap_files(client):
        response = client.get(path)
        assert response.status_code == 200, path
        root = ET.fromstring(response.data)
        assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset", path
        urls = root.findall("s:url", NS)
        assert urls, f"{path} is empty"
        if limit is not None:
            assert len(urls) <= limit, f"{path} has {len(urls)} entries"
        for url in urls:
            links = {link.get("hreflang"): link.get("href") for link in url.findall("x:link", NS)}
            assert set(links) == {"en-HK", "zh-Hant-HK", "zh-Hans", "x-default"}, path
            found.append(url.findtext("s:loc", namespaces=NS))
    return found


@pytest.fixture
def fixture_app(make_app, backend, tmp_path: Path) -> Flask:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    app = make_app(backend, CONTENT_DIR=str(content), SITEMAP_MAX_URLS=100)
    sync_content(app)
    return app


def add_feed_events(app: Flask, count: int) -> None:
    """A huge partner calendar, written the way a feed refresh stores it."""
    now = datetime.now(UTC)
    with session_scope(app) as session:
        session.add_all(
            Event(uid=f"feed:{n}", source="feed", title_en=f"Session {n}", starts=now + timedelta(hours=n),
                  district="sha-tin", first_seen=now, last_seen=now)
            for n in range(count)
        )  # fmt: skip


def test_a_huge_calendar_is_split_into_bounded_files_that_list_every_event_once(fixture_app):
    add_feed_events(fixture_app, 1234)
    client = fixture_app.test_client()
    files = sitemap_files(client)
    event_files = [f for f in files if f.startswith("/sitemap-events-")]
    # 4 event and partner pages + 1,234 events, 33 paths (99 entries: one per language) per file.
    assert len(LANGUAGES) == 3
    assert event_files == [f"/sitemap-events-{n}.xml" for n in range(1, 39)]
    locs = sitemap_locs(client, limit=100)
    events = [loc for loc in locs if re.fullmatch(rf"{SITE}/en/events/\d+", loc)]
    assert len(events) == len(set(events)) == 1234
    assert len(locs) == len(set(locs))
    assert f"{SITE}/zh-hk/articles/family-meals" in locs and f"{SITE}/en/" in locs
    assert any(loc.startswith(f"{SITE}/zh-cn/events/") for loc in locs)
    assert client.get("/sitemap-events-39.xml").status_code == 404


def test_robots_points_at_the_index_and_unknown_files_are_404(fixture_app):
    client = fixture_app.test_client()
    assert "Sitemap: http://portal.test/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)
    for path in ("/sitemap-nothing-1.xml", "/sitemap-pages-0.xml", "/sitemap-pages-2.xml", "/sitemap-pages-x.xml"):
        assert client.get(path).status_code == 404, path


def test_articles_carry_the_day_they_were_last_reviewed(fixture_app):
    text = fixture_app.test_client().get("/sitemap-articles-1.xml").get_data(as_text=True)
    entry = re.search(r"<loc>http://portal.test/en/articles/family-meals</loc>\s*<lastmod>([^<]+)</lastmod>", text)
    assert entry and entry.group(1) == "2026-02-01"


def test_a_capability_can_register_a_bounded_section_or_a_plain_list(make_app):
    app = make_app()

    def partner_pages() -> list[str]:
        return ["/a", "/b", "/c"]

    register_sitemap_provider(app, partner_pages, section="extra")
    register_sitemap_provider(
        app, SitemapSection("extra", lambda: 2, lambda offset, limit: ["/d", "/e"][offset:][:limit])
    )
    app.config["SITEMAP_MAX_URLS"] = 6  # two paths per file (each in three languages)
    client = app.test_client()
    assert [f for f in sitemap_files(client) if "extra" in f] == [f"/sitemap-extra-{n}.xml" for n in (1, 2, 3)]
    third = client.get("/sitemap-extra-3.xml").get_data(as_text=True)
    assert "/en/e<" in third and "/zh-cn/e<" in third and "/en/d<" not in third
