"""Feedback: "Was this page useful?" and centre corrections. What visitors see (the form, the
thank-you in their language, clear errors), what is kept (the answer and a redacted comment,
nothing about the visitor), what is refused (other sites' forms, floods, robots), and what
editors read (flask feedback list / export), on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import delete, func, select

from portal import create_app
from portal.cache import counters, invalidate_pages
from portal.cli import sync_content
from portal.db import session_scope
from portal.feedback.model import Feedback
from portal.feedback.redact import EMAIL, HKID, PHONE, redact

from .conftest import REAL_CONTENT

ARTICLE = "/en/articles/a-family-budget-that-works"
ARTICLE_ZH = "/zh-hk/articles/a-family-budget-that-works"
CENTRE = "/en/centres/swd-kai-ping"
SAME_ORIGIN = {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"}
VISITOR = "203.0.113.77"  # a documentation address, so it can be searched for in what is stored


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One synced site (SQLite + file cache, the real content) for the tests that need nothing special."""
    instance = tmp_path_factory.mktemp("feedback-instance")
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test",
            "INSTANCE_PATH": str(instance),
            "DATABASE_UPGRADE_ON_START": True,
            "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
            "REDIS_URL": None,
            "CACHE_DIR": str(instance / "cache"),
            "CONTENT_DIR": str(REAL_CONTENT),
            "SITE_URL": "http://portal.test",
        }
    )
    sync_content(app)
    yield app
    app.extensions["portal.engine"].dispose()


@pytest.fixture
def app(site):
    """The shared site with no feedback, no counters and no cached pages, as if new."""
    with session_scope(site) as session:
        session.execute(delete(Feedback))
    with site.app_context():
        counters.clear()
    invalidate_pages(site)
    return site


def post(client, lang: str = "en", headers: dict | None = None, address: str = VISITOR, **data):
    fields = {"page": ARTICLE if lang == "en" else ARTICLE_ZH, "category": "useful", **data}
    return client.post(
        f"/{lang}/feedback",
        data=fields,
        headers=SAME_ORIGIN if headers is None else headers,
        environ_base={"REMOTE_ADDR": address},
    )


def rows(app) -> list[Feedback]:
    with session_scope(app) as session:
        return list(session.scalars(select(Feedback).order_by(Feedback.id)))


# --- redaction ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Call me on 9876 5432 please", f"Call me on {PHONE} please"),
        ("call 98765432.", f"call {PHONE}."),
        ("office 2343-2255", f"office {PHONE}"),
        ("+852 6123 4567", PHONE),
        ("+85261234567", PHONE),
        ("(852) 2343 2255", PHONE),
        ("00852-6123-4567", PHONE),
        ("852 61234567", PHONE),
        ("請致電98765432找我", f"請致電{PHONE}找我"),
        ("電話：９８７６ ５４３２", f"電話：{PHONE}"),  # full-width digits from a Chinese keyboard
        ("+44 20 7946 0958", PHONE),
        ("+1 (415) 555-2671", PHONE),
        ("0044 20 7946 0958", PHONE),
        ("my UK number 020 7946 0958", f"my UK number {PHONE}"),
        ("9876\u200b5432", PHONE),  # a zero-width space does not hide it
        ("write to chan.tai-man+hk@example.com.hk now", f"write to {EMAIL} now"),
        ("電郵 ab_c@mail.example.org。", f"電郵 {EMAIL}。"),
        ("someone＠example．com", EMAIL),
        ("HKID A123456(7)", f"HKID {HKID}"),
        ("AB123456(A) is mine", f"{HKID} is mine"),
        ("id a123456 (3).", f"id {HKID}."),
        ("Z6833655", HKID),
        ("身份證號碼Ｚ６８３３６５（５）", f"身份證號碼{HKID}"),
        ("A 123456(7)", HKID),
    ],
)
def test_phone_numbers_email_addresses_and_hkid_numbers_are_removed(text, expected):
    assert redact(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "We have 3 children aged 5, 8 and 12.",
        "Since 2019 we have used the centre; in 2023-2024 it moved.",
        "The talk on 2024-05-01 and the one on 2024-06-01 were full.",
        "It costs HK$1,200 a month, or $350.50 a week; the flat was $12345678.",
        "Open 0900-1730, lunch 13:00-14:00.",
        "Room 1203, 12/F, 8 Queen's Road",
        "第3頁第2段有錯字",
        "family 👨\u200d👩\u200d👧 time",
    ],
)
def test_ordinary_numbers_and_text_stay(text):
    assert redact(text) == text


def test_control_characters_that_could_trick_a_terminal_are_dropped():
    assert redact("fine\x1b[2J\x00\r\nnext\u202eline") == "fine[2J\nnextline"


# --- the form on pages -------------------------------------------------------------------


def test_article_help_and_centre_pages_carry_the_form_and_self_checks_do_not(client):
    for path in (ARTICLE, ARTICLE_ZH, "/en/help", "/zh-hk/help", CENTRE):
        html = client.get(path).get_data(as_text=True)
        assert '<section class="feedback no-print" aria-labelledby="feedback-title"' in html, path
        assert f'<input type="hidden" name="page" value="{path}">' in html, path
    assert '<h2 id="feedback-title">Was this page useful?</h2>' in client.get(ARTICLE).get_data(as_text=True)
    assert '<h2 id="feedback-title">這頁有用嗎？</h2>' in client.get(ARTICLE_ZH).get_data(as_text=True)
    for path in ("/en/self-check", "/en/self-check/who5", "/en/self-check/who5/questions"):
        response = client.get(path)
        assert response.status_code == 200, path
        html = response.get_data(as_text=True)
        assert "/feedback" not in html and "Was this page useful?" not in html, path


def test_the_form_is_accessible_without_javascript(client):
    html = client.get(ARTICLE).get_data(as_text=True)
    form = html.split('<section class="feedback', 1)[1].split("</section>", 1)[0]
    assert '<form class="feedback-form" method="post" action="/en/feedback"' in form
    assert '<fieldset class="feedback-choice">' in form and '<legend><h2 id="feedback-title">' in form
    for field_id in ("feedback-useful-yes", "feedback-useful-no", "feedback-comment"):
        assert f'id="{field_id}"' in form and f'<label for="{field_id}">' in form
    assert 'aria-describedby="feedback-comment-hint"' in form and 'id="feedback-comment-hint"' in form
    assert '<button type="submit">Send</button>' in form


def test_the_cached_article_page_has_no_per_visitor_token(make_app):
    app = make_app()
    sync_content(app)
    first = app.test_client().get(ARTICLE)
    second = app.test_client().get(ARTICLE)  # another visitor
    assert first.headers["X-Cache"] == "miss" and second.headers["X-Cache"] == "hit"
    assert first.get_data() == second.get_data()
    form = first.get_data(as_text=True).split('<section class="feedback', 1)[1].split("</section>", 1)[0]
    hidden = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form)
    assert hidden == [("page", ARTICLE), ("category", "useful")]  # nothing that differs per visitor
    # Sending feedback changes nothing on the page itself: the thank-you is a page of its own.
    assert post(app.test_client(), useful="yes").status_code == 303
    third = app.test_client().get(ARTICLE)
    assert third.get_data() == first.get_data() and third.headers["X-Cache"] == "hit"


# --- sending it --------------------------------------------------------------------------


def test_yes_with_a_comment_is_stored_redacted_and_thanked_in_english(app, client):
    response = post(client, useful="yes", comment="  Clear and kind. Call me: 9123 4567, a@b.hk  ")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/feedback/thanks?page={ARTICLE}"
    thanks = client.get(response.headers["Location"])
    html = thanks.get_data(as_text=True)
    assert thanks.status_code == 200 and "<h1>Thank you</h1>" in html
    assert "Thank you for your feedback." in html
    assert f'<a href="{ARTICLE}">Back to the page you were reading</a>' in html
    assert '<meta name="robots" content="noindex">' in html
    [row] = rows(app)
    assert (row.page, row.lang, row.category, row.useful) == (ARTICLE, "en", "useful", True)
    assert row.comment == f"Clear and kind. Call me: {PHONE}, {EMAIL}"
    assert row.centre_key is None
    assert row.received.tzinfo is not None and row.received.minute == 0 and row.received.second == 0


def test_no_without_a_comment_is_thanked_in_chinese(app, client):
    response = post(client, lang="zh-hk", useful="no")
    assert response.headers["Location"] == f"/zh-hk/feedback/thanks?page={ARTICLE_ZH}"
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert '<html lang="zh-Hant-HK"' in html and "<h1>多謝你</h1>" in html
    assert "多謝你的意見，這有助我們改善網站。" in html and "返回你剛才閱讀的頁面" in html
    [row] = rows(app)
    assert (row.page, row.lang, row.useful, row.comment) == (ARTICLE_ZH, "zh-hk", False, "")


def test_a_comment_over_500_characters_gets_a_clear_error_and_keeps_what_was_written(app, client):
    response = post(client, useful="no", comment="太長" * 251)
    html = response.get_data(as_text=True)
    assert response.status_code == 422 and response.headers["Cache-Control"] == "no-store"
    assert "Please use 500 characters or fewer. You used 502." in html
    assert 'aria-describedby="feedback-comment-hint feedback-comment-error"' in html
    assert 'id="feedback-comment-error"' in html and 'aria-invalid="true"' in html
    assert '<a href="#feedback-comment">Please use 500 characters or fewer. You used 502.</a>' in html
    assert "太長" * 251 + "</textarea>" in html and 'value="no" checked' in html
    assert rows(app) == []
    zh = post(client, lang="zh-hk", useful="no", comment="x" * 501).get_data(as_text=True)
    assert "請把內容限制在 500 字以內。你用了 501 字。" in zh
    assert post(client, useful="no", comment="好" * 500).status_code == 303  # 500 exactly is fine
    assert post(client, useful="no", comment="a\r\n" * 250).status_code == 303  # a line break is one


def test_yes_or_no_must_be_chosen(app, client):
    html = post(client, comment="Nice").get_data(as_text=True)
    assert "Choose yes or no." in html
    assert '<fieldset class="feedback-choice" aria-describedby="feedback-useful-error">' in html
    assert '<a href="#feedback-useful-yes">Choose yes or no.</a>' in html
    assert post(client, useful="maybe").status_code == 422
    assert rows(app) == []


def test_a_filled_in_honeypot_is_thanked_but_not_stored(app, client):
    response = post(client, useful="yes", comment="buy now", website="http://spam.example")
    assert response.status_code == 303 and "/en/feedback/thanks" in response.headers["Location"]
    assert rows(app) == []


def test_javascript_gets_json_answers(app, client):
    headers = {**SAME_ORIGIN, "Accept": "application/json"}
    ok = post(client, headers=headers, useful="yes")
    assert ok.status_code == 200 and ok.get_json() == {
        "ok": True, "message": "Thank you for your feedback. It helps us make this site better."}  # fmt: skip
    problem = post(client, lang="zh-hk", headers=headers, comment="x" * 600)
    assert problem.status_code == 422
    assert problem.get_json()["errors"] == {
        "useful": "請選擇「是」或「否」。", "comment": "請把內容限制在 500 字以內。你用了 600 字。"}  # fmt: skip
    refused = post(client, headers={"Origin": "https://evil.example", "Accept": "application/json"}, useful="yes")
    assert refused.status_code == 400 and refused.get_json()["ok"] is False
    assert len(rows(app)) == 1


@pytest.mark.parametrize(
    "page",
    [
        "https://evil.example/en/articles/a-family-budget-that-works",
        "//evil.example/en/help",
        f"{ARTICLE}?utm=1",
        f"{ARTICLE}#top",
        "/en/articles/no-such-article",
        "/en/self-check/who5",  # answers there are private: no feedback from them
        "/en/",
        "/en/help/",
        "/en/%68elp",
        "/en/centres/no-such-centre",
        "en/help",
        "",
        "/en/" + "x" * 400,
    ],
)
def test_only_this_sites_own_feedback_pages_are_accepted(app, client, page):
    response = post(client, page=page, useful="yes")
    assert response.status_code == 400
    assert "We could not accept this form" in response.get_data(as_text=True)
    assert rows(app) == []


def test_a_correction_cannot_be_sent_from_an_article(app, client):
    assert post(client, category="correction", comment="wrong").status_code == 400
    assert post(client, category="opinion", useful="yes").status_code == 400
    assert rows(app) == []


def test_a_body_larger_than_any_form_is_refused_politely(app, client):
    response = post(client, useful="yes", comment="x" * 20_000)
    assert response.status_code == 413 and "500 characters or fewer" in response.get_data(as_text=True)
    assert rows(app) == []


def test_the_form_address_opened_directly_goes_home(client):
    response = client.get("/zh-hk/feedback")
    assert response.status_code == 303 and response.headers["Location"] == "/zh-hk/"


def test_thanks_pages_are_the_same_for_everyone_and_odd_ones_are_not_kept(client):
    assert client.get(f"/en/feedback/thanks?page={ARTICLE}").headers["X-Cache"] == "miss"
    assert client.get(f"/en/feedback/thanks?page={ARTICLE}").headers["X-Cache"] == "hit"
    odd = client.get("/en/feedback/thanks?page=https://evil.example/")
    assert odd.status_code == 200 and 'href="https://evil.example/"' not in odd.get_data(as_text=True)
    assert "Back to the page you were reading" not in odd.get_data(as_text=True)
    assert client.get("/en/feedback/thanks?page=https://evil.example/").headers.get("X-Cache") is None


# --- where it comes from -----------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "https://evil.example"},
        {"Origin": "null"},
        {"Sec-Fetch-Site": "cross-site"},
        {"Sec-Fetch-Site": "same-site", "Origin": "http://sub.localhost"},
        {"Sec-Fetch-Site": "cross-site", "Origin": "http://localhost"},  # the browser's own word wins
        {"Sec-Fetch-Site": "none"},
        {"Referer": "https://evil.example/page"},  # an old browser: no Origin, no Sec-Fetch-Site
    ],
)
def test_a_form_sent_from_another_site_gets_a_friendly_translated_400(app, client, headers):
    response = post(client, headers=headers, useful="yes")
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "We could not accept this form" in html
    assert "It did not come from a page of this site." in html
    zh = post(client, lang="zh-hk", headers=headers, useful="yes").get_data(as_text=True)
    assert "我們未能接收這份表格" in zh and "並非從本網站的頁面送出" in zh
    assert rows(app) == []


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": "http://localhost", "Sec-Fetch-Site": "same-origin"},
        {"Origin": "http://localhost"},
        {"Origin": "http://portal.test"},  # the public address (PORTAL_SITE_URL), e.g. behind a proxy
        {"Sec-Fetch-Site": "same-origin"},
        {"Referer": f"http://localhost{ARTICLE}"},
        # Neither Origin nor Sec-Fetch-Site (old browsers, curl): accepted, like GOV.UK's feedback;
        # the honeypot and the rate limit stand in front of the store, and it can do nothing a
        # visitor could not. A forged cross-site POST from any current browser carries one of them.
        {},
    ],
)
def test_a_form_sent_from_this_site_or_without_any_origin_is_accepted(app, client, headers):
    assert post(client, headers=headers, useful="yes").status_code == 303
    assert len(rows(app)) == 1


# --- floods, and nothing about the visitor kept --------------------------------------------


def _cache_contents(app, backend: str) -> bytes:
    """Every key and value the caches hold, as one blob to search."""
    if backend == "postgres":
        import redis

        client = redis.Redis.from_url(app.config["REDIS_URL"])
        blob = b""
        for prefix in (app.config["CACHE_KEY_PREFIX"], app.config["CACHE_KEY_PREFIX"].rstrip(":") + "-counters:"):
            for key in client.scan_iter(f"{prefix}*"):
                blob += key + b"=" + (client.get(key) or b"") + b"\n"
        client.close()
        return blob
    blob = b""
    for folder in (app.config["CACHE_DIR"], app.config["COUNTER_CACHE_DIR"]):
        for path in Path(folder).glob("**/*"):
            if path.is_file():
                blob += path.name.encode() + b"=" + path.read_bytes() + b"\n"
    return blob


def test_more_than_the_hourly_limit_gets_a_friendly_429_and_no_address_is_stored(make_app, backend):
    app = make_app(backend, FEEDBACK_PER_HOUR=3)
    sync_content(app)
    client = app.test_client()
    for _ in range(3):
        assert post(client, useful="yes", comment="ok").status_code == 303
    refused = post(client, useful="yes")
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and "Please try again later" in html
    assert "from your connection in the last hour" in html
    assert 0 < int(refused.headers["Retry-After"]) <= 3600
    assert "請稍後再試" in post(client, lang="zh-hk", useful="yes").get_data(as_text=True)
    assert post(client, useful="no", address="198.51.100.9").status_code == 303  # another client
    assert len(rows(app)) == 4

    # Nothing IP-like in the rows: their columns hold the page, the answer and the comment only.
    assert set(Feedback.__table__.columns.keys()) == {
        "id", "received", "page", "lang", "category", "useful", "comment", "centre_key"}  # fmt: skip
    for row in rows(app):
        assert not re.search(r"\d+\.\d+\.\d+\.\d+", " ".join(str(v) for v in vars(row).values()))
    # Nor in the caches: not the address, nor an unsalted hash of it.
    blob = _cache_contents(app, backend)
    assert blob, "the counters should be in the shared cache"
    for address in (VISITOR, "198.51.100.9"):
        for form in (address, hashlib.sha256(address.encode()).hexdigest(), hashlib.md5(address.encode()).hexdigest()):
            assert form.encode() not in blob, form
    if backend == "postgres":
        import redis

        client_redis = redis.Redis.from_url(app.config["REDIS_URL"])
        prefix = app.config["CACHE_KEY_PREFIX"].rstrip(":") + "-counters:"
        keys = sorted(k.decode()[len(prefix) :] for k in client_redis.scan_iter(f"{prefix}*"))
        assert len(keys) == 3  # today's salt and one counter per client
        assert re.fullmatch(r"salt:\d{4}-\d\d-\d\d", keys[-1])
        assert all(re.fullmatch(r"feedback:\d{10}:[0-9a-f]{32}", k) for k in keys[:-1])
        salt_ttl = client_redis.ttl(prefix + keys[-1])
        hk_now = datetime.now(UTC) + timedelta(hours=8)
        assert 0 < salt_ttl <= 24 * 3600 - (hk_now.hour * 3600 + hk_now.minute * 60) + 60  # gone by midnight
        assert all(0 < client_redis.ttl(prefix + k) <= 3600 for k in keys[:-1])
        client_redis.close()


def test_clearing_the_page_cache_does_not_reset_the_limit(make_app):
    app = make_app(FEEDBACK_PER_HOUR=1)
    sync_content(app)
    client = app.test_client()
    assert post(client, useful="yes").status_code == 303
    invalidate_pages(app)  # what every content sync does
    assert post(client, useful="yes").status_code == 429


def test_behind_a_trusted_proxy_the_forwarded_client_is_counted(make_app):
    app = make_app(FEEDBACK_PER_HOUR=1, TRUSTED_PROXIES=1)
    sync_content(app)
    client = app.test_client()

    def via_proxy(forwarded: str):
        return client.post("/en/feedback", data={"page": ARTICLE, "useful": "yes"}, headers={
            **SAME_ORIGIN, "X-Forwarded-For": forwarded}, environ_base={"REMOTE_ADDR": "10.0.0.1"})  # fmt: skip

    assert via_proxy("198.51.100.1").status_code == 303
    assert via_proxy("198.51.100.2").status_code == 303  # another visitor through the same proxy
    assert via_proxy("6.6.6.6, 198.51.100.1").status_code == 429  # a forged first hop changes nothing


def test_a_cache_that_is_down_lets_feedback_through(make_app):
    app = make_app("sqlite", FEEDBACK_PER_HOUR=1)
    sync_content(app)
    with app.app_context():
        store = counters.cache

    def broken(*_args, **_kwargs):
        raise ConnectionError("cache down")

    store.get = store.add = store.inc = broken
    client = app.test_client()
    assert post(client, useful="yes").status_code == 303
    assert post(client, useful="yes").status_code == 303
    assert len(rows(app)) == 2


# --- centre corrections ------------------------------------------------------------------


def test_a_centre_correction_is_stored_with_the_centre_key_and_no_mailto(app, client):
    html = client.get(CENTRE).get_data(as_text=True)
    assert "mailto:" not in html
    assert '<h2 id="correction-title">Report a correction</h2>' in html
    assert '<label for="correction-comment">What is wrong or out of date?</label>' in html
    assert html.count("css/feedback.css") == 1 and html.count("js/feedback.js") == 1
    response = post(client, page=CENTRE, category="correction",
                    comment="The phone is now 2345 6789; ask for Ms Chan, chan@example.org")  # fmt: skip
    assert response.status_code == 303
    assert response.headers["Location"] == f"/en/feedback/thanks?page={CENTRE}&kind=correction"
    thanks = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "We will check the details of this centre and correct them." in thanks
    [row] = rows(app)
    assert (row.category, row.centre_key, row.page, row.useful) == ("correction", "swd-kai-ping", CENTRE, None)
    assert row.comment == f"The phone is now {PHONE}; ask for Ms Chan, {EMAIL}"


def test_a_correction_needs_words_and_at_most_500_characters(app, client):
    empty = post(client, lang="zh-hk", page="/zh-hk/centres/swd-kai-ping", category="correction", comment="  ")
    html = empty.get_data(as_text=True)
    assert empty.status_code == 422 and "請告訴我們哪些資料有錯。" in html
    assert 'aria-describedby="correction-comment-hint correction-comment-error"' in html
    long = post(client, page=CENTRE, category="correction", comment="x" * 501)
    assert "You used 501." in long.get_data(as_text=True)
    assert rows(app) == []


# --- what editors read -------------------------------------------------------------------


def add_rows(app, *items: tuple) -> None:
    """(page, useful, comment, days ago[, category, centre key]) straight into the store."""
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    with session_scope(app) as session:
        for item in items:
            page, useful, comment, days, category, centre = item + ("useful", None)[len(item) - 4 :]
            session.add(Feedback(page=page, lang=page.split("/")[1], category=category, useful=useful,
                                 comment=comment, centre_key=centre, received=now - timedelta(days=days)))  # fmt: skip


@pytest.fixture
def editors_app(backend_app):
    add_rows(
        backend_app,
        (ARTICLE, True, "", 0),
        (ARTICLE, True, "Very clear", 1),
        (ARTICLE, False, '=HYPERLINK("http://evil.example")', 40),
        (ARTICLE_ZH, False, "太長了", 2),
        ("/en/help", True, "", 3),
        (CENTRE, None, "Wrong hours on Saturday", 1, "correction", "swd-kai-ping"),
    )
    return backend_app


def test_feedback_list_shows_counts_per_page_then_the_comments(editors_app):
    result = editors_app.test_cli_runner().invoke(args=["feedback", "list"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert re.split(r"\s{2,}", lines[0].strip()) == ["page", "yes", "no", "comments", "corrections"]
    table = {line.split()[0]: line.split()[1:] for line in lines[1:5]}
    assert table == {ARTICLE: ["2", "1", "2", "0"], ARTICLE_ZH: ["0", "1", "1", "0"],
                     "/en/help": ["1", "0", "0", "0"], CENTRE: ["0", "0", "0", "1"]}  # fmt: skip
    assert lines[1].startswith(ARTICLE)  # the busiest page first
    assert "4 page(s): 3 yes, 2 no, 4 comment(s) and correction(s)." in result.output
    assert "    Very clear" in result.output and "    太長了" in result.output
    assert f"{CENTRE}  correction (centre swd-kai-ping)" in result.output
    assert "    Wrong hours on Saturday" in result.output


def test_feedback_list_since_a_date_and_for_one_page(editors_app):
    runner = editors_app.test_cli_runner()
    since = (datetime.now(UTC) + timedelta(hours=8) - timedelta(days=5)).date().isoformat()
    result = runner.invoke(args=["feedback", "list", "--since", since])
    assert f"{ARTICLE}  " in result.output and "HYPERLINK" not in result.output  # 40 days ago
    assert "3 yes, 1 no" in result.output
    one = runner.invoke(args=["feedback", "list", "--page", ARTICLE_ZH])
    assert ARTICLE_ZH in one.output and ARTICLE + " " not in one.output and "1 page(s): 0 yes, 1 no" in one.output
    both = runner.invoke(args=["feedback", "list", "--page", "/articles/a-family-budget-that-works"])
    assert "2 page(s): 2 yes, 2 no" in both.output  # without the language: both languages' pages
    url = runner.invoke(args=["feedback", "list", "--page", "http://portal.test/en/help"])
    assert "1 page(s): 1 yes, 0 no" in url.output
    none = runner.invoke(args=["feedback", "list", "--page", "/en/articles/nothing-here"])
    assert none.exit_code == 0 and "No feedback for /en/articles/nothing-here." in none.output
    bad = runner.invoke(args=["feedback", "list", "--since", "last week"])
    assert bad.exit_code == 2 and "last week" in bad.output


def test_feedback_export_csv_to_stdout_with_formulas_defused(editors_app):
    result = editors_app.test_cli_runner().invoke(args=["feedback", "export", "--csv"])
    assert result.exit_code == 0, result.output
    table = list(csv.DictReader(io.StringIO(result.output)))
    assert list(table[0]) == ["id", "received_hk", "page", "lang", "category", "answer", "centre", "comment"]
    assert len(table) == 6
    assert table[0]["comment"] == '\'=HYPERLINK("http://evil.example")'  # oldest first, and no formula
    assert {(r["page"], r["answer"]) for r in table} >= {(ARTICLE, "yes"), (ARTICLE_ZH, "no"), (CENTRE, "correction")}
    correction = next(r for r in table if r["category"] == "correction")
    assert correction["centre"] == "swd-kai-ping" and correction["comment"] == "Wrong hours on Saturday"
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:00", table[0]["received_hk"])


def test_feedback_export_counts_to_a_file_with_filters(editors_app, tmp_path):
    runner = editors_app.test_cli_runner()
    target = tmp_path / "counts.csv"
    result = runner.invoke(args=["feedback", "export", "--csv", "--counts", "--output", str(target)])
    assert result.exit_code == 0 and "Wrote 4 row(s)" in result.output
    raw = target.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with a byte-order mark: Excel shows the Chinese
    table = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert table[0] == {"page": ARTICLE, "yes": "2", "no": "1", "comments": "2", "corrections": "0"}
    assert {r["page"]: r["corrections"] for r in table}[CENTRE] == "1"
    since = (datetime.now(UTC) + timedelta(hours=8) - timedelta(days=5)).date().isoformat()
    recent = runner.invoke(args=["feedback", "export", "--counts", "--since", since, "--page", ARTICLE])
    assert list(csv.reader(io.StringIO(recent.output))) == [
        ["page", "yes", "no", "comments", "corrections"], [ARTICLE, "2", "0", "1", "0"]]  # fmt: skip


# --- several workers at once -------------------------------------------------------------

WRITER = r"""
import json, sys
from portal import create_app
config, worker = json.loads(sys.argv[1]), int(sys.argv[2])
app = create_app(config)
client = app.test_client()
print("ready", flush=True)
sys.stdin.readline()  # every writer starts at the same moment
codes = []
for i in range(50):
    response = client.post("/en/feedback", data={
        "page": "/en/articles/a-family-budget-that-works", "useful": "yes" if i % 2 else "no",
        "comment": f"writer {worker} message {i}",
    }, headers={"Origin": "http://localhost"}, environ_base={"REMOTE_ADDR": f"198.51.100.{worker}"})
    codes.append(response.status_code)
print(json.dumps(codes), flush=True)
"""


def test_two_processes_writing_at_once_lose_nothing(make_app, backend):
    app = make_app(backend, FEEDBACK_PER_HOUR=1000)
    sync_content(app)
    keys = ("TESTING", "SECRET_KEY", "INSTANCE_PATH", "DATABASE_URL", "REDIS_URL", "CACHE_KEY_PREFIX", "CACHE_DIR",
            "CONTENT_DIR", "SITE_URL", "FEEDBACK_PER_HOUR")  # fmt: skip
    config = json.dumps({key: app.config[key] for key in keys})
    env = {k: v for k, v in os.environ.items() if not k.startswith("PORTAL_")}
    writers = [
        subprocess.Popen([sys.executable, "-c", WRITER, config, str(n)], cwd=Path(__file__).parent.parent, env=env,
                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for n in (1, 2)
    ]  # fmt: skip
    try:
        for writer in writers:
            line = writer.stdout.readline()
            assert line.strip() == "ready", line + writer.stderr.read()
        for writer in writers:
            writer.stdin.write("go\n")
            writer.stdin.flush()
        outputs = [writer.communicate(timeout=120) for writer in writers]
    finally:
        for writer in writers:
            if writer.poll() is None:
                writer.kill()
    for writer, (stdout, stderr) in zip(writers, outputs, strict=True):
        assert writer.returncode == 0, stderr
        assert json.loads(stdout.strip().splitlines()[-1]) == [303] * 50, stderr
    with session_scope(app) as session:
        assert session.scalar(select(func.count()).select_from(Feedback)) == 100
        comments = set(session.scalars(select(Feedback.comment)))
    assert comments == {f"writer {w} message {i}" for w in (1, 2) for i in range(50)}
    result = app.test_cli_runner().invoke(args=["feedback", "list"])
    assert "1 page(s): 50 yes, 50 no" in result.output
