"""Open data: the listed centres as JSON, CSV and Open Referral HSDS 3.0.

Every export carries only what the site shows: verified phone numbers, the
source and confidence of each row, and empty values where nothing is confirmed.
"""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Callable
from typing import Any

from ..bilingual import own_text
from ..districts import District
from ..i18n import SIMPLIFIED
from .finder import DAYS, format_spans
from .loader import LANGUAGES
from .model import Centre

HSDS_DAYS = {"mon": "MO", "tue": "TU", "wed": "WE", "thu": "TH", "fri": "FR", "sat": "SA", "sun": "SU"}
NOTE = (
    "Only facts confirmed by a published source are filled in; an empty value means not yet verified "
    "(call the SWD hotline 2343 2255). Each centre carries its source and confidence."
)

Links = Callable[[Centre], dict[str, str]]


def _both(row: object, field: str) -> dict[str, str]:
    """``field`` as written in each language, and the Simplified edition's copy of the Chinese."""
    return {lang: own_text(row, field, lang) for lang in ("en", "zh-hk", "zh-cn")}


def hours_text(centre: Centre) -> dict[str, list[str] | None]:
    """Day -> ['09:00-13:00', ...]; [] = closed; None = not known."""
    hours = centre.hours
    return {day: ([f"{s // 60:02d}:{s % 60:02d}-{e // 60:02d}:{e % 60:02d}" for s, e in hours[day]]
                  if day in hours else None) for day in DAYS}  # fmt: skip


def centre_record(centre: Centre, district: District | None, links: dict[str, str]) -> dict[str, Any]:
    return {
        "id": centre.key,
        "type": centre.kind,
        "name": _both(centre, "name"),
        "operator": _both(centre, "operator"),
        "district": {"id": district.key, "code": district.code, "name": _both(district, "name")} if district else None,
        "address": _both(centre, "address"),
        "phones": centre.phones,
        "fax": centre.fax,
        "email": centre.email,
        "website": centre.website,
        "opening_hours": hours_text(centre) if centre.has_hours else None,
        "public_holidays": centre.public_holidays or None,
        "location": {"latitude": centre.lat, "longitude": centre.lng} if centre.has_location else None,
        "service_boundary": _both(centre, "boundary"),
        "languages": centre.languages,
        "accessibility": _both(centre, "accessibility"),
        "last_verified": centre.last_verified.isoformat() if centre.last_verified else None,
        "confidence": centre.confidence,
        "source": centre.source,
        "links": links,
    }


def to_json(centres: list[Centre], districts: dict[str, District], links: Links) -> dict[str, Any]:
    return {
        "note": NOTE,
        "count": len(centres),
        "centres": [centre_record(c, districts.get(c.district_key), links(c)) for c in centres],
    }


CSV_COLUMNS = (
    "id", "type", "name_en", "name_zh", "operator_en", "operator_zh", "district_en", "district_zh",
    "address_en", "address_zh", "phones", "fax", "email", "website", *DAYS, "public_holidays",
    "latitude", "longitude", "service_boundary_en", "service_boundary_zh", "languages",
    "accessibility_en", "accessibility_zh", "last_verified", "confidence", "source", "url_en", "url_zh",
    # The Simplified edition's copy of each Chinese column, appended so that existing columns keep their place.
    "name_zh_cn", "operator_zh_cn", "district_zh_cn", "address_zh_cn", "service_boundary_zh_cn",
    "accessibility_zh_cn", "url_zh_cn",
)  # fmt: skip


def _cell(value: Any) -> str:
    """Text for a spreadsheet; a leading = + - @ is neutralised (formula injection)."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text


def _simplified_cells(centre: Centre, district: District | None, url: dict[str, str]) -> list[str]:
    """The ``*_zh_cn`` cells: the Simplified copies the rows carry ("" where a row has none yet)."""
    return [
        *(own_text(centre, field, SIMPLIFIED) for field in ("name", "operator")),
        own_text(district, "name", SIMPLIFIED) if district else "",
        *(own_text(centre, field, SIMPLIFIED) for field in ("address", "boundary", "accessibility")),
        url.get(SIMPLIFIED, ""),
    ]


def to_csv(centres: list[Centre], districts: dict[str, District], links: Links) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for centre in centres:
        district = districts.get(centre.district_key)
        hours = centre.hours
        url = links(centre)
        writer.writerow(
            _cell(v)
            for v in (
                centre.key, centre.kind, centre.name_en, centre.name_zh, centre.operator_en, centre.operator_zh,
                district.name_en if district else "", district.name_zh if district else "",
                centre.address_en, centre.address_zh, "; ".join(centre.phones), centre.fax, centre.email,
                centre.website,
                *[(format_spans(hours[d]).replace("–", "-") or "closed") if d in hours else "" for d in DAYS],
                centre.public_holidays, centre.lat, centre.lng, centre.boundary_en, centre.boundary_zh,
                "; ".join(centre.languages), centre.accessibility_en, centre.accessibility_zh,
                centre.last_verified.isoformat() if centre.last_verified else "", centre.confidence,
                centre.source, url["en"], url["zh-hk"], *_simplified_cells(centre, district, url),
            )
        )  # fmt: skip
    return "\ufeff" + out.getvalue()  # BOM: Excel then reads the Chinese correctly


# --- Open Referral HSDS 3.0 -----------------------------------------------------------


def _id(namespace: uuid.UUID, *parts: str) -> str:
    return str(uuid.uuid5(namespace, "/".join(parts)))


def _schedules(centre: Centre, ns: uuid.UUID, service_id: str) -> list[dict[str, Any]]:
    """One weekly schedule per (opening, closing) pair, listing the days it applies to."""
    groups: dict[tuple[int, int], list[str]] = {}
    for day, spans in centre.hours.items():
        for span in spans:
            groups.setdefault(span, []).append(HSDS_DAYS[day])
    holiday = {
        "closed": "Closed on Hong Kong general holidays.",
        "open": "Open on Hong Kong general holidays.",
    }.get(centre.public_holidays, "Opening on general holidays not verified.")
    result = []
    for (start, end), days in sorted(groups.items()):
        opens, closes = f"{start // 60:02d}:{start % 60:02d}", f"{(end // 60) % 24:02d}:{end % 60:02d}"
        result.append(
            {
                "id": _id(ns, "schedule", centre.key, opens, closes),
                "service_id": service_id,
                "freq": "WEEKLY",
                "wkst": "MO",
                "byday": ",".join(days),
                "opens_at": f"{opens}+08:00",
                "closes_at": f"{closes}+08:00",
                "timezone": 8,
                "description": f"{opens}-{closes} Hong Kong time. {holiday}",
            }
        )
    return result


def _location(centre: Centre, district: District | None, ns: uuid.UUID) -> dict[str, Any]:
    """The centre's place: one address entry per language it is written in (English, Traditional) and the
    Simplified edition's copy, as HSDS has no per-language fields. Single-string fields (``alternate_name``,
    the accessibility ``details``) keep the Traditional, the text as written."""
    location_id = _id(ns, "location", centre.key)
    location: dict[str, Any] = {
        "id": location_id,
        "location_type": "physical",
        "name": centre.name_en or centre.name_zh,
        "alternate_name": centre.name_zh,
    }
    if centre.has_location:
        location["latitude"], location["longitude"] = centre.lat, centre.lng
    addresses = []
    for lang in ("en", "zh-hk", SIMPLIFIED):
        if text := own_text(centre, "address", lang):
            addresses.append(
                {
                    "id": _id(ns, "address", centre.key, lang),
                    "location_id": location_id,
                    "address_1": text,
                    "city": "Hong Kong" if lang == "en" else "香港",
                    "state_province": (district.name(lang) if district else ""),
                    "postal_code": "",  # Hong Kong has no postcodes
                    "country": "HK",
                    "address_type": "physical",
                }
            )
    location["addresses"] = addresses
    if centre.accessibility_en or centre.accessibility_zh:
        location["accessibility"] = [
            {
                "id": _id(ns, "accessibility", centre.key),
                "location_id": location_id,
                "description": centre.accessibility_en or centre.accessibility_zh,
                "details": centre.accessibility_zh,
            }
        ]
    return location


def hsds_service(centre: Centre, district: District | None, site_url: str, page_url: str) -> dict[str, Any]:
    ns = uuid.uuid5(uuid.NAMESPACE_URL, site_url)
    service_id = _id(ns, "service", centre.key)
    org_id = _id(ns, "organization", centre.operator_en or centre.operator_zh or "unknown")
    kind = {"IFSC": "Integrated Family Service Centre", "ISC": "Integrated Services Centre"}.get(
        centre.kind, "Family service"
    )
    phones = [
        {"id": _id(ns, "phone", centre.key, number), "service_id": service_id, "number": number, "type": "voice"}
        for number in centre.phones
    ]
    service: dict[str, Any] = {
        "id": service_id,
        "organization_id": org_id,
        "name": centre.name_en or centre.name_zh,
        "alternate_name": centre.name_zh,
        "description": f"{kind} in {district.name_en if district else 'Hong Kong'}. Source: {centre.source}",
        "url": centre.website or page_url,
        "status": "active",
        "phones": phones,
        "schedules": _schedules(centre, ns, service_id),
        "languages": [
            {
                "id": _id(ns, "language", centre.key, name),
                "service_id": service_id,
                "name": name,
                "code": LANGUAGES[name][0],
            }
            for name in centre.languages
        ],  # fmt: skip
        "organization": {
            "id": org_id,
            "name": centre.operator_en or centre.operator_zh or "Unknown operator",
            "alternate_name": centre.operator_zh,
            "description": "Operator of a family service centre in Hong Kong.",
        },
        "service_at_locations": [
            {
                "id": _id(ns, "service_at_location", centre.key),
                "service_id": service_id,
                "location_id": _id(ns, "location", centre.key),
                "location": _location(centre, district, ns),
            }
        ],
    }
    if centre.email:
        service["email"] = centre.email
    if centre.last_verified:
        service["assured_date"] = centre.last_verified.isoformat()
    if district:
        service["service_areas"] = [
            {
                "id": _id(ns, "service_area", centre.key),
                "service_id": service_id,
                "name": f"{district.name_en} / {district.name_zh}",
                "description": centre.boundary_en or centre.boundary_zh or f"{district.name_en} district",
                "extent_type": "text",
            }
        ]
    return service


def to_hsds(centres: list[Centre], districts: dict[str, District], site_url: str, links: Links) -> dict[str, Any]:
    """An HSDS 3.0 API-style page holding every service (centre) in full."""
    contents = [hsds_service(c, districts.get(c.district_key), site_url, links(c)["en"]) for c in centres]
    return {
        "total_items": len(contents),
        "total_pages": 1,
        "page_number": 1,
        "size": len(contents),
        "first_page": True,
        "last_page": True,
        "empty": not contents,
        "contents": contents,
    }
