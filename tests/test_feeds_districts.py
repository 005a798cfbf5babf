"""Events left without a district are named on the partner's feed health, with why, in both languages
(issue 15: "otherwise leave it unknown and say so on the health page"), through `flask feeds refresh`."""

from __future__ import annotations

import html

from portal.cli import sync_content
from portal.db import session_scope
from portal.events.model import FeedHealthNote, Partner, PartnerFeed
from portal.feeds.store import MAX_SKIPPED_NOTES

from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)
from .test_events_feeds import FAST

NO_PLACE = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"><channel><title>No place</title>
<item><title>Somewhere, some day</title><guid>no-place-1</guid>
<ev:startdate>2099-01-05T10:00:00+08:00</ev:startdate></item>
<item><title>Online parenting chat</title><guid>online-1</guid><ev:startdate>2099-01-06T10:00:00+08:00</ev:startdate>
<ev:location>Online</ev:location></item>
</channel></rss>"""


def _many(count: int) -> bytes:
    items = "".join(
        f"<item><title>Talk {n}</title><guid>many-{n}</guid><ev:startdate>2099-02-{1 + n % 28:02d}T10:00:00+08:00"
        f"</ev:startdate><ev:location>Hall {n}</ev:location></item>"
        for n in range(count)
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/">'
        f"<channel><title>Many</title>{items}</channel></rss>"
    ).encode()


def _site(make_app, backend, *urls: str):
    app = make_app(backend, **FAST)
    sync_content(app)  # the districts
    with session_scope(app) as session:
        session.add(Partner(id="places", name_en="Places", name_zh="地方"))
        session.flush()
        session.add_all(PartnerFeed(partner_id="places", url=url) for url in urls)
    return app


def _refresh(app) -> str:
    result = app.test_cli_runner().invoke(args=["feeds", "refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def _notes(app) -> list[tuple[str, str, str, str, int]]:
    with session_scope(app) as session:
        notes = session.query(FeedHealthNote).order_by(FeedHealthNote.id).all()
        return [(n.kind, n.title, n.detail, n.uid, n.number) for n in notes if n.kind.endswith("no-district")]


def _page(app, lang: str) -> str:
    return html.unescape(app.test_client().get(f"/{lang}/partners/places").get_data(as_text=True))


def test_events_without_a_district_are_named_with_why_in_both_languages(make_app, backend, feed_server):
    feed_server.overrides["/no-place.xml"] = (200, "application/rss+xml", NO_PLACE)
    app = _site(make_app, backend, feed_server.url("/feeds/rss_places.xml"), feed_server.url("/no-place.xml"))
    output = _refresh(app)
    assert "2 event(s) without a district (named on the partner page)" in output  # the places feed
    assert "1 event(s) without a district" in output  # no place; the online event needs none
    # The two feeds are stored in either order; matched districts are named in the districts file's order.
    assert sorted(_notes(app)) == [
        ("no-district", "Somewhere, some day", "no-place", "", 0),
        ("no-district", "Walk and talk", "none", "", 0),
        ("no-district", "由沙田到大埔單車遊", "several", "tai-po,sha-tin", 0),
    ]
    en, zh = _page(app, "en"), _page(app, "zh-hk")
    assert (
        "“Walk and talk” is listed without a district: no district, estate or place we know is named in its "
        "place (“North Point waterfront”)." in en
    )
    assert "“由沙田到大埔單車遊” is listed without a district: its place (“沙田至大埔單車徑”) names several " in en
    assert "districts (Tai Po, Sha Tin)." in en
    assert "“Somewhere, some day” is listed without a district: the feed gives no place for it." in en
    assert "「Walk and talk」列出時沒有地區：其地點（「North Point waterfront」）沒有提及我們認識的地區" in zh
    several = "「由沙田到大埔單車遊」列出時沒有地區：其地點（「沙田至大埔單車徑」）提及多於一個地區（大埔區、沙田區）。"
    assert several in zh
    assert "「Somewhere, some day」列出時沒有地區：資料來源沒有提供其地點。" in zh
    assert "“屋邨親子下午” is listed" not in en  # its place names Sha Tin alone
    assert "“Carers' morning” is listed" not in en  # Tsuen Wan
    assert "Online parenting chat” is listed" not in en


def test_a_district_set_on_the_feed_leaves_nothing_to_say(make_app, backend, feed_server):
    app = _site(make_app, backend, feed_server.url("/feeds/rss_places.xml"))
    with session_scope(app) as session:
        session.query(PartnerFeed).update({"default_district": "sha-tin"})
    assert "without a district" not in _refresh(app)
    assert _notes(app) == []
    assert "without a district" not in _page(app, "en")


def test_many_events_without_a_district_are_named_up_to_the_cap_then_counted(make_app, backend, feed_server):
    feed_server.overrides["/many.xml"] = (200, "application/rss+xml", _many(MAX_SKIPPED_NOTES + 7))
    app = _site(make_app, backend, feed_server.url("/many.xml"))
    assert f"{MAX_SKIPPED_NOTES + 7} event(s) without a district" in _refresh(app)
    notes = _notes(app)
    assert len(notes) == MAX_SKIPPED_NOTES + 1 and notes[-1] == ("more-no-district", "", "", "", 7)
    assert "7 more events have no district." in _page(app, "en")
    assert "另有 7 個活動沒有地區。" in _page(app, "zh-hk")
