"""Fetching a feed defensively: timeouts, deadline, size cap, redirects, schemes, conditional GET."""

from __future__ import annotations

import pytest

from portal.feeds.fetch import FetchError, FetchSettings, fetch

from .feeds_server import feed_server_fixture, render_fixture  # noqa: F401 (the feed_server fixture)

FAST = FetchSettings(connect_timeout=2, read_timeout=0.5, total_timeout=1.5, max_bytes=200_000, max_redirects=3)


def failure(url: str, settings: FetchSettings = FAST) -> FetchError:
    with pytest.raises(FetchError) as caught:
        fetch(url, settings)
    return caught.value


def test_fetches_the_body_with_its_type(feed_server):
    result = fetch(feed_server.url("/feeds/rss_big5.xml?charset=big5"), FAST)
    assert not result.not_modified
    assert result.body == render_fixture("rss_big5.xml")
    assert result.content_type == "application/xml; charset=big5"


def test_a_server_that_never_answers_times_out(feed_server):
    error = failure(feed_server.url("/hang"))
    assert error.kind == "timeout" and error.message.startswith("Timed out after 0.5 s")


def test_a_server_that_trickles_bytes_hits_the_total_deadline(feed_server):
    error = failure(feed_server.url("/trickle"))
    assert error.kind == "timeout" and "1.5 s" in error.message


def test_a_500_is_reported_with_its_status(feed_server):
    error = failure(feed_server.url("/status/500"))
    assert error.kind == "http-status" and "500 Internal Server Error" in error.message


def test_a_redirect_loop_stops_after_the_limit(feed_server):
    error = failure(feed_server.url("/loop"))
    assert error.kind == "too-many-redirects"
    assert len([path for path, _ in feed_server.requests if path == "/loop"]) == FAST.max_redirects + 1


def test_redirects_are_followed_but_only_to_http(feed_server):
    target = feed_server.url("/feeds/rss_en.xml")
    result = fetch(feed_server.url(f"/redirect?to={target}"), FAST)
    assert result.url == target and b"Harbour" in result.body
    assert failure(feed_server.url("/redirect?to=file:///etc/passwd")).kind == "bad-scheme"
    assert failure(feed_server.url("/redirect?to=ftp://example.org/feed")).kind == "bad-scheme"


def test_only_http_and_https_addresses():
    for url in ("file:///etc/passwd", "ftp://example.org/x", "javascript:alert(1)", "gopher://x/"):
        assert failure(url).kind == "bad-scheme"


def test_a_huge_body_is_cut_off_at_the_cap(feed_server):
    error = failure(feed_server.url("/huge"))
    assert error.kind == "too-large" and "200,000 bytes" in error.message
    assert failure(feed_server.url("/huge-declared")).kind == "too-large"


def test_nothing_listening_is_a_connection_error(feed_server):
    port = feed_server.httpd.server_address[1]
    feed_server.stop()
    assert failure(f"http://127.0.0.1:{port}/feeds/rss_en.xml").kind in ("connection", "timeout")


def test_conditional_get_sends_the_etag_and_gets_304(feed_server):
    url = feed_server.url("/etag/rss_en.xml")
    first = fetch(url, FAST)
    assert first.etag and first.last_modified and first.body
    second = fetch(url, FAST, etag=first.etag, last_modified=first.last_modified)
    assert second.not_modified and second.body == b""
    headers = feed_server.requests[-1][1]
    assert headers["if-none-match"] == first.etag
    assert headers["if-modified-since"] == first.last_modified
