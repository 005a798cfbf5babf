"""Events as iCalendar (.ics), Atom and schema.org JSON-LD."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from xml.etree import ElementTree as ET

from markupsafe import Markup

from .model import Event

HK_TZ = timezone(timedelta(hours=8))
STATUS_ICS = {"scheduled": "CONFIRMED", "full": "CONFIRMED", "postponed": "TENTATIVE", "cancelled": "CANCELLED"}
STATUS_SCHEMA = {
    "scheduled": "https://schema.org/EventScheduled",
    "full": "https://schema.org/EventScheduled",
    "postponed": "https://schema.org/EventPostponed",
    "cancelled": "https://schema.org/EventCancelled",
}


def local(event_time: datetime, offset_minutes: int = 480) -> datetime:
    return event_time.astimezone(timezone(timedelta(minutes=offset_minutes)))


def to_ics(events: list[Event], lang: str, url_for_event, calendar_name: str) -> bytes:
    # Imported here, not at the top: the module is loaded with the event views by every process (the
    # `flask` commands too), and icalendar is only needed for a .ics download.
    from icalendar import Calendar
    from icalendar import Event as IcsEvent

    cal = Calendar()
    cal.add("prodid", "-//Hong Kong Family Portal//events//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", calendar_name)
    for event in events:
        item = IcsEvent()
        item.add("uid", f"{event.uid}@family-portal")
        item.add("summary", event.title(lang))
        item.add("dtstamp", event.last_seen or datetime.now(UTC))
        if event.all_day:
            start_day = local(event.starts).date()
            item.add("dtstart", start_day)
            end_day = local(event.ends).date() if event.ends else start_day + timedelta(days=1)
            item.add("dtend", max(end_day, start_day + timedelta(days=1)))
        else:
            item.add("dtstart", event.starts.astimezone(UTC))
            if event.ends:
                item.add("dtend", event.ends.astimezone(UTC))
        place = ", ".join(part for part in (event.venue(lang), event.address(lang)) if part) or event.online_url
        if place:
            item.add("location", place)
        description = Markup(event.description(lang)).striptags()
        if description:
            item.add("description", description)
        item.add("url", url_for_event(event))
        item.add("status", STATUS_ICS.get(event.status, "CONFIRMED"))
        cal.add_component(item)
    return cal.to_ical()


def to_atom(events: list[Event], lang: str, url_for_event, feed_url: str, title: str, plain) -> bytes:
    ns = "http://www.w3.org/2005/Atom"
    ET.register_namespace("", ns)
    feed = ET.Element(f"{{{ns}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": lang})
    ET.SubElement(feed, f"{{{ns}}}title").text = title
    ET.SubElement(feed, f"{{{ns}}}id").text = feed_url
    ET.SubElement(feed, f"{{{ns}}}link", {"rel": "self", "href": feed_url})
    updated = max((e.last_seen for e in events if e.last_seen), default=datetime(2026, 1, 1, tzinfo=UTC))
    ET.SubElement(feed, f"{{{ns}}}updated").text = updated.isoformat()
    author = ET.SubElement(feed, f"{{{ns}}}author")
    ET.SubElement(author, f"{{{ns}}}name").text = "Family Portal"
    for event in events:
        entry = ET.SubElement(feed, f"{{{ns}}}entry")
        link = url_for_event(event)
        ET.SubElement(entry, f"{{{ns}}}title").text = event.title(lang)
        ET.SubElement(entry, f"{{{ns}}}id").text = link
        ET.SubElement(entry, f"{{{ns}}}link", {"href": link})
        ET.SubElement(entry, f"{{{ns}}}updated").text = (event.last_seen or updated).isoformat()
        ET.SubElement(entry, f"{{{ns}}}summary").text = plain(event)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def json_ld(event: Event, lang: str, page_url: str, organiser_name: str, organiser_url: str) -> dict:
    """schema.org Event data, written into the page by ``|tojson`` (portal/templating.py), which escapes it."""
    offset = event.timezone_offset_minutes or 480
    data: dict = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": event.title(lang),
        "url": page_url,
        "eventStatus": STATUS_SCHEMA.get(event.status, STATUS_SCHEMA["scheduled"]),
        "startDate": local(event.starts, offset).date().isoformat()
        if event.all_day
        else local(event.starts, offset).isoformat(),
    }
    if event.ends:
        data["endDate"] = (
            (local(event.ends, offset) - timedelta(days=1)).date().isoformat()
            if event.all_day
            else local(event.ends, offset).isoformat()
        )
    if event.online_url:
        data["eventAttendanceMode"] = "https://schema.org/OnlineEventAttendanceMode"
        data["location"] = {"@type": "VirtualLocation", "url": event.online_url}
    else:
        data["eventAttendanceMode"] = "https://schema.org/OfflineEventAttendanceMode"
        data["location"] = {
            "@type": "Place",
            "name": event.venue(lang) or event.address(lang),
            "address": {"@type": "PostalAddress", "streetAddress": event.address(lang), "addressCountry": "HK"},
        }
    if organiser_name:
        data["organizer"] = {"@type": "Organization", "name": organiser_name, "url": organiser_url}
    if event.is_free is not None:
        data["isAccessibleForFree"] = event.is_free
    fee = event.fee_facts
    if fee.free or fee.hkd is not None:
        data["offers"] = {"@type": "Offer", "price": "0" if fee.free else fee.amount_text, "priceCurrency": "HKD"}
        if event.registration_url:
            data["offers"]["url"] = event.registration_url
    return data
