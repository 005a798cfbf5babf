"""Plain RSS 2.0, read without feedparser's machinery but exactly as feedparser reads it.

feedparser was two thirds of a refresh's CPU time: it calls Python for every start tag, end tag and
piece of text, and deep-copies a dictionary for every title and summary. Most partner feeds are the
plain shape: RSS 2.0 in UTF-8, no DTD, no ``xml:lang`` or ``xml:base``, and items made only of the
elements named below, each holding text. Such a document is read here with ElementTree (expat, the
parser feedparser's strict mode uses too) and every value goes through the steps feedparser's
``pop()`` applies to it, with feedparser's own helpers (whitespace stripped, addresses joined,
UTF-8 read as Latin-1 repaired, Windows-1252 characters mapped, ``&amp;`` in links undone).

:func:`read_plain_rss` gives None for anything else (another format or version, another encoding, a
DTD, an unknown element or attribute, an element twice, markup inside a value, a document expat
refuses): feedparser then reads it as before, with all its tolerance. tests/test_feeds_plainrss.py
holds both readings of every RSS fixture and of odd cases side by side, so a feedparser upgrade
that reads them differently is caught.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
from typing import Any

from feedparser.datetimes import _parse_date
from feedparser.html import _cp1252
from feedparser.urls import _urljoin
from feedparser.util import FeedParserDict

_CONTENT = "{http://purl.org/rss/1.0/modules/content/}"
_EVENT = "{http://purl.org/rss/1.0/modules/event/}"
_ATOM = "{http://www.w3.org/2005/Atom}"

# Item elements we read -> the key feedparser stores them under.
_ITEM_FIELDS = {
    "title": "title",
    "link": "link",
    "guid": "id",
    "description": "summary",
    "pubDate": "published",
    _CONTENT + "encoded": "content",
    **{_EVENT + name: "ev_" + name for name in ("startdate", "enddate", "location", "organizer", "type")},
}
# Elements feedparser keeps elsewhere (tags, authors, comment links): allowed, not needed.
_ITEM_OTHERS = frozenset({"category", "author", "comments"})
_CHANNEL_FIELDS = frozenset({"title", "language"})
_CHANNEL_OTHERS = frozenset(
    {"link", "description", "copyright", "managingEditor", "webMaster", "pubDate", "lastBuildDate",
     "category", "generator", "docs", "ttl", _ATOM + "link"}
)  # fmt: skip
_ATTRIBUTES = {
    "rss": {"version"},
    "guid": {"isPermaLink"},
    "category": {"domain"},
    _ATOM + "link": {"href", "rel", "type"},
}
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
# Namespace declarations and the names they may hold: feedparser's SAX parser refuses a name with a space
# in it (its separator), ElementTree one with a "}" (its own), and then feedparser's lenient parser reads
# the document its own way. Names of other characters are left to feedparser.
_NAMESPACES = re.compile(rb"""xmlns(?::[^\s=]*)?\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_PLAIN_NAME = re.compile(rb"[A-Za-z0-9:/._~#?=%+-]*")
_DECLARED = re.compile(rb"""^<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.-]+)", re.IGNORECASE)
_ENTITY_IN_LINK = re.compile("&([A-Za-z0-9_]+);")


class _NotPlain(Exception):
    """The document is not of the plain shape: feedparser reads it."""


def read_plain_rss(body: bytes, content_type: str = "") -> Any | None:
    """feedparser's result (``version``, ``feed``, ``entries``) for a plain RSS 2.0 document, or None."""
    if not _utf8(body, content_type) or _DTD.search(body) or b"<rss" not in body[:4096] or _odd_namespaces(body):
        return None
    try:
        root = ElementTree.fromstring(body)
        if root.tag != "rss" or root.get("version") != "2.0" or len(root) != 1 or root[0].tag != "channel":
            return None
        _check_attributes(root)
        feed, entries = _channel(root[0])
    except (ElementTree.ParseError, _NotPlain):
        return None
    except Exception:  # noqa: BLE001 - whatever else trips here, feedparser reads the document (under its own guard)
        return None
    return FeedParserDict(bozo=False, version="rss20", encoding="utf-8", feed=feed, entries=entries)


def _utf8(body: bytes, content_type: str) -> bool:
    """UTF-8 by the HTTP header and the XML declaration, as feedparser decides it (RFC 3023), and valid."""
    media = content_type.split(";")[0].strip().lower()
    charset = _CHARSET.search(content_type)
    if charset is not None:
        if charset.group(1).lower() not in ("utf-8", "utf8"):
            return False
    elif media and not media.startswith("application/"):
        return False  # text/* without a charset means US-ASCII to feedparser
    declared = _DECLARED.match(body)
    if declared is not None and declared.group(1).lower() != b"utf-8":
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _odd_namespaces(body: bytes) -> bool:
    return any(not _PLAIN_NAME.fullmatch(double or single) for double, single in _NAMESPACES.findall(body))


def _check_attributes(element: ElementTree.Element) -> None:
    if element.attrib and not set(element.attrib) <= _ATTRIBUTES.get(element.tag, set()):
        raise _NotPlain(element.tag)


def _text(element: ElementTree.Element) -> str:
    """The element's text: it must hold no element of its own."""
    if element.attrib:
        _check_attributes(element)
    if len(element):
        raise _NotPlain(element.tag)
    return element.text or ""


def _value(text: str, uri: bool = False) -> str:
    """What feedparser's ``pop()`` makes of an element's text (no sanitising, no URI resolving in HTML)."""
    output = text.strip()
    if uri and ":///" in output:  # joined with no base, only extra slashes after "scheme://" change
        output = _urljoin("", output)
    try:  # UTF-8 that was read as Latin-1 somewhere on the way ("CafÃ©")
        output = output.encode("iso-8859-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        pass
    return output.translate(_cp1252)


def _channel(channel: ElementTree.Element) -> tuple[FeedParserDict, list[dict[str, Any]]]:
    _check_attributes(channel)
    feed = FeedParserDict()
    entries: list[dict[str, Any]] = []
    for child in channel:
        if child.tag == "item":
            entries.append(_item(child))
        elif child.tag in _CHANNEL_FIELDS:
            if child.tag in feed:
                raise _NotPlain(child.tag)
            feed[child.tag] = _value(_text(child))
            if child.tag == "title":
                feed["title_detail"] = FeedParserDict(type="text/plain", language=None, base="")
        elif child.tag in _CHANNEL_OTHERS:
            _text(child)
        else:
            raise _NotPlain(child.tag)
    return feed, entries


def _item(item: ElementTree.Element) -> dict[str, Any]:
    _check_attributes(item)
    entry: dict[str, Any] = {}
    guid_is_link = False
    for child in item:
        key = _ITEM_FIELDS.get(child.tag)
        if key is None:
            if child.tag not in _ITEM_OTHERS:
                raise _NotPlain(child.tag)
            _text(child)
            continue
        if key in entry:  # feedparser's rules for a second title, summary or date are its own
            raise _NotPlain(child.tag)
        text = _text(child)
        if key == "id":
            guid_is_link = child.get("isPermaLink", "true") == "true"
            entry["id"] = _value(text, uri=guid_is_link)
        elif key == "link":
            value = _value(text, uri=True).replace("&amp;", "&")
            entry["link"] = _ENTITY_IN_LINK.sub(r"&\g<1>", value)
        elif key == "content":
            entry["content"] = [{"type": "text/html", "language": None, "base": "", "value": _value(text)}]
        elif key == "published":
            entry["published"] = _value(text)
            entry["published_parsed"] = _parse_date(entry["published"])
        else:
            entry[key] = _value(text)
            if key in ("title", "summary"):
                entry[key + "_detail"] = {"language": None, "base": ""}
    if "content" in entry and "summary_detail" not in entry:
        entry["summary"] = entry["content"][0]["value"]  # feedparser copies HTML content to a missing summary
    if guid_is_link and "link" not in entry:
        entry["link"] = entry["id"]  # a permalink guid is the link when the item has none
    return entry
