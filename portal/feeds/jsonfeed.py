"""JSON Feed 1.1 (https://jsonfeed.org/version/1.1) for partner news, read with the standard ``json``.

Every item is a news item (JSON Feed has no event dates). ``content_html`` is cleaned like any feed
HTML; ``content_text`` keeps its paragraphs. An item without an ``id`` is counted, not listed.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

from .parse import (
    FeedItem,
    ParsedFeed,
    ParseError,
    ParseLimits,
    _description_html,
    _safe_url,
    collect_items,
    normalise_lang,
    plain_text,
    summary_html,
)

_VERSION = re.compile(rb'"version"\s*:\s*"https?://jsonfeed\.org/version/1')


def looks_like_json_feed(body: bytes, content_type: str = "", format_hint: str = "") -> bool:
    if format_hint:
        return format_hint == "json"
    if "application/feed+json" in content_type.lower():
        return True
    return body.lstrip()[:1] == b"{" and bool(_VERSION.search(body[:4096]))


def parse_json_feed(body: bytes, limits: ParseLimits | None = None) -> ParsedFeed:
    limits = limits or ParseLimits()
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ParseError("encoding", "The JSON Feed is not UTF-8 text; JSON must be UTF-8.") from exc
    except ValueError as exc:
        raise ParseError("not-a-feed", f"This is not valid JSON ({exc}).") from exc
    if not isinstance(data, dict) or not str(data.get("version", "")).startswith(
        ("https://jsonfeed.org/version/1", "http://jsonfeed.org/version/1")
    ):
        raise ParseError(
            "not-a-feed", "This JSON is not a JSON Feed (its version must be https://jsonfeed.org/version/1.1)."
        )
    items = data.get("items")
    if not isinstance(items, list):
        raise ParseError("not-a-feed", "The JSON Feed has no list of items.")
    result = ParsedFeed(format="json", title=plain_text(data.get("title")), lang=normalise_lang(data.get("language")))
    collect_items(
        result,
        items,
        lambda entry: news_item(entry, result.lang),
        lambda entry: ("", plain_text(entry.get("title")) if isinstance(entry, dict) else ""),
        limits,
    )
    return result


def news_item(entry: Any, feed_lang: str) -> FeedItem | None:
    if not isinstance(entry, dict):
        raise ValueError("an item is not a JSON object")
    guid = str(entry.get("id") or "").strip()
    link = _safe_url(entry.get("url"))
    title = plain_text(entry.get("title")) or plain_text(entry.get("summary"))[:120]
    if not guid:
        return None
    if entry.get("content_html"):
        summary = summary_html(str(entry["content_html"]))
    elif entry.get("content_text") or entry.get("summary"):
        summary = _description_html(str(entry.get("content_text") or entry.get("summary")))
    else:
        summary = ""
    item = FeedItem(
        guid=guid[:400],
        title=title,
        summary=summary,
        link=link,
        lang=normalise_lang(entry.get("language")) or feed_lang,
    )
    published = str(entry.get("date_published") or entry.get("date_modified") or "")
    if published:
        try:
            moment = datetime.fromisoformat(published.replace("Z", "+00:00"))
            item.published = (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)
        except ValueError:
            pass
    return item
