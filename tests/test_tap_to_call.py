"""Tap to call everywhere (issue #12 part 3): Hong Kong numbers written in markdown become
``tel:+852…`` links (``sms:`` for lines reached by text), never inside code, URLs or existing links;
every ``tel:`` link on the site carries +852."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from sqlalchemy import select

from portal.cli import sync_content
from portal.db import session_scope
from portal.markdown import MarkdownRenderer, PhoneBook, load_phone_book

from .conftest import REAL_CONTENT

ARTICLE = "noticing-low-mood-and-worry"
HREF = re.compile(r'href="((?:tel|sms):[^"]*)"')


def _links(html: str) -> list[tuple[str, str]]:
    """(href, text) of every tel:/sms: link."""
    return re.findall(r'<a href="((?:tel|sms):[^"]*)"[^>]*>(.*?)</a>', html)


def _render(source: str, phones: PhoneBook | None = None) -> str:
    book = phones if phones is not None else load_phone_book(REAL_CONTENT)
    return MarkdownRenderer("en", lambda name: name, book).render(source).html


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_real_article_links_its_hotlines_with_852(client, lang):
    html = client.get(f"/{lang}/articles/{ARTICLE}").get_data(as_text=True)
    links = set(_links(html))
    assert {("tel:+85218111", "18111"), ("tel:+85223892222", "2389 2222"), ("tel:+852999", "999")} <= links


def test_short_hotlines_come_from_the_hotlines_file():
    hotlines = yaml.safe_load((REAL_CONTENT / "hotlines.yml").read_text(encoding="utf-8"))
    short = {h["number"] for h in hotlines if len(h["number"].replace(" ", "")) != 8}
    assert set(load_phone_book(REAL_CONTENT).short) == short
    for number in short:
        assert _links(_render(f"Call {number} now."))[0] == (f"tel:+852{number.replace(' ', '')}", number)
    # A short number that is not a hotline stays text; 8-digit numbers need no list.
    assert _links(_render("Call 18222 or 2123 4567.")) == [("tel:+85221234567", "2123 4567")]


def test_a_number_reached_by_text_message_becomes_an_sms_link():
    hotlines = yaml.safe_load((REAL_CONTENT / "hotlines.yml").read_text(encoding="utf-8"))
    texted = [h["number"] for h in hotlines if h.get("channel") == "text"]
    assert texted, "hotlines.yml has a text-message line (Open Up)"
    for number in texted:
        assert _links(_render(f"Send a message to {number}.")) == [(f"sms:+852{number.replace(' ', '')}", number)]


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("2389 2222", "tel:+85223892222"),
        ("23892222", "tel:+85223892222"),
        ("2389-2222", "tel:+85223892222"),
        ("+852 2389 2222", "tel:+85223892222"),
        ("(852) 2389 2222", "tel:+85223892222"),
        ("182183", "tel:+852182183"),
    ],
)
def test_hong_kong_numbers_are_linked_however_they_are_written(written, href):
    assert _links(_render(f"Call {written}, any time.")) == [(href, written)]


def test_chinese_text_around_a_number_does_not_stop_the_link():
    assert _links(_render("如身處即時危險，請致電999。電話：2389 2222。")) == [
        ("tel:+852999", "999"),
        ("tel:+85223892222", "2389 2222"),
    ]


def test_numbers_in_code_urls_and_existing_links_are_left_alone():
    source = "\n".join(
        [
            "Inline `2389 2222` and `999`.",
            "",
            "```",
            "call 18111",
            "```",
            "",
            "    indented 2343 2255",
            "",
            "[the Samaritans on 2896 0000](https://samaritans.org.hk/) and [a page](https://example.org/2389-2222/999)",
            "",
            "<https://example.org/23892222> and https://example.org/call/23432255 and www.example.org/18111",
            "",
            "![poster with 999](poster.png)",
        ]
    )
    html = _render(source)
    assert _links(html) == []
    assert 'href="https://samaritans.org.hk/"' in html and "<code>2389 2222</code>" in html


def test_years_dates_prices_and_longer_digit_runs_are_not_phone_numbers():
    for text in [
        "In 1999 and 2026, on 2026-11-05 or 20261105.",
        "It costs $2389 2222, HK$999 or HK$ 2389 2222.",
        "Card 1234 5678 9012 3456, ref 123456789, 0.999 and 999%.",
        "Account 012-2389-2222-3, code A23892222, user@23892222.example.",
        "Numbers 4123 4567 and 1234 5678 are not Hong Kong phone numbers.",
    ]:
        assert _links(_render(text)) == [], text


def test_heading_ids_keep_the_number():
    rendered = MarkdownRenderer("en", lambda name: name, load_phone_book(REAL_CONTENT)).render("## Call 18111 now\n")
    assert rendered.headings == [(2, "call-18111-now", "Call 18111 now")]
    assert _links(rendered.html) == [("tel:+85218111", "18111")]


def test_an_editor_s_event_links_its_numbers(make_app, content_copy: Path):
    folder = content_copy / "events" / "example-parenting-talk"
    english = folder / "en.md"
    english.write_text(english.read_text(encoding="utf-8") + "\nWorried tonight? Call 18111 or 2389 2222.\n")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    from portal.events.model import Event

    with session_scope(app) as session:
        event_id = session.scalars(select(Event.id).where(Event.uid == "md:example-parenting-talk")).one()
    html = app.test_client().get(f"/en/events/{event_id}").get_data(as_text=True)
    assert {("tel:+85218111", "18111"), ("tel:+85223892222", "2389 2222")} <= set(_links(html))


def test_a_hotline_removed_from_the_file_is_no_longer_linked_after_a_sync(make_app, content_copy: Path):
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    client = app.test_client()
    page = "/en/articles/supporting-someone-in-crisis"
    assert ("tel:+85218281", "18281") in _links(client.get(page).get_data(as_text=True))
    hotlines = content_copy / "hotlines.yml"
    text = hotlines.read_text(encoding="utf-8")
    start = text.index("- id: cease-18281")
    hotlines.write_text(text[:start] + text[text.index("- id:", start + 1) :], encoding="utf-8")
    sync_content(app)  # the article file did not change; the hotlines did
    assert ("tel:+85218281", "18281") not in _links(client.get(page).get_data(as_text=True))


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_every_tel_link_on_the_help_page_an_article_and_the_home_page_carries_852(client, lang):
    for path in (
        f"/{lang}/",
        f"/{lang}/help",
        f"/{lang}/articles/{ARTICLE}",
        f"/{lang}/articles/calling-the-swd-hotline",
    ):
        hrefs = HREF.findall(client.get(path).get_data(as_text=True))
        assert hrefs, path
        for href in hrefs:
            assert re.fullmatch(r"(?:tel|sms):\+852\d{3,8}", href), (path, href)


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_site_pages_link_their_hotlines_with_852(client, lang):
    contact = set(_links(client.get(f"/{lang}/contact").get_data(as_text=True)))
    assert {("tel:+852999", "999"), ("tel:+85218111", "18111"), ("tel:+85223432255", "2343 2255")} <= contact
    for path in (f"/{lang}/about", f"/{lang}/browsing-safely"):
        hrefs = HREF.findall(client.get(path).get_data(as_text=True))
        assert "tel:+852999" in hrefs and all(re.fullmatch(r"(?:tel|sms):\+852\d{3,8}", h) for h in hrefs), path


def test_the_help_page_texts_the_text_line_and_calls_the_others(client):
    html = client.get("/en/help").get_data(as_text=True)
    assert 'href="sms:+85291012012"' in html and 'href="tel:+85291012012"' not in html
    assert 'href="tel:+852999"' in html and 'href="tel:+85223432255"' in html


def test_centre_pages_call_with_852(client):
    for path in ("/en/centres/swd-tuen-mun-west", "/zh-hk/centres/swd-kai-ping"):
        hrefs = HREF.findall(client.get(path).get_data(as_text=True))
        assert hrefs and all(href.startswith("tel:+852") for href in hrefs), path
