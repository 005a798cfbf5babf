"""Articles from markdown: rendering, pairing of languages, notices, listing, feeds."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from portal.cli import sync_content

from .conftest import FIXTURES

CONTENT = FIXTURES / "content"


@pytest.fixture
def fixture_app(make_app):
    app = make_app(CONTENT_DIR=str(CONTENT), ARTICLES_PER_PAGE=2)
    sync_content(app)
    return app


@pytest.fixture
def fclient(fixture_app):
    return fixture_app.test_client()


def test_article_page_renders_markdown_with_tables_and_anchors(fclient):
    html = fclient.get("/en/articles/family-meals").get_data(as_text=True)
    assert "<h1>Family meals that bring you together</h1>" in html
    assert "<strong>calm</strong>" in html
    assert "<table>" in html and "<td>Congee</td>" in html
    assert 'id="why-meals-matter"' in html
    # A Chinese heading gets an anchor made of its own characters.
    assert 'id="溝通小貼士"' in html


def test_raw_html_and_javascript_links_never_reach_the_page(fclient):
    html = fclient.get("/en/articles/family-meals").get_data(as_text=True)
    body = html.split('<div class="prose">', 1)[1].split("</div>", 1)[0]
    assert "<script" not in body
    assert "&lt;script&gt;" in body  # shown as text, harmless
    assert not re.search(r"href=\"\s*javascript:", body)


def test_links_between_articles_resolve_to_the_same_language(fclient):
    en = fclient.get("/en/articles/family-meals").get_data(as_text=True)
    zh = fclient.get("/zh-hk/articles/family-meals").get_data(as_text=True)
    assert 'href="/en/articles/pictures"' in en
    assert 'href="/zh-hk/articles/pictures"' in zh
    pictures = fclient.get("/en/articles/pictures").get_data(as_text=True)
    assert 'href="/en/articles/family-meals#why-meals-matter"' in pictures


def test_images_beside_the_markdown_are_served(fclient):
    html = fclient.get("/en/articles/pictures").get_data(as_text=True)
    assert 'src="/media/articles/pictures/cover.svg"' in html
    assert 'alt="A simple drawing of a house"' in html
    image = fclient.get("/media/articles/pictures/cover.svg")
    assert image.status_code == 200 and image.mimetype == "image/svg+xml"
    assert fclient.get("/media/articles/pictures/en.md").status_code == 404
    assert fclient.get("/media/articles/pictures/..%2Fpictures%2Fen.md").status_code == 404


def test_article_in_one_language_is_shown_with_a_notice_in_the_other(fclient):
    response = fclient.get("/zh-hk/articles/only-english")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "這篇文章暫未有中文版本，以下以英文顯示。" in html
    assert "Only in English for now" in html
    assert '<article class="article" lang="en-HK">' in html


def test_chinese_page_says_translation_may_be_behind(fclient):
    zh = fclient.get("/zh-hk/articles/behind-in-chinese").get_data(as_text=True)
    assert "此中文版本可能未包括最新修訂" in zh
    en = fclient.get("/en/articles/behind-in-chinese").get_data(as_text=True)
    assert "may not include the latest changes" not in en
    paired = fclient.get("/zh-hk/articles/family-meals").get_data(as_text=True)
    assert "可能未包括最新修訂" not in paired


def test_article_page_shows_reading_time_review_date_and_related(fclient):
    html = fclient.get("/en/articles/family-meals").get_data(as_text=True)
    assert re.search(r"\d+ minutes? read", html)
    assert "Last reviewed" in html and "1 February 2026" in html
    zh = fclient.get("/zh-hk/articles/family-meals").get_data(as_text=True)
    assert "2026年2月1日" in zh  # dates formatted by Babel for zh_Hant_HK


def test_category_listing_paginates(fclient):
    first = fclient.get("/en/articles/").get_data(as_text=True)
    assert "Page 1 of 2" in first
    assert 'href="?page=2"' in first
    second = fclient.get("/en/articles/?page=2")
    assert second.status_code == 200
    assert fclient.get("/en/articles/?page=9").status_code == 404
    assert fclient.get("/en/articles/?page=abc").status_code == 404
    category = fclient.get("/en/articles/category/parenting").get_data(as_text=True)
    assert "Family meals that bring you together" in category
    assert "Pictures in articles" not in category
    assert fclient.get("/en/articles/category/nope").status_code == 404


def test_unknown_article_is_a_bilingual_404(fclient):
    en = fclient.get("/en/articles/no-such-thing")
    zh = fclient.get("/zh-hk/articles/no-such-thing")
    assert en.status_code == zh.status_code == 404
    assert "Page not found" in en.get_data(as_text=True)
    assert "找不到網頁" in zh.get_data(as_text=True)


def test_atom_feed_per_language_is_valid_and_linked(fclient):
    home = fclient.get("/zh-hk/").get_data(as_text=True)
    assert 'type="application/atom+xml"' in home and 'href="/zh-hk/articles/feed.atom"' in home
    response = fclient.get("/zh-hk/articles/feed.atom")
    assert response.mimetype == "application/atom+xml"
    root = ET.fromstring(response.data)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [e.findtext("a:title", namespaces=ns) for e in root.findall("a:entry", ns)]
    assert "一家人吃飯，拉近距離" in titles
    assert "Family meals that bring you together" not in titles
    links = [e.find("a:link", ns).get("href") for e in root.findall("a:entry", ns)]
    assert all(link.startswith("http://portal.test/zh-hk/articles/") for link in links)


def test_home_shows_featured_and_latest_and_categories(fclient):
    html = fclient.get("/en/").get_data(as_text=True)
    featured = html.split('id="featured-title"', 1)[1].split("</section>", 1)[0]
    assert "Family meals that bring you together" in featured
    assert 'href="/en/articles/category/parenting"' in html
    assert "Latest articles" in html


def test_related_articles_rank_category_twice_a_shared_tag_then_newest(backend_app):
    """For every real article, on both backends: the database's ranking equals the rule written out by hand."""
    from sqlalchemy import select

    from portal.articles import queries
    from portal.articles.model import Article
    from portal.db import session_scope

    with session_scope(backend_app) as session:
        articles = list(session.scalars(select(Article)))
        assert len(articles) > 10
        for article in articles:

            def score(other: Article, article: Article = article) -> int:
                return 2 * (other.category == article.category) + len(set(other.tags) & set(article.tags))

            expected = sorted(
                (o for o in articles if o.lang == article.lang and o.slug != article.slug and score(o)),
                key=lambda o: (-score(o), -o.published.toordinal(), o.slug),
            )[:3]
            assert [a.slug for a in queries.related(session, article)] == [a.slug for a in expected], article.slug
