"""The relevance table: what a family would type, and the page they should see first, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.db import session_scope
from portal.search.engine import replace_documents, search
from portal.search.providers import Doc

CORPUS = Path(__file__).parent / "fixtures" / "search" / "docs.yml"

# (language, query, expected first result as "kind:key"; "a|b" when two pages are equally good)
TABLE = [
    ("en", "teenagers", "articles:talk-teens"),
    ("en", "parenting newborn", "articles:sleep"),
    ("en", "parents cope", "articles:parent-stress"),  # word forms: parents -> parent
    ("en", "stressed parent", "articles:parent-stress"),
    ("en", "caring", "articles:carers"),
    ("en", "carer support", "events:2"),
    ("en", "screen time", "articles:screen-time"),
    ("en", "homework fights", "articles:homework"),
    ("en", "arguing couples", "articles:couples"),
    ("en", "babies sleeping", "articles:sleep"),
    ("en", "bullied", "articles:bullying"),
    ("en", "cyberbullying", "articles:bullying"),
    ("en", "pocket money", "articles:money"),
    ("en", "positive parenting workshop", "events:1"),
    ("en", "dementia", "events:2"),
    ("en", "anxious", "selfcheck:anxiety"),
    ("en", "Sham Shui Po family centre", "centres:ifsc-ssp"),
    ("en", "helpline", "news:1"),
    ("en", "How do we talk at home?", "selfcheck:family-talk"),
    ("zh-hk", "溝通", "articles:talk-teens|selfcheck:family-talk"),  # both have 溝通 in the title
    ("zh-hk", "沟通", "articles:talk-teens|selfcheck:family-talk"),  # Simplified query, Traditional content
    ("zh-hk", "家庭溝通", "articles:talk-teens"),
    ("zh-hk", "青少年沟通", "articles:talk-teens"),
    ("zh-hk", "照顧", "articles:carers"),
    ("zh-hk", "照顾父母", "articles:carers"),
    ("zh-hk", "青少年", "articles:talk-teens"),
    ("zh-hk", "育兒壓力", "articles:parent-stress"),
    ("zh-hk", "育儿压力", "articles:parent-stress"),
    ("zh-hk", "屏幕時間", "articles:screen-time"),
    ("zh-hk", "做功課", "articles:homework"),
    ("zh-hk", "夫妻吵架", "articles:couples"),
    ("zh-hk", "嬰兒 入睡", "articles:sleep"),
    ("zh-hk", "欺凌", "articles:bullying"),
    ("zh-hk", "零用錢", "articles:money"),
    ("zh-hk", "正向管教工作坊", "events:1"),
    ("zh-hk", "認知障礙症", "events:2"),
    ("zh-hk", "焦慮", "selfcheck:anxiety"),
    ("zh-hk", "深水埗 家庭服務中心", "centres:ifsc-ssp"),
    ("zh-hk", "屯门", "centres:ifsc-tm"),
    ("zh-hk", "SEN 家長熱線", "news:1"),  # mixed Chinese and English
    ("zh-hk", "家長 SEN", "news:1"),
]


@pytest.fixture
def corpus_app(make_app, backend):
    app = make_app(backend)
    docs = [Doc(**item) for item in yaml.safe_load(CORPUS.read_text(encoding="utf-8"))]
    with session_scope(app) as session:
        replace_documents(session, {d.kind for d in docs}, docs)
    return app


def top(app, query: str, lang: str, kinds=()) -> list[str]:
    with session_scope(app) as session:
        return [f"{h.doc.kind}:{h.doc.key}" for h in search(session, query, lang, kinds).hits]


def test_the_table_has_at_least_fifteen_queries_per_language():
    assert sum(lang == "en" for lang, _q, _e in TABLE) >= 15
    assert sum(lang == "zh-hk" for lang, _q, _e in TABLE) >= 15


def test_each_query_finds_its_page_first(corpus_app):
    misses = []
    for lang, query, expected in TABLE:
        found = top(corpus_app, query, lang)
        if not found or found[0] not in expected.split("|"):
            misses.append(f"{lang} {query!r}: expected {expected}, got {found[:3]}")
    assert not misses, "\n".join(misses)


def test_a_title_match_ranks_above_a_body_match(corpus_app):
    # "school" is in the title of bullying and the body of homework; 照顧 in the title of carers and two bodies.
    assert top(corpus_app, "school", "en")[:2] == ["articles:bullying", "articles:homework"]
    found = top(corpus_app, "照顧", "zh-hk")
    assert found[0] == "articles:carers" and {"articles:parent-stress", "events:2"} <= set(found[1:])


def test_results_stay_in_the_page_language(corpus_app):
    assert all(":" in key for key in top(corpus_app, "溝通", "zh-hk"))
    assert top(corpus_app, "溝通", "en") == []
    assert top(corpus_app, "teenagers", "zh-hk") == []


def test_the_kind_filter_keeps_only_that_kind_and_counts_every_kind(corpus_app):
    assert top(corpus_app, "support", "en", ["centres"]) == ["centres:ifsc-ssp", "centres:ifsc-tm"] or set(
        top(corpus_app, "support", "en", ["centres"])
    ) == {"centres:ifsc-ssp", "centres:ifsc-tm"}
    with session_scope(corpus_app) as session:
        results = search(session, "support", "en", ["centres"])
        assert results.total == 2
        assert results.counts["events"] == 1 and results.counts["articles"] == 1


def test_an_english_word_form_finds_other_forms(corpus_app):
    assert "news:1" in top(corpus_app, "parenting", "en")  # "New helpline hours for parents"
    assert "articles:carers" in top(corpus_app, "carer", "en")  # "Carers of elderly relatives"


def test_a_single_chinese_character_finds_pages(corpus_app):
    assert "articles:sleep" in top(corpus_app, "睡", "zh-hk")


def test_words_that_never_appear_together_fall_back_to_pages_with_some(corpus_app):
    with session_scope(corpus_app) as session:
        results = search(session, "dementia homework", "en")
    assert results.any_term and {f"{h.doc.kind}:{h.doc.key}" for h in results.hits} == {"events:2", "articles:homework"}


def test_the_snippet_highlights_the_matched_words_and_escapes_the_text(corpus_app):
    with session_scope(corpus_app) as session:
        snippets = {h.doc.key: h.snippet for h in search(session, "listening", "en").hits}
        assert "<mark>Listening</mark> without judging" in snippets["talk-teens"]
        assert "family <mark>listens</mark>" in snippets["family-talk"]
        zh = search(session, "家庭沟通", "zh-hk").hits[0]
        assert "<mark>家庭溝通</mark>會更好" in zh.snippet


# Real numbers from content/hotlines.yml: The Samaritan Befrienders Hong Kong, and The Samaritans.
SBHK, SAMARITANS = "2389 2222", "2896 0000"


def _number_docs(answers: tuple[str, ...]) -> list[Doc]:
    """One hotline that answers to its number, and more long articles giving that number than fit on a page."""
    hotline = Doc("help", "hotline-sbhk", "en", "Emotional support hotline", SBHK, answers=answers)
    body = f"Talking helps. Call {SBHK} at any hour, or {SAMARITANS}. " * 3 + "Sleep, money, school and work. " * 200
    articles = [Doc("articles", f"article-{n}", "en", f"Article {n}", body) for n in range(12)]
    return [hotline, *articles]


@pytest.fixture
def number_app(make_app, backend):
    app = make_app(backend)
    with session_scope(app) as session:
        replace_documents(session, ["help", "articles"], _number_docs((SBHK, SBHK.replace(" ", ""))))
    return app


def test_a_number_typed_any_way_finds_the_document_that_answers_to_it_first(number_app):
    for query in (SBHK, SBHK.replace(" ", ""), SBHK.replace(" ", "-"), f" {SBHK} "):
        assert top(number_app, query, "en")[0] == "help:hotline-sbhk", query
    with session_scope(number_app) as session:
        assert search(session, SBHK, "en").hits[0].doc.title == "Emotional support hotline"  # answers are not shown


def test_a_number_no_document_answers_to_still_finds_the_pages_that_give_it(number_app):
    found = top(number_app, SAMARITANS, "en")
    assert len(found) == 10 and all(key.startswith("articles:") for key in found)
    assert top(number_app, "2389", "en")[0] == "help:hotline-sbhk"  # half a number: its words are still title text


def test_changing_only_a_documents_answers_reindexes_it(number_app):
    joined = SBHK.replace(" ", "")
    with session_scope(number_app) as session:
        assert replace_documents(session, ["help", "articles"], _number_docs((SBHK, joined))) == 13
        assert search(session, joined, "en").total == 1
        replace_documents(session, ["help", "articles"], _number_docs((SBHK,)))
        assert search(session, joined, "en").total == 0  # the joined form was only an answer: gone with it
