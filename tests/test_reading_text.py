"""Search snippets are reading text (issue #11 part 5): what a reader sees on the page, with link
targets, markup and front matter removed, the match highlighted and everything else escaped."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from portal.cli import sync_content
from portal.content import content_changed
from portal.db import session_scope
from portal.markdown import MarkdownRenderer, html_to_text
from portal.search.engine import reindex, snippet
from portal.search.model import SearchDoc
from portal.search.text import parse_query

from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

ARTICLE = "noticing-low-mood-and-worry"
# Queries whose first match in the article sits right beside one of its links (to other articles).
BESIDE_A_LINK = {"en": ["counselling integrated", "immediate danger"], "zh-hk": ["輔導 綜合家庭服務中心", "即時危險"]}
RAW = ("../", ".md", "](", "&lt;", "&gt;", "**", "category:", "reviewed:", "---")


def _snippet_of(client, lang: str, query: str, href: str) -> str | None:
    """The snippet's HTML shown under the result linking to ``href`` (on whichever page it is)."""
    for page in range(1, 6):
        args = {"q": query, "kind": "articles", "page": page}
        html = client.get(f"/{lang}/search", query_string=args).get_data(as_text=True)
        hits = re.findall(r'<h2><a href="([^"]+)"[^>]*>.*?</a></h2>\s*<p class="search-snippet">(.*?)</p>', html, re.S)
        if href in dict(hits):
            return dict(hits)[href]
        if not hits:
            return None
    return None


def _raw_left(text: str) -> list[str]:
    return [raw for raw in RAW if raw in text]


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_real_article_s_snippets_beside_its_links_are_reading_text(backend_app, lang):
    client = backend_app.test_client()
    for query in BESIDE_A_LINK[lang]:
        shown = _snippet_of(client, lang, query, f"/{lang}/articles/{ARTICLE}")
        assert shown is not None, f"{query!r}: the article is not found"
        assert "<mark>" in shown, query
        assert not _raw_left(shown), f"{query!r}: {shown}"


def test_the_whole_indexed_text_of_the_real_article_is_reading_text(backend_app):
    with session_scope(backend_app) as session:
        bodies = session.execute(select(SearchDoc.lang, SearchDoc.body).where(SearchDoc.key == ARTICLE)).all()
    assert {lang for lang, _ in bodies} == {"en", "zh-hk", "zh-cn"}
    link_text = {"en": "Integrated Family Service Centre", "zh-hk": "綜合家庭服務中心", "zh-cn": "综合家庭服务中心"}
    for lang, body in bodies:
        assert not _raw_left(body) and "<" not in body, lang
        # The link texts are kept (they are what a reader sees), their targets are not.
        assert link_text[lang] in body
        assert "what-is-an-ifsc" not in body and "supporting-someone-in-crisis" not in body


def test_plain_text_is_the_rendered_text_without_targets_markup_or_code_fences():
    source = (
        '## Where *to* go\n\nSee [the centres](../what-is-an-ifsc/en.md "IFSC") and <https://www.swd.gov.hk/>.\n\n'
        "| Kind | Where |\n| --- | --- |\n| Talk | **A friend** |\n\n- one\n- two\n\n"
        "```\ncode stays\n```\n\n![A photo of a park](park.jpg)\n\nTom &amp; Jerry <b>raw</b>\n"
    )
    text = MarkdownRenderer("en", lambda name: f"/media/{name}").render(source).plain_text
    assert text.split("\n") == [
        "Where to go",
        "See the centres and https://www.swd.gov.hk/.",
        "Kind Where",
        "Talk A friend",
        "one",
        "two",
        "code stays",
        "Tom & Jerry <b>raw</b>",  # raw HTML in markdown is shown as text on the page, so it is text here too
    ]


def test_html_to_text_decodes_entities_once_and_skips_scripts():
    html = "<p>a &amp;lt;b&amp;gt; &lt;i&gt;</p><script>x()</script><p>c&nbsp;d</p>"
    assert html_to_text(html) == "a &lt;b&gt; <i>\nc d"


def _add_feed(app, feed_server, path: str, body: bytes) -> None:
    from portal.events.model import Partner, PartnerFeed

    feed_server.overrides[path] = (200, "application/rss+xml", body)
    with session_scope(app) as session:
        session.add(Partner(id="harbour", name_en="Harbour Family Services", name_zh="海港家庭服務"))
        session.flush()
        session.add(PartnerFeed(partner_id="harbour", url=feed_server.url(path), default_lang="en"))


def test_a_partner_news_item_with_html_and_escaped_html_gives_a_clean_snippet(make_app, backend, feed_server):
    from portal.feeds.cli import refresh_feeds

    app = make_app(backend, FEED_READ_TIMEOUT=0.5, FEED_TOTAL_TIMEOUT=3.0)
    starts = (datetime.now(UTC) + timedelta(days=10)).strftime("%Y-%m-%dT10:00:00+08:00")
    items = [
        # HTML (escaped once, as RSS carries it) with some escaped HTML inside
        (
            "n1",
            "Quokka circle",
            "",
            "&lt;p&gt;Our &lt;b&gt;quokka&lt;/b&gt; circle meets "
            "&amp;lt;/p&amp;gt;&amp;lt;p&amp;gt;every week.&lt;/p&gt;",
        ),
        # HTML escaped twice
        (
            "n2",
            "Wombat walk",
            "",
            "&amp;lt;p&amp;gt;A &amp;lt;strong&amp;gt;wombat&amp;lt;/strong&amp;gt; walk "
            "&amp;amp;amp; picnic.&amp;lt;/p&amp;gt;",
        ),
        (
            "e1",
            "Numbat talk",
            f"<ev:startdate>{starts}</ev:startdate>",
            "&amp;lt;p&amp;gt;A talk about &amp;lt;em&amp;gt;numbats&amp;lt;/em&amp;gt;.&amp;lt;/p&amp;gt;",
        ),
    ]
    body = "".join(
        f"<item><title>{title}</title><link>https://harbour.example/{guid}</link><guid>{guid}</guid>{extra}"
        f"<description>{description}</description></item>"
        for guid, title, extra, description in items
    )
    _add_feed(
        app,
        feed_server,
        "/feeds/mixed.xml",
        (
            '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">'
            f"<channel><title>Harbour news</title>{body}</channel></rss>"
        ).encode(),
    )
    refresh_feeds(app)
    client = app.test_client()
    for query, kind, words in (
        ("quokka", "news", "Our <mark>quokka</mark> circle meets every week."),
        ("wombat", "news", "A <mark>wombat</mark> walk &amp; picnic."),
        ("numbat", "events", "A talk about <mark>numbats</mark>."),
    ):
        html = client.get("/en/search", query_string={"q": query, "kind": kind}).get_data(as_text=True)
        shown = re.findall(r'<p class="search-snippet">(.*?)</p>', html, re.S)
        assert shown == [words], (query, shown)
    # The twice-escaped summary shows as text on the event page too, not as "<p>".
    with session_scope(app) as session:
        from portal.events.model import Event

        event_id = session.scalars(select(Event.id).where(Event.title_en == "Numbat talk")).one()
    page = client.get(f"/en/events/{event_id}").get_data(as_text=True)
    assert "&lt;p&gt;" not in page and "<em>numbats</em>" in page


def test_news_stored_before_the_fix_is_indexed_as_reading_text(make_app, backend):
    from portal.events.model import NewsItem

    app = make_app(backend)
    with session_scope(app) as session:  # what older refreshes stored: sanitised HTML, some of it escaped twice
        summary = "&lt;p&gt;Kookaburra &amp;amp; friends&lt;/p&gt;"
        session.add(NewsItem(uid="feed:old", lang="en", title="Old news", summary=summary))
    content_changed(app, {"events", "news"})
    html = app.test_client().get("/en/search?q=kookaburra&kind=news").get_data(as_text=True)
    assert re.findall(r'<p class="search-snippet">(.*?)</p>', html, re.S) == ["<mark>Kookaburra</mark> &amp; friends"]


def test_a_script_in_a_body_stays_escaped_and_the_match_is_still_marked(make_app, content_copy: Path):
    article = content_copy / "articles" / ARTICLE / "en.md"
    article.write_text(
        article.read_text(encoding="utf-8") + "\nNever paste `<script>alert('quokka')</script>` into a page.\n",
        encoding="utf-8",
    )
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    html = app.test_client().get("/en/search?q=quokka").get_data(as_text=True)
    shown = re.findall(r'<p class="search-snippet">(.*?)</p>', html, re.S)
    assert len(shown) == 1 and "&lt;script&gt;alert(&#39;<mark>quokka</mark>&#39;)&lt;/script&gt;" in shown[0]
    assert "<script>alert" not in html
    marked = snippet("<img src=x onerror=alert(1)> quokka & co", parse_query("quokka"))
    assert str(marked) == "&lt;img src=x onerror=alert(1)&gt; <mark>quokka</mark> &amp; co"


def test_a_sync_after_a_renderer_change_rewrites_unchanged_articles_and_their_index_rows(make_app, monkeypatch):
    from portal import markdown
    from portal.articles.model import Article

    monkeypatch.setattr(markdown, "RENDERER_VERSION", "1: plain text from the raw markdown")
    app = make_app()
    sync_content(app)
    stale = "Counselling An Integrated Family Service Centre ../what is an ifsc/en.md"
    with session_scope(app) as session:  # rows as the old renderer wrote them
        session.execute(update(Article).where(Article.slug == ARTICLE).values(plain_text=stale))
        reindex(session, ["articles"])
    monkeypatch.undo()  # the renderer of this code base
    reports = {report.source: report for report in sync_content(app)}
    assert reports["articles"].updated > 0 and reports["articles"].unchanged == 0  # the files themselves are unchanged
    with session_scope(app) as session:
        assert ".md" not in session.scalars(select(Article.plain_text).where(Article.slug == ARTICLE)).first()
        bodies = session.scalars(select(SearchDoc.body).where(SearchDoc.key == ARTICLE)).all()
        assert bodies and not any(".md" in body or "../" in body for body in bodies)
    again = {report.source: report for report in sync_content(app)}
    assert again["articles"].updated == 0  # and once re-rendered, they are skipped again
