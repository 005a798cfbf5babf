"""Finder pages (/<lang>/centres, /<lang>/centres/<id>, POST /<lang>/centres/near)
and open data (/api/centres.json|.csv|.hsds.json, /api/districts.geojson).

The visitor's location is never logged or stored: the browser computes "near
me" itself; the no-JavaScript form posts lat/lng only when the visitor sends
it, and this module neither logs it nor lets the page cache keep the answer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from urllib.parse import quote

from flask import Blueprint, Response, abort, current_app, render_template, request, url_for
from flask_babel import format_date
from flask_babel import gettext as _
from sqlalchemy import select

from ..cache import cache_only_if_understood, never_cache_this_page, page_params
from ..db import get_session
from ..districts import District, all_districts
from ..i18n import LANGUAGES as LANGUAGES_SERVED
from ..i18n import SIMPLIFIED, current_lang, is_chinese, written_lang
from ..params import choice, text
from . import export
from .finder import (
    HONG_KONG,
    OpenStatus,
    Ranked,
    format_spans,
    matches,
    now_in_hong_kong,
    opening_status,
    point_in_polygons,
    rank_by_distance,
)
from .loader import LANGUAGES, SIMPLIFIED_NAMES, TYPES
from .model import DAYS, Centre, Holiday

bp = Blueprint("centres", __name__, url_prefix="/<lang:lang_code>/centres")
api = Blueprint("centres_api", __name__)


@dataclass
class Listing:
    centre: Centre
    district: District | None
    status: OpenStatus
    ranked: Ranked | None = None


def _centres() -> list[Centre]:
    return list(get_session().scalars(select(Centre).order_by(Centre.position)))


def _districts() -> dict[str, District]:
    return {d.key: d for d in all_districts(get_session())}


def _holidays() -> dict:
    return {h.day: h for h in get_session().scalars(select(Holiday))}


def swd_hotline():
    from ..help.model import Hotline

    return get_session().get(Hotline, "swd-hotline")


def _listings(centres: list[Centre], districts: dict[str, District], holidays: dict) -> list[Listing]:
    now = now_in_hong_kong()
    listings = [
        Listing(c, districts.get(c.district_key), opening_status(c.hours, c.public_holidays, holidays, now))
        for c in centres
    ]
    if any(item.status.known for item in listings):
        never_cache_this_page()  # "open now" must not be served stale from the page cache
    return listings


def _sorted(listings: list[Listing], districts: dict[str, District]) -> list[Listing]:
    order = {key: d.position for key, d in districts.items()}
    return sorted(listings, key=lambda i: (order.get(i.centre.district_key, 99), i.centre.position))


@dataclass
class Group:
    """The centres of one district (``district`` None: district not yet known), as the finder lists them."""

    district: District | None
    listings: list[Listing]

    @property
    def anchor(self) -> str:
        return f"district-{self.district.key}" if self.district else "district-unknown"


def _grouped(listings: list[Listing]) -> list[Group]:
    """Consecutive listings of one district as a group (``listings`` is already in district order)."""
    groups: list[Group] = []
    for item in listings:
        if groups and groups[-1].district is item.district:
            groups[-1].listings.append(item)
        else:
            groups.append(Group(item.district, [item]))
    return groups


def _unverified_count(listings: list[Listing]) -> int:
    return sum(1 for item in listings if item.centre.unverified_fields())


def _filtered(centres: list[Centre], q: str, district: str, kind: str) -> list[Centre]:
    return [
        c
        for c in centres
        if (not district or c.district_key == district)
        and (not kind or c.kind == kind)
        and (not q or matches(q, c.search_text))
    ]


def type_labels() -> dict[str, str]:
    return {
        "IFSC": _("Integrated Family Service Centre"),
        "ISC": _("Integrated Services Centre"),
        "other": _("Other family service"),
    }


def language_label(name: str, lang: str) -> str:
    if name not in LANGUAGES or not is_chinese(lang):
        return name
    return SIMPLIFIED_NAMES[name] if lang == SIMPLIFIED else LANGUAGES[name][1]


# The research notes' own grading (content/centres/centres.csv `confidence`, copied from the shared data)
# starts with one of these words; the page says it in plain words, the notes stay in the file.
CONFIDENCE_WORDS = (("medium-high", "fairly"), ("medium-low", "partly"), ("low-medium", "partly"),
                    ("medium", "partly"), ("low", "little"))  # fmt: skip


def confidence_label(confidence: str) -> str:
    """How sure we are of a centre's details, in plain words in the page's language."""
    graded = confidence.strip().lower()
    level = next((level for word, level in CONFIDENCE_WORDS if graded.startswith(word)), "")
    return {
        "fairly": _("fairly sure (most details come from official sources)"),
        "partly": _("partly sure (some details come from official sources, others from older or other sources)"),
        "little": _("not sure (found only in other sources; check with the SWD hotline before you go)"),
    }.get(level, _("not yet graded"))


def when_text(moment: datetime) -> str:
    """'today at 14:00', 'tomorrow at 09:00', 'at midnight' or 'Monday at 09:00' (Hong Kong time)."""
    today = now_in_hong_kong().date()
    moment = moment.astimezone(HONG_KONG)
    clock = moment.strftime("%H:%M")
    if moment.time() == time(0) and moment.date() == today + timedelta(days=1):
        return _("at midnight")
    if moment.date() == today:
        return _("today at %(time)s", time=clock)
    if moment.date() == today + timedelta(days=1):
        return _("tomorrow at %(time)s", time=clock)
    return _("%(day)s at %(time)s", day=format_date(moment.date(), "EEEE"), time=clock)


def day_names() -> dict[str, str]:
    return {
        "mon": _("Monday"), "tue": _("Tuesday"), "wed": _("Wednesday"), "thu": _("Thursday"),
        "fri": _("Friday"), "sat": _("Saturday"), "sun": _("Sunday"),
    }  # fmt: skip


def _common_context() -> dict:
    return {
        "when_text": when_text,
        "day_names": day_names(),
        "type_labels": type_labels(),
        "types": TYPES,
        "hotline": swd_hotline(),
        "map_tile_url": current_app.config.get("MAP_TILE_URL"),
        "map_attribution": current_app.config.get("MAP_ATTRIBUTION", ""),
        "format_spans": format_spans,
        "days": DAYS,
        "language_label": language_label,
        "confidence_label": confidence_label,
    }


@bp.get("/")
@page_params("q", "district", "type")
def index():
    districts = _districts()
    q = text(request.args.get("q"), 100)
    district, kind = choice(request.args.get("district"), districts), choice(request.args.get("type"), TYPES)
    # One cached page per real district and type; typed text is matched each time (a few ms, see bench/).
    cache_only_if_understood([("district", district), ("type", kind)], ("district", "type"))
    if q:
        never_cache_this_page()
    centres = _centres()
    found = _filtered(centres, q, district, kind)
    listings = _sorted(_listings(found, districts, _holidays()), districts)
    return render_template(
        "centres/index.html",
        listings=listings,
        groups=_grouped(listings),
        unverified=_unverified_count(listings),
        total=len(centres),
        q=q,
        district=district,
        chosen=districts.get(district),
        kind=kind,
        districts=list(districts.values()),
        searched=bool(q or district or kind),
        near=None,
        **_common_context(),
    )


def _coordinate(name: str, low: float, high: float) -> float | None:
    try:
        value = float(request.form.get(name, ""))
    except ValueError:
        return None
    return value if low <= value <= high else None


@bp.post("/near")
def near():
    """The no-JavaScript "near me": lat/lng typed or pasted by the visitor. Never logged, never cached."""
    never_cache_this_page()
    lat, lng = _coordinate("lat", -90, 90), _coordinate("lng", -180, 180)
    districts = _districts()
    centres = _centres()
    problem = None
    here = None
    ranked: list[Listing] = []
    if lat is None or lng is None:
        problem = _("Please give a latitude and a longitude as decimal numbers, for example 22.2783 and 114.1747.")
    else:
        here = next((d for d in districts.values() if point_in_polygons(lat, lng, d.polygons)), None)
        if here is None:
            problem = _("That place is not in Hong Kong, so we cannot tell which district it is in.")
        listings = {item.centre.key: item for item in _listings(centres, districts, _holidays())}
        for r in rank_by_distance(
            centres,
            lat,
            lng,
            lambda c: (c.lat, c.lng) if c.has_location else None,
            lambda c: (
                (districts[c.district_key].lat, districts[c.district_key].lng) if c.district_key in districts else None
            ),
        ):
            item = listings[r.item.key]
            item.ranked = r
            ranked.append(item)
    response = Response(
        render_template(
            "centres/index.html",
            listings=ranked,
            groups=[],
            unverified=_unverified_count(ranked),
            total=len(centres),
            q="",
            district="",
            chosen=None,
            kind="",
            districts=list(districts.values()),
            searched=True,
            near={"district": here, "problem": problem},
            **_common_context(),
        )
    )
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/<key>")
@page_params()
def centre(key: str):
    found = get_session().get(Centre, key)
    if found is None:
        abort(404)
    districts = _districts()
    holidays = _holidays()
    item = _listings([found], districts, holidays)[0]
    today = now_in_hong_kong().date()
    upcoming = sorted((h for day, h in holidays.items() if day >= today), key=lambda h: h.day)[:3]
    lang = current_lang()
    directions = None  # (url, is a route to a verified point rather than an address search)
    if found.has_location:
        directions = (f"https://www.openstreetmap.org/directions?to={found.lat}%2C{found.lng}", True)
    elif found.address(lang):
        directions = ("https://www.openstreetmap.org/search?query=" + quote(found.address(written_lang(lang))), False)
    return render_template(
        "centres/centre.html",
        item=item,
        centre=found,
        district=item.district,
        upcoming_holidays=upcoming,
        directions=directions,
        checked_at=now_in_hong_kong().strftime("%H:%M"),
        **_common_context(),
    )


# --- open data ------------------------------------------------------------------------


def _links(centre: Centre) -> dict[str, str]:
    base = current_app.config["SITE_URL"]
    return {lang: base + url_for("centres.centre", lang_code=lang, key=centre.key) for lang in LANGUAGES_SERVED}


def _json_response(data, filename: str) -> Response:
    response = Response(json.dumps(data, ensure_ascii=False, indent=1), mimetype="application/json")
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@api.get("/api/centres.json")
def centres_json():
    return _json_response(export.to_json(_centres(), _districts(), _links), "centres.json")


@api.get("/api/centres.csv")
def centres_csv():
    response = Response(export.to_csv(_centres(), _districts(), _links), mimetype="text/csv")
    response.headers["Content-Disposition"] = 'attachment; filename="hk-family-service-centres.csv"'
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response


@api.get("/api/centres.hsds.json")
def centres_hsds():
    data = export.to_hsds(_centres(), _districts(), current_app.config["SITE_URL"], _links)
    return _json_response(data, "centres.hsds.json")


@api.get("/api/districts.geojson")
def districts_geojson():
    """The 18 district boundaries, for the browser's own point-in-polygon ("near me")."""
    features = [
        {
            "type": "Feature",
            "properties": {"id": d.key, "code": d.code, "name_en": d.name_en, "name_zh": d.name_zh,
                           "name_zh_cn": d.name_zhs, "centroid": [d.lat, d.lng]},
            "geometry": {"type": "MultiPolygon", "coordinates": d.polygons},
        }
        for d in all_districts(get_session())
    ]  # fmt: skip
    response = Response(
        json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False, separators=(",", ":")),
        mimetype="application/geo+json",
    )
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


def sitemap_paths() -> list[str]:
    paths = ["/centres/"]
    paths += [f"/centres/{key}" for key in get_session().scalars(select(Centre.key).order_by(Centre.position))]
    return paths
