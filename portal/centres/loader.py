"""Reads content/centres/centres.csv (one row per centre, both languages in
columns, so it opens in any spreadsheet) and content/holidays.yml, checks
them and syncs them into the database.

Only what a source confirms goes online: a phone number is published when its
row says ``phone_verified: yes``; empty cells stay empty and the pages say
"not yet verified".
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..bilingual import sync_simplified, with_simplified
from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    file_hash,
    load_yaml_file,
    read_text,
    reading,
    relative,
)
from ..districts import inside_hong_kong, parse_districts
from ..i18n import N_
from ..simplified import converter
from .finder import DAYS, HoursError, normalise, parse_day, point_in_polygons
from .model import Centre, Holiday

SOURCE = "centres"
COLUMNS = (
    "id", "listed", "type", "name_en", "name_zh", "operator_en", "operator_zh", "district",
    "address_en", "address_zh", "phone", "phone_verified", "fax", "email", "website",
    *DAYS, "public_holidays", "latitude", "longitude", "service_boundary_en", "service_boundary_zh",
    "languages", "accessibility_en", "accessibility_zh", "last_verified", "confidence", "source", "notes",
)  # fmt: skip
TYPES = ("IFSC", "ISC", "other")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
PHONE = re.compile(r"^[2-9]\d{3} ?\d{4}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
YES, NO = {"yes", "y", "true", "是"}, {"no", "n", "false", "否", ""}
# Language names editors may use -> (ISO 639 code, Chinese name).
LANGUAGES = {
    "Cantonese": ("yue", "粵語"),
    "English": ("en", "英語"),
    "Putonghua": ("cmn", "普通話"),
    "Hindi": ("hi", "印地語"),
    "Urdu": ("ur", "烏爾都語"),
    "Nepali": ("ne", "尼泊爾語"),
    "Tagalog": ("tl", "他加祿語"),
    "Bahasa Indonesia": ("id", "印尼語"),
    "Thai": ("th", "泰語"),
    "Punjabi": ("pa", "旁遮普語"),
    "Vietnamese": ("vi", "越南語"),
    "Hong Kong Sign Language": ("hks", "香港手語"),
}
# The Chinese names as the Simplified edition writes them (hk2s of the above, kept so by tests/test_simplified_rows.py).
SIMPLIFIED_NAMES = {
    "Cantonese": "粤语",
    "English": "英语",
    "Putonghua": "普通话",
    "Hindi": "印地语",
    "Urdu": "乌尔都语",
    "Nepali": "尼泊尔语",
    "Tagalog": "他加禄语",
    "Bahasa Indonesia": "印尼语",
    "Thai": "泰语",
    "Punjabi": "旁遮普语",
    "Vietnamese": "越南语",
    "Hong Kong Sign Language": "香港手语",
}
LANGUAGE_ALIASES = {"mandarin": "Putonghua", "sign language": "Hong Kong Sign Language"}


def centres_path(content_dir: Path) -> Path:
    return content_dir / "centres" / "centres.csv"


def holidays_path(content_dir: Path) -> Path:
    return content_dir / "holidays.yml"


@dataclass
class DistrictIndex:
    """Districts by every name an editor may type: id, English or Chinese name."""

    by_name: dict[str, dict[str, Any]]
    rows: list[dict[str, Any]]

    @classmethod
    def load(cls, content_dir: Path) -> DistrictIndex:
        try:
            rows = parse_districts(content_dir)
        except ContentError:
            rows = []  # reported by the districts source itself
        by_name: dict[str, dict[str, Any]] = {}
        for row in rows:
            for name in (row["key"], row["name_en"], row["name_zh"], row["name_zh"].rstrip("區")):
                by_name[name.casefold()] = row
        return cls(by_name, rows)

    def find(self, text: str) -> dict[str, Any] | None:
        return self.by_name.get(text.strip().casefold())


def _split(cell: str) -> list[str]:
    return [part.strip() for part in re.split(r"[;；]", cell) if part.strip()]


def _flag(value: str) -> bool | None:
    value = value.strip().lower()
    return True if value in YES else False if value in NO else None


class _Row:
    """One CSV row and the problems found in it."""

    def __init__(self, cells: dict[str, str], line: int, shown: str):
        self.cells = {key: (value or "").strip() for key, value in cells.items() if key}
        self.line, self.shown = line, shown
        self.problems: list[Problem] = []
        self.key = self.cells.get("id", "")

    def __getitem__(self, name: str) -> str:
        return self.cells.get(name, "")

    def error(self, message: str, **params: Any) -> None:
        """``message`` (an ``N_`` text naming ``%(centre)s``) as an error on this row."""
        self.problems.append(Problem(self.shown, self.line, message, params={"centre": self.key, **params}))

    def warn(self, message: str, **params: Any) -> None:
        self.problems.append(Problem(self.shown, self.line, message, "warning", {"centre": self.key, **params}))


HOURS_MESSAGES = {
    "not-a-range": N_("centre '%(centre)s': %(day)s: '%(hours)s' is not a time range like 09:00-13:00 "
                      "(or write 'closed')"),
    "impossible-time": N_("centre '%(centre)s': %(day)s: '%(hours)s' has an impossible time (hours 00-23, "
                          "or 24:00 for midnight)"),
    "same-minute": N_("centre '%(centre)s': %(day)s: '%(hours)s' opens and closes at the same minute"),
    "overlap": N_("centre '%(centre)s': %(day)s: '%(hours)s': sessions overlap or a session past midnight "
                  "is not the last one"),
}  # fmt: skip


def _parse_row(row: _Row, districts: DistrictIndex) -> dict[str, Any] | None:
    """Validate one row; the Centre values when it is listed, else None."""
    listed = _flag(row["listed"] or "yes")
    if listed is None:
        row.error(N_("centre '%(centre)s': 'listed' must be yes or no"))
    if row["type"] not in TYPES:
        message = N_("centre '%(centre)s': type '%(type)s' must be one of %(known)s")
        row.error(message, type=row["type"], known=", ".join(TYPES))
    district = districts.find(row["district"]) if row["district"] else None
    if row["district"] and district is None and districts.rows:
        message = N_("centre '%(centre)s': unknown district '%(district)s' (use a name from content/districts.yml)")
        row.error(message, district=row["district"])
    phones = _split(row["phone"])
    for number in phones + ([row["fax"]] if row["fax"] else []):
        if not PHONE.match(number):
            row.error(
                N_("centre '%(centre)s': '%(number)s' is not a Hong Kong number: 8 digits like 2343 2255"),
                number=number,
            )
    verified = _flag(row["phone_verified"])
    if verified is None:
        row.error(N_("centre '%(centre)s': 'phone_verified' must be yes or no"))
    if row["email"] and not EMAIL.match(row["email"]):
        row.error(N_("centre '%(centre)s': '%(email)s' is not an email address"), email=row["email"])
    if row["website"] and not row["website"].startswith(("https://", "http://")):
        row.error(N_("centre '%(centre)s': 'website' must start with https://"))
    hours: dict[str, list[tuple[int, int]]] = {}
    for day in DAYS:
        try:
            spans = parse_day(row[day])
        except HoursError as exc:
            row.error(HOURS_MESSAGES[exc.kind], day=day, hours=exc.hours)
            continue
        if spans is not None:
            hours[day] = spans
    if hours and len(hours) < len(DAYS):
        empty = ", ".join(day for day in DAYS if day not in hours)
        message = N_("centre '%(centre)s': opening hours: fill all seven days or none (%(empty)s empty; write 'closed' "
                     "for a closed day)")  # fmt: skip
        row.error(message, empty=empty)
    if row["public_holidays"].lower() not in ("", "closed", "open"):
        row.error(N_("centre '%(centre)s': 'public_holidays' must be closed, open or empty (not known)"))
    lat, lng = _coordinates(row, district, districts)
    languages = _languages(row)
    last_verified = None
    if row["last_verified"]:
        try:
            last_verified = date.fromisoformat(row["last_verified"])
        except ValueError:
            message = N_("centre '%(centre)s': last_verified '%(date)s' must be a date like 2026-03-02")
            row.error(message, date=row["last_verified"])
    if listed:
        if not (row["name_en"] or row["name_zh"]):
            row.error(N_("centre '%(centre)s': a listed centre needs name_en or name_zh"))
        if not district:
            row.error(N_("centre '%(centre)s': a listed centre needs a district"))
        if not row["source"]:
            row.error(N_("centre '%(centre)s': a listed centre needs a source: where each fact was copied from"))
    if not listed or any(p.severity == "error" for p in row.problems):
        return None
    return {
        "key": row.key,
        "kind": row["type"],
        **{name: row[name] for name in ("name_en", "name_zh", "operator_en", "operator_zh")},
        "district_key": district["key"] if district else "",
        "address_en": row["address_en"],
        "address_zh": row["address_zh"],
        "phones_json": json.dumps(phones if verified else []),
        "fax": row["fax"],
        "email": row["email"],
        "website": row["website"],
        "hours_json": json.dumps(hours),
        "has_hours": bool(hours),
        "public_holidays": row["public_holidays"].lower(),
        "lat": lat,
        "lng": lng,
        "boundary_en": row["service_boundary_en"],
        "boundary_zh": row["service_boundary_zh"],
        "languages_json": json.dumps(languages),
        "accessibility_en": row["accessibility_en"],
        "accessibility_zh": row["accessibility_zh"],
        "last_verified": last_verified,
        "confidence": row["confidence"],
        "source": row["source"],
        "search_text": _search_text(row, district),
    }


def _coordinates(row: _Row, district, districts: DistrictIndex) -> tuple[float | None, float | None]:
    if not row["latitude"] and not row["longitude"]:
        return None, None
    try:
        lat, lng = float(row["latitude"]), float(row["longitude"])
    except ValueError:
        row.error(N_("centre '%(centre)s': latitude and longitude must both be decimal numbers like 22.2783, 114.1747"))
        return None, None
    if not inside_hong_kong(lat, lng):
        message = N_("centre '%(centre)s': (%(lat)s, %(lng)s) is not in Hong Kong: latitude about 22.2-22.6, longitude "
                     "about 113.8-114.4")  # fmt: skip
        row.error(message, lat=lat, lng=lng)
        return None, None
    if district and district["boundary_json"] != "[]":
        if not point_in_polygons(lat, lng, json.loads(district["boundary_json"])):
            message = N_(
                "centre '%(centre)s': (%(lat)s, %(lng)s) is outside %(district)s district: check the coordinates"
            )
            row.warn(message, lat=lat, lng=lng, district=district["name_en"])
    return lat, lng


def _languages(row: _Row) -> list[str]:
    names = []
    for name in _split(row["languages"]):
        canonical = LANGUAGE_ALIASES.get(name.casefold()) or next(
            (known for known in LANGUAGES if known.casefold() == name.casefold()), None
        )
        if canonical is None:
            message = N_("centre '%(centre)s': language '%(language)s' is not one of: %(known)s")
            row.error(message, language=name, known=", ".join(LANGUAGES))
        else:
            names.append(canonical)
    return names


def _search_text(row: _Row, district) -> str:
    parts = [
        row[name]
        for name in (
            "name_en",
            "name_zh",
            "operator_en",
            "operator_zh",
            "address_en",
            "address_zh",
            "service_boundary_en",
            "service_boundary_zh",
            "type",
        )
    ]
    if district:
        parts += [district["name_en"], district["name_zh"]]
    return normalise(" ".join(parts))


def parse_centres(content_dir: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """(rows to load, problems). Any error means the file is not loaded."""
    path = centres_path(content_dir)
    if not path.exists():
        return [], []
    shown = relative(path, content_dir)
    try:
        text = read_text(path, shown)  # in a spreadsheet: save as "CSV UTF-8" (content/centres/README.md)
    except ContentError as exc:
        return [], exc.problems
    reader = csv.DictReader(io.StringIO(text))
    header = reader.fieldnames or []
    problems: list[Problem] = []
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in COLUMNS if name not in header]
    if unknown or missing:
        message = (
            N_("unknown column(s): %(unknown)s; missing column(s): %(missing)s (see content/centres/README.md)")
            if unknown and missing
            else N_("unknown column(s): %(unknown)s (see content/centres/README.md)")
            if unknown
            else N_("missing column(s): %(missing)s (see content/centres/README.md)")
        )
        params = {"unknown": ", ".join(unknown), "missing": ", ".join(missing)}
        return [], [Problem(shown, 1, message, params=params)]
    districts = DistrictIndex.load(content_dir)
    rows, seen = [], set()
    for cells in reader:
        row = _Row(cells, reader.line_num, shown)
        if not SLUG.match(row.key):
            row.error(
                N_("centre '%(centre)s': id must be lowercase letters, digits and hyphens (it is the web address)")
            )
        elif row.key in seen:
            row.error(N_("centre '%(centre)s': this id is used twice"))
        seen.add(row.key)
        values = _parse_row(row, districts)
        problems += row.problems
        if values is not None:
            values["position"] = len(rows)
            rows.append(values)
    return rows, problems


def parse_holidays(content_dir: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    path = holidays_path(content_dir)
    if not path.exists():
        return [], []
    shown = relative(path, content_dir)
    try:
        data = load_yaml_file(path, shown) or {}
    except ContentError as exc:
        return [], exc.problems
    text = path.read_text(encoding="utf-8")
    items = data.get("holidays") if isinstance(data, dict) else None
    if not isinstance(items, list):
        return [], [Problem(shown, 1, N_("holidays.yml needs 'holidays:' followed by a list (or [] when empty)"))]
    problems, rows, seen = [], [], set()
    if items and not str(data.get("source") or "").strip():
        problems.append(Problem(shown, 1, N_("'source:' must say where the dates were copied from")))
    for item in items:
        day = item.get("date") if isinstance(item, dict) else None
        if isinstance(day, datetime):
            day = day.date()
        line = _line_of(text, str(day)) if day else 1
        if not isinstance(day, date):
            problems.append(Problem(shown, line, N_("each holiday needs 'date: YYYY-MM-DD'")))
            continue
        if day in seen:
            problems.append(Problem(shown, line, N_("%(day)s is listed twice"), params={"day": day}))
            continue
        if not item.get("name_en") or not item.get("name_zh"):
            problems.append(Problem(shown, line, N_("%(day)s needs name_en and name_zh"), params={"day": day}))
            continue
        seen.add(day)
        rows.append({"day": day, "name_en": str(item["name_en"]), "name_zh": str(item["name_zh"])})
    return rows, problems


def _parse_safely(kind: str, content_dir: Path) -> tuple[list[dict[str, Any]], list[Problem]]:
    """``parse_centres`` or ``parse_holidays``, with an internal error reported on its file (see ``reading``)."""
    parse, path = (parse_holidays, holidays_path) if kind == "holidays" else (parse_centres, centres_path)
    try:
        with reading(relative(path(content_dir), content_dir)):
            return parse(content_dir)
    except ContentError as exc:
        return [], exc.problems


def _line_of(text: str, needle: str) -> int:
    index = text.find(needle)
    return text[:index].count("\n") + 1 if index >= 0 else 1


def holiday_gaps(rows: list[dict[str, Any]], today: date) -> list[int]:
    """This year and next year when no holiday is listed for them (editors are reminded)."""
    years = {row["day"].year for row in rows}
    return [year for year in (today.year, today.year + 1) if year not in years]


class CentreSource:
    """centres.csv and holidays.yml in ``flask content check`` / ``sync``."""

    name = SOURCE

    def files(self, content_dir: Path) -> list[Path]:
        return [p for p in (centres_path(content_dir), holidays_path(content_dir)) if p.exists()]

    def check(self, content_dir: Path) -> list[Problem]:
        problems = _parse_safely("centres", content_dir)[1]
        holidays, holiday_problems = _parse_safely("holidays", content_dir)
        problems += holiday_problems
        path = holidays_path(content_dir)
        if path.exists() and not holiday_problems:
            from .finder import now_in_hong_kong

            for year in holiday_gaps(holidays, now_in_hong_kong().date()):
                message = N_("no general holidays listed for %(year)s: copy them from the official GovHK list "
                             "(https://www.gov.hk/en/about/abouthk/holiday/%(year)s.htm); until then pages cannot "
                             "tell that a centre is closed on a holiday")  # fmt: skip
                problems.append(Problem(relative(path, content_dir), 1, message, "warning", {"year": year}))
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        tracker = FileTracker(session, self.name)
        convert = converter(content_dir)
        districts_raw = [p.read_bytes() for p in (content_dir / "districts.yml",) if p.exists()]
        for path, kind in ((holidays_path(content_dir), "holidays"), (centres_path(content_dir), "centres")):
            progress(1)
            shown = relative(path, content_dir)
            if not path.exists():
                if tracker.was_known(shown):
                    session.execute(delete(Holiday if kind == "holidays" else Centre))
                    tracker.forget(shown)
                    report.removed += 1
                continue
            digest = file_hash(path.read_bytes(), *(districts_raw if kind == "centres" else []))
            if tracker.is_unchanged(shown, digest):
                report.unchanged += 1
                continue
            rows, problems = _parse_safely(kind, content_dir)
            errors = [p for p in problems if p.severity == "error"]
            report.problems += problems
            if errors:
                tracker.record_error(shown, digest, errors)
                continue
            model = Holiday if kind == "holidays" else Centre
            session.execute(delete(model))
            session.add_all(model(**row) for row in with_simplified(rows, model, convert))
            tracker.record_ok(shown, digest)
            report.updated += 1
        sync_simplified(session, report, Holiday, Centre, convert=convert)
        return report
