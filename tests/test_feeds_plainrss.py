"""Plain RSS 2.0 read without feedparser (portal/feeds/plainrss.py) gives exactly what feedparser gives.

Each document is parsed twice through ``parse_xml``: as it runs (the plain reader first) and with the
plain reader switched off (feedparser alone). The two results (every item, date, link, note, or the
same error) must be equal; documents of another shape must not be read by the plain reader at all.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from portal.feeds import parse as parse_module
from portal.feeds.parse import ParseError, parse_xml
from portal.feeds.plainrss import read_plain_rss

from .feeds_server import render_fixture

FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
CONTENT_TYPES = (
    "",
    "application/rss+xml",
    "application/rss+xml; charset=utf-8",
    "application/xml; charset=UTF-8",
    "text/xml",
    "text/xml; charset=utf-8",
    "text/html; charset=utf-8",
)

HEAD = '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" xmlns:ev="http://purl.org/rss/1.0/modules/event/"'
HEAD += ' xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">'


def rss(items: str, channel: str = "<title>Example NGO</title><language>zh-HK</language>") -> bytes:
    return f"{HEAD}<channel>{channel}{items}</channel></rss>".encode()


# Shapes the plain reader takes: every rule of feedparser's it copies is in one of them.
PLAIN = {
    "entities and CDATA in a title": rss(
        "<item><title> Tea &amp; talk &lt;b&gt;bold&lt;/b&gt; <![CDATA[<i>x</i> & y]]>  </title><guid>g1</guid></item>"
    ),
    "HTML, relative links and an image in a summary": rss(
        '<item><title>T</title><link>https://ngo.example/a/b</link><description><![CDATA[<p>Read <a href="../more">'
        'more</a> <img src="/i.png"> <script>x()</script></p>]]></description></item>'
    ),
    "a permalink guid is the link": rss("<item><title>T</title><guid>https://ngo.example/p/1</guid></item>"),
    "a guid that is no permalink": rss(
        '<item><title>T</title><guid isPermaLink="false">https://ngo.example/p/2</guid></item>'
    ),
    "a link before a permalink guid": rss(
        "<item><link>https://ngo.example/l</link><guid>https://ngo.example/g</guid><title>T</title></item>"
    ),
    "a link after a permalink guid": rss(
        "<item><guid>https://ngo.example/g</guid><link>https://ngo.example/l</link><title>T</title></item>"
    ),
    "an empty link after a permalink guid": rss(
        "<item><guid>https://ngo.example/g</guid><link></link><title>T</title></item>"
    ),
    "escaped query strings and extra slashes in links": rss(
        "<item><title>T</title><link>http:///ngo.example/?a=1&amp;amp;b=2&amp;lang;=en</link></item>"
    ),
    "a guid with no scheme, spaces and a relative path": rss("<item><title>T</title><guid>  /events/3 </guid></item>"),
    "dates in several shapes": rss(
        "<item><title>a</title><guid>1</guid><pubDate>Mon, 02 Nov 2026 09:00:00 +0800</pubDate></item>"
        "<item><title>b</title><guid>2</guid><pubDate>2026-11-02T09:00:00Z</pubDate></item>"
        "<item><title>c</title><guid>3</guid><pubDate>not a date</pubDate></item>"
        "<item><title>d</title><guid>4</guid><pubDate></pubDate></item>"
        "<item><title>e</title><guid>5</guid><pubDate>Tue, 3 Nov 2026 9:00 HKT</pubDate></item>"
    ),
    "event fields with spaces and markup": rss(
        "<item><title>E</title><guid>e1</guid><ev:startdate> 2026-12-20T10:00:00+08:00 </ev:startdate>"
        "<ev:enddate>2026-12-20</ev:enddate><ev:location> Hall &lt;b&gt;A&lt;/b&gt; 沙田 </ev:location>"
        "<ev:organizer>NGO</ev:organizer><ev:type>talk</ev:type></item>"
        "<item><title>F</title><guid>e2</guid><ev:startdate>2026-12-21</ev:startdate></item>"
        "<item><title>G</title><guid>e3</guid><ev:startdate>soon</ev:startdate></item>"
    ),
    "content:encoded after, before and without a description": rss(
        "<item><title>a</title><guid>1</guid><description>short</description>"
        "<content:encoded><![CDATA[<p>long</p>]]></content:encoded></item>"
        "<item><title>b</title><guid>2</guid><content:encoded><![CDATA[<p>long</p>]]></content:encoded>"
        "<description>short</description></item>"
        "<item><title>c</title><guid>3</guid><content:encoded><![CDATA[<p>only</p>]]></content:encoded></item>"
        "<item><title>d</title><guid>4</guid><content:encoded></content:encoded><description>kept</description></item>"
    ),
    "UTF-8 read as Latin-1 and Windows-1252 characters": rss(
        "<item><title>CafÃ© &#150; &#x93;quoted&#x94;</title><guid>m1</guid><description>Â£5</description></item>"
    ),
    "Chinese text, an ideographic space and a full-width title": rss(
        "<item><title>\u3000親子講座（沙田）\u3000</title><guid>z1</guid><description>費用：全免。</description></item>"
    ),
    "categories, authors, comments and an atom:link": rss(
        '<item><title>T</title><guid>c1</guid><category domain="x">family</category><category>teens</category>'
        "<author>a@ngo.example (A)</author><comments>https://ngo.example/c</comments></item>",
        channel='<title>NGO</title><atom:link href="https://ngo.example/feed" rel="self" type="application/rss+xml"/>'
        "<link>https://ngo.example/</link><description>News</description>"
        "<pubDate>Mon, 02 Nov 2026 09:00:00 GMT</pubDate>"
        "<lastBuildDate>Mon, 02 Nov 2026 09:00:00 GMT</lastBuildDate><generator>WordPress</generator><ttl>60</ttl>",
    ),
    "items without a title, an id or a link": rss(
        "<item><description>nothing else</description></item><item><title>only a title</title></item><item></item>"
    ),
    "a channel with no title or language, comments inside values": rss(
        "<item><title>A<!-- note -->B</title><guid>k1</guid></item>", channel="<link>https://ngo.example/</link>"
    ),
    "spaces and new lines around values": rss(
        "<item>\n  <title>\n  T  \n</title>\n  <guid> g </guid>\n  <description>\n  <![CDATA[  <p>x</p>  ]]>\n"
        "</description>\n</item>",
        channel="<title>  NGO  </title><language> en </language>",
    ),
    "an empty channel": rss(""),
    "the same guid twice": rss(
        "<item><title>a</title><guid>same</guid></item><item><title>b</title><guid>same</guid></item>"
    ),
}

# Shapes feedparser must read: each has something the plain reader does not copy.
NOT_PLAIN = {
    "xml:lang": rss('<item><title xml:lang="en">T</title><guid>1</guid></item>'),
    "xml:base": rss('<item xml:base="https://ngo.example/"><title>T</title><guid>1</guid></item>'),
    "a DTD": b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "x">]>'
    b'<rss version="2.0"><channel><title>&e;</title></channel></rss>',
    "Big5 declared": rss("<item><title>T</title></item>").replace(b'encoding="utf-8"', b'encoding="big5"'),
    "not UTF-8": rss("<item><title>T</title></item>").replace(b"<title>T", "<title>caf\xe9".encode("latin-1")),
    "RSS 0.91": rss("<item><title>T</title></item>").replace(b'version="2.0"', b'version="0.91"'),
    "Atom": b'<feed xmlns="http://www.w3.org/2005/Atom"><title>T</title></feed>',
    "markup inside a summary": rss("<item><title>T</title><description><p>x</p></description></item>"),
    "two titles": rss("<item><title>a</title><title>b</title></item>"),
    "two summaries": rss("<item><title>a</title><description>x</description><description>y</description></item>"),
    "an element it does not know": rss(
        '<item xmlns:dc="http://purl.org/dc/elements/1.1/"><title>T</title><dc:date>2026-11-02</dc:date></item>'
    ),
    "an image in the channel": rss("", channel="<title>T</title><image><title>logo</title><url>x</url></image>"),
    "an attribute it does not know": rss('<item><title type="html">T</title></item>'),
    "an element in capitals": rss("<item><TITLE>T</TITLE></item>"),
    "a default namespace": rss("").replace(b"<rss ", b'<rss xmlns="http://backend.userland.com/rss2" '),
    "not well-formed": rss("<item><title>T</item>"),
    "an unknown entity": rss("<item><title>&nbsp;</title></item>"),
    # feedparser's SAX parser refuses a namespace name with a space in it and reads the rest leniently.
    "a namespace name with a tab": rss("<item><title>T</title></item>").replace(b"1.0/modules/event", b"1.0/mod\tules"),
}


def _feedparser_only(body: bytes, content_type: str, monkeypatch: pytest.MonkeyPatch):
    with monkeypatch.context() as patch:
        patch.setattr(parse_module, "read_plain_rss", lambda _body, _content_type="": None)
        return _outcome(body, content_type)


def _outcome(body: bytes, content_type: str):
    try:
        return parse_xml(body, content_type)
    except ParseError as error:
        return ("error", error.kind, error.message)


def _fixtures() -> list[tuple[str, bytes]]:
    return [(path.name, render_fixture(path.name)) for path in sorted(FIXTURES.glob("*.xml"))]


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_every_rss_fixture_reads_the_same_with_or_without_feedparser(content_type, monkeypatch):
    for name, body in _fixtures():
        assert _outcome(body, content_type) == _feedparser_only(body, content_type, monkeypatch), name


@pytest.mark.parametrize("name", list(PLAIN))
def test_plain_rss_is_read_without_feedparser_and_reads_as_feedparser_reads_it(name, monkeypatch):
    body = PLAIN[name]
    for content_type in ("", "application/rss+xml", "application/rss+xml; charset=utf-8"):
        assert read_plain_rss(body, content_type) is not None, "feedparser would read this one"
        assert _outcome(body, content_type) == _feedparser_only(body, content_type, monkeypatch)


@pytest.mark.parametrize("name", list(NOT_PLAIN))
def test_other_shapes_are_left_to_feedparser(name):
    assert read_plain_rss(NOT_PLAIN[name], "application/rss+xml") is None


def test_text_types_without_a_charset_are_left_to_feedparser():
    """RFC 3023: text/xml with no charset is US-ASCII to feedparser, which then guesses."""
    body = PLAIN["Chinese text, an ideographic space and a full-width title"]
    assert read_plain_rss(body, "text/xml") is None
    assert read_plain_rss(body, "text/xml; charset=utf-8") is not None


def test_the_benchmarks_rss_feeds_take_the_plain_path(monkeypatch):
    """What bench/bench_feeds.py --versus-reader measures is this reader (and it agrees with feedparser)."""
    sys.path.insert(0, str(Path(__file__).parent.parent / "bench"))
    try:
        import bench_feeds
    finally:
        sys.path.pop(0)
    for index in (0, 1):
        body, content_type = bench_feeds.rss(index, 5), "application/rss+xml; charset=utf-8"
        assert read_plain_rss(body, content_type) is not None
        assert _outcome(body, content_type) == _feedparser_only(body, content_type, monkeypatch)
