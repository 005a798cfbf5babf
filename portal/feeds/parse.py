"""Turn a fetched feed into plain dataclasses: RSS 2.0, Atom, RSS 1.0 (with the ``ev:`` event module) and iCalendar.

XML goes through feedparser, which decodes Big5/GB2312/UTF-8 from the XML
declaration or the HTTP ``Content-Type`` and exposes the RSS 1.0 event module
as ``ev_startdate``, ``ev_enddate``, ``ev_location``, ``ev_organizer``.
iCalendar goes through ``icalendar``; recurring events are expanded with
``recurring-ical-events`` over a window, honouring EXDATE and RECURRENCE-ID
overrides (moved or cancelled occurrences).

Everything that leaves this module is safe to store: HTML has been cleaned by
:func:`portal.markdown.sanitise_html`, titles and places are plain text. Some
feeds escape their HTML twice (a reader would see ``<p>``); such a summary is
decoded once more before it is cleaned.
"""

from __future__ import annotations

import html
import io
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import feedparser
import nh3

from ..markdown import sanitise_html

HK = ZoneInfo("Asia/Hong_Kong")
WINDOW_BEFORE = timedelta(days=30)
WINDOW_AFTER = timedelta(days=365)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# feedparser flags these as "bozo" but the feed is fine.
BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


class ParseError(Exception):
    """The body is not a feed we can read; ``kind`` is "not-a-feed" or "encoding"."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class FeedItem:
    """One news item or one event (one occurrence of a recurring event)."""

    guid: str  # unique within the feed; per occurrence for recurring events
    title: str  # plain text
    summary: str = ""  # sanitised HTML
    link: str = ""
    lang: str = ""  # "en" | "zh-hk" | "" (from xml:lang / LANGUAGE)
    starts: datetime | None = None  # UTC; None -> news item
    ends: datetime | None = None
    all_day: bool = False
    offset_minutes: int = 480
    location: str = ""
    organizer: str = ""
    status: str = "scheduled"
    published: datetime | None = None

    @property
    def is_event(self) -> bool:
        return self.starts is not None


@dataclass
class ParsedFeed:
    format: str  # rss | atom | rdf | ics
    title: str = ""
    lang: str = ""
    items: list[FeedItem] = field(default_factory=list)

    @property
    def events(self) -> list[FeedItem]:
        return [item for item in self.items if item.is_event]

    @property
    def news(self) -> list[FeedItem]:
        return [item for item in self.items if not item.is_event]


# --- helpers ---------------------------------------------------------------------------


def plain_text(value: Any) -> str:
    """Markup-free text (tags dropped, entities decoded); the templates escape it again."""
    text = html.unescape(nh3.clean(str(value or ""), tags=set()))
    return re.sub(r"\s+", " ", text).strip()


# "&lt;p&gt;" in HTML that has no tag of its own: the feed escaped its HTML twice.
_TAG = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!--)")
_ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*?)?/?&gt;")
# HTML as calendars (Google's among them) write it into a DESCRIPTION that should be plain text.
_ICS_HTML = re.compile(r"</?(?:p|br|b|i|u|a|em|strong|ul|ol|li|div|span)\b[^<>]*>", re.IGNORECASE)


def summary_html(value: str) -> str:
    """A feed's summary as clean HTML, whether the feed sent HTML or HTML escaped twice."""
    value = str(value or "")
    if not _TAG.search(value) and _ESCAPED_TAG.search(value):
        value = html.unescape(value)
    return sanitise_html(value)


def normalise_lang(value: str | None) -> str:
    value = (value or "").strip().lower().replace("_", "-")
    if value.startswith("zh"):
        return "zh-hk"
    if value.startswith("en"):
        return "en"
    return ""


def detect_lang(*texts: str) -> str:
    """'zh-hk' when the text has Chinese characters, else 'en'."""
    return "zh-hk" if any(CJK.search(text or "") for text in texts) else "en"


def _safe_url(value: Any) -> str:
    url = str(value or "").strip()
    return url if re.match(r"^https?://", url, re.IGNORECASE) else ""


def _to_utc(value: date | datetime) -> tuple[datetime, bool, int]:
    """(UTC datetime, all_day, offset in minutes as written); floating times are Hong Kong time."""
    if not isinstance(value, datetime):
        local = datetime.combine(value, time(0), HK)
        return local.astimezone(UTC), True, 480
    if value.tzinfo is None:
        value = value.replace(tzinfo=HK)
    offset = value.utcoffset()
    return value.astimezone(UTC), False, int(offset.total_seconds() // 60) if offset is not None else 480


def parse_iso(value: str) -> tuple[datetime, bool, int] | None:
    """An ISO 8601 date or date-time (as in ev:startdate) -> (UTC, all_day, offset); None when unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return _to_utc(date.fromisoformat(value))
        return _to_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


# --- entry point -----------------------------------------------------------------------


def looks_like_ics(body: bytes, content_type: str = "", format_hint: str = "") -> bool:
    if format_hint == "ics":
        return True
    if format_hint in ("rss", "atom", "rdf"):
        return False
    if "text/calendar" in content_type.lower():
        return True
    return body.lstrip(b"\xef\xbb\xbf \t\r\n")[:15].upper() == b"BEGIN:VCALENDAR"


def parse_feed(body: bytes, content_type: str = "", format_hint: str = "", now: datetime | None = None) -> ParsedFeed:
    """Parse a feed body; raise ParseError when it is not a readable feed."""
    if not body.strip():
        raise ParseError("not-a-feed", "The address returned an empty page, not a feed.")
    if looks_like_ics(body, content_type, format_hint):
        return parse_ics(body, content_type, now=now)
    return parse_xml(body, content_type)


# --- RSS / Atom / RDF ------------------------------------------------------------------


def parse_xml(body: bytes, content_type: str = "") -> ParsedFeed:
    headers = {"content-type": content_type} if content_type else {}
    # A stream, never bytes/str: feedparser would treat a body like b"/etc/passwd" as a file name to open.
    stream = io.BytesIO(body)
    parsed = feedparser.parse(stream, response_headers=headers, sanitize_html=True, resolve_relative_uris=True)
    if parsed.bozo and not isinstance(parsed.bozo_exception, BENIGN_BOZO):
        raise _bozo_error(parsed.bozo_exception)
    if _guessed_western(parsed, body):
        raise ParseError(
            "encoding",
            f"The feed's text does not match its declared encoding ({parsed.bozo_exception}). "
            "Publish it as UTF-8, or declare the encoding it really uses (for example Big5).",
        )
    version = parsed.get("version") or ""
    if not version:
        raise ParseError("not-a-feed", "This is not an RSS, Atom or iCalendar feed (it may be a web page).")
    feed_format = "atom" if version.startswith("atom") else "rdf" if version == "rss10" else "rss"
    feed_lang = normalise_lang(parsed.feed.get("language") or (parsed.feed.get("title_detail") or {}).get("language"))
    result = ParsedFeed(format=feed_format, title=plain_text(parsed.feed.get("title")), lang=feed_lang)
    seen: set[str] = set()
    for entry in parsed.entries:
        item = _xml_item(entry, feed_lang)
        if item is not None and item.guid not in seen:
            seen.add(item.guid)
            result.items.append(item)
    return result


def _guessed_western(parsed: Any, body: bytes) -> bool:
    """feedparser fell back to a Western encoding for non-ASCII bytes: Chinese text would be garbled."""
    if not isinstance(parsed.get("bozo_exception"), feedparser.CharacterEncodingOverride):
        return False
    fallback = (parsed.get("encoding") or "").lower() in ("windows-1252", "iso-8859-1", "cp1252", "latin-1")
    return fallback and any(byte > 0x7F for byte in body)


def _bozo_error(exc: BaseException) -> ParseError:
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return ParseError("encoding", "The feed's character encoding is not one we know; please publish it as UTF-8.")
    if isinstance(exc, UnicodeError):
        return ParseError("encoding", "The feed's text does not match its declared encoding; please publish UTF-8.")
    where = ""
    if hasattr(exc, "getLineNumber"):
        where = f" (line {exc.getLineNumber()}, column {exc.getColumnNumber()})"
    reason = getattr(exc, "getMessage", lambda: str(exc))()
    return ParseError("not-a-feed", f"The feed is not valid XML{where}: {reason}. Events already listed stay online.")


def _xml_item(entry: Any, feed_lang: str) -> FeedItem | None:
    title = plain_text(entry.get("title"))
    link = _safe_url(entry.get("link"))
    guid = str(entry.get("id") or link or "").strip()
    if not guid and title:
        guid = "title:" + title
    if not guid:
        return None
    summary = ""
    if entry.get("content"):
        summary = entry["content"][0].get("value", "")
    summary = summary_html(summary or entry.get("summary") or "")
    lang = normalise_lang((entry.get("title_detail") or {}).get("language")) or feed_lang
    item = FeedItem(guid=guid[:400], title=title, summary=summary, link=link, lang=lang)
    published = entry.get("published_parsed") or entry.get("updated_parsed")
    if published:
        item.published = datetime(*published[:6], tzinfo=UTC)
    start = parse_iso(entry.get("ev_startdate", ""))
    if start is not None:
        item.starts, item.all_day, item.offset_minutes = start
        end = parse_iso(entry.get("ev_enddate", ""))
        if end is not None and end[0] >= item.starts:
            item.ends = end[0]
        item.location = plain_text(entry.get("ev_location"))
        item.organizer = plain_text(entry.get("ev_organizer"))
    return item


# --- iCalendar -------------------------------------------------------------------------


def _charset(content_type: str) -> str:
    match = re.search(r"charset=([\w-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def parse_ics(body: bytes, content_type: str = "", now: datetime | None = None) -> ParsedFeed:
    import icalendar
    import recurring_ical_events

    try:
        text = body.decode(_charset(content_type))
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError("encoding", "The calendar is not valid UTF-8 text; please publish it as UTF-8.") from exc
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError and friends
        raise ParseError("not-a-feed", f"This is not a valid iCalendar file ({exc}).") from exc
    now = now or datetime.now(UTC)
    result = ParsedFeed(format="ics", title=plain_text(calendar.get("X-WR-CALNAME")))
    try:
        occurrences = recurring_ical_events.of(calendar).between(now - WINDOW_BEFORE, now + WINDOW_AFTER)
    except Exception as exc:  # noqa: BLE001 - a broken RRULE and the like
        raise ParseError("not-a-feed", f"The calendar's events could not be read ({exc}).") from exc
    recurring = {
        str(event.get("UID"))
        for event in calendar.walk("VEVENT")
        if any(event.get(name) is not None for name in ("RRULE", "RDATE", "RECURRENCE-ID"))
    }
    seen: set[str] = set()
    for component in occurrences:
        item = _ics_item(component, recurring)
        if item is not None and item.guid not in seen:
            seen.add(item.guid)
            result.items.append(item)
    result.items.sort(key=lambda item: (item.starts or now, item.guid))
    return result


def _ics_text(component: Any, name: str) -> str:
    value = component.get(name)
    return plain_text(value) if value is not None else ""


def _ics_item(component: Any, recurring: set[str]) -> FeedItem | None:
    """One event or one occurrence; occurrences of a recurring UID are keyed by their original start."""
    uid = str(component.get("UID") or "").strip()
    dtstart = component.get("DTSTART")
    if not uid or dtstart is None:
        return None
    starts, all_day, offset = _to_utc(dtstart.dt)
    recurrence = component.get("RECURRENCE-ID")
    guid = uid
    if uid in recurring and recurrence is not None:
        guid = f"{uid}:{_to_utc(recurrence.dt)[0].strftime('%Y-%m-%dT%H:%M:%SZ')}"
    ends = None
    if component.get("DTEND") is not None:
        ends = _to_utc(component["DTEND"].dt)[0]
    elif component.get("DURATION") is not None:
        ends = starts + component["DURATION"].dt
    description = _ics_text_keep_lines(component.get("DESCRIPTION"))
    organizer = component.get("ORGANIZER")
    status = str(component.get("STATUS") or "").upper()
    title = _ics_text(component, "SUMMARY")
    lang = normalise_lang(getattr(component.get("SUMMARY"), "params", {}).get("LANGUAGE"))
    return FeedItem(
        guid=guid[:400],
        title=title,
        summary=description,
        link=_safe_url(component.get("URL")),
        lang=lang,
        starts=starts,
        ends=ends if ends is not None and ends >= starts else None,
        all_day=all_day,
        offset_minutes=offset,
        location=_ics_text(component, "LOCATION"),
        organizer=plain_text(organizer.params.get("CN", "")) if organizer is not None else "",
        status="cancelled" if status == "CANCELLED" else "scheduled",
    )


def _ics_text_keep_lines(value: Any) -> str:
    """iCalendar DESCRIPTION is plain text: escape it and keep its paragraphs (some calendars write
    HTML there instead: that is cleaned, not shown as tags)."""
    if value is None:
        return ""
    if _ICS_HTML.search(str(value)):
        return summary_html(str(value))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return sanitise_html("".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs))
