"""The Simplified edition of the rows written in both languages (issue 19): events, feeds, partners, centres,
hotlines, districts, holidays and life stages keep a Simplified copy of their Chinese text, made when the
row is written (``flask content sync``, ``flask feeds refresh``) and read by /zh-cn/ pages; on SQLite and
PostgreSQL."""

from __future__ import annotations

import re
from xml.etree import ElementTree as ET

from icalendar import Calendar
from sqlalchemy import select, update

from portal.bilingual import STATE_KEY, bring_up_to_date, pick, simplified_pairs
from portal.centres.loader import LANGUAGES, SIMPLIFIED_NAMES
from portal.centres.model import Centre, Holiday
from portal.centres.views import language_label
from portal.chinese import traditional_chars
from portal.cli import sync_content
from portal.db import SiteState, session_scope
from portal.districts import District
from portal.events.facts import with_simplified_note
from portal.events.model import Event, FeedHealthNote, NewsItem, Partner, PartnerFeed, fill_event_simplified
from portal.help.model import Hotline
from portal.simplified import converter, to_simplified

from .feeds_server import feed_server_fixture  # noqa: F401 (the feed_server fixture)

STEADY = {"FEED_READ_TIMEOUT": 5.0, "FEED_TOTAL_TIMEOUT": 30.0, "FEED_MAX_BYTES": 200_000, "FEED_WORKERS": 2}
# (Life stages and the contact page's text are filled by their own loaders: branch zhcn-content.)
ROW_MODELS = (Partner, Event, Centre, Holiday, Hotline, District)
ATOM = "{http://www.w3.org/2005/Atom}"


def visible(html: str) -> str:
    """The page's text a reader sees (no tags, scripts or attribute values)."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def refresh(app) -> str:
    result = app.test_cli_runner().invoke(args=["feeds", "refresh"])
    assert result.exit_code == 0, result.output
    return result.output


def chinese_feeds_app(make_app, backend, feed_server):
    """A site with one partner (no content synced) whose feeds are in Chinese, refreshed by the command."""
    app = make_app(backend, **STEADY)
    with session_scope(app) as session:
        session.add(Partner(id="harbour", name_en="Harbour Family Services", name_zh="海港家庭服務"))
        session.flush()
        session.add_all(
            [
                PartnerFeed(partner_id="harbour", url=feed_server.url("/feeds/rss_zh_utf8.xml")),
                PartnerFeed(partner_id="harbour", url=feed_server.url("/feeds/ics_zh.ics"), format_hint="ics"),
            ]
        )
    refresh(app)
    return app


def test_a_chinese_feed_refreshed_by_the_command_reads_in_simplified_on_zh_cn(make_app, backend, feed_server):
    app = chinese_feeds_app(make_app, backend, feed_server)
    with session_scope(app) as session:
        talk = session.scalars(select(Event).where(Event.title_zh == "認識長者抑鬱講座")).one()
        workshop = session.scalars(select(Event).where(Event.title_zh == "親子溝通工作坊")).one()
        news = session.scalars(select(NewsItem)).one()
    assert (talk.title_zhs, talk.venue_zhs) == ("认识长者抑郁讲座", "观塘示例活动室")
    assert talk.description_zhs == "<p>由社工主讲。</p>"
    assert workshop.title_zhs == "亲子沟通工作坊" and "欢迎家长及子女一同参加" in workshop.description_zhs
    assert (news.title_zhs, news.summary_zhs) == ("照顾者热线延长服务时间", "星期六亦提供服务。")
    client = app.test_client()

    page = client.get(f"/zh-cn/events/{talk.id}").get_data(as_text=True)
    assert "认识长者抑郁讲座" in page and "观塘示例活动室" in page and "由社工主讲" in page
    assert "認識長者抑鬱講座" not in page and f'href="/zh-cn/events/{talk.id}.ics"' in page
    assert client.get(f"/zh-hk/events/{talk.id}").get_data(as_text=True).count("認識長者抑鬱講座") >= 1
    listing = client.get("/zh-cn/events").get_data(as_text=True)
    assert "认识长者抑郁讲座" in listing and "亲子沟通工作坊" in listing and "親子溝通工作坊" not in listing

    cal = Calendar.from_ical(client.get("/zh-cn/events/feed.ics").data)
    summaries = {str(e["SUMMARY"]) for e in cal.walk("VEVENT")}
    assert {"认识长者抑郁讲座", "亲子沟通工作坊"} <= summaries
    assert {str(e["LOCATION"]) for e in cal.walk("VEVENT")} >= {"观塘示例活动室"}
    one = Calendar.from_ical(client.get(f"/zh-cn/events/{talk.id}.ics").data)
    assert [str(e["SUMMARY"]) for e in one.walk("VEVENT")] == ["认识长者抑郁讲座"]
    atom = ET.fromstring(client.get("/zh-cn/events/feed.atom").data)
    titles = [entry.findtext(f"{ATOM}title") for entry in atom.iter(f"{ATOM}entry")]
    assert "认识长者抑郁讲座" in titles and not traditional_chars("".join(titles))
    assert all("/zh-cn/events/" in link.get("href") for link in atom.iter(f"{ATOM}link") if link.get("rel") != "self")

    profile = client.get("/zh-cn/partners/harbour").get_data(as_text=True)
    assert "海港家庭服务" in profile and "照顾者热线延长服务时间" in profile and "星期六亦提供服务" in profile
    assert 'lang="zh-Hans-HK"' in profile and "照顧者熱線" not in profile


def test_a_second_refresh_of_unchanged_feeds_converts_nothing_and_changes_nothing(make_app, backend, feed_server):
    app = chinese_feeds_app(make_app, backend, feed_server)
    with session_scope(app) as session:
        before = {e.uid: (e.title_zhs, e.content_hash) for e in session.scalars(select(Event))}
    output = refresh(app)
    assert "0 new" in output and "updated" not in output
    with session_scope(app) as session:
        assert {e.uid: (e.title_zhs, e.content_hash) for e in session.scalars(select(Event))} == before
        # nothing stale is left for the catch-up at the end of the refresh
        assert bring_up_to_date(session, Event, NewsItem, FeedHealthNote) == 0


def test_feed_rows_of_the_previous_release_get_their_simplified_text_at_the_next_refresh(
    make_app, backend, feed_server
):
    app = chinese_feeds_app(make_app, backend, feed_server)
    with session_scope(app) as session:  # as the migration leaves them: copies empty, never made
        session.execute(update(Event).values(title_zhs="", venue_zhs="", description_zhs="", address_zhs=""))
        session.execute(update(NewsItem).values(title_zhs="", summary_zhs=""))
        session.query(SiteState).filter(SiteState.key.like("simplified:%")).delete(synchronize_session=False)
    refresh(app)  # the feeds are unchanged: only the catch-up writes
    with session_scope(app) as session:
        assert set(session.scalars(select(Event.title_zhs))) == {"认识长者抑郁讲座", "亲子沟通工作坊"}
        assert session.scalars(select(NewsItem.title_zhs)).one() == "照顾者热线延长服务时间"


def test_synced_rows_carry_simplified_copies_with_the_protected_terms(backend_app):
    with session_scope(backend_app) as session:
        for model in ROW_MODELS:
            rows = list(session.scalars(select(model)))
            assert rows, f"{model.__tablename__}: no rows in the real content"
            for row in rows:
                for source, target in simplified_pairs(model):
                    written, copy = getattr(row, source), getattr(row, target)
                    assert bool(copy) == bool(written), f"{model.__tablename__}.{target} of {row!r}"
                    assert not traditional_chars(copy), f"{model.__tablename__}.{target}: {copy}"
        names = set(session.scalars(select(Centre.name_zhs)))
    assert any("综合家庭服务中心" in name for name in names)  # listed in content/zh-cn-terms.yml


def test_zh_cn_centre_help_and_district_pages_show_the_stored_simplified_rows(backend_app):
    client = backend_app.test_client()
    with session_scope(backend_app) as session:
        centre = session.scalars(select(Centre).where(Centre.name_zh != "").order_by(Centre.position)).first()
        hotline = session.scalars(select(Hotline).order_by(Hotline.position)).first()
        district = session.get(District, centre.district_key) if centre.district_key else None
    page = client.get(f"/zh-cn/centres/{centre.key}").get_data(as_text=True)
    assert centre.name_zhs in page and (centre.name_zh == centre.name_zhs or centre.name_zh not in page)
    if district is not None:
        assert district.name_zhs in page
    assert page.count("/zh-cn/centres") >= 1
    help_page = client.get("/zh-cn/help").get_data(as_text=True)
    assert hotline.name_zhs in help_page and hotline.number in help_page
    finder = client.get("/zh-cn/centres/").get_data(as_text=True)
    assert centre.name_zhs in finder


def test_a_new_term_list_redoes_every_stored_copy_at_the_next_sync(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    with session_scope(app) as session:
        hotline = session.scalars(select(Hotline).where(Hotline.name_zh.like("%照顧者%"))).first()
    assert hotline is not None and "照顾者" in hotline.name_zhs
    terms = content_copy / "zh-cn-terms.yml"
    terms.write_text(terms.read_text(encoding="utf-8") + "照顧者: 照护者\n", encoding="utf-8")
    reports = sync_content(app)  # no file but the term list changed
    assert any(r.source == "hotlines" and r.updated for r in reports)
    with session_scope(app) as session:
        assert "照护者" in session.get(Hotline, hotline.key).name_zhs
        state = session.get(SiteState, STATE_KEY.format(table="hotline")).value
    assert state == converter(content_copy).fingerprint


def test_a_sync_of_unchanged_files_still_fills_empty_simplified_columns(make_app):
    app = make_app()
    sync_content(app)
    with session_scope(app) as session:
        session.execute(update(District).values(name_zhs="", region_zhs=""))
        session.execute(update(Hotline).values(name_zhs=""))
    reports = {r.source: r for r in sync_content(app)}
    assert reports["districts"].updated == 1 and reports["hotlines"].updated == 1
    with session_scope(app) as session:
        assert "" not in set(session.scalars(select(District.name_zhs)))
        assert {h.name_zhs for h in session.scalars(select(Hotline))} == {
            to_simplified(h.name_zh) for h in session.scalars(select(Hotline))
        }
    again = {r.source: r for r in sync_content(app)}
    assert again["districts"].updated == 0 and again["hotlines"].updated == 0


def test_a_row_falls_back_like_the_traditional_edition_and_its_fee_note_is_simplified():
    english_only = Event(title_en="Parents' talk", title_zh="", title_zhs="")
    assert english_only.title("zh-cn") == "Parents' talk" and not english_only.is_translated("zh-cn")
    chinese = Event(title_en="", title_zh="講座", title_zhs="讲座")
    assert (chinese.title("en"), chinese.title("zh-hk"), chinese.title("zh-cn")) == ("講座", "講座", "讲座")
    assert chinese.is_translated("zh-cn") and not chinese.is_translated("en")
    not_yet = Event(title_en="", title_zh="講座", title_zhs="")  # before the catch-up: never an empty title
    assert pick(not_yet, "title", "zh-cn") == "講座"

    values = fill_event_simplified(
        {"title_zh": "親子講座", "venue_zh": "", "fee": '{"hkd": "50", "note_zh": "每對夫婦"}'}
    )
    assert values["title_zhs"] == "亲子讲座" and values["venue_zhs"] == ""
    event = Event(**values)
    assert event.fee_facts.note("zh-cn") == "每对夫妇" and event.fee_facts.note("zh-hk") == "每對夫婦"
    assert event.fee_facts.note_is_translated("zh-cn")


def test_the_centres_language_names_in_simplified_are_the_conversion_of_the_traditional_ones():
    assert SIMPLIFIED_NAMES == {name: to_simplified(chinese) for name, (_, chinese) in LANGUAGES.items()}
    assert (language_label("Cantonese", "zh-cn"), language_label("Cantonese", "zh-hk")) == ("粤语", "粵語")
    assert language_label("Cantonese", "en") == "Cantonese"


def test_a_fee_that_only_looks_like_a_structured_one_is_kept_as_written():
    for text in ('{"note_zh": broken', 'Free ("note_zh" is ours)', '["note_zh"]'):
        assert with_simplified_note(text) == text
    long_note = '{"note_en": "' + "x" * 100 + '", "note_zh": "' + "每對" * 50 + '"}'
    assert with_simplified_note(long_note, room=200) == long_note  # no room: the page falls back, nothing cut


def test_a_simplified_copy_longer_than_its_column_is_cut_to_fit(tmp_path):
    (tmp_path / "zh-cn-terms.yml").write_text("講座: 讲座讲座讲座\n", encoding="utf-8")
    values = fill_event_simplified({"title_zh": "講座" * 250}, converter(tmp_path))
    assert len(values["title_zhs"]) == 500 and values["title_zhs"].startswith("讲座讲座讲座")


def test_an_english_only_feed_event_on_zh_cn_says_so_in_simplified(make_app, backend, feed_server):
    app = make_app(backend, **STEADY)
    with session_scope(app) as session:
        session.add(Partner(id="harbour", name_en="Harbour Family Services", name_zh="海港家庭服務"))
        session.flush()
        session.add(PartnerFeed(partner_id="harbour", url=feed_server.url("/feeds/rss_en.xml")))
    refresh(app)
    with session_scope(app) as session:
        talk = session.scalars(select(Event).where(Event.title_en == "Parenting teens: an evening talk")).one()
    page = app.test_client().get(f"/zh-cn/events/{talk.id}").get_data(as_text=True)
    assert "此活动只有另一语言的版本" in page and "此活動只有另一語言的版本" not in page
    assert '<h1 lang="en">Parenting teens: an evening talk</h1>' in page
    assert "海港家庭服务" in page  # the organiser's Chinese name, in Simplified
