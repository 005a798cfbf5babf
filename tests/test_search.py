"""Search pages on both backends: hostile queries, zero results, the kind filter, reindexing after a sync."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest

from portal.cli import sync_content
from portal.db import session_scope
from portal.search.engine import search
from portal.search.text import MAX_QUERY_CHARS, parse_query

HOSTILE = [
    '"',
    "'",
    '"unclosed',
    "a OR b AND NOT c",
    "NEAR(a b, 3)",
    "title:anxiety",
    "anx*",
    "^start",
    "(((",
    "'); DROP TABLE search_doc; --",
    "!@#$%^&*()_+-=[]{}|;:,.<>?/`~",
    "：，。！？「」",
    "\x00\x01\x1b[31m",
    "a & b | !c <-> d",
    "<script>alert(1)</script>",
    "x" * 10000,
    "溝通" * 3000,
    "\u202e\u200b\ufeff",
    "%00%27",
    "",
    "   ",
]


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_hostile_queries_never_fail_and_are_never_reflected_raw(backend_app, lang):
    client = backend_app.test_client()
    for query in HOSTILE:
        response = client.get(f"/{lang}/search", query_string={"q": query})
        assert response.status_code == 200, query
        html = response.get_data(as_text=True)
        assert "<script>alert(1)" not in html
        assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\u202e]", html), repr(query)


def test_script_in_a_query_is_shown_escaped(client):
    html = client.get("/en/search", query_string={"q": "<script>alert(1)</script> family"}).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_queries_are_capped_in_length_and_terms():
    assert len(parse_query("word " * 1000).terms) <= 24
    assert parse_query("x" * (MAX_QUERY_CHARS * 10)).terms == ("x" * MAX_QUERY_CHARS,)


def test_only_punctuation_asks_for_a_word(client):
    html = client.get("/en/search", query_string={"q": "?!*"}).get_data(as_text=True)
    assert "Please type a word" in html


def test_no_results_is_never_a_bare_zero_but_help_numbers_and_the_categories(backend_app):
    html = backend_app.test_client().get("/en/search?q=zzyzzxqv").get_data(as_text=True)
    assert "0 results" not in html
    assert "No pages matched “zzyzzxqv”" in html
    assert 'href="/en/help"' in html
    assert 'href="tel:+852999"' in html and 'href="tel:+85218111"' in html
    assert re.search(r'href="/en/articles/category/[^"]+"', html)


def test_every_page_has_the_search_box_and_the_opensearch_link(client):
    html = client.get("/zh-hk/").get_data(as_text=True)
    assert 'role="search"' in html and 'action="/zh-hk/search"' in html
    assert 'rel="search" type="application/opensearchdescription+xml"' in html


def test_opensearch_description_points_at_the_search_page(client):
    response = client.get("/zh-hk/opensearch.xml")
    assert response.mimetype == "application/opensearchdescription+xml"
    assert 'template="http://portal.test/zh-hk/search?q={searchTerms}"' in response.get_data(as_text=True)


def test_real_self_check_tools_and_centres_are_found_in_both_languages(backend_app):
    client = backend_app.test_client()
    en = client.get("/en/search?q=anxiety").get_data(as_text=True)
    assert 'href="/en/self-check/gad7"' in en and "<mark>anxiety</mark>" in en
    zh = client.get("/zh-hk/search?q=沟通").get_data(as_text=True)  # Simplified query
    assert 'href="/zh-hk/self-check/family-communication"' in zh
    centres = client.get("/zh-hk/search?q=綜合家庭服務中心&kind=centres").get_data(as_text=True)
    assert 'href="/zh-hk/centres/' in centres and "/self-check/" not in centres.split("search-results", 1)[1]


def test_the_kind_filter_links_show_counts(client):
    html = client.get("/en/search?q=family").get_data(as_text=True)
    assert re.search(r'kind=selfcheck"[^>]*>Self-checks <span class="count">\(\d+\)', html)


def test_search_pages_are_not_stored_in_the_page_cache(client):
    client.get("/en/search?q=family")
    assert client.get("/en/search?q=family").headers.get("X-Cache") != "hit"


def test_a_content_sync_reindexes_the_changed_kinds(make_app, backend, tmp_path: Path):
    content = tmp_path / "content"
    shutil.copytree(Path(__file__).parent.parent / "content", content)
    app = make_app(backend, CONTENT_DIR=str(content))
    sync_content(app)
    with session_scope(app) as session:
        assert search(session, "xylophonic", "en").total == 0
    tool = content / "selfcheck" / "family-communication.yml"
    tool.write_text(
        tool.read_text(encoding="utf-8").replace("How do we talk at home?", "How do we talk at home? Xylophonic"),
        encoding="utf-8",
    )
    sync_content(app)
    with session_scope(app) as session:
        hits = search(session, "xylophonic", "en").hits
        assert [h.doc.key for h in hits] == ["family-communication"]


def _indexed(app) -> set[tuple[str, str, str]]:
    from sqlalchemy import select

    from portal.search.model import SearchDoc

    with session_scope(app) as session:
        return {tuple(row) for row in session.execute(select(SearchDoc.kind, SearchDoc.key, SearchDoc.lang))}


def _indexed_texts(app) -> set[str]:
    from sqlalchemy import select

    from portal.search.model import SearchDoc

    with session_scope(app) as session:
        return {text for row in session.execute(select(SearchDoc.title, SearchDoc.body)) for text in row}


@pytest.fixture
def tokenised(monkeypatch) -> list[str]:
    """Every text the indexer tokenises from now on (titles and bodies)."""
    from portal.search import engine

    seen: list[str] = []
    real = engine.index_tokens
    monkeypatch.setattr(engine, "index_tokens", lambda text: seen.append(text) or real(text))
    return seen


def test_editing_one_article_retokenises_only_that_article(
    make_app, backend, content_copy: Path, tokenised, monkeypatch
):
    app = make_app(backend, CONTENT_DIR=str(content_copy))
    sync_content(app)
    before = _indexed(app)
    first, second = sorted((content_copy / "articles").iterdir())[:2]
    english = first / "en.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nA xylophonic closing line.\n", encoding="utf-8")
    shutil.rmtree(second)
    tokenised.clear()
    from portal.search import engine

    built: list[str] = []
    real_documents = engine.providers.documents

    def documents(session, kind, keys=None):
        docs = real_documents(session, kind, keys)
        built.extend(f"{doc.kind}/{doc.key}/{doc.lang}" for doc in docs)
        return docs

    monkeypatch.setattr(engine.providers, "documents", documents)
    sync_content(app)
    assert len(tokenised) == 2 and "xylophonic" in tokenised[1]  # one title and one body, nothing else
    # Not all articles. (Site pages are checked again when articles change, as they may link to one.)
    # (Three editions: the zh-cn row is made from the zh-hk file, so it is redone with it.)
    assert sorted(b for b in built if b.startswith("articles/")) == [f"articles/{first.name}/{lang}"
                                                                     for lang in ("en", "zh-cn", "zh-hk")]  # fmt: skip
    assert _indexed(app) == before - {("articles", second.name, lang) for lang in ("en", "zh-hk", "zh-cn")}
    with session_scope(app) as session:
        assert [h.doc.key for h in search(session, "xylophonic", "en").hits] == [first.name]


def test_a_new_normaliser_rebuilds_the_whole_index(make_app, backend, monkeypatch, tokenised):
    from portal.search import engine

    app = make_app(backend)
    sync_content(app)
    before = _indexed(app)
    tokenised.clear()
    monkeypatch.setattr(engine, "NORMALISER_VERSION", "test: tokenised differently")
    with session_scope(app) as session:
        engine.reindex(session, ["selfcheck"])  # asked for one kind, but every row is stale
    assert _indexed(app) == before
    # Every row's title and body tokenised afresh (a text two rows share, as both languages of an event
    # in one language do, only once).
    assert set(tokenised) == _indexed_texts(app) and len(tokenised) <= 2 * len(before)


def test_events_are_found_by_their_topic_labels_and_link_to_their_page(backend_app):
    client = backend_app.test_client()
    html = client.get("/zh-hk/search", query_string={"q": "處理衝突", "kind": "events"}).get_data(as_text=True)
    assert re.search(r'href="/zh-hk/events/\d+">示範：夫婦溝通工作坊', html)


def test_a_feed_refresh_reindexes_events_and_partner_news(make_app, backend):
    from datetime import UTC, datetime

    from portal.content import content_changed
    from portal.events.model import Event, NewsItem

    app = make_app(backend)
    sync_content(app)
    with session_scope(app) as session:
        session.add(NewsItem(uid="feed:1", lang="en", title="Quokka parenting circle", url="https://ngo.example/n/1"))
        session.add(
            Event(uid="feed:e1", source="feed", title_en="Quokka day out", starts=datetime(2026, 12, 1, tzinfo=UTC))
        )
        session.add(NewsItem(uid="feed:2", lang="en", title="Quokka hidden item", hidden=True))
    content_changed(app, {"events", "news"})  # what `flask feeds refresh` calls after new items
    with session_scope(app) as session:
        found = {(h.doc.kind, h.doc.title) for h in search(session, "quokka", "en").hits}
        assert found == {("news", "Quokka parenting circle"), ("events", "Quokka day out")}
    html = app.test_client().get("/en/search?q=quokka&kind=news").get_data(as_text=True)
    assert 'href="https://ngo.example/n/1" rel="noopener"' in html
