"""A flood of distinct URLs cannot fill the page cache (issue 13, part 4): unknown and free-text values
are not stored, each real choice is stored once, and a full file cache frees room in one pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.cache import RoomyFileSystemCache

from .test_cache_hardening import page_entries


@pytest.fixture
def flood_app(make_app, backend):
    from portal.cli import sync_content

    app = make_app(backend)
    sync_content(app)
    return app


FLOODS = [
    "/en/events?district=nowhere{i}",
    "/en/events?topic=topic{i}",
    "/en/events?audience=aliens{i}",
    "/en/events?from=2026-12-{d:02d}",
    "/en/events/past?mode=hover{i}",
    "/en/events/calendar?month=2026-{i}",
    "/en/events/calendar?district=x{i}&month=2027-01",
    "/en/centres/?q=street{i}",
    "/en/centres/?district=atlantis{i}",
    "/en/centres/?type=spa{i}",
    "/en/search?q=word{i}",
    "/en/?x={i}",
]


@pytest.mark.parametrize("pattern", FLOODS)
def test_a_flood_of_unknown_or_typed_values_adds_no_cache_entry(flood_app, pattern):
    client = flood_app.test_client()
    client.get(pattern.format(i="", d=1).split("?")[0])  # the page itself, cached once
    before = len(page_entries(flood_app))
    for i in range(30):
        response = client.get(pattern.format(i=i + 13, d=i % 28 + 1))
        assert response.status_code == 200, response.request.url
    assert len(page_entries(flood_app)) <= before + 1  # the bare /en/ for the junk-only pattern


@pytest.mark.parametrize(
    ("url", "spelling"),
    [("/en/events?district=sha-tin", "/en/events?district=%20sha-tin"),
     ("/en/events?free=1", "/en/events?free=on"),
     ("/en/events/calendar?month=2027-01", "/en/events/calendar?month=2027-1"),
     ("/en/centres/?district=sha-tin&type=IFSC", "/en/centres/?type=IFSC&district=sha-tin%20")],
)  # fmt: skip
def test_a_real_choice_is_cached_once_under_its_canonical_query_only(flood_app, url, spelling):
    client = flood_app.test_client()
    assert client.get(url).headers.get("X-Cache") == "miss"
    assert client.get(url).headers.get("X-Cache") == "hit"
    other = client.get(spelling)
    assert other.status_code == 200 and other.headers.get("X-Cache") is None  # rendered, never stored


def test_a_full_file_cache_frees_a_fifth_of_its_room_in_one_pass(tmp_path: Path):
    cache = RoomyFileSystemCache(str(tmp_path), threshold=100, default_timeout=600)
    for i in range(102):  # the store after the threshold is passed prunes
        cache.set(f"page:{i}", b"x")
    assert cache.get("page:101") == b"x"
    pages = [p for p in tmp_path.iterdir() if not p.name.startswith("__")]
    assert 75 <= len(pages) <= 82  # 80 % of the threshold kept, then the new entry (and the count file)
    for i in range(15):  # room for more without another scan
        cache.set(f"more:{i}", b"y")
    assert all(cache.get(f"more:{i}") == b"y" for i in range(15))
