"""``flask feeds refresh``: fetch every partner feed at once, each in isolation."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor, as_completed

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.exc import DBAPIError

from ..bilingual import bring_up_to_date
from ..content import content_changed
from ..db import lock_for_writing, session_scope
from ..events.model import Event, FeedHealthNote, NewsItem, Partner, PartnerFeed
from ..simplified import converter
from .fetch import FetchError, FetchSettings, fetch
from .formats import parse_feed
from .parse import FeedItem, ParsedFeed, ParseError, ParseLimits
from .store import FeedOutcome, bounded_notes, note_summary, record_error, record_not_modified, store_feed

feeds_cli = AppGroup("feeds", help="Fetch partner NGO feeds into events and news.")


def _feed_rows(app: Flask, feed_ids: Iterable[int] | None) -> list[tuple[int, str, str, str, str, str]]:
    """(id, label, url, format hint, etag, last-modified) of the feeds to refresh, in id order."""
    with session_scope(app) as session:
        query = select(PartnerFeed).order_by(PartnerFeed.id)
        if feed_ids is not None:
            query = query.where(PartnerFeed.id.in_(list(feed_ids)))
        return [
            (f.id, f"{f.partner_id}/{f.url}", f.url, f.format_hint, f.etag, f.last_modified)
            for f in session.scalars(query)
        ]


def refresh_one(
    app: Flask, row: tuple[int, str, str, str, str, str], settings: FetchSettings, not_after: float | None = None
) -> FeedOutcome:
    """Fetch, parse and store one feed; every failure is caught here and recorded on the feed.

    ``not_after`` (``time.monotonic()``) is when the whole refresh must be over: a feed whose
    turn comes later is skipped, its health untouched (our queue, not the partner, ran late).
    The deadline bounds parsing (recurrence expansion checks the clock) and storing too; a feed
    refreshed alone gets FEED_TOTAL_TIMEOUT from now.
    """
    feed_id, label, url, hint, etag, last_modified = row
    outcome = FeedOutcome(feed_id=feed_id, label=label)
    if not_after is not None and time.monotonic() >= not_after:
        outcome.result = "skipped"
        return outcome
    deadline = not_after if not_after is not None else time.monotonic() + settings.total_timeout
    limits = ParseLimits(
        max_occurrences=int(app.config.get("FEED_MAX_OCCURRENCES_PER_EVENT", 200)),
        max_items=int(app.config.get("FEED_MAX_ITEMS", 2000)),
        not_after=deadline,
    )
    try:
        fetched = fetch(url, settings, etag=etag, last_modified=last_modified, not_after=not_after)
        if fetched.not_modified:
            return record_not_modified(app, feed_id, outcome)
        parsed = parse_feed(fetched.body, fetched.content_type, hint, limits=limits)
        return store_feed(app, feed_id, fetched, parsed, outcome, not_after=deadline)
    except (FetchError, ParseError) as exc:
        return _safe_record(app, feed_id, exc.kind, exc.message, outcome)
    except Exception as exc:  # noqa: BLE001 - one feed must never stop the others
        app.logger.exception("feed %s failed", label)
        message = f"Something unexpected went wrong while reading the feed ({exc})."
        return _safe_record(app, feed_id, "", message, outcome)


def _safe_record(app: Flask, feed_id: int, kind: str, message: str, outcome: FeedOutcome) -> FeedOutcome:
    try:
        return record_error(app, feed_id, kind, message, outcome)
    except Exception:  # noqa: BLE001 - the database itself failed; still report the feed
        outcome.result, outcome.error, outcome.error_kind = "error", message, kind
        return outcome


def refresh_feeds(
    app: Flask, feed_ids: Iterable[int] | None = None, on_done: Callable[[FeedOutcome], None] | None = None
) -> list[FeedOutcome]:
    """Refresh the feeds concurrently (FEED_WORKERS threads); outcomes in feed id order.

    The whole refresh (fetching, parsing and storing) takes at most FEED_TOTAL_TIMEOUT seconds
    (plus the moment the last step in hand needs to notice), however many feeds hang and however
    few workers there are: a feed that started late gets only what is left of that time, and one
    whose turn comes after it is skipped until the next refresh.
    """
    rows = _feed_rows(app, feed_ids)
    settings = FetchSettings.from_config(app.config)
    outcomes: list[FeedOutcome] = []
    if rows:
        workers = max(1, min(int(app.config["FEED_WORKERS"]), len(rows)))
        not_after = time.monotonic() + settings.total_timeout
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="feed") as pool:
            futures = [pool.submit(refresh_one, app, row, settings, not_after) for row in rows]
            for future in as_completed(futures):
                outcome = future.result()
                outcomes.append(outcome)
                if on_done is not None:
                    on_done(outcome)
    outcomes.sort(key=lambda outcome: outcome.feed_id)
    kinds = changed_kinds(outcomes)
    if simplified_up_to_date(app):
        kinds |= {"events", "news"}
    if kinds:
        with app.app_context():
            content_changed(app, kinds)
    return outcomes


def simplified_up_to_date(app: Flask) -> bool:
    """Give the feeds' rows that lack it (written before the Simplified edition) or whose term list changed their
    Simplified text; True when any row was written. A query or two when there is nothing to do.

    Refreshes running at once take turns; one that meets a content sync doing the same work (a conflict on the
    same rows) leaves it to that sync, or to the next refresh, and says so in the log.
    """
    try:
        with session_scope(app) as session:
            lock_for_writing(session, "simplified")
            convert = converter(app.config.get("CONTENT_DIR"))
            return bool(bring_up_to_date(session, Partner, Event, NewsItem, FeedHealthNote, convert=convert))
    except DBAPIError as error:
        app.logger.warning("feeds refresh: Simplified text left for the next run (%s)", type(error.orig).__name__)
        return False


def changed_kinds(outcomes: Iterable[FeedOutcome]) -> set[str]:
    """What a refresh changed: events and news, else only feed health ("feed-health"), else nothing.

    Every feed that was read (even a failure, even a 304) changes what its partner's health page
    says (when it was last fetched, the result, the error), so cached pages must go with it: the
    health page would otherwise say "read successfully" for as long as the page cache keeps it.
    """
    outcomes = list(outcomes)
    if any(outcome.changed for outcome in outcomes):
        return {"events", "news"}
    if any(not outcome.skipped for outcome in outcomes):
        return {"feed-health"}
    return set()


@feeds_cli.command("refresh")
@click.option("--feed", "feed_ids", type=int, multiple=True, help="Only this feed id (repeatable).")
def refresh_command(feed_ids: tuple[int, ...]) -> None:
    """Fetch every partner feed; one line per feed; exit 1 only when every feed failed."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    total = len(_feed_rows(app, feed_ids or None))
    if not total:
        click.echo("No partner feeds are registered (add them in content/partners/ and run `flask content sync`).")
        return
    show_bar = sys.stdout.isatty()
    with click.progressbar(length=total, label="Refreshing feeds", file=None if show_bar else _Null()) as bar:
        outcomes = refresh_feeds(app, feed_ids or None, on_done=lambda _outcome: bar.update(1))
    for outcome in outcomes:
        click.echo(outcome.summary(), err=outcome.failed or outcome.skipped)
    failed = sum(outcome.failed for outcome in outcomes)
    skipped = sum(outcome.skipped for outcome in outcomes)
    line = f"{len(outcomes) - failed - skipped} of {len(outcomes)} feed(s) refreshed, {failed} failed"
    click.echo(line + (f", {skipped} skipped (out of time)." if skipped else "."))
    if failed and failed + skipped == len(outcomes):
        sys.exit(1)


FORMAT_NAMES = {
    "rss": "RSS 2.0",
    "atom": "Atom",
    "rdf": "RSS 1.0",
    "ics": "iCalendar",
    "jsonld": "a web page with schema.org events (JSON-LD)",
    "csv": "a spreadsheet (CSV)",
    "json": "JSON Feed",
}
SHOWN_ITEMS = 5


@feeds_cli.command("try")
@click.argument("url")
@click.option(
    "--format",
    "format_hint",
    type=click.Choice(["rss", "atom", "rdf", "ics", "jsonld", "csv", "json"]),
    help="Read it as this format (we usually detect it).",
)
def try_command(url: str, format_hint: str | None) -> None:
    """Show what would be imported from URL, storing nothing: check a feed before registering it.

    Exit 0 when the feed can be read, 1 when it cannot.
    """
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    settings = FetchSettings.from_config(app.config)
    limits = ParseLimits(
        max_occurrences=int(app.config.get("FEED_MAX_OCCURRENCES_PER_EVENT", 200)),
        max_items=int(app.config.get("FEED_MAX_ITEMS", 2000)),
        not_after=time.monotonic() + settings.total_timeout,
    )
    try:
        fetched = fetch(url, settings)
        parsed = parse_feed(fetched.body, fetched.content_type, format_hint or "", limits=limits)
    except (FetchError, ParseError) as exc:
        click.echo(f"{url}: cannot be read: {exc.message}", err=True)
        sys.exit(1)
    for line in describe_feed(parsed):
        click.echo(line)


def describe_feed(parsed: ParsedFeed) -> list[str]:
    """What a read feed would give, in plain words: format, title, counts, first items, every note."""
    lines = [f"Format: {FORMAT_NAMES.get(parsed.format, parsed.format)}"]
    if parsed.title:
        lines.append(f"Title: {parsed.title}")
    lines.append(f"It would import {len(parsed.events)} event(s) and {len(parsed.news)} news item(s).")
    for label, items in (("events", parsed.events), ("news", parsed.news)):
        if items:
            lines.append(f"First {min(len(items), SHOWN_ITEMS)} {label}:")
            lines += [f"  {_item_line(item)}" for item in _first_items(items)]
    notes = [text for text in map(note_summary, bounded_notes(parsed.notes)) if text]
    if notes:
        lines.append("Notes:")
        lines += [f"  - {text}" for text in notes]
    else:
        lines.append("No item was skipped and no limit was reached.")
    return lines


def _first_items(items: list[FeedItem]) -> list[FeedItem]:
    events = [item for item in items if item.starts is not None]
    if events:
        return sorted(events, key=lambda item: item.starts)[:SHOWN_ITEMS]
    return items[:SHOWN_ITEMS]


def _item_line(item: FeedItem) -> str:
    from zoneinfo import ZoneInfo

    hong_kong = ZoneInfo("Asia/Hong_Kong")
    title = item.title or item.guid
    if item.starts is not None:
        start = item.starts.astimezone(hong_kong)
        when = f"{start:%Y-%m-%d}" if item.all_day else f"{start:%Y-%m-%d %H:%M}"
        status = f" [{item.status}]" if item.status != "scheduled" else ""
        place = f" at {item.location}" if item.location else ""
        return f"{when} {title}{place}{status}"
    if item.published is not None:
        return f"{item.published.astimezone(hong_kong):%Y-%m-%d} {title}"
    return title


class _Null:
    """A file that swallows the progress bar when stdout is not a terminal."""

    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass
