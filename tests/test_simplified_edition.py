"""The Simplified Chinese edition (/zh-cn/) is the Traditional one in Simplified characters (issue 19).

Every page type under /zh-cn/ is rendered with the real content (tests/zh_pages.py enumerates them from
the url_map) beside the same page under /zh-hk/, and read as a visitor reads it:

* no character that Simplified writes otherwise (這, 們, 會…) in the visible text, outside what is marked
  as another language (the switch's 繁體中文, an English passage) and the terms editors keep as written;
* the same links (each /zh-hk/ link is the /zh-cn/ one), the same numbers and the same structure;
* the editors' terms (content/zh-cn-terms.yml) written as listed.
"""

from __future__ import annotations

import re
from collections import Counter
from html.parser import HTMLParser

import pytest

from portal import create_app
from portal.chinese import traditional_chars
from portal.cli import sync_content
from portal.simplified import load_terms

from .conftest import REAL_CONTENT
from .zh_pages import chinese_pages, visible_blocks

NOT_SIMPLIFIED = ("en", "zh-hant")  # lang prefixes (lower case) of text that is rightly not Simplified
TERMS = load_terms(REAL_CONTENT)[0]
KEPT = "".join(term for term, form in TERMS if term == form)  # characters an editor keeps as written


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("zh-cn-walk") / "instance"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(instance),
            "CONTENT_DIR": str(REAL_CONTENT),
            "SITE_URL": "http://portal.test",
            "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
            "REDIS_URL": None,
            "CACHE_DIR": str(instance / "cache"),
            "DATABASE_UPGRADE_ON_START": True,
        }
    )
    sync_content(app)
    yield app
    app.extensions["portal.engine"].dispose()


@pytest.fixture(scope="module")
def pairs(app) -> list[tuple[str, str, str]]:
    """(zh-cn url, zh-cn html, zh-hk html) for every page type of the Simplified edition."""
    traditional = dict(chinese_pages(app, "zh-hk"))
    found = []
    for url, html in chinese_pages(app, "zh-cn"):
        twin = url.replace("/zh-cn/", "/zh-hk/", 1)
        assert twin in traditional, f"{url} has no Traditional twin ({twin})"
        found.append((url, html, traditional[twin]))
    return found


def shown_text(html: str, skip: tuple[str, ...] = NOT_SIMPLIFIED) -> str:
    """The page's visible text; on a Simplified page, without what is rightly not Simplified."""
    return "\n".join(block.plain for block in visible_blocks(html, skip))


def twin_text(html: str) -> str:
    """The visible text of the /zh-hk/ twin (its Traditional text is the point: only English is left out)."""
    return shown_text(html, ("en",))


class _Outline(HTMLParser):
    """The body's element structure (tag names in order) and its links, the language switch left out."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.links: list[str] = []
        self.in_body = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        if tag == "body":
            self.in_body = True
        if not self.in_body or "lang-toggle" in (found.get("class") or ""):
            return
        self.tags.append(tag)
        for name in ("href", "action", "src"):
            if found.get(name):
                self.links.append(found[name])


def outline(html: str) -> _Outline:
    reader = _Outline()
    reader.feed(html)
    return reader


def test_the_walk_covers_every_page_type(pairs):
    urls = [url for url, _, _ in pairs]
    for expected in ("/zh-cn/", "/zh-cn/articles/", "/zh-cn/events", "/zh-cn/centres/", "/zh-cn/help",
                     "/zh-cn/self-check/", "/zh-cn/search?q=", "/zh-cn/stages", "/zh-cn/no-such-page",
                     "POST /zh-cn/self-check/"):  # fmt: skip
        assert any(url.startswith(expected) for url in urls), f"no {expected} page in the walk"
    assert len(pairs) > 50


def test_no_traditional_only_characters_on_simplified_pages(pairs):
    findings = []
    for url, html, _ in pairs:
        text = shown_text(html)
        left = Counter(ch for ch in traditional_chars(text) if ch not in KEPT)
        if left:
            line = next(line for line in text.splitlines() if set(traditional_chars(line)) & set(left))
            findings.append(f"{url}: {''.join(left)} in «{line[:80]}»")
    assert not findings, "\n".join(findings)


def test_simplified_pages_have_the_same_links_numbers_and_structure(pairs):
    findings = []
    for url, html, twin in pairs:
        ours, theirs = outline(html), outline(twin)
        if ours.tags != theirs.tags:
            findings.append(f"{url}: structure differs from its zh-hk twin")
        expected_links = [link.replace("/zh-hk/", "/zh-cn/").replace("/zh-hk?", "/zh-cn?") for link in theirs.links]
        if ours.links != expected_links:
            diff = [(a, b) for a, b in zip(ours.links, expected_links, strict=False) if a != b][:3]
            findings.append(f"{url}: links differ from its zh-hk twin: {diff}")
        if re.findall(r"\d+", shown_text(html, ("en",))) != re.findall(r"\d+", twin_text(twin)):
            findings.append(f"{url}: numbers differ from its zh-hk twin")
    assert not findings, "\n".join(findings)


def test_the_editors_terms_are_written_as_listed(pairs):
    assert TERMS, "content/zh-cn-terms.yml lists no term"
    met = Counter()
    findings = []
    for url, html, twin in pairs:
        ours, theirs = shown_text(html), twin_text(twin)
        for term, form in TERMS:
            if theirs.count(term):
                met[term] += 1
                if ours.count(form) < theirs.count(term):
                    findings.append(f"{url}: '{term}' {theirs.count(term)}x on zh-hk, '{form}' {ours.count(form)}x")
    assert not findings, "\n".join(findings)
    assert met["綜合家庭服務中心"] and met["社會福利署"], "the walk met none of the official names"


def test_the_simplified_pages_say_what_they_are(app):
    client = app.test_client()
    html = client.get("/zh-cn/help").get_data(as_text=True)
    assert '<html lang="zh-Hans-HK"' in html
    assert '<link rel="alternate" hreflang="zh-Hans" href="http://portal.test/zh-cn/help">' in html
    assert '<link rel="alternate" hreflang="zh-Hant-HK" href="http://portal.test/zh-hk/help">' in html
    sitemap = client.get("/sitemap-pages-1.xml").get_data(as_text=True)
    assert "<loc>http://portal.test/zh-cn/help</loc>" in sitemap
    assert 'hreflang="zh-Hans" href="http://portal.test/zh-cn/help"' in sitemap
