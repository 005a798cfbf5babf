"""The 18 districts of Hong Kong, portal-wide: names in both languages, region,
a land centroid and the official boundary polygon.

Editors keep ``content/districts.yml`` (names, copied from
``../shared/data/districts.csv``) and ``content/districts.geojson`` (the Home
Affairs Department boundaries). :class:`DistrictSource` checks both and loads
them into the ``district`` table; any capability that needs "which district?"
reads that table (:func:`all_districts`, :func:`district_by_key`). Call
:func:`register_districts` from your ``init_app``: it registers the source
once, however many capabilities ask for it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from flask import Flask
from sqlalchemy import Float, Integer, String, Text, delete, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from .bilingual import sync_simplified, with_simplified, written_text
from .content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    find_line,
    load_yaml_file,
    read_text,
    register_content_source,
    relative,
)
from .db import Base
from .i18n import N_
from .simplified import converter

SOURCE = "districts"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
REQUIRED = ("id", "code", "name_en", "name_zh", "region_en", "region_zh", "centroid")
# Hong Kong's land and sea, generously: anything outside is not in Hong Kong.
HK_BOUNDS = {"lat": (22.13, 22.58), "lng": (113.82, 114.45)}


class District(Base):
    """One district, both languages in one row; ``boundary_json`` is the outer
    ring of its polygon(s) as [[lng, lat], ...] lists (GeoJSON order)."""

    __tablename__ = "district"

    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    code: Mapped[str] = mapped_column(String(4))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name_en: Mapped[str] = mapped_column(String(100))
    name_zh: Mapped[str] = mapped_column(String(100))
    name_zhs: Mapped[str] = mapped_column(String(100), default="")
    region_en: Mapped[str] = mapped_column(String(100), default="")
    region_zh: Mapped[str] = mapped_column(String(100), default="")
    region_zhs: Mapped[str] = mapped_column(String(100), default="")
    lat: Mapped[float] = mapped_column(Float)
    lng: Mapped[float] = mapped_column(Float)
    boundary_json: Mapped[str] = mapped_column(Text, default="[]")

    def name(self, lang: str) -> str:
        return written_text(self, "name", lang)

    def region(self, lang: str) -> str:
        return written_text(self, "region", lang)

    @property
    def polygons(self) -> list[list[list[list[float]]]]:
        """Polygons as lists of rings of [lng, lat] points."""
        return json.loads(self.boundary_json)


def _is_point(value: Any) -> bool:
    return (
        isinstance(value, list)
        and len(value) == 2
        and all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
    )


def inside_hong_kong(lat: float, lng: float) -> bool:
    """A coarse box around Hong Kong, to catch swapped or mistyped coordinates."""
    return HK_BOUNDS["lat"][0] <= lat <= HK_BOUNDS["lat"][1] and HK_BOUNDS["lng"][0] <= lng <= HK_BOUNDS["lng"][1]


@dataclass
class DistrictFiles:
    names: Path
    boundaries: Path

    @classmethod
    def under(cls, content_dir: Path) -> DistrictFiles:
        return cls(content_dir / "districts.yml", content_dir / "districts.geojson")


def _polygons_by_code(path: Path, shown: str) -> dict[str, list]:
    """Read the HAD boundary file: district code -> list of polygons."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, UnicodeDecodeError) as exc:
        message = N_("not valid GeoJSON: %(error)s")
        raise ContentError(Problem(shown, 1, message, params={"error": exc})) from exc
    found: dict[str, list] = {}
    for number, feature in enumerate(data.get("features", []) if isinstance(data, dict) else [], start=1):
        props = feature.get("properties") or {}
        code = props.get("地區號碼") or props.get("code")
        geometry = feature.get("geometry") or {}
        if geometry.get("type") == "Polygon":
            polygons = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiPolygon":
            polygons = geometry["coordinates"]
        else:
            message = N_("feature #%(number)s is not a Polygon or MultiPolygon")
            raise ContentError(Problem(shown, 1, message, params={"number": number}))
        if not code:
            message = N_("feature #%(number)s has no district code (地區號碼)")
            raise ContentError(Problem(shown, 1, message, params={"number": number}))
        found.setdefault(str(code), []).extend(polygons)
    return found


def parse_districts(content_dir: Path) -> list[dict[str, Any]]:
    """Validate districts.yml (+ districts.geojson when present); rows for the table.

    No districts.yml at all is not an error (a site without the finder)."""
    files = DistrictFiles.under(content_dir)
    if not files.names.exists():
        return []
    shown = relative(files.names, content_dir)
    data = load_yaml_file(files.names, shown)
    text = read_text(files.names, shown)
    if not isinstance(data, list):
        raise ContentError(Problem(shown, 1, N_("districts.yml must be a list (- id: …)")))
    polygons: dict[str, list] = {}
    if files.boundaries.exists():
        polygons = _polygons_by_code(files.boundaries, relative(files.boundaries, content_dir))
    problems: list[Problem] = []
    rows: list[dict[str, Any]] = []
    seen: set[str] = set()
    for position, item in enumerate(data):
        key = item.get("id") if isinstance(item, dict) else None
        line = find_line(text, f"id: {key}") if key else 1
        missing = [name for name in REQUIRED if not isinstance(item, dict) or item.get(name) in (None, "")]
        if missing:
            message = N_("district '%(district)s' is missing: %(fields)s")
            problems.append(Problem(shown, line, message, params={"district": key, "fields": ", ".join(missing)}))
            continue
        if not SLUG.match(str(key)) or key in seen:
            message = N_("district id '%(district)s' must be unique, lowercase-with-hyphens")
            problems.append(Problem(shown, line, message, params={"district": key}))
            continue
        seen.add(key)
        centroid = item["centroid"]
        if not _is_point(centroid):
            message = N_("district '%(district)s': centroid must be [latitude, longitude]")
            problems.append(Problem(shown, line, message, params={"district": key}))
            continue
        if not inside_hong_kong(*centroid):
            message = N_("district '%(district)s': centroid %(centroid)s is not in Hong Kong")
            problems.append(Problem(shown, line, message, params={"district": key, "centroid": centroid}))
            continue
        code = str(item["code"])
        if polygons and code not in polygons:
            message = N_("district '%(district)s': code %(code)s is not in districts.geojson")
            problems.append(Problem(shown, line, message, params={"district": key, "code": code}))
            continue
        rows.append(
            {
                "key": key,
                "code": code,
                "position": position,
                **{name: str(item[name]).strip() for name in ("name_en", "name_zh", "region_en", "region_zh")},
                "lat": centroid[0],
                "lng": centroid[1],
                "boundary_json": json.dumps(polygons.get(code, []), separators=(",", ":")),
            }
        )
    if problems:
        raise ContentError(problems)
    return rows


class DistrictSource:
    """The districts' part of ``flask content check`` and ``flask content sync``."""

    name = SOURCE

    def files(self, content_dir: Path) -> list[Path]:
        files = DistrictFiles.under(content_dir)
        return [path for path in (files.names, files.boundaries) if path.exists()]

    def check(self, content_dir: Path) -> list[Problem]:
        try:
            parse_districts(content_dir)
        except ContentError as exc:
            return exc.problems
        return []

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = self._sync(session, content_dir, progress)
        sync_simplified(session, report, District, convert=converter(content_dir))
        return report

    def _sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        paths = self.files(content_dir)
        progress(len(paths))
        files = DistrictFiles.under(content_dir)
        shown = relative(files.names, content_dir)
        digest = file_hash(*(path.read_bytes() for path in paths))
        tracker = FileTracker(session, self.name)
        if tracker.is_unchanged(shown, digest):
            report.unchanged = 1
            return report
        try:
            rows = parse_districts(content_dir)
        except ContentError as exc:
            report.problems += exc.problems
            tracker.record_error(shown, digest, exc.problems)
            return report
        session.execute(delete(District))
        session.add_all(District(**row) for row in with_simplified(rows, District, converter(content_dir)))
        tracker.record_ok(shown, digest)
        report.updated = 1
        return report


def all_districts(session: Session) -> list[District]:
    return list(session.scalars(select(District).order_by(District.position)))


def district_by_key(session: Session, key: str) -> District | None:
    return session.get(District, key)


def _with_and_without(name: str, suffix: str) -> set[str]:
    """``name`` and, when two characters or more are left, ``name`` without its final ``suffix``."""
    if not name:
        return set()
    short = name.removesuffix(suffix)
    return {name, short} if len(short) >= 2 else {name}


def place_names(district: District) -> list[re.Pattern[str]]:
    """The names a venue or address may use for this district, as patterns.

    Only what ``content/districts.yml`` holds: the Chinese name with and without its final
    區 (沙田區, 沙田; but 北區 stays whole: 北 alone is in too many names), the same in Simplified
    (观塘区, 观塘; ``name_zhs``, made from the Traditional when the districts are synced) for
    feeds written in Simplified, and the English name as a whole phrase (Sha Tin). A one-word
    English name (North, Eastern, Southern, Islands) counts only as "<name> District": North
    Point is in Eastern. The file has no estates or well-known places yet; they would be listed
    here the same way.
    """
    chinese: set[str] = set()
    for name, suffix in ((district.name_zh, "區"), (district.name_zhs, "区")):
        chinese |= _with_and_without(name, suffix)
    english = district.name_en if " " in district.name_en else f"{district.name_en} District"
    patterns = [re.compile(re.escape(name)) for name in sorted(chinese, key=len, reverse=True)]
    patterns.append(re.compile(rf"(?<![A-Za-z]){re.escape(english)}(?![A-Za-z])", re.IGNORECASE))
    return patterns


def district_from_place(session: Session, *texts: str) -> str:
    """The district of a venue or address when exactly one district's name appears in it, else "".

    Used for feed events that give no district (``portal/feeds/store.py``); the names are read
    once per session (one feed's transaction)."""
    found = districts_in_place(session, *texts)
    return found[0] if len(found) == 1 else ""


def districts_in_place(session: Session, *texts: str) -> list[str]:
    """The keys of every district whose name appears in a venue or address, in the districts' order
    (so a feed's health can say why none or several matched)."""
    names = session.info.get("district_place_names")
    if names is None:
        names = session.info["district_place_names"] = [(d.key, place_names(d)) for d in all_districts(session)]
    text = " ".join(part for part in texts if part)
    if not text:
        return []
    return [key for key, patterns in names if any(pattern.search(text) for pattern in patterns)]


def register_districts(app: Flask) -> None:
    """Register the districts content source once per app."""
    sources = app.extensions.get("portal.content_sources", [])
    if not any(getattr(source, "name", None) == SOURCE for source in sources):
        register_content_source(app, DistrictSource())
