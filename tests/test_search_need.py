"""Search at the moment of need, through the real views and the real content, on both backends.

The table holds what a family would type (crisis words, Cantonese, misspellings, Simplified
characters, romanised place names, hotline numbers) and the page they should see first.
"""

from __future__ import annotations

import re

import pytest

from portal.cli import sync_content

# The family-violence hotlines, and the article written for that moment (family violence: when home is not safe).
FAMILY_LINES = (
    "help#hotline-cease-18281|help#hotline-harmony-house|help#hotline-cfsc-serene-court|articles/when-home-is-not-safe"
)
# Money in Cantonese: the money articles (the gambling one is about money the family loses).
MONEY_PAGES = (
    "articles/talking-about-money-worries|articles/a-family-budget-that-works|articles/getting-on-top-of-debt"
    "|articles/when-gambling-hurts-the-family"
)
ANY = "*"  # a vague word: any result will do, but there must be one
# Broad need words may land on the life stage's page (issue 17), which gathers that stage's articles and help.
BABY_PAGES = (
    "articles/couples-after-a-new-baby|articles/expecting-a-baby|articles/the-first-weeks-with-a-newborn"
    "|stages/expecting-and-new-baby"
)
OLDER_PEOPLE = (
    "articles/caring-for-a-parent-with-dementia|articles/planning-later-life-care-with-a-parent"
    "|stages/caring-for-older-parents"
)
YOUNG_CHILDREN = "articles/calm-limits-for-young-children|stages/young-children"
SHA_TIN_CENTRES = "|".join(f"centres/swd-{key}" for key in ("shatin-north", "sha-tin-south", "ma-on-shan-north",
                                                             "ma-on-shan-south"))  # fmt: skip

# (language, query, crisis help expected, expected first result as a site path after /<lang>/;
#  "a|b" when either page is a right answer; None when only the crisis block must lead)
TABLE = [
    # Crisis: suicide and self-harm, in English, written Chinese, Cantonese, Simplified, first person.
    ("en", "suicide", True, "help#hotline-sps|help#hotline-samaritans|help#hotline-sbhk"),
    ("en", "Suicidal", True, "help#hotline-sps|help#hotline-samaritans|help#hotline-sbhk"),
    ("en", "kill myself", True, "articles/supporting-someone-in-crisis"),
    ("en", "killing myself", True, "articles/supporting-someone-in-crisis"),
    ("en", "hurting myself", True, "articles/supporting-someone-in-crisis"),
    ("en", "self-harm", True, None),
    ("en", "I want to die", True, None),
    ("en", "自殺", True, "help#hotline-sps|help#hotline-samaritans|help#hotline-sbhk"),
    ("zh-hk", "自殺", True, "help#hotline-sbhk|help#hotline-sps|help#hotline-samaritans|help"),
    ("zh-hk", "自杀", True, "help#hotline-sbhk|help#hotline-sps|help#hotline-samaritans|help"),
    ("zh-hk", "輕生", True, "help#hotline-sbhk|help#hotline-sps|help#hotline-samaritans|help"),
    ("zh-hk", "轻生", True, "help#hotline-sbhk|help#hotline-sps|help#hotline-samaritans|help"),
    ("zh-hk", "我想死", True, None),
    ("zh-hk", "唔想活", True, None),
    ("zh-hk", "活唔落去", True, None),
    ("zh-hk", "不想活了", True, None),
    ("zh-hk", "自殘", True, None),
    ("zh-hk", "自残", True, None),
    # Crisis: family violence, child abuse, elder abuse.
    ("en", "domestic violence", True, FAMILY_LINES + "|articles/supporting-someone-in-crisis"),
    ("en", "abuse", True, "help#hotline-cease-18281|articles/when-home-is-not-safe"),
    ("en", "my husband hits me", True, None),
    ("en", "child abuse", True, None),
    ("en", "my dad hits me", True, None),
    ("en", "elder abuse", True, "help#hotline-cease-18281|articles/when-home-is-not-safe"),
    ("en", "家暴", True, FAMILY_LINES + "|articles/supporting-someone-in-crisis"),
    ("zh-hk", "家暴", True, FAMILY_LINES),
    ("zh-hk", "家庭暴力", True, FAMILY_LINES),
    ("zh-hk", "家暴求助", True, "help|articles/when-home-is-not-safe"),
    ("zh-hk", "老公打我", True, None),
    ("zh-hk", "老公 打我", True, None),
    ("zh-hk", "虐兒", True, None),
    ("zh-hk", "虐儿", True, None),
    ("zh-hk", "虐老", True, None),
    ("zh-hk", "虐待长者", True, "help#hotline-cease-18281|articles/when-home-is-not-safe"),
    # Colloquial Cantonese and formal Chinese, through the thesaurus.
    ("zh-hk", "湊仔", False, YOUNG_CHILDREN),
    ("zh-hk", "湊B", False, "articles/calm-limits-for-young-children"),
    ("zh-hk", "老人家", False, OLDER_PEOPLE),
    ("zh-hk", "錢銀", False, MONEY_PAGES),
    ("zh-hk", "钱银", False, MONEY_PAGES),
    ("zh-hk", "屋企", False, ANY),  # "home": many pages are right; it must find some
    ("zh-hk", "腦退化", False, "articles/caring-for-a-parent-with-dementia"),
    ("zh-hk", "老人痴呆", False, "articles/caring-for-a-parent-with-dementia"),
    ("zh-hk", "唔開心", False, "self-check/phq9|articles/noticing-low-mood-and-worry"),
    ("zh-hk", "瞓唔着", False, "articles/sleep-and-stress-for-busy-parents"),
    ("zh-hk", "打機", False, "articles/teenagers-and-screens"),
    ("zh-hk", "嗌交", False, "articles/disagreeing-without-hurting|articles/separating-and-co-parenting"),
    ("zh-hk", "细路", False, YOUNG_CHILDREN),
    ("zh-hk", "欠債", False, "articles/getting-on-top-of-debt|articles/talking-about-money-worries"),
    ("zh-hk", "BB", False, BABY_PAGES),
    ("zh-hk", "社署", False, "help#hotline-swd-hotline|articles/calling-the-swd-hotline"),
    # English synonyms and abbreviations.
    ("en", "divorce", False, "articles/separating-and-co-parenting|stages/separating-and-co-parenting"),
    ("en", "CSSA", False, "articles/getting-on-top-of-debt|help#hotline-swd-hotline"),
    ("en", "綜援", False, "articles/getting-on-top-of-debt|help#hotline-swd-hotline"),
    ("en", "alzheimers", False, "articles/caring-for-a-parent-with-dementia"),
    ("en", "SWD", False, "articles/calling-the-swd-hotline|help#hotline-swd-hotline"),
    ("en", "IFSC", False, "articles/what-is-an-ifsc"),
    ("en", "newborn", False, "articles/couples-after-a-new-baby|articles/the-first-weeks-with-a-newborn"),
    ("en", "hotline for carers", False, "help#hotline-carer-182183"),
    # Misspellings, corrected from the index's own words.
    ("en", "depresion", False, "self-check/phq9|articles/noticing-low-mood-and-worry"),
    ("en", "anxeity", False, "self-check/gad7"),
    ("en", "dementa", False, "articles/caring-for-a-parent-with-dementia"),
    ("en", "budgit", False, "articles/a-family-budget-that-works"),
    ("en", "sleeep", False, "articles/sleep-and-stress-for-busy-parents"),
    # Romanised place names without spaces, and Chinese place names in both scripts.
    ("en", "shatin", False, SHA_TIN_CENTRES),
    ("en", "tsuenwan", False, "centres/swd-tsuen-wan-west"),
    ("en", "wongtaisin", False, "centres/swd-wong-tai-sin"),
    ("en", "yuenlong", False, "centres/swd-yuen-long-central|centres/swd-yuen-long-east"),
    ("en", "taipo", False, "centres/swd-tai-po-north|centres/swd-tai-po-south"),
    ("zh-hk", "沙田", False, SHA_TIN_CENTRES),
    ("zh-hk", "沙田家庭服务中心", False, SHA_TIN_CENTRES),
    ("zh-hk", "鰂魚涌", False, "centres/swd-quarry-bay"),
    ("zh-hk", "鲗鱼涌", False, "centres/swd-quarry-bay"),
    ("zh-hk", "東涌", False, "centres/naac-tung-chung-isc"),
    # Hotlines by number (as written and as dialled) and by name, in both scripts.
    # A number typed to learn whose it is: its own hotline first, however typed, on both backends and in every
    # edition, above the long articles that mention it (content/hotlines.yml: each line's number and dial).
    ("en", "18111", False, "help#hotline-mh-18111"),
    ("en", "2389 2222", False, "help#hotline-sbhk"),
    ("en", "23892222", False, "help#hotline-sbhk"),
    ("en", "2389-2222", False, "help#hotline-sbhk"),
    ("en", "2382 0000", False, "help#hotline-sps"),
    ("en", "23820000", False, "help#hotline-sps"),
    ("en", "2382-0000", False, "help#hotline-sps"),
    ("en", "2896 0000", False, "help#hotline-samaritans"),
    ("en", "2343 2255", False, "help#hotline-swd-hotline"),
    ("en", "182 183", False, "help#hotline-carer-182183"),
    ("en", "999", False, "help#hotline-emergency-999"),
    ("zh-hk", "2389 2222", False, "help#hotline-sbhk"),
    ("zh-hk", "2382-0000", False, "help#hotline-sps"),
    ("zh-hk", "25220434", False, "help#hotline-harmony-house"),
    ("zh-hk", "18281", False, "help#hotline-cease-18281"),
    ("zh-cn", "2389 2222", False, "help#hotline-sbhk"),
    ("zh-cn", "23820000", False, "help#hotline-sps"),
    ("zh-cn", "2343-2255", False, "help#hotline-swd-hotline"),
    ("en", "+852 2389 2222", False, "help#hotline-sbhk"),
    ("zh-hk", "+85223820000", False, "help#hotline-sps"),
    ("en", "samaritans", False, "help#hotline-samaritans"),
    ("zh-hk", "撒瑪利亞", False, "help#hotline-samaritans"),
    ("zh-hk", "撒玛利亚", False, "help#hotline-samaritans"),
    ("zh-hk", "生命熱綫", False, "help#hotline-sps"),
    ("en", "mental health hotline", False, "help|help#hotline-mh-18111"),
    # Mixed scripts.
    ("zh-hk", "SEN 家長", False, "events/5|articles/a-child-with-special-educational-needs"),
]

FIRST_RESULT = re.compile(r'<li class="search-result">.*?<h2><a href="([^"]+)"', re.S)


def test_the_need_table_has_at_least_sixty_queries_in_every_kind():
    assert len(TABLE) >= 60
    assert sum(crisis for _l, _q, crisis, _e in TABLE) >= 20
    assert sum(lang == "zh-hk" for lang, *_ in TABLE) >= 30


@pytest.fixture
def need_client(make_app, backend):
    app = make_app(backend)
    sync_content(app)
    return app.test_client()


def test_every_need_query_leads_to_help_or_the_right_page(need_client):
    """One app per backend, every row of the table through /<lang>/search; all failures reported at once."""
    failures = []
    for lang, query, crisis, expected in TABLE:
        response = need_client.get(f"/{lang}/search", query_string={"q": query})
        html = response.get_data(as_text=True)
        first = FIRST_RESULT.search(html)
        got = first.group(1) if first else None
        if response.status_code != 200:
            failures.append(f"{lang} {query!r}: HTTP {response.status_code}")
            continue
        if crisis != ("crisis-help" in html):
            failures.append(f"{lang} {query!r}: crisis help {'missing' if crisis else 'shown'}")
        if crisis and first and html.index("crisis-help") > first.start():
            failures.append(f"{lang} {query!r}: a result comes before the crisis help")
        if crisis and ("No pages matched" in html or "0 results" in html or "找不到" in html):
            failures.append(f"{lang} {query!r}: a crisis search says it found nothing")
        if expected == ANY:
            if got is None:
                failures.append(f"{lang} {query!r}: no result")
        elif expected is not None:
            wanted = {f"/{lang}/{path}" for path in expected.split("|")}
            if got not in wanted:
                failures.append(f"{lang} {query!r}: first result {got}, expected {' or '.join(sorted(wanted))}")
    assert not failures, "\n".join(failures)


def _crisis_block(html: str) -> str:
    match = re.search(r'<section class="crisis-help.*?</section>', html, re.S)
    assert match, "no crisis help block"
    return match.group(0)


def test_the_crisis_block_gives_the_groups_24_hour_lines_as_tel_links_and_the_help_page(need_client):
    block = _crisis_block(need_client.get("/en/search?q=suicide").get_data(as_text=True))
    for dial in ("999", "23892222", "28960000", "23820000", "18111"):
        assert f'href="tel:+852{dial}"' in block
    assert "You are not alone" in block
    assert 'href="/en/help"' in block
    assert "2522 0434" not in block  # the family-violence lines belong to another group


def test_the_crisis_block_speaks_chinese_on_the_chinese_site_and_to_simplified_queries(need_client):
    for query in ("家暴", "家暴", "家庭暴力"):
        block = _crisis_block(need_client.get("/zh-hk/search", query_string={"q": query}).get_data(as_text=True))
        assert "這不是你的錯" in block
        assert 'href="tel:+85225220434"' in block and 'href="tel:+85218281"' in block
        assert 'href="/zh-hk/help"' in block
    block = _crisis_block(need_client.get("/zh-hk/search", query_string={"q": "我想自杀"}).get_data(as_text=True))
    assert "你並不孤單" in block


def test_a_crisis_search_with_no_page_still_offers_help_and_topics_not_no_results(need_client):
    html = need_client.get("/zh-hk/search", query_string={"q": "活唔落去"}).get_data(as_text=True)
    assert "crisis-help" in html
    assert "0 項結果" not in html and "找不到" not in html
    assert re.search(r'href="/zh-hk/articles/category/[^"]+"', html)


def test_the_most_specific_group_speaks_first_and_lines_are_not_repeated(need_client):
    block = _crisis_block(need_client.get("/en/search?q=child abuse").get_data(as_text=True))
    assert "If a child is being hurt" in block
    assert block.count('href="tel:+852999"') == 1
    assert 'href="tel:+85223432255"' in block


def test_ordinary_searches_show_no_crisis_block(need_client):
    for query in ("sleep", "budget", "homework", "打機", "the hit song", "child care"):
        html = need_client.get("/en/search", query_string={"q": query}).get_data(as_text=True)
        assert "crisis-help" not in html, query


def test_a_misspelling_shows_the_fixed_results_and_a_way_back(need_client):
    html = need_client.get("/en/search?q=depresion").get_data(as_text=True)
    assert "Showing results for depression." in html
    assert 'href="/en/search?q=depresion&amp;spell=0"' in html
    plain = need_client.get("/en/search?q=depresion&spell=0").get_data(as_text=True)
    assert "Showing results for" not in plain and "No pages matched" in plain
    chinese = need_client.get("/zh-hk/search?q=ceese").get_data(as_text=True)  # 東華三院 CEASE 危機支援中心
    assert "以下是「cease」的搜尋結果。" in chinese and "改為搜尋「ceese」" in chinese


def test_a_word_no_page_has_gets_the_help_numbers_the_closest_topics_and_the_categories(need_client):
    html = need_client.get("/en/search?q=sleepwalking").get_data(as_text=True)
    assert "search-result" not in html
    assert "No pages matched “sleepwalking”" in html and "0 results" not in html
    topics = re.search(r"Topics close to your search</h2>(.*?)</ul>", html, re.S)
    assert topics and ">Sleep</a>" in topics.group(1)
    assert 'href="tel:+852999"' in html and 'href="/en/help"' in html
    assert re.search(r'href="/en/articles/category/[^"]+"', html)


def test_the_help_page_and_each_hotline_are_found_by_name_number_and_purpose(need_client):
    html = need_client.get("/en/search?q=refuge").get_data(as_text=True)
    assert 'href="/en/help#hotline-harmony-house"' in html or 'href="/en/help#hotline-cfsc-serene-court"' in html
    html = need_client.get("/zh-hk/search?q=照顧者支援專線").get_data(as_text=True)
    assert FIRST_RESULT.search(html).group(1) == "/zh-hk/help#hotline-carer-182183"
    html = need_client.get("/en/search?q=get%20help&kind=help").get_data(as_text=True)
    assert 'href="/en/help"' in html
    help_page = need_client.get("/en/help").get_data(as_text=True)
    assert 'id="hotline-carer-182183"' in help_page  # the result's anchor lands on the line


def test_the_site_pages_are_searchable_in_both_languages(need_client):
    html = need_client.get("/en/search?q=cookies").get_data(as_text=True)
    assert FIRST_RESULT.search(html).group(1) == "/en/privacy"
    html = need_client.get("/zh-hk/search?q=無障礙").get_data(as_text=True)
    assert 'href="/zh-hk/accessibility"' in html
    html = need_client.get("/en/search?q=private%20browsing").get_data(as_text=True)
    assert 'href="/en/browsing-safely"' in html


def test_a_centres_number_finds_that_centre_first_and_no_hotline(need_client):
    # A centre's verified number (content/centres/centres.csv, swd-aberdeen): no hotline's.
    for lang in ("en", "zh-hk", "zh-cn"):
        for query in ("2875 8685", "28758685", "2875-8685", "+852 2875 8685", "+85228758685"):
            response = need_client.get(f"/{lang}/search", query_string={"q": query})
            assert response.status_code == 200, (lang, query)
            first = FIRST_RESULT.search(response.get_data(as_text=True))
            assert first is not None and first.group(1).endswith(f"/{lang}/centres/swd-aberdeen"), (lang, query)
