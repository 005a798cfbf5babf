"""Fuzz targets for ``make fuzz`` (never collected by the default run; see tests/conftest.py).

Each target runs for ``PORTAL_FUZZ_SECONDS`` (``make fuzz FUZZ_SECONDS=600``): hypothesis builds inputs by
mutating the seed files (the feeds in tests/fixtures/feeds, the real articles) with splices of hostile
tokens, and ``fuzz_one_input`` runs one input at a time until the time is up. A failing input is printed
and kept in ``.hypothesis/`` (replayed first by the next run). What may happen to bad input is a
``ParseError`` (a feed) or a ``ContentError`` (an article), never any other exception.
"""

from __future__ import annotations

import os
import random
import time
import traceback
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal import create_app
from portal.articles.loader import ArticleFile, load_vocabulary, parse_article
from portal.config import PROJECT_ROOT
from portal.content import ContentError, split_front_matter
from portal.db import session_scope
from portal.events.model import Partner, PartnerFeed
from portal.feeds.fetch import FetchResult
from portal.feeds.formats import parse_feed
from portal.feeds.parse import ParseError
from portal.feeds.store import FeedOutcome, store_feed

SECONDS = float(os.environ.get("PORTAL_FUZZ_SECONDS", "10"))
FEEDS = sorted((Path(__file__).parent.parent / "fixtures" / "feeds").iterdir())
ARTICLES = sorted((PROJECT_ROOT / "content" / "articles").glob("*/*.md"))
TOKENS = [b"&", b"<", b">", b"]]>", b"<![CDATA[", b"&#0;", b"&#xD800;", b"&bogus;", b"\xef\xbb\xbf", b"\x00",
          b"\xff\xfe", b"\xed\xa0\x80", b"\r\n", b"\n ", b"BEGIN:VEVENT\r\n", b"END:VEVENT\r\n",
          b"BEGIN:VCALENDAR\r\n", b"RRULE:FREQ=SECONDLY\r\n", b"RRULE:RSCALE=CHINESE;FREQ=YEARLY\r\n",
          b"DTSTART:99991231T235959Z\r\n", b"DTSTART;VALUE=DATE:00010101\r\n", b"UID:\r\n", b"<item>", b"</item>",
          b"<entry>", b"<pubDate>Mon, 31 Dec 9999 99:99:99 +9999</pubDate>", b"<link>javascript:alert(1)</link>",
          b"<title><!--<script></title>", b"\xe6\xbc\xa2", b"9" * 40]  # fmt: skip
YAML_TOKENS = ["---\n", ": ", "- ", "&a ", "*a", "!!python/object:os.system ", "title: x\ntitle: y\n", "{", "[",
               "'", '"', "\t", "\x00", "\ufeff", "\u2028", "reviewed: 9999-12-31\n", "published: 0001-01-01\n",
               "tags: [a, a]\n", "<script>", "](javascript:alert(1))", "![x](../../etc/passwd)"]  # fmt: skip
SHOWN_AS = "articles/fuzz/en.md"


def mutated(seeds: list[bytes], tokens: list):
    """A seed with a few random splices: insert a token, delete or duplicate a slice, flip a byte."""

    @st.composite
    def build(draw):
        data = bytearray(draw(st.sampled_from(seeds)))
        rng = random.Random(draw(st.integers(0, 2**32)))
        for _ in range(draw(st.integers(1, 8))):
            at = rng.randrange(len(data) + 1)
            move = rng.randrange(4)
            if move == 0:
                data[at:at] = rng.choice(tokens)
            elif move == 1:
                del data[at : at + rng.randrange(1, 64)]
            elif move == 2:
                data[at:at] = data[at : at + rng.randrange(1, 256)] * rng.randrange(2, 20)
            elif data:
                data[min(at, len(data) - 1)] = rng.randrange(256)
        return bytes(data)

    return build()


class Findings:
    """Unexpected exceptions by where they were raised, each with the shortest input that raised it, so one
    run reports every distinct crash rather than stopping at the first."""

    def __init__(self) -> None:
        self.found: dict[str, bytes] = {}
        self.messages: dict[str, str] = {}

    def record(self, exc: BaseException, data: bytes) -> None:
        frame = traceback.extract_tb(exc.__traceback__)[-1]
        where = f"{type(exc).__name__} at {Path(frame.filename).name}:{frame.lineno}"
        self.messages.setdefault(where, str(exc)[:200])
        if where not in self.found or len(data) < len(self.found[where]):
            self.found[where] = data

    def report(self) -> str:
        return "\n\n".join(
            f"{where} ({self.messages[where]})\n  input: {data[:1500]!r}" for where, data in self.found.items()
        )


def run_for(target, findings: Findings, seconds: float) -> str:
    """Feed ``target`` random buffers until the time is up, then fail listing every distinct crash."""
    deadline, count = time.monotonic() + seconds, 0
    while time.monotonic() < deadline:
        target.hypothesis.fuzz_one_input(os.urandom(512))
        count += 1
    assert not findings.found, f"{len(findings.found)} distinct crashes in {count} inputs:\n{findings.report()}"
    return f"{count} inputs in {seconds:g} s"


@pytest.fixture(scope="module")
def feed_app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("fuzz") / "instance"
    app = create_app({"TESTING": True, "SECRET_KEY": "fuzz", "INSTANCE_PATH": str(instance), "REDIS_URL": None,
                      "DATABASE_UPGRADE_ON_START": True,
                      "DATABASE_URL": f"sqlite:///{instance / 'db.sqlite3'}", "CACHE_DIR": str(instance / "cache"),
                      "CONTENT_DIR": str(PROJECT_ROOT / "content")})  # fmt: skip
    with session_scope(app) as session:
        session.add(Partner(id="fuzz", name_en="Fuzz", name_zh="模糊測試"))
        session.flush()
        feed = PartnerFeed(partner_id="fuzz", url="http://fuzz.test/feed")
        session.add(feed)
        session.flush()
        app.config["FUZZ_FEED_ID"] = feed.id
    return app


def test_feed_parse_and_store_never_raise_anything_but_a_parse_error(feed_app):
    feed_id = feed_app.config["FUZZ_FEED_ID"]
    seeds = [path.read_bytes() for path in FEEDS]

    @settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(body=mutated(seeds, TOKENS), content_type=st.sampled_from(["", "text/calendar", "application/rss+xml"]))
    def target(body: bytes, content_type: str) -> None:
        try:
            parsed = parse_feed(body, content_type)
            fetched = FetchResult(False, body, "http://fuzz.test/feed", content_type)
            store_feed(feed_app, feed_id, fetched, parsed, FeedOutcome(feed_id, "fuzz"))
        except ParseError:
            pass
        except Exception as exc:  # noqa: BLE001 - what the fuzzer is looking for
            findings.record(exc, body)

    findings = Findings()
    print(f"feed parse + store: {run_for(target, findings, SECONDS)}")


class Disagreement(Exception):
    """The plain RSS reader and feedparser read one document differently."""


def test_plain_rss_reads_every_mutated_document_it_takes_as_feedparser_does(monkeypatch):
    """Differential: a document portal/feeds/plainrss.py accepts must parse to the same result through feedparser."""
    from portal.feeds import parse as parse_module
    from portal.feeds.parse import parse_xml
    from portal.feeds.plainrss import read_plain_rss

    from ..test_feeds_plainrss import PLAIN

    def outcome(body: bytes, content_type: str, plain: bool):
        with monkeypatch.context() as patch:
            if not plain:
                patch.setattr(parse_module, "read_plain_rss", lambda _body, _content_type="": None)
            try:
                return parse_xml(body, content_type)
            except ParseError as error:
                return (error.kind, error.message)

    seeds = [path.read_bytes() for path in FEEDS if path.suffix == ".xml"] + list(PLAIN.values())
    tokens = TOKENS + [b"<category>x</category>", b"<description>d</description>", b"<guid>https://x.example/g</guid>",
                       b"<link>/relative</link>", b"&amp;amp;", b"\xc3\x83\xc2\xa9", b"&#150;", b"\t", b"</item><item>",
                       b"<ev:startdate>2026-12-24</ev:startdate>",
                       b"<content:encoded>&lt;p&gt;c&lt;/p&gt;</content:encoded>"]  # fmt: skip

    @settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(body=mutated(seeds, tokens), content_type=st.sampled_from(["", "application/rss+xml; charset=utf-8"]))
    def target(body: bytes, content_type: str) -> None:
        if read_plain_rss(body, content_type) is None:
            return
        if outcome(body, content_type, plain=True) != outcome(body, content_type, plain=False):
            try:
                raise Disagreement("the two readings differ")
            except Disagreement as exc:
                findings.record(exc, body)

    findings = Findings()
    print(f"plain RSS against feedparser: {run_for(target, findings, SECONDS)}")


def test_front_matter_and_the_article_loader_never_raise_anything_but_a_content_error():
    vocabulary, _ = load_vocabulary(PROJECT_ROOT / "content")
    seeds = [path.read_bytes() for path in ARTICLES]
    known = {path.parent.name for path in ARTICLES}
    tokens = [token.encode() for token in YAML_TOKENS]

    @settings(deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(raw=mutated(seeds, tokens))
    def target(raw: bytes) -> None:
        text = raw.decode("utf-8", errors="replace")
        for load in (lambda: split_front_matter(text, SHOWN_AS), lambda: parse_article(item, vocabulary, known, text)):
            try:
                load()
            except ContentError:
                pass
            except Exception as exc:  # noqa: BLE001 - what the fuzzer is looking for
                findings.record(exc, raw)

    item = ArticleFile("fuzz", "en", PROJECT_ROOT / "content" / SHOWN_AS, SHOWN_AS)
    findings = Findings()
    print(f"front matter + article loader: {run_for(target, findings, SECONDS)}")
