"""Pure functions behind the finder: opening hours and "open now", text search,
distances and which district a point is in. No Flask, no database: easy to test.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from ..chinese import script_key

HONG_KONG = ZoneInfo("Asia/Hong_Kong")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SPAN = re.compile(r"^(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})$")
CLOSED_WORDS = {"closed", "休息", "-"}

Spans = list[tuple[int, int]]  # minutes after midnight; close <= open means "past midnight"


# --- opening hours ------------------------------------------------------------------


class HoursError(ValueError):
    """An opening-hours cell an editor must fix: ``kind`` says what is wrong (the loader words it in the
    editor's language, see ``HOURS_MESSAGES`` in loader.py), ``hours`` is the part of the cell at fault."""

    def __init__(self, kind: str, hours: str):
        super().__init__(f"{kind}: {hours}")
        self.kind, self.hours = kind, hours


def parse_day(cell: str) -> Spans | None:
    """'09:00-13:00, 14:00-18:00' -> [(540, 780), (840, 1080)]; 'closed' -> []; '' -> None (unknown).

    A closing time of 24:00 means midnight; a closing time earlier than the
    opening time means the session runs past midnight (e.g. 20:00-01:00).
    """
    text = cell.strip()
    if not text:
        return None
    if text.lower() in CLOSED_WORDS:
        return []
    spans: Spans = []
    for part in re.split(r"[,;，、]", text):
        match = SPAN.match(part.strip())
        if not match:
            raise HoursError("not-a-range", part.strip())
        h1, m1, h2, m2 = (int(g) for g in match.groups())
        if h1 > 23 or m1 > 59 or h2 > 24 or m2 > 59 or (h2 == 24 and m2):
            raise HoursError("impossible-time", part.strip())
        start, end = h1 * 60 + m1, h2 * 60 + m2
        if start == end:
            raise HoursError("same-minute", part.strip())
        spans.append((start, end))
    ordered = sorted(spans)
    for (s1, e1), (s2, _e2) in zip(ordered, ordered[1:], strict=False):
        if e1 > s2 or e1 < s1:
            raise HoursError("overlap", text)
    return ordered


def format_spans(spans: Spans) -> str:
    return ", ".join(f"{_hhmm(start)}–{_hhmm(end)}" for start, end in spans)


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class OpenStatus:
    """What to tell a visitor right now. ``known`` is False when the hours are not verified."""

    known: bool
    open: bool = False
    closes_at: datetime | None = None
    opens_at: datetime | None = None
    holiday_today: bool = False
    holiday_rule_unknown: bool = False  # today is a holiday and we do not know what the centre does


def _intervals(
    hours: dict[str, Spans], day: date, holidays: set[date], closed_on_holidays: bool
) -> list[tuple[datetime, datetime]]:
    """Absolute opening intervals starting on ``day`` (Hong Kong time)."""
    if closed_on_holidays and day in holidays:
        return []
    spans = hours.get(DAYS[day.weekday()]) or []
    midnight = datetime.combine(day, time(0), tzinfo=HONG_KONG)
    result = []
    for start, end in spans:
        closes = timedelta(minutes=end) if end > start else timedelta(days=1, minutes=end)
        result.append((midnight + timedelta(minutes=start), midnight + closes))
    return result


def opening_status(
    hours: dict[str, Spans], public_holidays: str, holidays: Iterable[date], now: datetime
) -> OpenStatus:
    """Open now (and until when) or closed (and when it opens next), in Hong Kong time.

    ``public_holidays`` is "closed", "open" (normal hours) or "" (not known). On
    a holiday with an unknown rule we still compute from the weekly hours but
    flag it, so the page can tell the visitor to call first.
    """
    if not hours:
        return OpenStatus(known=False)
    now = now.astimezone(HONG_KONG)
    holiday_set = set(holidays)
    closed_on_holidays = public_holidays == "closed"
    today = now.date()
    intervals: list[tuple[datetime, datetime]] = []
    for offset in range(-1, 15):
        intervals += _intervals(hours, today + timedelta(days=offset), holiday_set, closed_on_holidays)
    intervals = _merge(sorted(intervals))
    holiday_today = today in holiday_set
    rule_unknown = holiday_today and not public_holidays
    for start, end in intervals:
        if start <= now < end:
            return OpenStatus(True, True, end, None, holiday_today, rule_unknown)
    upcoming = next((start for start, _ in intervals if start > now), None)
    return OpenStatus(True, False, None, upcoming, holiday_today, rule_unknown)


def _merge(intervals: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """Join sessions that touch (e.g. 18:00-24:00 then 00:00-02:00 the next day)."""
    merged: list[tuple[datetime, datetime]] = []
    for start, end in intervals:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def now_in_hong_kong() -> datetime:
    return datetime.now(HONG_KONG)


# --- text search --------------------------------------------------------------------

CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def normalise(text: str) -> str:
    """Lower case, full-width to half-width, punctuation to spaces."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("'", "").replace("’", "")
    return " ".join(re.sub(r"[^\w\u3400-\u9fff\uf900-\ufaff]+", " ", text).split())


@lru_cache(maxsize=4096)
def _compact_key(search_text: str) -> str:
    """A centre's search text without spaces, as a script key (the same on every request, so made once)."""
    return script_key(search_text.replace(" ", ""))


_DISTRICT = "区"  # 區 ("district"), as script_key() writes it


def matches(query: str, search_text: str) -> bool:
    """Every word of the query is found: English words as word prefixes, Chinese as substrings.

    Chinese is compared in either script and whichever variant a name is written
    in (东涌 finds 東涌, 启德 finds 啟德), and nothing of it is converted for show.
    """
    words = normalise(query).split()
    if not words:
        return True
    haystack = " " + search_text
    compact = _compact_key(search_text)
    for word in words:
        if CJK.search(word):
            key = script_key(word)
            if key not in compact and key.rstrip(_DISTRICT) not in compact:
                return False
        elif f" {word}" not in haystack:
            return False
    return True


# --- geometry -----------------------------------------------------------------------

EARTH_KM = 6371.0088


def distance_km(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_KM * math.asin(math.sqrt(a))


def point_in_ring(lng: float, lat: float, ring: Sequence[Sequence[float]]) -> bool:
    """Ray casting; ``ring`` is [[lng, lat], ...] as in GeoJSON."""
    inside = False
    j = len(ring) - 1
    for i in range(len(ring)):
        xi, yi = ring[i][0], ring[i][1]
        xj, yj = ring[j][0], ring[j][1]
        if (yi > lat) != (yj > lat) and lng < (xj - xi) * (lat - yi) / (yj - yi) + xi:
            inside = not inside
        j = i
    return inside


def point_in_polygons(lat: float, lng: float, polygons: Sequence[Sequence[Sequence[Sequence[float]]]]) -> bool:
    """Inside the outer ring and outside every hole of any of the polygons."""
    for rings in polygons:
        if rings and point_in_ring(lng, lat, rings[0]) and not any(point_in_ring(lng, lat, h) for h in rings[1:]):
            return True
    return False


@dataclass
class Ranked:
    """A centre with its distance from the visitor; ``approximate`` when measured to its district's middle."""

    item: object
    km: float
    approximate: bool


def rank_by_distance(items: Iterable, lat: float, lng: float, position_of, fallback_of) -> list[Ranked]:
    """Sort by distance: to the centre itself when its location is verified,
    otherwise to the middle of its district (flagged approximate). Items with
    neither come last, in their original order."""
    ranked, unplaced = [], []
    for item in items:
        exact = position_of(item)
        point = exact or fallback_of(item)
        if point is None:
            unplaced.append(Ranked(item, math.inf, True))
            continue
        ranked.append(Ranked(item, distance_km(lat, lng, *point), exact is None))
    ranked.sort(key=lambda r: r.km)
    return ranked + unplaced
