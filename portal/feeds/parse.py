"""Turn a fetched feed into plain dataclasses: RSS 2.0, Atom, RSS 1.0 (with the ``ev:`` event module) and iCalendar;
the types and helpers every format shares. ``formats.parse_feed`` detects the format and calls its reader:
these two, schema.org Event JSON-LD in a web page (``jsonld.py``), a CSV spreadsheet (``sheet.py``) and
JSON Feed 1.1 (``jsonfeed.py``), each of which builds on this module (never the other way round).

XML goes through feedparser, which decodes Big5/GB2312/UTF-8 from the XML
declaration or the HTTP ``Content-Type`` and exposes the RSS 1.0 event module
as ``ev_startdate``, ``ev_enddate``, ``ev_location``, ``ev_organizer``; plain
RSS 2.0 in UTF-8 is read by ``plainrss.py`` instead, which gives feedparser's
result for it several times faster.
iCalendar goes through ``icalendar``; recurring events are expanded with
``recurring-ical-events`` over a window, honouring EXDATE and RECURRENCE-ID
overrides (moved or cancelled occurrences).

The work per feed is bounded and one bad item never refuses the feed (see
:class:`ParseLimits`): each event is expanded on its own, lazily and only inside
the window, up to a number of dates per event and of items per feed; the clock is
checked as it goes; an item that cannot be read is skipped and named in
:attr:`ParsedFeed.notes`, which the partner's feed-health section shows.

Everything that leaves this module is safe to store: HTML has been cleaned by
:func:`portal.markdown.sanitise_html`, titles and places are plain text. Some
feeds escape their HTML twice (a reader would see ``<p>``); such a summary is
decoded once more before it is cleaned.
"""

from __future__ import annotations

import html
import html.entities
import io
import re
import time as clock
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import nh3

from ..markdown import sanitise_html
from .plainrss import read_plain_rss

HK = ZoneInfo("Asia/Hong_Kong")
WINDOW_BEFORE = timedelta(days=30)
WINDOW_AFTER = timedelta(days=365)
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
# feedparser flags these as "bozo" but the feed is fine.
BENIGN_BOZO = (feedparser.CharacterEncodingOverride, feedparser.NonXMLContentType)


# Rebasing a plain repeat rule moves its start by whole steps (see _rebase).
_SUB_DAILY = {"SECONDLY": timedelta(seconds=1), "MINUTELY": timedelta(minutes=1), "HOURLY": timedelta(hours=1)}
# Properties whose damage makes an event unreadable (others, such as a bad GEO, are ignored).
_VITAL = {"DTSTART", "DTEND", "DURATION", "RRULE", "RDATE", "EXDATE", "RECURRENCE-ID"}


class ParseError(Exception):
    """The body is not a feed we can read; ``kind`` is "not-a-feed" or "encoding"."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


class OutOfTime(ParseError):
    """The refresh's total deadline passed while the feed was being read."""

    def __init__(self) -> None:
        super().__init__(
            "out-of-time",
            "The refresh ran out of time while reading this feed (it has too many items or dates); "
            "the events already listed stay.",
        )


@dataclass(frozen=True)
class ParseLimits:
    """How much one feed may cost: dates per recurring event, items per feed, and a deadline.

    ``not_after`` is a ``time.monotonic()`` value (the refresh's total deadline) or None.
    """

    max_occurrences: int = 200
    max_items: int = 2000
    not_after: float | None = None

    def check(self) -> None:
        if self.not_after is not None and clock.monotonic() >= self.not_after:
            raise OutOfTime()


@dataclass
class FeedNote:
    """Something the partner should know about the last read of its feed (shown on the health page).

    ``kind``: occurrences-capped (``number`` = the cap, ``detail`` = the rule's FREQ), items-capped
    (``number`` = the cap), item-skipped (``detail`` = reason code: bad-date, bad-rule, no-start,
    too-dense or broken; ``extra`` = technical detail; the store keeps 50 and counts the rest in a
    more-skipped note),
    rscale (``detail`` = the calendar scale), unnamed (``number`` = entries dropped), xml-warning
    (``extra`` = the parser's message), empty (``since``, ``until``, ``number`` = events kept).
    """

    kind: str
    position: int = 0  # 1-based position of the item in the feed; 0 when it is about the whole feed
    uid: str = ""
    title: str = ""
    detail: str = ""
    extra: str = ""
    number: int = 0
    since: datetime | None = None
    until: datetime | None = None


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
    # Further Event columns a format knows (address_en/zh, online_url, registration_url, fee, is_free,
    # languages, district, and for bilingual sources title_zh, venue_zh...): stored as they are.
    event_fields: dict[str, Any] = field(default_factory=dict)

    @property
    def is_event(self) -> bool:
        return self.starts is not None


@dataclass
class ParsedFeed:
    format: str  # rss | atom | rdf | ics | jsonld | csv | json
    title: str = ""
    lang: str = ""
    items: list[FeedItem] = field(default_factory=list)
    notes: list[FeedNote] = field(default_factory=list)

    @property
    def events(self) -> list[FeedItem]:
        return [item for item in self.items if item.is_event]

    @property
    def news(self) -> list[FeedItem]:
        return [item for item in self.items if not item.is_event]


# --- helpers ---------------------------------------------------------------------------


def plain_text(value: Any) -> str:
    """Markup-free text (tags dropped, entities decoded); the templates escape it again."""
    text = str(value or "")
    if _NH3_WOULD_CHANGE.search(text):  # most titles and places: nh3 would give them back as they are
        text = html.unescape(nh3.clean(text, tags=set()))
    return _SPACES.sub(" ", text).strip()


# What nh3 would change in text without tags: a tag or comment, an entity, a NUL, a carriage return, a leading
# BOM; and a lone surrogate (from a JSON escape), which nh3 refuses.
_NH3_WOULD_CHANGE = re.compile(r"[<&\x00\r\ufeff\ud800-\udfff]")
_SPACES = re.compile(r"\s+")


# "&lt;p&gt;" in HTML that has no tag of its own: the feed escaped its HTML twice.
_TAG = re.compile(r"<(?:[A-Za-z]|/[A-Za-z]|!--)")
_ESCAPED_TAG = re.compile(r"&lt;/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*?)?/?&gt;")
# HTML as calendars (Google's among them) write it into a DESCRIPTION that should be plain text.
_ICS_HTML = re.compile(r"</?(?:p|br|b|i|u|a|em|strong|ul|ol|li|div|span)\b[^<>]*>", re.IGNORECASE)


def summary_html(value: str, base: str = "") -> str:
    """A feed's summary as clean HTML, whether the feed sent HTML or HTML escaped twice.

    Relative links and images are made absolute against ``base`` (an http(s) address: the
    item's ``xml:base`` or its link), so they never point into this site.
    """
    value = str(value or "")
    if not _TAG.search(value) and _ESCAPED_TAG.search(value):
        value = html.unescape(value)
    return sanitise_html(value, styles=False, attribute_filter=_absolute_links(base) if base else None)


_URL_ATTRIBUTES = frozenset({"href", "src", "cite"})


def _absolute_links(base: str) -> Callable[[str, str, str], str]:
    """An nh3 attribute filter resolving relative URLs against ``base``; other values pass unchanged
    (nh3 still checks every URL's scheme afterwards)."""

    def resolve(_tag: str, attribute: str, value: str) -> str:
        if attribute not in _URL_ATTRIBUTES or not value or urlsplit(value.strip()).scheme:
            return value
        return urljoin(base, value.strip())

    return resolve


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


# --- RSS / Atom / RDF ------------------------------------------------------------------


def parse_xml(body: bytes, content_type: str = "", limits: ParseLimits | None = None) -> ParsedFeed:
    """Entries one by one; XML errors are tolerated (and noted) when feedparser still found entries."""
    limits = limits or ParseLimits()
    headers = {"content-type": content_type} if content_type else {}
    parsed = read_plain_rss(body, content_type)  # the common shape, read as feedparser would, 5-10x faster
    if parsed is None:
        parsed = _feedparser(body, headers)
    limits.check()
    warning = ""
    if parsed.bozo and not isinstance(parsed.bozo_exception, BENIGN_BOZO):
        error = _bozo_error(parsed.bozo_exception)
        if error.kind != "not-a-feed":
            raise error
        repaired = _feedparser(_repair_entities(body), headers) if b"&" in body and b"\x00" not in body else None
        if repaired is not None and (not repaired.bozo or isinstance(repaired.bozo_exception, BENIGN_BOZO)):
            parsed = repaired  # only bare "&" and HTML entities were wrong: read as the author meant
        elif not parsed.get("version") or not any(map(_named, parsed.entries)):
            raise error
        warning = error.message.removesuffix(" Events already listed stay online.")
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
    if warning:
        result.notes.append(FeedNote(kind="xml-warning", extra=warning))
    collect_items(
        result,
        parsed.entries,
        lambda entry: _xml_item(entry, feed_lang),
        lambda entry: (str(entry.get("id") or ""), plain_text(entry.get("title"))),
        limits,
    )
    return result


def _feedparser(body: bytes, headers: dict[str, str]) -> Any:
    """feedparser's reading of the body; what feedparser itself trips over becomes a ParseError.

    Found by ``make fuzz``: a character reference to a surrogate (``&#xD800;``) or to no character makes
    feedparser raise UnicodeEncodeError, so such references are read as U+FFFD (as browsers do) first;
    a broken encoding name in the XML declaration and odd element names raise from inside feedparser.
    """
    body = _CHAR_REF.sub(_valid_char_ref, body) if b"&#" in body else body
    try:
        # A stream, never bytes/str: feedparser would treat a body like b"/etc/passwd" as a file name to open.
        stream = io.BytesIO(body)
        # No sanitising or URL resolving by feedparser (a quarter of its time): every HTML value is cleaned
        # with nh3 in summary_html(), which also resolves relative links, and every other value is made
        # plain text; feedparser's sgmllib passes would only be redone there.
        return feedparser.parse(stream, response_headers=headers, sanitize_html=False, resolve_relative_uris=False)
    except UnicodeError as exc:
        raise ParseError("encoding", "The feed's text or its XML declaration is not in a readable encoding; "
                         "please publish it as UTF-8.") from exc  # fmt: skip
    except Exception as exc:  # noqa: BLE001 - feedparser's own parsers raise ValueError, KeyError and friends
        raise ParseError("not-a-feed", f"The feed could not be read as XML ({exc.__class__.__name__}).") from exc


_CHAR_REF = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def _valid_char_ref(match: re.Match[bytes]) -> bytes:
    hex_digits, decimal = match.groups()
    code = int(hex_digits, 16) if hex_digits else int(decimal)
    usable = 0 < code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF
    return match.group(0) if usable else b"&#xFFFD;"


_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}
_AMPERSAND = re.compile(rb"&(?:([A-Za-z][A-Za-z0-9]{0,31});|(#[0-9]{1,7};|#x[0-9A-Fa-f]{1,6};))?")


def _repair_entities(body: bytes) -> bytes:
    """Bare "&" as "&amp;", HTML entities XML does not know (&nbsp;) as character references.

    Only for ASCII-compatible encodings (UTF-8, Big5, GB2312 never use the byte "&" inside a character);
    feedparser's own fallback would read "&lang=en" in a link as the entity "&lang;".
    """

    def fix(match: re.Match[bytes]) -> bytes:
        name, reference = match.group(1), match.group(2)
        if reference or name in _XML_ENTITIES:
            return match.group(0)
        if name is not None and name.decode() in html.entities.name2codepoint:
            return b"&#%d;" % html.entities.name2codepoint[name.decode()]
        return b"&amp;" + match.group(0)[1:]

    return _AMPERSAND.sub(fix, body)


def _named(entry: Any) -> bool:
    """An entry we can use: it has an id, a link or a title."""
    return bool(entry.get("id") or entry.get("link") or plain_text(entry.get("title")))


class SkippedItem(Exception):
    """Raised by a format's item reader for an entry it will not load, saying why (a note names it)."""

    def __init__(self, uid: str, title: str, reason: str, detail: str):
        super().__init__(detail)
        self.uid, self.title, self.reason, self.detail = uid, title, reason, detail


def collect_items(
    result: ParsedFeed,
    entries: Iterable[Any],
    to_item: Callable[[Any], FeedItem | None],
    name_of: Callable[[Any], tuple[str, str]],
    limits: ParseLimits,
) -> None:
    """Entries one by one into ``result``, the same way for every format.

    The deadline is checked before each entry; past ``limits.max_items`` the rest are cut with a note;
    an entry whose reader raises is skipped and named (``name_of`` gives its uid and title, read
    defensively); an entry with no id, link or title (``to_item`` gives None) is counted; a guid seen
    before is dropped.
    """
    seen: set[str] = set()
    unnamed = 0
    for position, entry in enumerate(entries, start=1):
        limits.check()
        if len(result.items) >= limits.max_items:
            result.notes.append(FeedNote(kind="items-capped", number=limits.max_items))
            break
        try:
            item = to_item(entry)
        except SkippedItem as skip:
            result.notes.append(_skipped(position, skip.uid, skip.title, skip.reason, skip.detail))
            continue
        except Exception as exc:  # noqa: BLE001 - one odd entry must not refuse the feed
            uid = _quiet(lambda entry=entry: name_of(entry)[0])
            title = _quiet(lambda entry=entry: name_of(entry)[1])
            result.notes.append(_skipped(position, uid, title, "broken", exc))
            continue
        if item is None:
            unnamed += 1
        elif item.guid not in seen:
            seen.add(item.guid)
            result.items.append(item)
    if unnamed:
        result.notes.append(FeedNote(kind="unnamed", number=unnamed))


def _quiet(read: Any) -> str:
    try:
        return str(read())[:400]
    except Exception:  # noqa: BLE001 - only for naming a broken item
        return ""


def _skipped(position: int, uid: str, title: str, reason: str, exc: BaseException | str) -> FeedNote:
    return FeedNote(
        kind="item-skipped", position=position, uid=uid[:400], title=title[:500], detail=reason, extra=str(exc)[:500]
    )


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
    summary, base = "", ""
    if entry.get("content"):
        summary, base = entry["content"][0].get("value", ""), entry["content"][0].get("base", "")
    if not summary:
        summary, base = entry.get("summary") or "", (entry.get("summary_detail") or {}).get("base", "")
    summary = summary_html(summary, _safe_url(base) or link)
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


def parse_ics(
    body: bytes, content_type: str = "", now: datetime | None = None, limits: ParseLimits | None = None
) -> ParsedFeed:
    """Every VCALENDAR in the file; each event (a UID with its overrides) read and expanded on its own."""
    import icalendar

    limits = limits or ParseLimits()
    try:
        text = body.decode(_charset(content_type)).lstrip("\ufeff")
    except (UnicodeDecodeError, LookupError) as exc:
        raise ParseError("encoding", "The calendar is not valid UTF-8 text; please publish it as UTF-8.") from exc
    try:
        calendars = icalendar.Calendar.from_ical(text, multiple=True)
    except Exception as exc:  # noqa: BLE001 - icalendar raises ValueError and friends
        raise ParseError("not-a-feed", f"This is not a valid iCalendar file ({exc}).") from exc
    if not calendars:
        raise ParseError("not-a-feed", "This is not a valid iCalendar file (no VCALENDAR in it).")
    now = now or datetime.now(UTC)
    window = (now - WINDOW_BEFORE, now + WINDOW_AFTER)
    result = ParsedFeed(format="ics", title=plain_text(calendars[0].get("X-WR-CALNAME")))
    position = total = 0
    for calendar in calendars:
        for group in _events_by_uid(calendar):
            limits.check()
            position += 1
            # Once the feed holds max_items dates, later events only matter before the last of them.
            horizon = window if len(result.items) < limits.max_items else (window[0], result.items[-1].starts)
            items = _group_items(calendar, group, position, horizon, limits, result.notes)
            total += len(items)
            if items:
                result.items = _earliest(result.items + items, limits.max_items, now)
    if total > limits.max_items:
        result.notes.append(FeedNote(kind="items-capped", number=limits.max_items))
    return result


def _earliest(items: list[FeedItem], count: int, now: datetime) -> list[FeedItem]:
    """The first ``count`` items in time order, without duplicate guids."""
    seen: set[str] = set()
    unique = []
    for item in sorted(items, key=lambda item: (item.starts or now, item.guid)):
        if item.guid not in seen:
            seen.add(item.guid)
            unique.append(item)
    return unique[:count]


def _events_by_uid(calendar: Any) -> list[list[Any]]:
    """The calendar's VEVENTs grouped by UID (a repeating event and its moved or cancelled dates)."""
    groups: dict[str, list[Any]] = {}
    for index, event in enumerate(calendar.walk("VEVENT")):
        uid = str(event.get("UID") or "").strip() or f"#{index}"
        groups.setdefault(uid, []).append(event)
    return list(groups.values())


def _group_items(
    calendar: Any,
    group: list[Any],
    position: int,
    window: tuple[datetime, datetime],
    limits: ParseLimits,
    notes: list[FeedNote],
) -> list[FeedItem]:
    """One event's items; a broken or unexpandable event is skipped with a note, never raised."""
    master = next((event for event in group if event.get("RECURRENCE-ID") is None), group[0])
    uid = str(master.get("UID") or "").strip()
    title = _quiet(lambda: _ics_text(master, "SUMMARY"))
    broken = [f"{name}: {message}" for event in group for name, message in event.errors if name in _VITAL]
    if broken:
        return _skip(notes, position, uid, title, "bad-date" if "RRULE" not in broken[0] else "bad-rule", broken[0])
    if not uid or master.get("DTSTART") is None:
        return _skip(notes, position, uid, title, "no-start", "no UID or DTSTART")
    rules = _rules(master)
    for rule in rules:
        scale = str((rule.get("RSCALE") or [""])[0]).upper()
        if scale and scale != "GREGORIAN":
            notes.append(FeedNote(kind="rscale", position=position, uid=uid[:400], title=title, detail=scale[:30]))
            return []
        rule.pop("RSCALE", None)
    try:
        if not rules and master.get("RDATE") is None and len(group) == 1:
            item = _ics_item(master, set())
            in_window = item is not None and (item.ends or item.starts) >= window[0] and item.starts <= window[1]
            return [item] if in_window else []
        return _expand(calendar, group, master, uid, title, position, window, limits, notes)
    except OutOfTime:
        raise
    except TooDense as exc:
        return _skip(notes, position, uid, title, "too-dense", exc)
    except Exception as exc:  # noqa: BLE001 - a date or rule that cannot be expanded
        return _skip(notes, position, uid, title, "bad-rule" if rules else "bad-date", exc)


def _rules(component: Any) -> list[Any]:
    rules = component.get("RRULE")
    return rules if isinstance(rules, list) else [rules] if rules is not None else []


def _skip(notes: list[FeedNote], position: int, uid: str, title: str, reason: str, exc: object) -> list[FeedItem]:
    notes.append(_skipped(position, uid, title, reason, str(exc)))
    return []


class TooDense(Exception):
    """A rule with so many dates before the window that working out where it stands costs too much."""


# Dates of one rule walked through before the window starts, at most (a rule finer than a day with
# COUNT and BY... parts, started long ago: the only kind _rebase cannot move forward).
SKIP_BUDGET = 100_000


def _expand(
    calendar: Any,
    group: list[Any],
    master: Any,
    uid: str,
    title: str,
    position: int,
    window: tuple[datetime, datetime],
    limits: ParseLimits,
    notes: list[FeedNote],
) -> list[FeedItem]:
    """The event's first ``max_occurrences`` dates inside the window, in time order.

    recurring-ical-events works out the occurrences (EXDATE, RDATE, moved and cancelled dates) but
    builds a list of everything between two times; so the rule's dates are first walked lazily
    with dateutil, only as far as the (max_occurrences + 1)-th, and the library is asked for that
    span alone. A rule repeating every second thus costs a few hundred dates, not 34 million.
    """
    import icalendar
    import recurring_ical_events

    if not _rebase(master, window[0]):
        return []  # a COUNT that ran out before the window
    span_end, capped = _span_end(master, window, limits)
    single = icalendar.Calendar()
    for timezone in calendar.walk("VTIMEZONE"):
        single.add_component(timezone)
    for event in group:
        single.add_component(event)
    limits.check()
    components = recurring_ical_events.of(single).between(window[0], span_end)
    items: dict[str, FeedItem] = {}
    for component in components:
        item = _ics_item(component, {uid})
        if item is not None:
            items.setdefault(item.guid, item)
    ordered = sorted(items.values(), key=lambda item: (item.starts, item.guid))
    if capped or len(ordered) > limits.max_occurrences:
        rule = next(iter(_rules(master)), None)
        freq = str((rule.get("FREQ") or [""])[0]).upper() if rule is not None else ""
        notes.append(
            FeedNote(
                kind="occurrences-capped",
                position=position,
                uid=uid[:400],
                title=title,
                detail=freq,
                number=limits.max_occurrences,
            )
        )
    return ordered[: limits.max_occurrences]


def _span_end(master: Any, window: tuple[datetime, datetime], limits: ParseLimits) -> tuple[datetime, bool]:
    """Where the event's (max_occurrences + 1)-th date in the window is (or the window's end), and
    whether the rule has more dates in the window than that; the clock is checked as it goes."""
    from dateutil.rrule import rruleset, rrulestr

    start = master["DTSTART"].dt
    zone = start.tzinfo if isinstance(start, datetime) and start.tzinfo is not None else HK
    local = _naive(start, zone)
    dates = rruleset()
    for rule in _rules(master):
        parts = {key: value for key, value in rule.items() if key != "UNTIL"}
        text = icalendar_recur(parts)
        until = rule.get("UNTIL")
        parsed = rrulestr(text, dtstart=local)
        if until:
            bound = until[0]
            bound = datetime.combine(bound, time(23, 59, 59)) if not isinstance(bound, datetime) else bound
            parsed = parsed.replace(until=_naive(bound, zone))
        dates.rrule(parsed)
    rdates = master.get("RDATE")
    for rdate in rdates if isinstance(rdates, list) else [rdates] if rdates is not None else []:
        for value in rdate.dts:
            moment = value.dt[0] if isinstance(value.dt, tuple) else value.dt
            dates.rdate(_naive(moment, zone))
    first, last = _naive(window[0], zone), _naive(window[1], zone)
    found = 0
    for walked, moment in enumerate(dates):
        if walked % 10_000 == 0:
            limits.check()
        if moment < first:
            if walked > SKIP_BUDGET:
                raise TooDense(f"more than {SKIP_BUDGET:,} dates before the window")
            continue
        if moment > last:
            break
        found += 1
        if found > limits.max_occurrences:
            return moment.replace(tzinfo=zone), True
    return window[1], False


def icalendar_recur(parts: dict[str, Any]) -> str:
    """An RRULE value as text (vRecur does the writing)."""
    import icalendar

    return icalendar.vRecur(parts).to_ical().decode()


def _naive(value: date | datetime, zone: Any) -> datetime:
    """Wall-clock time in the event's zone, without tzinfo (dateutil walks rules in wall-clock time)."""
    if not isinstance(value, datetime):
        return datetime.combine(value, time(0))
    if value.tzinfo is None:
        return value
    return value.astimezone(zone).replace(tzinfo=None)


_FIXED_STEPS = {**_SUB_DAILY, "DAILY": timedelta(days=1), "WEEKLY": timedelta(weeks=1)}
_FILTERS = ("BYSECOND", "BYMINUTE", "BYHOUR", "BYDAY", "BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYMONTH", "BYSETPOS")


def _rebase(master: Any, window_start: datetime) -> bool:
    """Move the start of a plain rule (a fixed step: every N seconds, minutes, hours, days or weeks,
    with no BY... parts) forward by whole steps to just before the window: the same dates, but
    neither dateutil nor the library walks every minute since the first one. COUNT is reduced by the
    steps skipped; False when it runs out before the window (the event has no date left to list)."""
    rules = master.get("RRULE")
    if rules is None or isinstance(rules, list) or any(rules.get(name) for name in _FILTERS):
        return True
    step = _FIXED_STEPS.get(str((rules.get("FREQ") or [""])[0]).upper())
    start = master["DTSTART"].dt
    if step is None or not isinstance(start, datetime) or master.get("RDATE") is not None:
        return True
    step *= int((rules.get("INTERVAL") or [1])[0])
    aware = start if start.tzinfo is not None else start.replace(tzinfo=HK)
    steps = (window_start - aware.astimezone(UTC)) // step - 1
    if steps <= 0:
        return True
    if rules.get("COUNT"):
        left = int(rules["COUNT"][0]) - steps
        if left <= 0:
            return False
        rules["COUNT"] = [left]
    shift = step * steps
    end = master.get("DTEND")
    master.pop("DTSTART")
    master.add("DTSTART", start + shift)
    if end is not None and isinstance(end.dt, datetime):
        master.pop("DTEND")
        master.add("DTEND", end.dt + shift)
    return True


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
    return _description_html(str(value))


@lru_cache(maxsize=256)  # every occurrence of a recurring event has the same description
def _description_html(value: str) -> str:
    if _ICS_HTML.search(str(value)):
        return summary_html(str(value))
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", str(value)) if p.strip()]
    return sanitise_html("".join(f"<p>{html.escape(p).replace(chr(10), '<br>')}</p>" for p in paragraphs), styles=False)
