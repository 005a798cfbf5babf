"""Event facts that read right in both languages: languages as codes, fees as a number plus a note,
and free text from feeds shown as written, marked with its language (issue 15, part 2)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.facts import LANGUAGES, Foreign, fee_facts
from portal.events.loader import EventSource
from portal.events.model import Event

from .test_events import add_event, write_event

# English label text a Chinese event page must never show (outside a lang="en" span).
ENGLISH_LABELS = [
    "Fee", "Free", "Languages", "Ask the organiser", "per couple", "per family", "When", "Venue", "District",
    "Organiser", "Registration", "Hong Kong time", "Online", "Example", "Scheduled", "Cancelled", "Postponed",
    "Full", "Parents", "Couples", "Carers", "Older people", "Young people", "Everyone", "Topics", "HK$",
    *(label._args[0] for label in LANGUAGES.values()),
]  # fmt: skip


def visible_text(html: str) -> str:
    """The page as read, without scripts, tags and the parts marked as English."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    html = re.sub(r'<(\w+)[^>]* lang="en"[^>]*>.*?</\1>', " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def event_ids(app) -> list[int]:
    with session_scope(app) as session:
        return list(session.scalars(select(Event.id).order_by(Event.id)))


def test_every_content_event_on_a_chinese_page_has_no_english_label(backend_app):
    client = backend_app.test_client()
    ids = event_ids(backend_app)
    assert len(ids) >= 6
    for event_id in ids:
        html = client.get(f"/zh-hk/events/{event_id}").get_data(as_text=True)
        main = html[html.index("<main") : html.index("</main>")]
        text = visible_text(main)
        found = [label for label in ENGLISH_LABELS if re.search(rf"(?<![A-Za-z]){re.escape(label)}(?![A-Za-z])", text)]
        assert found == [], (event_id, found)


def test_fee_with_a_note_and_languages_read_in_each_language(backend_app):
    client = backend_app.test_client()
    with session_scope(backend_app) as session:
        couples = session.scalars(select(Event).where(Event.uid == "md:example-couples-workshop")).one().id
    zh = client.get(f"/zh-hk/events/{couples}").get_data(as_text=True)
    assert "港幣 100 元" in zh and "每對夫婦" in zh and "粵語" in zh
    en = client.get(f"/en/events/{couples}").get_data(as_text=True)
    assert "HK$100" in en and "per couple" in en and "Cantonese" in en and "每對夫婦" not in en


def test_free_text_from_a_feed_is_shown_marked_with_its_language(app):
    event_id = add_event(app, "feed-text", 3, fee="HK$50 per person, concessions", languages="Cantonese,Swahili")
    html = app.test_client().get(f"/zh-hk/events/{event_id}").get_data(as_text=True)
    assert '<span lang="en">HK$50 per person, concessions</span>' in html
    assert '粵語、<span lang="en">Swahili</span>' in html
    chinese_fee = add_event(app, "feed-zh", 3, fee="每位五十元")
    html = app.test_client().get(f"/en/events/{chinese_fee}").get_data(as_text=True)
    assert '<span lang="zh-Hant-HK">每位五十元</span>' in html


@pytest.mark.parametrize(
    ("fee", "is_free", "expected"),
    [
        ("", None, (False, None, None)),
        ("", True, (True, None, None)),
        ("Free", None, (True, None, None)),
        ("HK$80", None, (False, "80", None)),
        ('{"hkd": "12.50", "note_en": "each"}', False, (False, "12.5", None)),
        ("about $30 a head", None, (False, None, Foreign("about $30 a head"))),
        ("{not json", None, (False, None, Foreign("{not json"))),
    ],
)
def test_fee_column_is_read_as_structured_or_as_foreign_text(fee, is_free, expected):
    facts = fee_facts(fee, is_free)
    assert (facts.free, facts.amount_text or None, facts.foreign) == expected


def test_editors_write_a_fee_as_a_number_and_languages_as_codes(content_copy):
    en = (
        "---\ntitle: Talk\nstarts: 2026-12-05T10:00+08:00\ndistrict: sha-tin\n"
        "fee: about fifty dollars\nlanguages: [cantonese, klingon]\n---\nBody.\n"
    )
    write_event(content_copy, "bad-facts", en)
    problems = [str(p) for p in EventSource().check(content_copy)]
    assert any("bad-facts/en.md:5: 'fee' must be a number" in p for p in problems), problems
    assert any("bad-facts/en.md:6: unknown language 'klingon'" in p for p in problems), problems


def test_fee_notes_per_language_are_stored_structured(make_app, content_copy):
    en = (
        "---\ntitle: Talk\nstarts: 2026-12-05T10:00+08:00\ndistrict: sha-tin\n"
        "fee: HK$30\nfee_note: per family\nlanguages: [Cantonese, urdu]\n---\nBody.\n"
    )
    zh = "---\ntitle: 講座\nfee_note: 每個家庭\n---\n內容。\n"
    write_event(content_copy, "good-facts", en, zh)
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    with session_scope(app) as session:
        row = session.scalars(select(Event).where(Event.uid == "md:good-facts")).one()
        assert row.languages == "cantonese,urdu" and row.is_free is False
        facts = row.fee_facts
        assert (facts.amount_text, facts.note("en"), facts.note("zh-hk")) == ("30", "per family", "每個家庭")


def test_json_ld_offers_the_fee_as_a_price_in_hkd(app):
    paid = add_event(app, "ld-paid", 3, fee='{"hkd": "80", "note_en": "per family"}', is_free=False)
    free = add_event(app, "ld-free", 3, fee='{"free": true}', is_free=True)
    unknown = add_event(app, "ld-text", 3, fee="ask us")
    client = app.test_client()

    def offers(event_id):
        page = client.get(f"/en/events/{event_id}").get_data(as_text=True)
        return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1)).get(
            "offers"
        )

    assert offers(paid) == {"@type": "Offer", "price": "80", "priceCurrency": "HKD"}
    assert offers(free)["price"] == "0"
    assert offers(unknown) is None
