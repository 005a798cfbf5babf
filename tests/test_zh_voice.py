"""Chinese pages in Chinese, with one voice (issue 16, items 4 and 7).

Every page type under /zh-hk/ is rendered with the real content and read as a visitor reads it
(tests/zh_pages.py): no English label text outside what is marked ``lang="en"``, and Chinese
punctuation in what is shown. The sources of that text (the catalogue, templates and content) are
checked too, so a finding names the file to mend.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import yaml
from babel.messages.pofile import read_po

from portal import create_app
from portal.cli import sync_content
from portal.zhtext import punctuation_findings

from .conftest import REAL_CONTENT
from .zh_pages import chinese_pages, visible_blocks

ROOT = REAL_CONTENT.parent
STRINGS = ROOT / "translations/zh_Hant_HK/strings"
PO = ROOT / "translations/zh_Hant_HK/LC_MESSAGES/messages.po"
TEMPLATES = ROOT / "portal/templates"


# English that may stand on a Chinese page, as whole names. Keep it short: translate instead wherever Hong
# Kong readers use a Chinese word, and mark longer English (a citation, an English questionnaire) lang="en".
ALLOWED_NAMES = (
    # Questionnaires, kept as published (PHQ-9, GAD-7, WHO-5, Family APGAR) and the study that used one.
    "PHQ", "GAD", "WHO", "Family APGAR", "APGAR", "FAMILY",
    # Services whose Chinese names, as our sources give them (content/hotlines.yml), include these words.
    "CEASE", "Harmony House", "Serene Court", "SafeChat", "WhatsApp", "Open Up",
    # Formats, standards and products people choose by name.
    "Atom", "RSS", "JSON", "GeoJSON", "CSV", "ics", "HSDS", "Open Referral", "JavaScript", "Google",
    # The word Hong Kong privacy notices use (本網站使用的 cookie).
    "cookie", "Cookie",
    # The finder's example of a district typed in English.
    "Tuen Mun",
    # What Hong Kong schools and parents call special educational needs, in Chinese text too (SEN 學生).
    "SEN",
)  # fmt: skip
# Not words: addresses and site names (a citation of a site we have no name for reads "documents.pub"),
# authors and journals cited inside Chinese text (「Chau 等，Kaohsiung J Med Sci 1991」), and an English
# answer quoted as the page shows it (「hardly ever」).
NOT_WORDS = re.compile(
    r"https?://\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\w.])[\w-]+(?:\.[\w-]+)+"
    r"|[A-Z][\w-]* 等，[A-Z][\w .]+? \d{4}|「[A-Za-z ,.'-]+」"
)
ASCII_WORD = re.compile(r"(?<![A-Za-z])[A-Za-z]{3,}(?![A-Za-z])")


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """The Chinese pages, rendered once for the module (the walk takes a while), on SQLite."""
    instance = tmp_path_factory.mktemp("zh-voice") / "instance"
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
            "DATABASE_UPGRADE_ON_START": True,  # the schema by the migrations, as every site gets it
        }
    )
    sync_content(app)
    yield list(chinese_pages(app))
    app.extensions["portal.engine"].dispose()


ALLOWED = re.compile("|".join(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])" for name in ALLOWED_NAMES))


def english_words(text: str) -> list[str]:
    """ASCII words of three letters or more, outside the allowed names and what is not words."""
    return ASCII_WORD.findall(ALLOWED.sub(" ", NOT_WORDS.sub(" ", text)))


def test_the_walk_reaches_every_kind_of_chinese_page(pages):
    urls = [url for url, _ in pages]
    for part in ("/zh-hk/articles/", "/zh-hk/events/", "/zh-hk/centres/", "/zh-hk/self-check/", "/zh-hk/help"):
        assert any(part in url for url in urls), part
    assert any(url.startswith("POST") for url in urls)
    assert len(pages) > 30


def test_a_chinese_page_has_no_english_label_text(pages):
    found = []
    for url, html in pages:
        for block in visible_blocks(html):
            words = english_words(block.prose)
            if words:
                found.append(f"{url} [{block.where}] {', '.join(sorted(set(words)))}: {block.text[:120]}")
    unique = list(dict.fromkeys(found))
    assert not unique, f"{len(unique)} blocks with English words:\n" + "\n".join(unique[:80])


def test_a_chinese_page_shows_chinese_punctuation(pages):
    found = []
    for url, html in pages:
        for block in visible_blocks(html):
            for finding in punctuation_findings(block.text):
                context = block.plain[max(0, finding.offset - 20) : finding.offset + 20]
                found.append(f"{finding.advice}: «{context}» ({url})")
    unique = sorted(set(found))
    assert not unique, f"{len(unique)} findings:\n" + "\n".join(unique[:80])


def _strings(node, key: str = "") -> Iterator[tuple[str, str]]:
    """(key path, text) of every string in a YAML document."""
    if isinstance(node, dict):
        for name, value in node.items():
            if not (str(name) == "en" or str(name).endswith("_en")):  # English text may name a Chinese word
                yield from _strings(value, f"{key}.{name}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _strings(value, f"{key}[{index}]")
    elif isinstance(node, str):
        yield key, node


def source_texts() -> Iterator[tuple[str, str]]:
    """(where, line of text) of the Chinese the site is built from: catalogue, content YAML and markdown, templates."""
    for path in sorted([*STRINGS.glob("*.yml"), *REAL_CONTENT.glob("**/*.yml")]):
        for key, text in _strings(yaml.safe_load(path.read_text(encoding="utf-8"))):
            for line in text.splitlines():
                yield f"{path.relative_to(ROOT)}:{key}", line
    with PO.open("rb") as handle:
        for message in read_po(handle):
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            for text in strings:
                yield f"{PO.relative_to(ROOT)}: {message.id!r}", text or ""
    for path in sorted([*REAL_CONTENT.glob("**/zh-hk.md"), *TEMPLATES.glob("**/*.html")]):
        fenced = False
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            fenced ^= line.lstrip().startswith("```")
            if not fenced and not line.lstrip().startswith("```"):
                yield f"{path.relative_to(ROOT)}:{number}", line


def test_the_catalogue_templates_and_content_write_chinese_punctuation():
    found = [
        f"{where}: {finding.advice}: «{line.strip()[:80]}»"
        for where, line in source_texts()
        for finding in punctuation_findings(line)
    ]
    assert not found, f"{len(found)} findings:\n" + "\n".join(found[:80])


@pytest.mark.parametrize(
    ("text", "advice"),
    [
        ("你的結果: 8", "use the full-width mark"),
        ("(香港時間)", "use full-width brackets"),
        ("情緒評估 (PHQ-9)", "use full-width brackets"),
        ("你好。 再見", "no space after"),
        ("你好 。", "no space before"),
        ("伴侶關係 （2）", "no space before a full-width bracket"),
        ("完成了.", "end Chinese text with"),
    ],
)
def test_each_punctuation_rule_finds_its_case(text, advice):
    assert any(f.advice.startswith(advice) for f in punctuation_findings(text)), punctuation_findings(text)


@pytest.mark.parametrize(
    "text",
    ["10:30 開始", "請瀏覽 https://www.swd.gov.hk/tc/。", "「%(field)s」：請寫成 {en: …, zh-hk: …}",
     "Work (Cantonese 返工)", "| 類別 | 例子 |", "`lang` 記住語言", "[文字](/zh-hk/help)"],
)  # fmt: skip
def test_times_addresses_placeholders_and_markup_are_not_punctuation(text):
    assert punctuation_findings(text) == []


@pytest.mark.parametrize("alias", ["zh", "zh-tw", "zh-hant", "ZH-TW"])
def test_other_chinese_codes_move_permanently_to_zh_hk_keeping_path_and_query(client, alias):
    response = client.get(f"/{alias}/events?district=central-western&page=2")
    assert response.status_code == 301
    assert response.headers["Location"] == "/zh-hk/events?district=central-western&page=2"
    assert client.get(f"/{alias}/").headers["Location"] == "/zh-hk/"
    assert client.get(f"/{alias}").headers["Location"] == "/zh-hk/"


def test_the_simplified_edition_is_served_and_unknown_codes_are_not_redirected(client):
    assert client.get("/zh-cn/events").status_code == 200  # issue 19: its own edition, not an alias
    assert client.get("/zhx/events").status_code == 404


def test_a_hostile_path_under_an_alias_is_redirected_escaped(client):
    response = client.get("/zh/a%0d%0aSet-Cookie:%20x=1/%E5%AE%B6")
    assert response.status_code == 301
    assert response.headers["Location"] == "/zh-hk/a%0D%0ASet-Cookie:%20x=1/%E5%AE%B6"
    assert "Set-Cookie" not in {name for name, _ in response.headers if name != "Location"}


def test_the_fallback_notice_names_the_languages_in_the_pages_language(make_app, content_copy):
    article = sorted((content_copy / "articles").iterdir())[0]
    (article / "zh-hk.md").unlink()
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    html = app.test_client().get(f"/zh-hk/articles/{article.name}").get_data(as_text=True)
    assert "這篇文章暫未有中文版本，以下以英文顯示。" in html
    assert "以English" not in html and "English顯示" not in html


def test_a_chinese_page_shows_no_bare_address_as_text(pages):
    found = [
        f"{url}: {block.plain[:100]}"
        for url, html in pages
        for block in visible_blocks(html)
        if block.where == "text" and re.search(r"https?://|www\.", block.prose)
    ]
    assert not found, "\n".join(sorted(set(found))[:40])
