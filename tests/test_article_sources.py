"""Article ``sources``: parsed into citations, every mistake named at its line, shown under the article."""

from __future__ import annotations

from portal.articles.sources import parse_sources
from portal.cli import sync_content

FRONT = """---
title: T
sources:
  - title: A press release
    publisher: Social Welfare Department
    url: https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm
    date: 2023-06-05
  - title: No address
    url: www.example.org
  - just a string
---
"""


def test_good_sources_become_citations():
    value = [{"title": "A", "url": "https://example.org/a", "publisher": "P", "date": "2023-06-05"}]
    sources, problems = parse_sources(value, "a.md", "---\nsources:\n  - title: A\n---\n")
    assert problems == []
    assert sources == [{"title": "A", "url": "https://example.org/a", "publisher": "P", "date": "2023-06-05"}]


def test_each_bad_source_is_named_at_its_own_line():
    value = [
        {"title": "A press release", "publisher": "SWD", "url": "https://example.org", "date": "2023-06-05"},
        {"title": "No address", "url": "www.example.org"},
        "just a string",
    ]
    sources, problems = parse_sources(value, "a.md", FRONT)
    assert len(sources) == 1
    assert [(p.line, dict(p.params)["number"]) for p in problems] == [(8, "2"), (10, "3")]
    assert "not a web address" in problems[0].text("en")
    assert "第 2 項來源" in problems[0].text("zh-hk")


def test_sources_must_be_a_list_and_fields_known():
    _, problems = parse_sources("https://example.org", "a.md", "---\nsources: x\n---\n")
    assert problems and problems[0].line == 2
    _, problems = parse_sources([{"title": "A", "url": "https://e.org", "author": "me"}], "a.md", "---\n")
    assert "unknown field 'author'" in problems[0].text("en")
    _, problems = parse_sources([{"title": "A", "url": "https://e.org", "date": "5 June"}], "a.md", "---\n")
    assert "YYYY-MM-DD" in problems[0].text("en")


CASES = (("en", "Social Welfare Department", "Sources"), ("zh-hk", "社會福利署", "資料來源"))
URL = "https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm"


def test_sources_are_shown_under_the_article_in_each_language(make_app, content_copy):
    for lang, publisher, _heading in CASES:
        path = content_copy / "articles" / "what-is-an-ifsc" / f"{lang}.md"
        text = path.read_text(encoding="utf-8")
        citation = (
            f"sources:\n  - title: Hotline {lang}\n    publisher: {publisher}\n    url: {URL}\n    date: 2023-06-05\n"
        )
        path.write_text(text.replace("\n---\n", "\n" + citation + "---\n", 1), encoding="utf-8")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    client = app.test_client()
    for lang, publisher, heading in CASES:
        html = client.get(f"/{lang}/articles/what-is-an-ifsc").get_data(as_text=True)
        assert f">{heading}</h2>" in html
        assert publisher in html and f'href="{URL}">Hotline {lang}</a>' in html
        assert '<time datetime="2023-06-05">' in html
