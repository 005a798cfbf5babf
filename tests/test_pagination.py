"""Pagination shows a bounded window of page links, and a page past the last one is not found."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from flask import render_template

from portal.cli import sync_content
from portal.templating import page_window


def fake_page(page: int, pages: int) -> SimpleNamespace:
    return SimpleNamespace(page=page, pages=pages, has_prev=page > 1, has_next=page < pages)


def page_links(html: str) -> list[str]:
    nav = re.search(r'<nav class="pagination".*?</nav>', html, re.S)
    assert nav, "no pagination on the page"
    return re.findall(r"<a [^>]*>(.*?)</a>", nav.group(0), re.S)


@pytest.mark.parametrize(
    ("current", "pages", "expected"),
    [
        (1, 1, [1]),
        (1, 5, [1, 2, 3, 4, 5]),
        (1, 100, [1, 2, 3, None, 100]),
        (50, 100, [1, None, 48, 49, 50, 51, 52, None, 100]),
        (100, 100, [1, None, 98, 99, 100]),
        (4, 100, [1, 2, 3, 4, 5, 6, None, 100]),  # a gap of one page shows that page, not "…"
        (5, 9, [1, 2, 3, 4, 5, 6, 7, 8, 9]),
    ],
)
def test_the_window_holds_the_first_the_last_and_two_either_side_of_the_current_page(current, pages, expected):
    assert page_window(current, pages) == expected


def test_the_window_never_grows_with_the_number_of_pages():
    for pages in (10, 1_000, 10**6):
        for current in (1, 2, pages // 2, pages - 1, pages):
            window = page_window(current, pages)
            assert len(window) <= 9 and current in window and window[0] == 1 and window[-1] == pages


def test_a_huge_listing_prints_a_handful_of_links_and_an_ellipsis_that_is_no_link(app):
    with app.test_request_context("/en/events?page=5000&district=wan-chai"):
        app.preprocess_request()
        html = render_template("partials/pagination.html", page=fake_page(5000, 100_000))
    links = page_links(html)
    assert links == ["Previous", "1", "4998", "4999", "5000", "5001", "5002", "100000", "Next"]
    assert html.count("…") == 2 and "<a" not in re.search(r'<li class="pagination__gap">.*?</li>', html).group(0)
    assert 'class="visually-hidden">Some pages are not listed<' in html  # what a screen reader hears for "…"
    assert 'aria-current="page">5000<' in html and "district=wan-chai&amp;page=5001" in html
    assert len(html) < 3000


def test_the_chinese_listing_names_its_pages_in_chinese(make_app):
    app = make_app(ARTICLES_PER_PAGE=1)
    sync_content(app)
    html = app.test_client().get("/zh-hk/articles/?page=6").get_data(as_text=True)
    assert "第 6 頁" in html and "中間部分頁數未有列出" in html


def test_the_article_list_with_one_article_a_page_links_a_bounded_window(make_app):
    app = make_app(ARTICLES_PER_PAGE=1)
    sync_content(app)
    client = app.test_client()
    html = client.get("/en/articles/?page=6").get_data(as_text=True)
    pages = int(re.search(r"Page 6 of (\d+)", html).group(1))
    assert pages >= 10  # enough articles for gaps on both sides
    assert page_links(html) == ["Previous", "1", "4", "5", "6", "7", "8", str(pages), "Next"]
    assert client.get(f"/en/articles/?page={pages}").status_code == 200
    assert client.get(f"/en/articles/?page={pages + 1}").status_code == 404


@pytest.mark.parametrize(
    "path",
    ["/en/articles/", "/en/articles/category/parenting", "/en/events", "/en/events/past", "/en/search?q=family"],
)
def test_a_page_past_the_last_one_is_not_found(client, path):
    joiner = "&" if "?" in path else "?"
    assert client.get(path).status_code == 200
    assert client.get(f"{path}{joiner}page=9999").status_code == 404


@pytest.mark.parametrize("path", ["/en/events", "/en/events/past", "/en/search?q=zzzzqqq", "/en/search"])
def test_an_empty_listing_still_has_its_first_page(client, path):
    assert client.get(path + ("&" if "?" in path else "?") + "page=1").status_code == 200
