"""Reads content/events/ and content/partners/, validates them, syncs them into the database.

Events: ``content/events/<slug>/en.md`` and/or ``zh-hk.md``; one ``event`` row per
slug (uid ``md:<slug>``). Fields that are the same in both languages (dates,
district, ...) may be written in either file; when both give one, they must agree.

Dates: ``2026-12-05T10:00+08:00`` (offset required), ``2026-12-05`` (all day), or,
for examples only, relative to the day of the sync: ``+14d 10:00`` (Hong Kong time)
or ``+14d`` (all day). Files with relative dates are re-read every day.

Partners: ``content/partners/<id>.yml`` -> Partner and its PartnerFeed rows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..bilingual import fill_simplified, sync_simplified
from ..body_checks import image_problems, internal_path_problems, line_of, site_link_problems
from ..content import (
    ContentError,
    FileTracker,
    Problem,
    Progress,
    SyncReport,
    field_line,
    file_hash,
    load_yaml_file,
    read_text,
    reading,
    relative,
    split_front_matter,
)
from ..districts import parse_districts
from ..i18n import N_, WRITTEN_LANGUAGES
from ..markdown import MarkdownRenderer, PhoneBook, load_phone_book, render_fingerprint
from ..publishing import ALL_LANGUAGES, Schedule, publication_moment
from ..simplified import converter
from .facts import LANGUAGES as LANGUAGE_CODES
from .facts import MAX_FEE_NOTE, encode_fee, language_code, parse_amount
from .model import (
    AUDIENCES,
    STATUSES,
    Event,
    FeedHealthNote,
    NewsItem,
    Partner,
    PartnerFeed,
    fill_event_simplified,
)

SOURCE = "events"
HK = ZoneInfo("Asia/Hong_Kong")
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
RELATIVE = re.compile(r"^\+(\d{1,3})d(?:\s+(\d{1,2}):(\d{2}))?$")
PER_LANG = ("title", "venue", "address", "fee_note")
SHARED = (
    "starts",
    "ends",
    "district",
    "online",
    "organiser",
    "registration",
    "audience",
    "topics",
    "fee",
    "free",
    "languages",
    "status",
    "example",
    "published",
)
FEED_FORMATS = ("", "rss", "atom", "rdf", "ics", "jsonld", "csv", "json")


def today_hk(now: datetime | None = None) -> date:
    return (now or datetime.now(UTC)).astimezone(HK).date()


@dataclass
class When:
    at: datetime
    all_day: bool
    offset_minutes: int


def parse_when(value: Any, today: date) -> When:
    """A front-matter date: ISO 8601 with offset, a date alone (all day) or ``+Nd [HH:MM]``."""
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise ValueError(N_("'%(field)s' needs an offset, like 2026-12-05T10:00+08:00"))
        return When(value.astimezone(UTC), False, int(value.utcoffset().total_seconds() // 60))
    if isinstance(value, date):
        return When(datetime.combine(value, time(), HK).astimezone(UTC), True, 480)
    if not isinstance(value, str):
        raise ValueError(N_("'%(field)s' must be a date like 2026-12-05 or 2026-12-05T10:00+08:00"))
    text = value.strip()
    match = RELATIVE.match(text)
    if match:
        day = today + timedelta(days=int(match.group(1)))
        if match.group(2) is None:
            return When(datetime.combine(day, time(), HK).astimezone(UTC), True, 480)
        at = datetime.combine(day, time(int(match.group(2)), int(match.group(3))), HK)
        return When(at.astimezone(UTC), False, 480)
    if len(text) == 10:
        try:
            return parse_when(date.fromisoformat(text), today)
        except ValueError as exc:
            raise ValueError(N_("'%(field)s' must be a date like 2026-12-05 or 2026-12-05T10:00+08:00")) from exc
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError as exc:
        raise ValueError(N_("'%(field)s' must be a date like 2026-12-05 or 2026-12-05T10:00+08:00")) from exc
    return parse_when(parsed, today)


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(",") if part.strip()]
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return [v.strip() for v in value]
    raise ValueError


def _url_ok(value: str) -> bool:
    return value.startswith(("https://", "http://"))


# ---------------------------------------------------------------- partners


def partner_files(content_dir: Path) -> list[Path]:
    root = content_dir / "partners"
    return sorted(root.glob("*.yml")) if root.is_dir() else []


def parse_partner(path: Path, content_dir: Path, districts: set[str]) -> dict[str, Any]:
    shown = relative(path, content_dir)
    data = load_yaml_file(path, shown)
    text = read_text(path, shown)
    problems: list[Problem] = []
    if not SLUG.match(path.stem):
        raise ContentError(Problem(shown, 1, N_("file name is the partner id: lowercase letters, digits, hyphens")))
    if not isinstance(data, dict):
        raise ContentError(Problem(shown, 1, N_("a partner file is a mapping (name_en: …, name_zh: …)")))
    known = {"name_en", "name_zh", "description_en", "description_zh", "website", "logo", "example", "feeds"}
    for key in data:
        if key not in known:
            problems.append(
                Problem(shown, field_line(text, str(key)), N_("unknown field '%(field)s'"), params={"field": key})
            )
    if not data.get("name_en") and not data.get("name_zh"):
        problems.append(Problem(shown, 1, N_("needs name_en and/or name_zh")))
    website = str(data.get("website") or "")
    if website and not _url_ok(website):
        problems.append(Problem(shown, field_line(text, "website"), N_("'website' must start with https://")))
    logo = str(data.get("logo") or "")
    if logo and ("/" in logo or Path(logo).suffix.lower() not in (".png", ".jpg", ".jpeg", ".svg", ".webp")):
        message = N_("'logo' must be an image file name (png, jpg, svg, webp)")
        problems.append(Problem(shown, field_line(text, "logo"), message))
    elif logo and not (path.parent / logo).is_file():
        message = N_("logo '%(logo)s' not found in content/partners/")
        problems.append(Problem(shown, field_line(text, "logo"), message, params={"logo": logo}))
    feeds = []
    raw_feeds = data.get("feeds") or []
    if not isinstance(raw_feeds, list):
        problems.append(Problem(shown, field_line(text, "feeds"), N_("'feeds' must be a list (- url: …)")))
        raw_feeds = []
    for feed in raw_feeds:
        feed = {"url": feed} if isinstance(feed, str) else feed
        url = str(feed.get("url") or "") if isinstance(feed, dict) else ""
        line = field_line(text, "feeds")
        if url:
            line = next((n for n, ln in enumerate(text.splitlines(), 1) if url in ln), line)
        if not _url_ok(url):
            message = N_("feed url '%(url)s' must start with https:// or http://")
            problems.append(Problem(shown, line, message, params={"url": url}))
            continue
        hint = str(feed.get("format") or "")
        lang = str(feed.get("lang") or "")
        district = str(feed.get("district") or "")
        if hint not in FEED_FORMATS:
            message = N_("feed format '%(format)s' is not one of rss, atom, rdf, ics, jsonld, csv, json")
            problems.append(Problem(shown, line, message, params={"format": hint}))
        if lang not in ("", *WRITTEN_LANGUAGES):
            problems.append(Problem(shown, line, N_("feed lang '%(lang)s' must be en or zh-hk"), params={"lang": lang}))
        if district and districts and district not in districts:
            message = N_("unknown district '%(district)s' (see content/districts.yml)")
            problems.append(Problem(shown, line, message, params={"district": district}))
        feeds.append({"url": url, "format_hint": hint, "default_lang": lang, "default_district": district})
    if problems:
        raise ContentError(problems)
    return {
        "id": path.stem,
        "name_en": str(data.get("name_en") or ""),
        "name_zh": str(data.get("name_zh") or ""),
        "description_en": str(data.get("description_en") or "").strip(),
        "description_zh": str(data.get("description_zh") or "").strip(),
        "website": website,
        "logo": logo,
        "is_example": bool(data.get("example", False)),
        "feeds": feeds,
    }


# ---------------------------------------------------------------- events


@dataclass
class EventFolder:
    slug: str
    files: dict[str, Path]
    shown: dict[str, str]


def discover(content_dir: Path) -> tuple[list[EventFolder], list[Problem]]:
    root = content_dir / "events"
    found, problems = [], []
    if not root.is_dir():
        return found, problems
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if not SLUG.match(folder.name):
            message = N_("folder name: lowercase letters, digits, hyphens")
            problems.append(Problem(relative(folder, content_dir), 1, message))
            continue
        files = {lang: folder / f"{lang}.md" for lang in WRITTEN_LANGUAGES if (folder / f"{lang}.md").is_file()}
        if not files:
            message = N_("no en.md or zh-hk.md in this event folder")
            problems.append(Problem(relative(folder, content_dir), 1, message))
            continue
        found.append(EventFolder(folder.name, files, {k: relative(p, content_dir) for k, p in files.items()}))
    return found, problems


def _description_problems(shown: str, body: str, body_line: int, rendered: Any, title: str) -> list[Problem]:
    """What readers would meet in the description: images (events have none of their own), links to no
    page of this site, internal paths."""
    problems = []
    for name in rendered.images:
        message = N_("image '%(image)s': event descriptions have no images")
        problems.append(Problem(shown, line_of(body, name, body_line), message, params={"image": name}))
    problems += image_problems(shown, body, body_line)
    problems += site_link_problems(shown, rendered.html, body, body_line)
    problems += internal_path_problems(shown, title, rendered.plain_text, body, body_line)
    return problems


def parse_event(
    folder: EventFolder, partners: set[str], districts: set[str], today: date, phones: PhoneBook | None = None
) -> dict[str, Any]:
    """Validate one event folder (``phones``: the hotlines to link); the values of its ``event`` row.
    Raises ContentError."""
    problems: list[Problem] = []
    shared: dict[str, tuple[Any, str, int]] = {}  # name -> (value, shown, line)
    values: dict[str, Any] = {}
    for lang, path in folder.files.items():
        shown = folder.shown[lang]
        text = read_text(path, shown)
        meta, body, body_line = split_front_matter(text, shown)
        suffix = "zh" if lang == "zh-hk" else "en"
        for name, value in meta.items():
            line = field_line(text, str(name))
            if name in PER_LANG:
                values[f"{name}_{suffix}"] = "" if value is None else str(value).strip()
            elif name in SHARED:
                if name in shared and shared[name][0] != value:
                    message = N_("'%(field)s' differs from %(other)s: write it once")
                    problems.append(Problem(shown, line, message, params={"field": name, "other": shared[name][1]}))
                shared[name] = (value, shown, line)
            else:
                problems.append(Problem(shown, line, N_("unknown field '%(field)s'"), params={"field": name}))
        if not values.get(f"title_{suffix}"):
            problems.append(Problem(shown, field_line(text, "title", 2), N_("missing field 'title'")))
        rendered = MarkdownRenderer(lang, lambda name: name, phones).render(body)
        values[f"description_{suffix}"] = rendered.html
        problems += _description_problems(shown, body, body_line, rendered, values.get(f"title_{suffix}", ""))
    first_shown = next(iter(folder.shown.values()))

    def where(name: str) -> tuple[str, int]:
        return (shared[name][1], shared[name][2]) if name in shared else (first_shown, 2)

    def get(name: str) -> Any:
        return shared[name][0] if name in shared else None

    if get("starts") is None:
        problems.append(Problem(first_shown, 2, N_("missing field 'starts' (like 2026-12-05T10:00+08:00)")))
    else:
        try:
            start = parse_when(get("starts"), today)
            values.update(starts=start.at, all_day=start.all_day, timezone_offset_minutes=start.offset_minutes)
        except ValueError as exc:
            problems.append(Problem(*where("starts"), str(exc), params={"field": "starts"}))
    values["ends"] = None
    if get("ends") is not None:
        try:
            end = parse_when(get("ends"), today)
            values["ends"] = end.at + (timedelta(days=1) if end.all_day else timedelta())
            if "starts" in values and values["ends"] <= values["starts"]:
                problems.append(Problem(*where("ends"), N_("'ends' is before 'starts'")))
        except ValueError as exc:
            problems.append(Problem(*where("ends"), str(exc), params={"field": "ends"}))
    district = str(get("district") or "")
    if district and district not in districts:
        message = N_("unknown district '%(district)s' (see content/districts.yml)")
        problems.append(Problem(*where("district"), message, params={"district": district}))
    organiser = str(get("organiser") or "")
    if organiser and organiser not in partners:
        message = N_("unknown organiser '%(organiser)s': no content/partners/%(organiser)s.yml")
        problems.append(Problem(*where("organiser"), message, params={"organiser": organiser}))
    for name, column in (("online", "online_url"), ("registration", "registration_url")):
        url = str(get(name) or "")
        if url and not _url_ok(url):
            message = N_("'%(field)s' must be a web address starting with https://")
            problems.append(Problem(*where(name), message, params={"field": name}))
        values[column] = url
    lists = {}
    for name in ("audience", "topics", "languages"):
        try:
            lists[name] = _as_list(get(name))
        except ValueError:
            message = N_("'%(field)s' must be a list like [parents, carers]")
            problems.append(Problem(*where(name), message, params={"field": name}))
            lists[name] = []
    for item in lists["audience"]:
        if item not in AUDIENCES:
            message = N_("unknown audience '%(item)s' (one of: %(known)s)")
            problems.append(Problem(*where("audience"), message, params={"item": item, "known": ", ".join(AUDIENCES)}))
    status = str(get("status") or "scheduled")
    if status not in STATUSES:
        message = N_("unknown status '%(status)s' (one of: %(known)s)")
        problems.append(Problem(*where("status"), message, params={"status": status, "known": ", ".join(STATUSES)}))
    fee, free = _fee(get("fee"), get("free"), values, where, problems)
    languages = []
    for item in lists["languages"]:
        code = language_code(item)
        if code is None:
            message = N_("unknown language '%(item)s' (one of: %(known)s)")
            problems.append(
                Problem(*where("languages"), message, params={"item": item, "known": ", ".join(LANGUAGE_CODES)})
            )
        else:
            languages.append(code)
    relative_dates = [
        name for name in ("starts", "ends") if isinstance(get(name), str) and RELATIVE.match(get(name).strip())
    ]
    if relative_dates and not get("example"):
        message = N_("'%(field)s': relative dates (+14d) are for example events only (add 'example: true')")
        problems.append(Problem(*where(relative_dates[0]), message, params={"field": relative_dates[0]}))
    values["publish_at"] = None  # not a column: the sync schedules it (portal/publishing.py)
    if get("published") is not None:
        try:
            values["publish_at"] = publication_moment(get("published"))
        except ValueError:
            message = N_(
                "'%(field)s' must be a date like 2026-12-05 or a date and time like 2026-12-05 09:30 (Hong Kong time)"
            )
            problems.append(Problem(*where("published"), message, params={"field": "published"}))
    if not district and not values["online_url"]:
        problems.append(Problem(first_shown, 2, N_("give a 'district' (in-person event) or an 'online' address")))
    if problems:
        raise ContentError(problems)
    for field in ("title", "venue", "address", "description"):
        values.setdefault(f"{field}_en", "")
        values.setdefault(f"{field}_zh", "")
    return {
        **values,
        "uid": f"md:{folder.slug}",
        "source": "editor",
        "partner_id": organiser or None,
        "district": district,
        "audience": ",".join(lists["audience"]),
        "topics": ",".join(lists["topics"]),
        "languages": ",".join(languages),
        "status": status,
        "fee": fee,
        "is_free": free,
        "is_example": bool(get("example") or False),
    }


def _fee(value: Any, free: Any, values: dict[str, Any], where, problems: list[Problem]) -> tuple[str, bool | None]:
    """The ``fee`` column (structured, see facts.py) and ``is_free`` from ``fee``, ``free`` and the
    per-language ``fee_note`` (popped from ``values``: they are not columns)."""
    note_en, note_zh = values.pop("fee_note_en", ""), values.pop("fee_note_zh", "")
    if free is not None and not isinstance(free, bool):
        problems.append(Problem(*where("free"), N_("'%(field)s' must be true or false"), params={"field": "free"}))
        free = None
    for note in (note_en, note_zh):
        if len(note) > MAX_FEE_NOTE:
            message = N_("'fee_note' is longer than %(max)d characters")
            problems.append(Problem(*where("fee"), message, params={"max": MAX_FEE_NOTE}))
    if value is None:
        if note_en or note_zh:
            problems.append(Problem(*where("fee"), N_("'fee_note' needs a 'fee' (a number of dollars, or free)")))
        return "", free
    text = str(value).strip()
    is_free_word = text.lower() in ("free", "免費")
    amount = None if is_free_word else parse_amount(value)
    if not is_free_word and amount is None:
        message = N_("'fee' must be a number of Hong Kong dollars (like 50) or free; words go in 'fee_note'")
        problems.append(Problem(*where("fee"), message))
        return "", free
    zero = is_free_word or amount == 0
    if free is None:
        free = zero
    return encode_fee(zero, amount, note_en, note_zh), free


def known_districts(content_dir: Path) -> set[str]:
    try:
        return {row["key"] for row in parse_districts(content_dir)}
    except ContentError:
        return set()


class EventSource:
    """Events and partners in ``flask content check`` and ``flask content sync``."""

    name = SOURCE

    def __init__(self, today=today_hk):
        self.today = today

    def files(self, content_dir: Path) -> list[Path]:
        paths = partner_files(content_dir)
        for folder in discover(content_dir)[0]:
            paths += list(folder.files.values())
        return paths

    def check(self, content_dir: Path) -> list[Problem]:
        districts = known_districts(content_dir)
        problems: list[Problem] = []
        partners = set()
        for path in partner_files(content_dir):
            partners.add(path.stem)
            try:
                with reading(relative(path, content_dir)):
                    parse_partner(path, content_dir, districts)
            except ContentError as exc:
                problems += exc.problems
        folders, layout = discover(content_dir)
        problems += layout
        phones = load_phone_book(content_dir)
        for folder in folders:
            try:
                with reading(next(iter(folder.shown.values()))):
                    parse_event(folder, partners, districts, self.today(), phones)
            except ContentError as exc:
                problems += exc.problems
        return problems

    def sync(self, session: Session, content_dir: Path, progress: Progress) -> SyncReport:
        report = SyncReport(self.name)
        tracker = FileTracker(session, self.name)
        districts = known_districts(content_dir)
        partner_paths = partner_files(content_dir)
        folders, layout = discover(content_dir)
        report.problems += layout
        self._sync_partners(session, content_dir, partner_paths, districts, tracker, report, progress)
        partners = {p.stem for p in partner_paths} | set(session.scalars(select(Partner.id)))
        today = self.today()
        phones = load_phone_book(content_dir)
        rendering = render_fingerprint(phones)  # a new renderer or other hotlines re-render every event
        existing = {row.uid: row for row in session.scalars(select(Event).where(Event.source == "editor"))}
        convert = converter(content_dir)
        schedule = Schedule(session, SOURCE)
        for folder in folders:
            progress(1)
            key = f"events/{folder.slug}"
            raw = [p.read_bytes() for p in folder.files.values()]
            relative_dates = any(re.search(rb"^(starts|ends):\s*['\"]?\+\d", r, re.M) for r in raw)
            digest = file_hash(*raw, ",".join(folder.files), today.isoformat() if relative_dates else "", rendering)
            uid = f"md:{folder.slug}"
            if tracker.is_unchanged(key, digest) and uid in existing:
                report.unchanged += 1
                continue
            try:
                with reading(next(iter(folder.shown.values()))):
                    values = parse_event(folder, partners, districts, today, phones)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(key, digest, exc.problems)
                continue
            row = existing.get(uid)
            now = datetime.now(UTC)
            publish_at = values.pop("publish_at")
            fill_event_simplified(values, convert)
            if row is None:
                row = Event(**values, content_hash=digest, first_seen=now, last_seen=now)
                session.add(row)
                if publish_at is not None:
                    session.flush()  # its id names it in the publication schedule
                report.added += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.content_hash, row.last_seen, row.hidden = digest, now, False
                report.updated += 1
            if row.id is not None:
                schedule.set(str(row.id), ALL_LANGUAGES, publish_at)
            tracker.record_ok(key, digest)
        on_disk = {f"md:{folder.slug}" for folder in folders}
        for uid, row in existing.items():
            if uid not in on_disk:
                schedule.forget(str(row.id))
                session.delete(row)
                report.removed += 1
        for path in tracker.removed():
            if path.startswith("events/") and f"md:{path.split('/', 1)[1]}" not in on_disk:
                tracker.forget(path)
        # Feed events too: a new term list redoes every event's Simplified text, the feeds' included.
        sync_simplified(session, report, Partner, Event, convert=convert)
        return report

    def _sync_partners(self, session, content_dir, paths, districts, tracker, report, progress) -> None:
        existing = {row.id: row for row in session.scalars(select(Partner))}
        for path in paths:
            progress(1)
            shown = relative(path, content_dir)
            raw = path.read_bytes()
            digest = file_hash(raw, ",".join(sorted(districts)))
            if tracker.is_unchanged(shown, digest) and path.stem in existing:
                report.unchanged += 1
                continue
            try:
                with reading(shown):
                    values = parse_partner(path, content_dir, districts)
            except ContentError as exc:
                report.problems += exc.problems
                tracker.record_error(shown, digest, exc.problems)
                continue
            feeds = values.pop("feeds")
            fill_simplified(values, ("name", "description"), converter(content_dir), Partner)
            row = existing.get(values["id"])
            if row is None:
                row = Partner(**values, content_hash=digest)
                session.add(row)
                session.flush()
                report.added += 1
            else:
                for name, value in values.items():
                    setattr(row, name, value)
                row.content_hash = digest
                report.updated += 1
            self._sync_feeds(session, row.id, feeds)
            tracker.record_ok(shown, digest)
        # A partner whose file is gone keeps its row (events and news point at it) but loses its feeds.
        on_disk = {p.stem for p in paths}
        for partner_id in existing:
            if partner_id not in on_disk:
                self._sync_feeds(session, partner_id, [])

    @staticmethod
    def _sync_feeds(session: Session, partner_id: str, feeds: list[dict[str, Any]]) -> None:
        """Keep feed rows (and their health) by URL; a removed feed is deleted unless events point at it."""
        query = select(PartnerFeed).where(PartnerFeed.partner_id == partner_id)
        rows = {row.url: row for row in session.scalars(query)}
        wanted = {feed["url"] for feed in feeds}
        for feed in feeds:
            row = rows.get(feed["url"])
            if row is None:
                other = session.scalars(select(PartnerFeed).where(PartnerFeed.url == feed["url"])).first()
                if other is not None:  # moved between partners
                    other.partner_id = partner_id
                    row = other
                else:
                    session.add(PartnerFeed(partner_id=partner_id, **feed))
                    continue
            row.format_hint, row.default_lang, row.default_district = (
                feed["format_hint"],
                feed["default_lang"],
                feed["default_district"],
            )
        for url, row in rows.items():
            if url not in wanted:
                _detach_feed(session, row)


def _detach_feed(session: Session, feed: PartnerFeed) -> None:
    """A feed removed from its partner's file is no longer refreshed: its rows are kept (never deleted)
    but detached, and its events still to come are hidden like events gone from a feed."""
    now = datetime.now(UTC)
    for event in session.scalars(select(Event).where(Event.feed_id == feed.id)):
        event.feed_id = None
        if event.starts > now:
            event.hidden = True
    for item in session.scalars(select(NewsItem).where(NewsItem.feed_id == feed.id)):
        item.feed_id = None
    session.execute(delete(FeedHealthNote).where(FeedHealthNote.feed_id == feed.id))
    session.flush()
    session.delete(feed)
