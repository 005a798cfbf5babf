"""Event and partner pages, subscriptions (.ics, Atom), home panel and sitemap entries."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote_plus

from babel.dates import format_skeleton, get_day_names
from flask import Blueprint, Response, abort, current_app, render_template, request, send_from_directory, url_for
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from sqlalchemy import func, select

from ..articles import queries as article_queries
from ..cache import cache_only_if_understood, never_cache_this_page, page_params
from ..db import get_session
from ..districts import all_districts
from ..i18n import current_lang, written_lang
from ..params import existing_page, page_number
from ..sitemap import SitemapSection
from ..templating import absolute_url
from . import export, feed_health, queries
from .model import AUDIENCES, Event, Partner

bp = Blueprint("events", __name__, url_prefix="/<lang:lang_code>/events")
partners_bp = Blueprint("partners", __name__, url_prefix="/<lang:lang_code>/partners")

LOGO_SUFFIXES = {".png", ".jpg", ".jpeg", ".svg", ".webp"}
AUDIENCE_LABELS = {
    "parents": _l("Parents"),
    "couples": _l("Couples"),
    "carers": _l("Carers"),
    "elderly": _l("Older people"),
    "children": _l("Children"),
    "youth": _l("Young people"),
    "everyone": _l("Everyone"),
}
STATUS_LABELS = {
    "scheduled": _l("Scheduled"),
    "cancelled": _l("Cancelled"),
    "postponed": _l("Postponed"),
    "full": _l("Full"),
}
RESULT_LABELS = {
    "": _l("Not fetched yet"),
    "ok": _l("Fetched successfully"),
    "not-modified": _l("No change since the last fetch"),
    "error": _l("Failed"),
}
ERROR_LABELS = {
    "timeout": _l("The feed's server took too long to answer."),
    "http-status": _l("The feed's server answered with an error."),
    "too-large": _l("The feed is too large."),
    "not-a-feed": _l(
        "The address does not return a feed we can read (RSS, Atom, iCalendar, JSON Feed, "
        "a spreadsheet as CSV, or a web page with schema.org events)."
    ),
    "too-many-redirects": _l("The address redirects too many times."),
    "bad-scheme": _l("The address must start with http:// or https://."),
    "connection": _l("We could not connect to the feed's server."),
    "encoding": _l("The feed's text encoding could not be read."),
    "out-of-time": _l("The refresh ran out of time while reading this feed; the events already listed stay."),
    "": _l("Unknown problem."),
}


def _common(session, filters: queries.Filters) -> dict:
    districts = all_districts(session)
    return {
        "filters": filters,
        "districts": districts,
        "district_names": {d.key: d.name(current_lang()) for d in districts},
        "audiences": [(key, AUDIENCE_LABELS[key]) for key in AUDIENCES],
        "audience_labels": AUDIENCE_LABELS,
        "status_labels": STATUS_LABELS,
        "topics": queries.topics_in_use(session),
        # Topics that are article tag ids (content/tags.yml) are shown with the tag's label.
        "topic_labels": article_queries.tag_labels(session, current_lang()),
        "partner_names": {p.id: p.name(current_lang()) for p in queries.partners(session)},
    }


# The query parameters Filters.from_args reads (the page cache keeps only the declared ones).
FILTER_PARAMS = ("district", "from", "to", "audience", "topic", "mode", "free")


def _filters(*also_read: tuple[str, str]) -> queries.Filters:
    """The filters asked for, unknown values dropped. The page is cached only when the query held exactly
    what was understood (one entry per real choice, however many spellings or junk values are sent) and no
    typed dates (every day of two centuries, twice, would be a flood of distinct pages)."""
    session = get_session()
    filters = queries.Filters.from_args(request.args, {d.key for d in all_districts(session)})
    if filters.topic and not queries.topic_in_use(session, filters.topic):
        filters.topic = ""
    cache_only_if_understood([*filters.as_args(), *also_read], (*FILTER_PARAMS, *(name for name, _ in also_read)))
    if filters.start or filters.end:
        never_cache_this_page()
    return filters


def subscription_links(filters: queries.Filters) -> dict[str, str]:
    """The list's filters as subscriptions: ``webcal:`` for calendar apps, the https (or http)
    address of the same .ics for download, and the Atom feed."""
    query = f"?{filters.query_string}" if filters.query_string else ""
    ics = absolute_url(url_for("events.feed_ics") + query)
    return {
        "webcal": "webcal:" + ics.split(":", 1)[1],
        "ics": ics,
        "atom": absolute_url(url_for("events.feed_atom") + query),
    }


@bp.get("")
@page_params(*FILTER_PARAMS, "page")
def index():
    session, filters = get_session(), _filters()
    page = existing_page(
        queries.paginate(session, queries.upcoming_query(filters, queries.now_utc()), page_number(request.args))
    )
    return render_template(
        "events/list.html", page=page, past=False, subscribe=subscription_links(filters), **_common(session, filters)
    )


@bp.get("/past")
@page_params(*FILTER_PARAMS, "page")
def past():
    session, filters = get_session(), _filters()
    page = existing_page(
        queries.paginate(session, queries.past_query(filters, queries.now_utc()), page_number(request.args))
    )
    return render_template("events/list.html", page=page, past=True, **_common(session, filters))


@bp.get("/calendar")
@page_params(*FILTER_PARAMS, "month")
def month():
    today = queries.now_utc().astimezone(queries.HK).date()
    first = queries.parse_month(request.args.get("month"), today)
    session = get_session()
    bounds = queries.calendar_bounds(session, today)
    if not bounds.exists(first):
        abort(404)  # more than a year away: no calendar page at all
    month_asked = [("month", first.strftime("%Y-%m"))] if request.args.get("month") else []
    filters = _filters(*month_asked)
    view = queries.month_view(session, first, filters, bounds)
    return render_template("events/calendar.html", month=view, today=today, **_common(session, filters))


def event_url(event: Event) -> str:
    return absolute_url(url_for("events.event", event_id=event.id))


def _plain(event: Event) -> str:
    lang = current_lang()
    when = event.starts.astimezone(queries.HK).strftime("%Y-%m-%d" if event.all_day else "%Y-%m-%d %H:%M")
    place = event.venue(lang) or event.address(lang) or (_("Online") if event.online_url else "")
    text = Markup(event.description(lang)).striptags()
    return " · ".join(part for part in (when, place, str(STATUS_LABELS.get(event.status, "")), text) if part)


@bp.get("/feed.ics")
@page_params(*FILTER_PARAMS)
def feed_ics():
    events = queries.upcoming_real(get_session(), _filters())
    body = export.to_ics(events, current_lang(), event_url, _("Family Portal events"))
    return Response(body, mimetype="text/calendar")


@bp.get("/feed.atom")
@page_params(*FILTER_PARAMS)
def feed_atom():
    events = queries.upcoming_real(get_session(), _filters(), limit=100)
    self_url = absolute_url(request.full_path.rstrip("?"))
    body = export.to_atom(events, current_lang(), event_url, self_url, _("Family Portal events"), _plain)
    return Response(body, mimetype="application/atom+xml")


def _get_event(event_id: int) -> Event:
    session = get_session()
    event = session.get(Event, event_id)
    if event is None or not queries.is_shown(session, event):
        abort(404)
    return event


@bp.get("/<int(max=2147483647):event_id>")
@page_params()
def event(event_id: int):
    session, lang = get_session(), current_lang()
    found = _get_event(event_id)
    partner = session.get(Partner, found.partner_id) if found.partner_id else None
    organiser_url = absolute_url(url_for("partners.profile", partner_id=partner.id)) if partner else ""
    # The map searches the place as written (the Simplified edition's page links the same search as the Traditional).
    written = written_lang(lang)
    address = found.address(written) or found.venue(written)
    organiser = partner.name(lang) if partner else ""
    return render_template(
        "events/event.html",
        event=found,
        partner=partner,
        json_ld=None if found.is_example else export.json_ld(found, lang, event_url(found), organiser, organiser_url),
        directions=f"https://www.google.com/maps/search/?api=1&query={quote_plus(address)}" if address else "",
        is_past=(found.ends or found.starts) < datetime.now(UTC),
        **_common(session, queries.Filters()),
    )


@bp.get("/<int(max=2147483647):event_id>.ics")
@page_params()
def event_ics(event_id: int):
    found = _get_event(event_id)
    if found.is_example:  # a sample must never land in someone's calendar
        abort(404)
    body = export.to_ics([found], current_lang(), event_url, found.title(current_lang()))
    response = Response(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f"attachment; filename=event-{found.id}.ics"
    return response


@partners_bp.get("/logo/<name>")
def logo(name: str):
    """A partner's logo from content/partners/ (images only; never a path)."""
    if "/" in name or Path(name).suffix.lower() not in LOGO_SUFFIXES:
        abort(404)
    response = send_from_directory(Path(current_app.config["CONTENT_DIR"]) / "partners", name, max_age=86400)
    if name.endswith(".svg"):
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    return response


@partners_bp.get("")
@page_params()
def index_partners():
    session = get_session()
    return render_template("partners/list.html", partners=queries.partners(session))


@partners_bp.get("/<partner_id>")
@page_params()
def profile(partner_id: str):
    session = get_session()
    partner = session.get(Partner, partner_id)
    if partner is None:
        abort(404)
    feeds = queries.partner_feeds(session, partner_id)
    return render_template(
        "partners/profile.html",
        partner=partner,
        events=queries.partner_upcoming(session, partner_id),
        news=queries.partner_news(session, partner_id),
        feeds=feeds,
        feed_notes=feed_health.notes_by_feed(session, (feed.id for feed in feeds)),
        note_text=feed_health.note_texts(session),
        note_detail=feed_health.note_detail,
        result_labels=RESULT_LABELS,
        error_labels=ERROR_LABELS,
        **_common(session, queries.Filters()),
    )


def event_when(event: Event) -> str:
    """When, in Hong Kong time, in the page's language (dates alone for all-day events)."""
    start = event.starts.astimezone(queries.HK)
    if event.all_day:
        text = format_date(start.date(), "full")
        if event.ends:
            last = (event.ends.astimezone(queries.HK) - timedelta(days=1)).date()
            if last > start.date():
                text += " – " + format_date(last, "full")
        return text
    text = format_date(start.date(), "full") + " " + start.strftime("%H:%M")
    if event.ends:
        end = event.ends.astimezone(queries.HK)
        same_day = end.date() == start.date()
        end_text = end.strftime("%H:%M") if same_day else format_date(end.date(), "full") + " " + end.strftime("%H:%M")
        text += " – " + end_text
    return text


def format_month(first) -> str:
    return format_skeleton("yMMMM", first, locale=get_locale())


def weekday_names() -> list[str]:
    """Monday first, as the calendar's columns."""
    names = get_day_names("wide", locale=get_locale())
    return [names[i] for i in range(7)]


def home_context() -> dict:
    session = get_session()
    return {
        "upcoming_events": queries.upcoming(session, limit=4),
        "status_labels": STATUS_LABELS,
    }


def sitemap_paths() -> list[str]:
    """The event and partner pages of the sitemap (the events themselves: EVENTS_SITEMAP)."""
    paths = ["/events", "/events/past", "/events/calendar", "/partners"]
    return paths + [f"/partners/{pid}" for pid in get_session().scalars(select(Partner.id).order_by(Partner.id))]


def _event_count() -> int:
    query = select(func.count()).select_from(Event).where(queries.shown(), queries.real())
    return get_session().scalar(query) or 0


def _event_paths(offset: int, limit: int) -> list[str]:
    query = select(Event.id).where(queries.shown(), queries.real()).order_by(Event.id).offset(offset).limit(limit)
    return [f"/events/{event_id}" for event_id in get_session().scalars(query)]


# A partner calendar may hold hundreds of thousands of events: counted and sliced in the database.
EVENTS_SITEMAP = SitemapSection("events", _event_count, _event_paths)
