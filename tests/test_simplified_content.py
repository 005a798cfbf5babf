"""The Simplified Chinese edition of the content pages (issue 19): articles, site pages, self-checks, search,
the home page, life stages and topics under /zh-cn/, made from the Traditional text at sync, never per view."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.articles.model import Article, Category, Tag
from portal.chinese import traditional_chars
from portal.citations import PUBLISHERS
from portal.cli import sync_content
from portal.db import session_scope
from portal.i18n import translate
from portal.search.engine import search
from portal.selfcheck.schema import Tool
from portal.simplified import load_terms, to_simplified
from portal.sitepages.model import SitePage

from .conftest import FIXTURES, REAL_CONTENT
from .test_scheduled_publishing import Clock, moment_near_now
from .zh_pages import visible_blocks

HREF = re.compile(r'\shref="([^"]*)"')
ONLY_ENGLISH_NOTICE = "This article is not yet available in Chinese. It is shown below in English."


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


# Terms the editors' list keeps as written (餸: OpenCC would write a character phones cannot show).
KEPT = {ch for term, form in load_terms(REAL_CONTENT)[0] if term == form for ch in form}


def traditional_left(html: str) -> list[str]:
    """The blocks of a page's visible text with a Traditional-only character that the term list does not keep
    (the language switch's 繁體中文, marked lang="zh-Hant-HK", is where the edition names the other script)."""
    return [b.plain for b in visible_blocks(html) if set(traditional_chars(b.plain)) - KEPT and b.plain != "繁體中文"]


def site_links(html: str) -> list[str]:
    """The page's links, without the language switch and the hreflang alternates (which name every edition)."""
    return [h for h in HREF.findall(html) if "/language/" not in h and not h.startswith("http://portal.test/")]


def in_hk_edition(links: list[str]) -> list[str]:
    return [re.sub(r"(^|next=)/zh-cn(?=/|$|\?|#)", r"\1/zh-hk", link) for link in links]


@pytest.fixture(scope="module")
def real_app(tmp_path_factory):
    """The real content synced once, for the read-only tests (SQLite + file cache)."""
    from portal import create_app

    instance = tmp_path_factory.mktemp("zhcn-content")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(instance), "CONTENT_DIR": str(REAL_CONTENT),
        "SITE_URL": "http://portal.test", "DATABASE_UPGRADE_ON_START": True,
        "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}", "REDIS_URL": None,
        "CACHE_DIR": str(instance / "cache"),
    })  # fmt: skip
    sync_content(app)
    yield app
    app.extensions["portal.engine"].dispose()


@pytest.fixture
def client(real_app):
    return real_app.test_client()


def content_pages(app) -> list[str]:
    """A page of every content page type this edition makes from stored Simplified rows."""
    with session_scope(app) as session:
        slugs = list(session.scalars(select(Article.slug).where(Article.lang == "zh-cn").order_by(Article.slug)))
        pages = list(session.scalars(select(SitePage.slug).where(SitePage.lang == "zh-cn").order_by(SitePage.slug)))
        category = session.scalar(select(Category.key).where(Category.lang == "zh-cn"))
    return [
        "/zh-cn/", "/zh-cn/articles/", f"/zh-cn/articles/category/{category}", *(f"/zh-cn/articles/{s}" for s in slugs),
        *(f"/zh-cn/{slug}" for slug in pages), "/zh-cn/self-check", "/zh-cn/self-check/family-communication",
        "/zh-cn/self-check/family-communication/questions", "/zh-cn/self-check/mood-reflection",
        "/zh-cn/self-check/phq9", "/zh-cn/topics", "/zh-cn/topics/grief", "/zh-cn/search?q=%E5%AE%B6%E5%BA%AD",
    ]  # fmt: skip


# --- every content page type: Simplified text, the same links as the Traditional page ------------------------


def test_every_content_page_of_the_simplified_edition_has_no_traditional_only_characters(real_app, client):
    left = {}
    for url in content_pages(real_app):
        response = client.get(url)
        assert response.status_code == 200, url
        found = traditional_left(response.get_data(as_text=True))
        if found:
            left[url] = found[:3]
    assert not left


def test_each_simplified_content_page_links_the_same_places_as_its_traditional_twin(real_app, client):
    for url in content_pages(real_app):
        if "/search" in url:
            continue  # search results are ranked per edition's own documents
        simplified = in_hk_edition(site_links(client.get(url).get_data(as_text=True)))
        traditional = site_links(client.get(url.replace("/zh-cn/", "/zh-hk/", 1)).get_data(as_text=True))
        assert simplified == traditional, url


def test_an_article_reads_in_simplified_with_the_protected_terms_as_listed(client):
    html = client.get("/zh-cn/articles/calling-the-swd-hotline").get_data(as_text=True)
    assert '<html lang="zh-Hans-HK"' in html
    main = main_of(html)
    assert "社会福利署" in main and "社會福利署" not in main
    # Heading anchors are the zh-hk ones (not reader text), so #links are the same in both editions.
    zh_ids = re.findall(r'<h2 id="([^"]+)"', main_of(client.get("/zh-hk/articles/calling-the-swd-hotline").text))
    assert zh_ids and re.findall(r'<h2 id="([^"]+)"', main) == zh_ids


def test_the_rows_of_the_simplified_edition_are_made_at_sync_and_stored(real_app):
    with session_scope(real_app) as session:
        rows = {(a.slug, a.lang): a for a in session.scalars(select(Article))}
        twins = [(rows[(slug, "zh-hk")], row) for (slug, lang), row in rows.items() if lang == "zh-cn"]
        assert twins and len(twins) == sum(1 for _slug, lang in rows if lang == "zh-hk")
        for hk, cn in twins:
            assert cn.title == to_simplified(hk.title) and not set(traditional_chars(cn.plain_text)) - KEPT
            assert (cn.category, cn.tags_json, cn.published, cn.reviewed) == (
                hk.category, hk.tags_json, hk.published, hk.reviewed)  # fmt: skip
            assert "/zh-hk/" not in cn.body_html
        labels = dict(session.execute(select(Tag.key, Tag.label).where(Tag.lang == "zh-cn")).all())
        assert labels and not any(traditional_chars(label) for label in labels.values())
        names = list(session.scalars(select(Category.name).where(Category.lang == "zh-cn")))
        assert names and not any(traditional_chars(name) for name in names)


def test_the_page_cache_keeps_the_three_editions_apart(client):
    for _ in range(2):  # the second round is served from the cache
        pages = {lang: main_of(client.get(f"/{lang}/articles/calling-the-swd-hotline").text)
                 for lang in ("en", "zh-hk", "zh-cn")}  # fmt: skip
        assert "社會福利署" in pages["zh-hk"] and "社会福利署" in pages["zh-cn"] and "Social Welfare" in pages["en"]


def test_the_atom_feed_of_the_simplified_edition_is_simplified_and_links_its_pages(client):
    response = client.get("/zh-cn/articles/feed.atom")
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "zh-Hans-HK"
    entries = root.findall("a:entry", ns)
    assert entries
    for entry in entries:
        assert not set(traditional_chars(entry.find("a:title", ns).text + entry.find("a:summary", ns).text)) - KEPT
        assert entry.find("a:link", ns).get("href").startswith("http://portal.test/zh-cn/articles/")


def test_topics_are_listed_in_the_same_order_in_both_chinese_editions(client):
    def topics(lang: str) -> list[str]:
        html = main_of(client.get(f"/{lang}/topics").text)
        return re.findall(rf'href="/{lang}/topics/([^"]+)"', html)

    assert topics("zh-cn") == topics("zh-hk") != []


def test_citation_publishers_in_simplified_are_written_as_the_converter_writes_them():
    for publisher in PUBLISHERS:
        for names in (publisher.name, publisher.title or {}):
            if "zh-hk" in names:
                assert names["zh-cn"] == to_simplified(names["zh-hk"], REAL_CONTENT), names


# --- English fallback, schedules, changes -------------------------------------------------------------------


@pytest.fixture
def fixture_app(make_app):
    app = make_app(CONTENT_DIR=str(FIXTURES / "content"))
    sync_content(app)
    return app


def test_an_english_only_article_shows_the_notice_in_simplified(fixture_app):
    html = fixture_app.test_client().get("/zh-cn/articles/only-english").get_data(as_text=True)
    notice = translate("zh-cn", ONLY_ENGLISH_NOTICE)
    assert notice != ONLY_ENGLISH_NOTICE and not traditional_chars(notice)
    assert notice in html
    assert "Only in English for now" in html and '<article class="article" lang="en-HK">' in html


def test_a_translation_behind_the_english_says_so_in_simplified(fixture_app):
    html = fixture_app.test_client().get("/zh-cn/articles/behind-in-chinese").get_data(as_text=True)
    assert to_simplified("此中文版本可能未包括最新修訂") in html


@pytest.fixture
def editable(make_app, tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    app = make_app(CONTENT_DIR=str(content))
    sync_content(app)
    return app, content


def test_a_new_term_in_the_list_remakes_the_simplified_pages_at_the_next_sync(editable):
    app, content = editable
    client = app.test_client()
    assert "社会福利署" in main_of(client.get("/zh-cn/articles/calling-the-swd-hotline").text)
    terms = content / "zh-cn-terms.yml"
    terms.write_text(terms.read_text(encoding="utf-8").replace("社會福利署: 社会福利署", "社會福利署: 社會福利署"),
                     encoding="utf-8")  # fmt: skip
    sync_content(app)
    main = main_of(client.get("/zh-cn/articles/calling-the-swd-hotline").text)
    assert "社會福利署" in main  # kept as written, as the list now says
    with session_scope(app) as session:
        page = session.scalar(select(SitePage).where(SitePage.lang == "zh-cn", SitePage.slug == "about"))
        assert page is not None


def test_removing_the_traditional_file_removes_the_simplified_page_and_falls_back_to_english(editable):
    app, content = editable
    (content / "articles" / "calling-the-swd-hotline" / "zh-hk.md").unlink()
    sync_content(app)
    with session_scope(app) as session:
        langs = set(session.scalars(select(Article.lang).where(Article.slug == "calling-the-swd-hotline")))
    assert langs == {"en"}
    html = app.test_client().get("/zh-cn/articles/calling-the-swd-hotline").get_data(as_text=True)
    assert translate("zh-cn", ONLY_ENGLISH_NOTICE) in html


def test_an_unchanged_sync_leaves_every_simplified_row_as_it_was(editable):
    app, _content = editable
    reports = {report.source: report for report in sync_content(app)}
    assert reports["articles"].added == reports["articles"].updated == 0


def test_a_scheduled_article_waits_in_the_simplified_edition_too(make_app, tmp_path: Path):
    from .test_scheduled_publishing import TITLE_ZH, write_scheduled_content

    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    moment = moment_near_now()
    write_scheduled_content(content, moment)
    clock = Clock(moment - timedelta(minutes=30))
    app = make_app(CONTENT_DIR=str(content), CLOCK=clock)
    sync_content(app)
    client = app.test_client()
    title = to_simplified(TITLE_ZH)
    assert title not in client.get("/zh-cn/articles/").text
    assert client.get("/zh-cn/articles/lantern-evening").status_code == 404
    clock.at = moment + timedelta(minutes=1)
    assert title in client.get("/zh-cn/articles/").text


# --- self-checks --------------------------------------------------------------------------------------------


def test_our_own_self_check_asks_its_questions_in_simplified(client):
    html = client.get("/zh-cn/self-check/family-communication/questions").get_data(as_text=True)
    assert to_simplified("有人做得好時，我們會留意並說些鼓勵的話。") in html
    assert not traditional_left(html)


def test_a_validated_instrument_keeps_its_published_traditional_wording_on_the_simplified_edition():
    tool = Tool.from_dict({
        "id": "x", "kind": "validated", "position": 1, "minutes": 1, "title": {}, "summary": {}, "audience": {},
        "time_frame": {}, "stem": {}, "items": [], "bands": [], "alerts": [], "item_languages": ["en", "zh-hk"],
        "english_only_reason": {}, "wording_source": {"en": "e", "zh-hk": "繁", "zh-cn": "繁→简"},
        "citation": "", "licence": "", "attribution": "", "multiplier": 1, "score_label": {},
    })  # fmt: skip
    assert tool.items_lang("zh-cn") == "zh-hk" and tool.has_items_in("zh-cn")
    assert tool.wording_sources("zh-cn") == [("en", "e"), ("zh-cn", "繁→简")]
    assert tool.wording_sources("zh-hk") == [("en", "e"), ("zh-hk", "繁")]
    english_only = Tool.from_dict({**tool.to_dict(), "item_languages": ["en"]})
    assert english_only.items_lang("zh-cn") == "en" and not english_only.has_items_in("zh-cn")


def test_a_validated_instrument_in_english_says_why_in_simplified(client):
    html = client.get("/zh-cn/self-check/phq9").get_data(as_text=True)
    hk = client.get("/zh-hk/self-check/phq9").get_data(as_text=True)
    assert not traditional_left(html)
    assert len(visible_blocks(main_of(html))) == len(visible_blocks(main_of(hk)))


# --- search, on both backends ---------------------------------------------------------------------------------


@pytest.fixture
def search_app(make_app, backend):
    app = make_app(backend)
    sync_content(app)
    return app


def test_simplified_search_takes_either_script_and_links_simplified_pages_with_simplified_snippets(search_app):
    client = search_app.test_client()
    for query in ("社會福利署", "社会福利署"):
        html = client.get(f"/zh-cn/search?q={query}").get_data(as_text=True)
        main = main_of(html)
        links = [h for h in HREF.findall(main) if "/articles/" in h]
        assert links and all(h.startswith("/zh-cn/") for h in links), query
        assert "<mark>社会福利署</mark>" in main, query
        assert all(query in block for block in traditional_left(html)), query  # only what was typed, as typed


def test_every_traditional_document_has_a_simplified_twin_in_the_index(search_app):
    from portal.search.model import SearchDoc

    with session_scope(search_app) as session:
        docs = {(d.kind, d.key, d.lang): d for d in session.scalars(select(SearchDoc))}
        hk = {(kind, key) for kind, key, lang in docs if lang == "zh-hk"}
        cn = {(kind, key) for kind, key, lang in docs if lang == "zh-cn"}
        assert hk and hk == cn
        articles = [docs[(kind, key, "zh-cn")] for kind, key in cn if kind in ("articles", "site", "selfcheck")]
        assert not [d.key for d in articles if set(traditional_chars(d.title + d.body)) - KEPT]
        results = search(session, "家庭", "zh-cn")
        assert results.total and all(hit.doc.lang == "zh-cn" for hit in results.hits)


# --- life stages and the contact page (two-column rows with a *_zhs copy, filled by these loaders) -------------


def test_life_stages_are_named_and_introduced_in_simplified(real_app, client):
    from portal.stages.model import Stage

    with session_scope(real_app) as session:
        stages = list(session.scalars(select(Stage)))
    assert stages and all(s.name_zhs == to_simplified(s.name_zh, REAL_CONTENT) for s in stages)
    html = client.get("/zh-cn/stages").get_data(as_text=True)
    assert all(stage.name_zhs in html for stage in stages) and not traditional_left(html)


def test_the_contact_page_says_what_happens_next_in_simplified(make_app, content_copy):
    contact = content_copy / "site" / "contact.yml"
    contact.write_text(
        contact.read_text(encoding="utf-8").replace("editors@family-portal.example", "editors@portal.test"),
        encoding="utf-8",
    )
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    html = main_of(app.test_client().get("/zh-cn/contact").get_data(as_text=True))
    assert to_simplified("我們會細閱每一封來信") in html and 'href="mailto:editors@portal.test"' in html
    assert not traditional_left(html)
