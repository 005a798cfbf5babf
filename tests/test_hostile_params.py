"""Request parameters a visitor (or a scanner) can send never answer 5xx: one way to read each."""

from __future__ import annotations

import logging
from datetime import date

import pytest

from portal.params import ascii_int, iso_day, iso_month, page_number

NON_ASCII_DIGITS = ["²", "①", "١٢", "٣", "𝟐", "１"]


@pytest.mark.parametrize("value", NON_ASCII_DIGITS + ["", " ", "-", "1e3", "0x10", "9" * 40, "1.0"])
def test_ascii_int_refuses_everything_but_ascii_digits_in_bounds(value):
    assert ascii_int(value, 0, 10**6) is None


def test_ascii_int_reads_ascii_digits_within_bounds():
    assert ascii_int("42", 0, 100) == 42 and ascii_int(" -3 ", -5, 5) == -3
    assert ascii_int("101", 0, 100) is None


def test_days_and_months_stay_between_1900_and_2100():
    assert iso_day("2026-12-01") == date(2026, 12, 1)
    for bad in ("0001-01-01", "9999-12-31", "2026-02-30", "2026-13-01", "２０２６-01-01", "2026-1-1", None):
        assert iso_day(bad) is None, bad
    assert iso_month("2100-12") == date(2100, 12, 1)
    for bad in ("0001-01", "9999-12", "2026-00", "2026-13", "2026"):
        assert iso_month(bad) is None, bad


def test_page_number_is_one_when_absent_and_a_404_when_impossible(app):
    from werkzeug.exceptions import NotFound

    assert page_number({}) == 1 and page_number({"page": "3"}) == 3
    for bad in ["0", "-1", "10001", *NON_ASCII_DIGITS]:
        with pytest.raises(NotFound):
            page_number({"page": bad})


PAGES = ["/en/events", "/en/events/past", "/en/articles/", "/en/articles/category/parenting", "/zh-hk/search?q=a&"]


@pytest.mark.parametrize("digit", ["²", "①"])
@pytest.mark.parametrize("path", PAGES)
def test_non_ascii_page_numbers_are_not_found_not_a_crash(client, path, digit):
    joiner = "&" if "?" in path else "?"
    assert client.get(f"{path}{joiner}page={digit}").status_code == 404


@pytest.mark.parametrize(
    "query",
    ["from=0001-01-01", "to=9999-12-31", "from=9999-12-31&to=0001-01-01", "month=0001-01", "month=9999-12",
     "month=2100-12", "from=2026-02-30"],
)  # fmt: skip
@pytest.mark.parametrize(
    "path", ["/en/events", "/en/events/past", "/en/events/calendar", "/en/events/feed.ics", "/en/events/feed.atom"]
)
def test_dates_at_the_ends_of_time_are_ignored_not_a_crash(backend_app, path, query):
    response = backend_app.test_client().get(f"{path}?{query}")
    # The calendar is bounded to 12 months either side of now (issue 16): a real month past that is not found;
    # a date no calendar can show (year 1 or 9999) is ignored, as everywhere else.
    bounded = path.endswith("/calendar") and query == "month=2100-12"
    assert response.status_code == (404 if bounded else 200)


def test_event_ids_too_large_for_the_database_are_not_found(backend_app):
    client = backend_app.test_client()
    for path in ("/en/events/99999999999999999999", "/en/events/2147483648", "/en/events/99999999999999999999.ics"):
        assert client.get(path).status_code == 404, path


def test_the_events_filter_form_offers_only_days_the_site_can_read(client):
    html = client.get("/en/events").get_data(as_text=True)
    assert 'name="from" min="1900-01-01" max="2100-12-31"' in html
    assert 'name="to" min="1900-01-01" max="2100-12-31"' in html


@pytest.mark.parametrize("path", ["/en/%0a", "/en/articles/%0d%0a", "/%0d%0aSet-Cookie:%20x=1", "/en/events%0d"])
def test_paths_with_line_breaks_are_refused_before_routing(client, path):
    response = client.get(path)
    assert response.status_code == 400
    assert "Set-Cookie" not in response.headers or "x=1" not in response.headers.get("Set-Cookie", "")


@pytest.mark.parametrize("tool", ["phq9", "gad7", "who5", "family-apgar", "carer-coping", "family-communication"])
def test_a_non_ascii_digit_as_a_self_check_answer_is_a_friendly_400_and_never_logged(client, caplog, tool):
    caplog.set_level(logging.DEBUG)
    intro = client.get(f"/en/self-check/{tool}/questions").get_data(as_text=True)
    import re

    names = sorted(set(re.findall(r'name="(q-[^"]+)"', intro)))
    assert names, f"no questions found for {tool}"
    form = {name: "²" for name in names}
    response = client.post(f"/en/self-check/{tool}/result", data=form)
    assert response.status_code == 400
    assert "²" not in caplog.text


@pytest.mark.parametrize(
    "target",
    ["//evil.example", "/\\evil.example", "/%2F/evil.example", "/%09/evil.example", "/\t/evil.example",
     "https://evil.example", "/%5Cevil.example", "", "javascript:alert(1)"],
)  # fmt: skip
def test_the_text_size_switch_never_sends_a_visitor_off_site(client, target):
    response = client.get("/text-size/large", query_string={"next": target})
    assert response.status_code == 303 and response.headers["Location"] in ("/", "http://localhost/")


def test_the_text_size_switch_returns_to_the_page_with_its_query(client):
    response = client.get("/text-size/large", query_string={"next": "/zh-hk/search?q=家暴"})
    assert response.headers["Location"].endswith("/zh-hk/search?q=家暴") or "%E5%AE%B6" in response.headers["Location"]
