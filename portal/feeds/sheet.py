"""Events from a spreadsheet published as CSV (Google Sheets "publish to web" as CSV, or a CSV file
put online), in the bilingual columns of ``content/partners/events-template.csv``.

The standard ``csv`` module reads it (quoted cells with commas and line breaks, CRLF); a UTF-8
byte-order mark, as Excel writes, is dropped. Row 1 is the header; a row that cannot be used (no
title, no or a bad start date) is skipped and named by its row number on the partner's health page,
and the other rows still load. Unknown columns are ignored, so partners may keep their own notes.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime

from .parse import (
    FeedItem,
    FeedNote,
    ParsedFeed,
    ParseError,
    ParseLimits,
    _description_html,
    _safe_url,
    _to_utc,
    detect_lang,
    parse_iso,
    plain_text,
)

COLUMNS = (
    "id",
    "title_en",
    "title_zh",
    "starts",
    "ends",
    "venue_en",
    "venue_zh",
    "address",
    "district",
    "description_en",
    "description_zh",
    "link",
    "registration",
    "fee",
    "languages",
    "status",
)
FREE_WORDS = {"free", "0", "0.0", "hk$0", "$0", "免費", "免费"}
STATUS_WORDS = {
    "": "scheduled",
    "scheduled": "scheduled",
    "cancelled": "cancelled",
    "canceled": "cancelled",
    "postponed": "postponed",
    "full": "full",
    "取消": "cancelled",
    "已取消": "cancelled",
    "延期": "postponed",
    "已延期": "postponed",
    "額滿": "full",
    "滿額": "full",
    "已滿": "full",
}
_PRICE = re.compile(r"^(?:hk\$|\$|hkd\s*)?\s*(\d+(?:\.\d+)?)$", re.IGNORECASE)
_SLUG = re.compile(r"^[a-z][a-z0-9-]{0,59}$")
_SPREADSHEET_TIME = re.compile(r"^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[ T](\d{1,2}):(\d{2}))?$")


def looks_like_csv(body: bytes, content_type: str = "", format_hint: str = "") -> bool:
    """The hint says csv, the server says text/csv, or the first line is our template's header."""
    if format_hint:
        return format_hint == "csv"
    if "text/csv" in content_type.lower():
        return True
    header = body.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0].lower()
    return b"starts" in header and (b"title_en" in header or b"title_zh" in header) and b"," in header


def parse_when(value: str) -> tuple[datetime, bool, int] | None:
    """ "2026-12-05 19:00", "2026/12/05 19:00", "2026-12-05" (all day) or ISO 8601; Hong Kong time."""
    value = value.strip()
    match = _SPREADSHEET_TIME.match(value)
    if match:
        year, month, day, hour, minute = match.groups()
        try:
            if hour is None:
                return _to_utc(datetime(int(year), int(month), int(day)).date())
            return _to_utc(datetime(int(year), int(month), int(day), int(hour), int(minute)))
        except ValueError:
            return None
    return parse_iso(value)


def parse_csv(body: bytes, content_type: str = "", limits: ParseLimits | None = None) -> ParsedFeed:
    """The spreadsheet's rows as events; ParseError when it is not text or lacks the needed columns."""
    limits = limits or ParseLimits()
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ParseError(
            "encoding", "The spreadsheet is not UTF-8 text; save or publish it as CSV UTF-8 (comma delimited)."
        ) from exc
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = [name.strip().lower() for name in next(reader)]
    except (StopIteration, csv.Error) as exc:
        raise ParseError("not-a-feed", "The spreadsheet is empty.") from exc
    if "starts" not in header or not ({"title_en", "title_zh"} & set(header)):
        raise ParseError(
            "not-a-feed",
            "The spreadsheet needs a header row with at least the columns starts and title_en or title_zh "
            "(see content/partners/events-template.csv).",
        )
    result = ParsedFeed(format="csv")
    seen: set[str] = set()
    row_number = 1
    while True:
        limits.check()
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            row_number += 1
            result.notes.append(FeedNote(kind="row-skipped", position=row_number, detail="broken", extra=str(exc)))
            continue
        row_number += 1
        if not any(cell.strip() for cell in cells):
            continue  # an empty line between blocks of rows
        if len(result.items) >= limits.max_items:
            result.notes.append(FeedNote(kind="items-capped", number=limits.max_items))
            break
        row = {name: (cells[index].strip() if index < len(cells) else "") for index, name in enumerate(header)}
        item = row_item(row, row_number, result.notes)
        if item is not None and item.guid not in seen:
            seen.add(item.guid)
            result.items.append(item)
    return result


def _skip(notes: list[FeedNote], row_number: int, title: str, reason: str, extra: str) -> None:
    notes.append(FeedNote(kind="row-skipped", position=row_number, title=title[:500], detail=reason, extra=extra[:500]))


def row_item(row: dict[str, str], row_number: int, notes: list[FeedNote]) -> FeedItem | None:
    """One row as an event, or None (and a note) when it cannot be listed."""
    title_en, title_zh = plain_text(row.get("title_en")), plain_text(row.get("title_zh"))
    title = title_en or title_zh
    if not title:
        _skip(notes, row_number, "", "no-title", "no title_en or title_zh")
        return None
    if not row.get("starts"):
        _skip(notes, row_number, title, "no-start", "no starts")
        return None
    start = parse_when(row["starts"])
    if start is None:
        _skip(notes, row_number, title, "bad-date", f"starts {row['starts'][:60]!r}")
        return None
    end = parse_when(row["ends"]) if row.get("ends") else None
    if row.get("ends") and end is None:
        _skip(notes, row_number, title, "bad-end", f"ends {row['ends'][:60]!r}")
        return None
    item = FeedItem(
        guid=(row.get("id") or f"{title}@{start[0]:%Y-%m-%dT%H:%MZ}")[:400],
        title=title,
        link=_safe_url(row.get("link")),
        lang="en" if title_en else "zh-hk",
    )
    item.starts, item.all_day, item.offset_minutes = start
    if end is not None and end[0] >= item.starts:
        item.ends = end[0]
    item.status = STATUS_WORDS.get(row.get("status", "").lower(), "scheduled")
    item.location = plain_text(row.get("venue_en") or row.get("venue_zh"))
    fields = item.event_fields
    for name in ("title", "venue"):
        for lang in ("en", "zh"):
            fields[f"{name}_{lang}"] = plain_text(row.get(f"{name}_{lang}"))[:500]
    for lang in ("en", "zh"):
        text = row.get(f"description_{lang}", "")
        fields[f"description_{lang}"] = _description_html(text) if text.strip() else ""
    address = plain_text(row.get("address"))[:500]
    if address:
        fields["address_zh" if detect_lang(address) == "zh-hk" else "address_en"] = address
    district = row.get("district", "").lower()
    if _SLUG.match(district):
        fields["district"] = district
    registration = _safe_url(row.get("registration"))
    if registration:
        fields["registration_url"] = registration[:1000]
    _read_fee(row.get("fee", ""), fields)
    if row.get("languages"):
        fields["languages"] = plain_text(row["languages"])[:100]
    return item


def _read_fee(value: str, fields: dict) -> None:
    """ "free"/"0"/"免費" -> free; "120" or "HK$120" -> "HKD 120"; other words kept as they are."""
    value = plain_text(value)
    if not value:
        return
    if value.lower() in FREE_WORDS:
        fields["is_free"] = True
        return
    fields["is_free"] = False
    price = _PRICE.match(value)
    fields["fee"] = f"HKD {price.group(1)}" if price else value[:300]
