"""Two languages: URL prefixes, negotiation, the toggle, hreflang, complete translations."""

from __future__ import annotations

import re
import subprocess
import sys
from html import unescape
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT
from portal.i18n import negotiate_lang

PO = PROJECT_ROOT / "translations/zh_Hant_HK/LC_MESSAGES/messages.po"


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("zh-HK,zh;q=0.9,en;q=0.8", "zh-hk"),
        ("zh-TW", "zh-hk"),
        ("zh-CN,zh;q=0.9", "zh-cn"),
        ("zh-Hans-CN,zh;q=0.9", "zh-cn"),
        ("zh-SG", "zh-cn"),
        ("en;q=0.5,zh-Hans;q=0.8", "zh-cn"),
        ("zh-Hant", "zh-hk"),
        ("zh", "zh-hk"),
        ("yue-Hant-HK", "zh-hk"),
        ("en-GB,en;q=0.9", "en"),
        ("fr-FR,fr;q=0.9", "en"),
        ("fr-FR,zh-HK;q=0.5", "zh-hk"),
        ("en;q=0.4,zh-HK;q=0.9", "zh-hk"),
        ("", "en"),
        ("*", "en"),
        (";;;q=abc,,", "en"),
    ],
)
def test_accept_language_decides_the_first_visit(header, expected):
    assert negotiate_lang(header, None) == expected


def test_root_redirects_by_accept_language_with_vary(client):
    response = client.get("/", headers={"Accept-Language": "zh-HK,zh;q=0.9"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/zh-hk/"
    assert "Accept-Language" in response.headers["Vary"]
    response = client.get("/", headers={"Accept-Language": "de-DE"})
    assert response.headers["Location"] == "/en/"


def test_a_language_chosen_before_wins_over_accept_language(client):
    client.get("/language/zh-hk?next=/zh-hk/")  # the toggle remembers the choice
    response = client.get("/", headers={"Accept-Language": "en-GB"})
    assert response.headers["Location"] == "/zh-hk/"
    client.get(toggle_of(client.get("/zh-hk/help").get_data(as_text=True)))
    response = client.get("/", headers={"Accept-Language": "zh-HK"})
    assert response.headers["Location"] == "/en/"


def toggle_of(html: str) -> str:
    return unescape(re.search(r'class="lang-toggle" href="([^"]+)"', html).group(1))


def toggle_target(html: str) -> str:
    """Where the language toggle leads: /language/<code>?next=<the page in that language>."""
    href = urlsplit(toggle_of(html))
    target = parse_qs(href.query)["next"][0]
    assert href.path == f"/language/{target.split('/')[1]}"
    return target


@pytest.mark.parametrize(
    ("path", "lang_attr", "toggle"),
    [
        ("/en/", "en-HK", "/zh-hk/"),
        ("/zh-hk/", "zh-Hant-HK", "/en/"),
        ("/en/articles/?page=1", "en-HK", "/zh-hk/articles/?page=1"),
        ("/zh-hk/help", "zh-Hant-HK", "/en/help"),
        ("/en/articles/category/parenting", "en-HK", "/zh-hk/articles/category/parenting"),
        ("/zh-cn/help", "zh-Hans-HK", "/en/help"),
    ],
)
def test_every_page_has_lang_and_a_toggle_to_the_same_page(client, path, lang_attr, toggle):
    html = client.get(path).get_data(as_text=True)
    assert f'<html lang="{lang_attr}"' in html
    assert toggle_target(html) == toggle


@pytest.mark.parametrize(
    "path", ["/en/events?district=sha-tin", "/zh-hk/events?district=sha-tin", "/zh-cn/events?district=sha-tin"]
)
def test_the_switch_offers_the_two_other_languages_for_the_same_page_and_query(client, path):
    html = client.get(path).get_data(as_text=True)
    own = path.split("/")[1]
    links = [unescape(href) for href in re.findall(r'class="lang-toggle" href="([^"]+)"', html)]
    labels = re.findall(r'class="lang-toggle"[^>]*>([^<]+)</a>', html)
    others = [code for code in ("en", "zh-hk", "zh-cn") if code != own]
    assert labels == [{"en": "English", "zh-hk": "繁體中文", "zh-cn": "简体中文"}[code] for code in others]
    for code, href in zip(others, links, strict=True):
        url = urlsplit(href)
        assert url.path == f"/language/{code}"
        assert parse_qs(url.query)["next"] == [f"/{code}/events?district=sha-tin"]


@pytest.mark.parametrize(("typed", "edition"), [("zh-hans", "zh-cn"), ("ZH-SG", "zh-cn"), ("zh-tw", "zh-hk")])
def test_codes_people_type_for_a_chinese_edition_move_to_it(client, typed, edition):
    response = client.get(f"/{typed}/help?x=1")
    assert response.status_code == 301
    assert response.headers["Location"] == f"/{edition}/help?x=1"


def test_toggle_on_a_404_keeps_the_path(client):
    html = client.get("/en/articles/missing").get_data(as_text=True)
    assert toggle_target(html) == "/zh-hk/articles/missing"


def test_hreflang_alternates_keep_the_parameters_a_page_reads_and_drop_junk(client):
    html = client.get("/zh-hk/events?district=sha-tin&utm_source=x").get_data(as_text=True)
    for hreflang, lang in (("en-HK", "en"), ("zh-Hant-HK", "zh-hk"), ("zh-Hans", "zh-cn"), ("x-default", "en")):
        href = f"http://portal.test/{lang}/events?district=sha-tin"
        assert f'<link rel="alternate" hreflang="{hreflang}" href="{href}">' in html
    assert "utm_source" not in html  # junk parameters never reach a (cacheable) page


def test_unknown_language_prefix_is_404(client):
    assert client.get("/fr/").status_code == 404
    assert client.get("/zh-sc/articles/").status_code == 404


def test_ui_strings_are_translated_in_chinese_pages(client):
    html = client.get("/zh-hk/").get_data(as_text=True)
    for text in ("跳至主要內容", "需要即時協助", "文章", "尋求協助", "字體大小"):
        assert text in html
    for english in ("Skip to main content", "Need help now", "Browse by topic"):
        assert english not in html


def test_every_ui_string_has_a_traditional_chinese_translation(tmp_path: Path):
    """Extract the messages from the code now and compare with the catalogue."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg",
         "-k", "_l", "-o", str(pot), "."],
        cwd=PROJECT_ROOT, check=True,
    )  # fmt: skip
    with pot.open("rb") as handle:
        extracted = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hant_HK")
    translated = {}
    fuzzy = []
    for message in catalog:
        if not message.id:
            continue
        key = message.id if isinstance(message.id, str) else message.id[0]
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        translated[key] = all(s.strip() for s in strings)
        if message.fuzzy:
            fuzzy.append(key)
    missing = sorted(key for key in extracted if not translated.get(key))
    assert not missing, f"messages without a Traditional Chinese translation (run make translations): {missing}"
    assert not fuzzy, f"fuzzy translations need a check: {fuzzy}"


def test_compiled_catalogue_is_used(app):
    from flask_babel import force_locale, gettext

    with app.test_request_context("/zh-hk/"), force_locale("zh_Hant_HK"):
        assert gettext("Get help") == "尋求協助"
