"""Which reader a fetched body needs: the one entry point that knows every feed format.

It sits above the readers (``parse.py`` for XML and iCalendar, ``jsonfeed.py``, ``jsonld.py``,
``sheet.py``), which share ``parse.py``'s types, so no reader imports another's module back.
"""

from __future__ import annotations

from datetime import datetime

from .jsonfeed import looks_like_json_feed, parse_json_feed
from .jsonld import looks_like_html, parse_jsonld
from .parse import ParsedFeed, ParseError, ParseLimits, looks_like_ics, parse_ics, parse_xml
from .sheet import looks_like_csv, parse_csv


def parse_feed(
    body: bytes,
    content_type: str = "",
    format_hint: str = "",
    now: datetime | None = None,
    limits: ParseLimits | None = None,
) -> ParsedFeed:
    """Parse a feed body; raise ParseError when it is not a readable feed (OutOfTime past the deadline)."""
    limits = limits or ParseLimits()
    if body.startswith(b"\xef\xbb\xbf"):  # a UTF-8 byte-order mark, as Windows tools write
        body = body[3:]
    if not body.strip():
        raise ParseError("not-a-feed", "The address returned an empty page, not a feed.")
    if looks_like_ics(body, content_type, format_hint):
        return parse_ics(body, content_type, now=now, limits=limits)
    if looks_like_json_feed(body, content_type, format_hint):
        return parse_json_feed(body, limits=limits)
    if looks_like_csv(body, content_type, format_hint):
        return parse_csv(body, content_type, limits=limits)
    if format_hint == "jsonld" or (not format_hint and looks_like_html(body, content_type)):
        return parse_jsonld(body, content_type, limits=limits)
    return parse_xml(body, content_type, limits=limits)
