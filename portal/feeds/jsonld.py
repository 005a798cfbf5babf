"""schema.org ``Event`` JSON-LD embedded in a web page (WordPress event plug-ins, Eventbrite pages).

extruct finds and decodes the ``<script type="application/ld+json">`` blocks (it copes with the
HTML comments and JavaScript-style comments such pages put in them); each block is read on its own,
so one block of broken JSON is noted and the others still load. Events are found at the top of a
block, in lists and in ``@graph``; any ``Event`` subtype counts (``SocialEvent``, ``EducationEvent``…).
A page with no Event in it is "not a feed", as any other web page.
"""

from __future__ import annotations

import re
from typing import Any

from .parse import (
    FeedItem,
    FeedNote,
    ParsedFeed,
    ParseError,
    ParseLimits,
    SkippedItem,
    _charset,
    _safe_url,
    collect_items,
    normalise_lang,
    parse_iso,
    plain_text,
    summary_html,
)

NOT_A_FEED = "This is not an RSS, Atom or iCalendar feed (it may be a web page)."
# schema.org's Event and every subtype of it (https://schema.org/Event, "More specific Types").
EVENT_TYPES = {
    "Event",
    "BusinessEvent",
    "ChildrensEvent",
    "ComedyEvent",
    "CourseInstance",
    "DanceEvent",
    "DeliveryEvent",
    "EducationEvent",
    "EventSeries",
    "ExhibitionEvent",
    "Festival",
    "FoodEvent",
    "Hackathon",
    "LiteraryEvent",
    "MusicEvent",
    "PublicationEvent",
    "SaleEvent",
    "ScreeningEvent",
    "SocialEvent",
    "SportsEvent",
    "TheaterEvent",
    "VisualArtsEvent",
}
STATUSES = {"EventCancelled": "cancelled", "EventPostponed": "postponed"}  # rescheduled: the new date is startDate
_HEAD = re.compile(rb"<!doctype html|<html[\s>]", re.IGNORECASE)
_FEED_ROOT = re.compile(rb"<(?:rss|feed|rdf:RDF)[\s>]")


def looks_like_html(body: bytes, content_type: str = "") -> bool:
    """A web page rather than an XML feed (a feed served as text/html is still a feed)."""
    head = body[:2048]
    if _FEED_ROOT.search(head):
        return False
    return bool(_HEAD.search(head)) or "text/html" in content_type.lower()


def _name(value: Any) -> str:
    """The last part of a schema.org term: "https://schema.org/EventCancelled" -> "EventCancelled"."""
    return re.split(r"[/#:]", str(value or "").strip())[-1]


def _types(node: dict) -> set[str]:
    value = node.get("@type")
    return {_name(kind) for kind in (value if isinstance(value, list) else [value]) if kind}


def _text(value: Any) -> str:
    """A text property that may be a string, a language-tagged value or a list of either."""
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("@value") or value.get("name") or ""
    return str(value or "")


def _first(value: Any) -> Any:
    return value[0] if isinstance(value, list) and value else value


def find_events(data: Any) -> list[dict]:
    """Every Event node in a decoded JSON-LD value (top level, lists and ``@graph``)."""
    if isinstance(data, list):
        return [event for node in data for event in find_events(node)]
    if not isinstance(data, dict):
        return []
    found = [data] if _types(data) & EVENT_TYPES else []
    return found + find_events(data.get("@graph") or [])


def parse_jsonld(body: bytes, content_type: str = "", limits: ParseLimits | None = None) -> ParsedFeed:
    """The page's events; raise ParseError("not-a-feed") when the page has none."""
    from extruct.jsonld import JsonLdExtractor
    from extruct.utils import parse_html

    limits = limits or ParseLimits()
    try:
        tree = parse_html(body, encoding=_charset(content_type))
    except Exception as exc:  # noqa: BLE001 - lxml refuses some bodies outright
        raise ParseError("not-a-feed", NOT_A_FEED) from exc
    extractor = JsonLdExtractor()
    scripts = tree.xpath('//script[@type="application/ld+json"]')
    result = ParsedFeed(format="jsonld", title=plain_text(" ".join(tree.xpath("//title//text()"))))
    result.lang = normalise_lang((tree.xpath("/html/@lang") or [""])[0])
    events: list[dict] = []
    for block, script in enumerate(scripts, start=1):
        try:
            events += find_events(extractor.extract_items(script))
        except Exception as exc:  # noqa: BLE001 - broken JSON in one block must not refuse the page
            result.notes.append(FeedNote(kind="block-unreadable", position=block, extra=str(exc)[:500]))
    if not events and result.notes:
        raise ParseError(
            "not-a-feed",
            f"The page's event data (JSON-LD) is not valid JSON ({result.notes[0].extra}); "
            "check it with a structured data validator.",
        )
    if not events:
        raise ParseError("not-a-feed", NOT_A_FEED)
    collect_items(
        result,
        events,
        lambda node: event_item(node, result.lang),
        lambda node: (str(node.get("@id") or ""), _text(node.get("name"))),
        limits,
    )
    return result


def event_item(node: dict, page_lang: str = "") -> FeedItem:
    """One Event node as a FeedItem (SkippedItem when it has no readable start)."""
    title = plain_text(_text(node.get("name")))
    link = _safe_url(_text(node.get("url")))
    start_text = _text(node.get("startDate"))
    uid = str(node.get("@id") or "").strip()
    if not start_text.strip():
        raise SkippedItem(uid, title, "no-start", "no startDate")
    start = parse_iso(start_text)
    if start is None:
        raise SkippedItem(uid, title, "bad-date", f"startDate {start_text[:60]!r}")
    guid = uid or link or (f"{title}@{start[0]:%Y-%m-%dT%H:%MZ}" if title else "")
    if not guid:
        raise SkippedItem(uid, title, "broken", "no @id, url or name")
    item = FeedItem(
        guid=guid[:400],
        title=title,
        summary=summary_html(_text(node.get("description"))),
        link=link,
        lang=normalise_lang(_text(node.get("inLanguage"))) or page_lang,
    )
    item.starts, item.all_day, item.offset_minutes = start
    end = parse_iso(_text(node.get("endDate")))
    if end is not None and end[0] >= item.starts:
        item.ends = end[0]
    item.status = STATUSES.get(_name(_text(node.get("eventStatus"))), "scheduled")
    organizer = _first(node.get("organizer"))
    item.organizer = plain_text(_text(organizer))
    _read_location(node, item)
    _read_offers(node, item)
    return item


def _read_location(node: dict, item: FeedItem) -> None:
    """Place (name, address as text or PostalAddress) or VirtualLocation (url); both for mixed events."""
    places = node.get("location")
    for place in places if isinstance(places, list) else [places]:
        if isinstance(place, str):
            item.location = item.location or plain_text(place)
            continue
        if not isinstance(place, dict):
            continue
        if "VirtualLocation" in _types(place):
            url = _safe_url(_text(place.get("url")))
            if url:
                item.event_fields["online_url"] = url[:1000]
            continue
        item.location = item.location or plain_text(_text(place.get("name")))
        address = _address(place.get("address"))
        if address:
            item.event_fields["address_" + ("zh" if item.lang == "zh-hk" else "en")] = address[:500]
            item.location = item.location or address
    mode = _name(_text(node.get("eventAttendanceMode")))
    if mode == "OnlineEventAttendanceMode" and "online_url" not in item.event_fields and item.link:
        item.event_fields["online_url"] = item.link[:1000]


def _address(value: Any) -> str:
    value = _first(value)
    if isinstance(value, dict):
        parts = ("streetAddress", "addressLocality", "addressRegion")
        return plain_text(", ".join(_text(value.get(part)) for part in parts if _text(value.get(part)).strip()))
    return plain_text(_text(value))


def _read_offers(node: dict, item: FeedItem) -> None:
    """``isAccessibleForFree`` or a price of 0: free; else the first priced offer, as "HKD 120"."""
    free = node.get("isAccessibleForFree")
    if isinstance(free, str):
        free = free.strip().lower() in ("true", "yes", "1")
    offers = node.get("offers")
    offers = [offer for offer in (offers if isinstance(offers, list) else [offers]) if isinstance(offer, dict)]
    prices = []
    for offer in offers:
        price = _text(offer.get("price")).strip().replace(",", "")
        try:
            prices.append((float(price), _text(offer.get("priceCurrency")).strip()[:3].upper()))
        except ValueError:
            continue
    if offers:
        registration = _safe_url(_text(offers[0].get("url")))
        if registration:
            item.event_fields["registration_url"] = registration[:1000]
    if free is True or (prices and all(price == 0 for price, _ in prices)):
        item.event_fields["is_free"] = True
        return
    priced = [(price, currency) for price, currency in prices if price > 0]
    if priced:
        price, currency = min(priced)
        amount = f"{price:g}" if price != int(price) else f"{int(price)}"
        item.event_fields["is_free"] = False
        item.event_fields["fee"] = f"{currency or 'HKD'} {amount}"
    elif free is False:
        item.event_fields["is_free"] = False
