"""Properties of the request-parameter helpers and the same-site filter, over generated inputs (hypothesis).

Example counts stay modest in the default run; ``HYPOTHESIS_PROFILE=thorough`` runs many more.
"""

from __future__ import annotations

import os
import re
from datetime import date
from urllib.parse import unquote, urljoin, urlsplit

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from werkzeug.exceptions import NotFound

from portal.params import (
    FIRST_DAY,
    LAST_DAY,
    MAX_PAGE,
    ascii_int,
    choice,
    iso_day,
    iso_month,
    page_number,
    same_site_path,
    text,
)
from portal.templating import page_window

settings.register_profile("default", max_examples=150, deadline=None)
settings.register_profile("thorough", max_examples=5_000, deadline=None)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "default"))

SITE = "https://site.example/"
ANY_TEXT = st.text(st.characters(codec="utf-8"), max_size=40)
DIGITS = st.sampled_from(list("0123456789²①٣１𝟐٠߀०"))  # ASCII and other scripts' digits
NUMBER_LIKE = st.text(st.one_of(DIGITS, st.sampled_from(list(" -+.e_x"))), max_size=25)


@given(st.one_of(ANY_TEXT, NUMBER_LIKE, st.none()), st.integers(-(10**20), 10**20), st.integers(-(10**20), 10**20))
@example("²", 0, 10)
@example("１", 0, 10)
@example("9" * 40, 0, 10**30)
def test_ascii_int_never_raises_and_stays_within_bounds(value, low, high):
    number = ascii_int(value, low, high)
    assert number is None or low <= number <= high


@given(NUMBER_LIKE)
def test_ascii_int_accepts_only_ascii_digits(value):
    if ascii_int(value, -(10**19), 10**19) is not None:
        assert re.fullmatch(r"\s*-?[0-9]+\s*", value, re.ASCII)


@given(st.integers(-(10**17), 10**17))
def test_ascii_int_reads_back_what_it_is_given(number):
    assert ascii_int(str(number), -(10**18), 10**18) == number


@given(st.one_of(ANY_TEXT, st.none()))
def test_days_and_months_never_raise_and_stay_between_1900_and_2100(value):
    for found in (iso_day(value), iso_month(value)):
        assert found is None or FIRST_DAY <= found <= LAST_DAY


@given(st.dates())
def test_a_day_round_trips_when_it_is_in_bounds_and_is_refused_otherwise(day):
    found = iso_day(day.isoformat())
    assert found == (day if FIRST_DAY <= day <= LAST_DAY else None)
    month = iso_month(day.strftime("%Y-%m") if day.year >= 1000 else f"{day.year:04d}-{day.month:02d}")
    assert month == (day.replace(day=1) if FIRST_DAY <= day <= LAST_DAY else None)


@given(st.one_of(ANY_TEXT, NUMBER_LIKE))
def test_a_page_number_is_a_page_or_a_404_never_anything_else(value):
    try:
        number = page_number({"page": value})
    except NotFound:
        return
    assert 1 <= number <= MAX_PAGE and (value == "" or str(number) == value.strip().lstrip("0"))


@given(st.one_of(ANY_TEXT, st.none()), st.integers(0, 200))
def test_free_text_loses_control_characters_and_keeps_its_bound(value, max_chars):
    cleaned = text(value, max_chars)
    assert len(cleaned) <= max_chars and "\x00" not in cleaned and "\u202e" not in cleaned
    assert not re.search(r"[\x00-\x1f\x7f]", cleaned)


@given(st.one_of(ANY_TEXT, st.none()), st.lists(st.text(max_size=5), max_size=5))
def test_an_enum_filter_is_one_of_its_values_or_empty(value, allowed):
    assert choice(value, allowed) in {*allowed, ""}


@given(st.integers(1, 10**6), st.integers(1, 10**6))
def test_the_page_window_is_bounded_sorted_and_holds_the_current_page(current, pages):
    current = min(current, pages)
    window = page_window(current, pages)
    numbers = [n for n in window if n is not None]
    assert len(window) <= 9 and current in numbers and numbers == sorted(set(numbers))
    assert numbers[0] == 1 and numbers[-1] == pages and all(1 <= n <= pages for n in numbers)
    assert all(a is not None or b is not None for a, b in zip(window, window[1:], strict=False))  # no "… …"


# --- the same-site filter -------------------------------------------------------------------------------------

URL_PIECES = st.sampled_from(
    ["/", "//", "\\", "/\\", "%2f", "%2F", "%5c", "%5C", "%09", "%0a", "%0d", "%00", "\t", "\n", "\r", " ", "%20"]
    + ["evil.example", "@", ":", "http:", "https:", "javascript:", ".", "..", "%2e", "?", "#", "%", "%25", "%252f"]
    + ["en", "articles", "\u3000", "\uff0f", "\uff3c"]  # ideographic space, full-width slash and backslash
)
URL_LIKE = st.lists(URL_PIECES, max_size=8).map("".join)


def browser_netloc(target: str) -> str:
    """Where a browser would go: it drops tabs and line breaks, reads ``\\`` as ``/``, then resolves."""
    seen = re.sub(r"[\t\r\n]", "", target).replace("\\", "/")
    return urlsplit(urljoin(SITE, seen)).netloc


@settings(suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(URL_LIKE, ANY_TEXT, st.none()))
@example("/%09/evil.example")
@example("/\\evil.example")
@example("//evil.example")
@example("/%5c%5cevil.example")
def test_same_site_path_never_leads_off_the_site(target):
    result = same_site_path(target)
    for form in (result, unquote(result), unquote(unquote(result))):  # also after a second decoding downstream
        assert browser_netloc(form) == "site.example", (target, result, form)
    assert result.startswith("/")


@given(st.lists(st.sampled_from(["en", "zh-hk", "articles", "events", "a-b", "2026"]), max_size=5))
def test_same_site_path_keeps_the_sites_own_paths(parts):
    path = "/" + "/".join(parts)
    assert same_site_path(path) == path


@pytest.mark.parametrize("target", ["/en/events?month=2026-12", "/zh-hk/articles/"])
def test_same_site_path_keeps_a_query_on_the_same_site(target):
    assert same_site_path(target) == target


def test_the_earliest_and_latest_days_in_bounds_are_read():
    assert iso_day("1900-01-01") == date(1900, 1, 1) and iso_day("2100-12-31") == date(2100, 12, 31)
