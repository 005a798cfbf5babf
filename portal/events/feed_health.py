"""The notes on a partner's feed health, in the page's language (caps hit, items skipped, "empty since").

The notes are written by ``flask feeds refresh`` (``portal.feeds.store``) into ``feed_note``; this
module only reads them and says them. Technical details (the parser's own words) stay in English and
are shown beside the translated sentence.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from flask_babel import format_datetime, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..db import utcnow
from ..districts import District, all_districts
from ..i18n import current_lang
from .model import FeedHealthNote

EVERY = {
    "SECONDLY": _l("every second"),
    "MINUTELY": _l("every minute"),
    "HOURLY": _l("every hour"),
    "DAILY": _l("every day"),
    "WEEKLY": _l("every week"),
    "MONTHLY": _l("every month"),
    "YEARLY": _l("every year"),
}
SKIP_REASONS = {
    "bad-date": _l("its date or time could not be read."),
    "bad-rule": _l("its repeat rule could not be worked out."),
    "no-start": _l("it has no start date or no UID."),
    "too-dense": _l("it repeats too often, from too long ago, to be worked out in time."),
    "broken": _l("it could not be read."),
    "no-title": _l("it has no title."),
    "bad-end": _l("its end date or time could not be read."),
}


def notes_by_feed(session: Session, feed_ids: Iterable[int]) -> dict[int, list[FeedHealthNote]]:
    """Each feed's notes in the order they were written (the feed's own order)."""
    ids = list(feed_ids)
    notes: dict[int, list[FeedHealthNote]] = {feed_id: [] for feed_id in ids}
    if ids:
        query = select(FeedHealthNote).where(FeedHealthNote.feed_id.in_(ids)).order_by(FeedHealthNote.id)
        for note in session.scalars(query):
            notes[note.feed_id].append(note)
    return notes


def _when(value) -> str:
    return format_datetime(value, "medium") if value is not None else ""


def note_texts(session: Session) -> Callable[[FeedHealthNote], str]:
    """:func:`note_text` with the district names it may need, read once for the page."""
    districts = {district.key: district for district in all_districts(session)}
    return lambda note: note_text(note, districts)


def note_text(note: FeedHealthNote, districts: Mapping[str, District] | None = None) -> str:
    """One sentence for the partner (plain text; the template escapes it)."""
    if note.kind in ("no-district", "more-no-district"):
        return _district_text(note, districts or {})
    lang = current_lang()
    name = note.shown_title(lang) or note.uid
    if note.kind == "occurrences-capped":
        if note.detail in EVERY:
            return _(
                "Only the first %(count)d dates of “%(title)s” were listed: the calendar repeats it %(every)s.",
                count=note.number,
                title=name,
                every=EVERY[note.detail],
            )
        return _("Only the first %(count)d dates of “%(title)s” were listed.", count=note.number, title=name)
    if note.kind == "items-capped":
        return _(
            "The feed has more items than we read at once: only the first %(count)d were listed.", count=note.number
        )
    if note.kind == "item-skipped":
        reason = SKIP_REASONS.get(note.detail, SKIP_REASONS["broken"])
        return _(
            "Item %(position)d (“%(name)s”) was skipped: %(reason)s", position=note.position, name=name, reason=reason
        )
    if note.kind == "row-skipped":
        reason = SKIP_REASONS.get(note.detail, SKIP_REASONS["broken"])
        if note.title:
            return _("Row %(row)d (“%(name)s”) was skipped: %(reason)s", row=note.position, name=name, reason=reason)
        return _("Row %(row)d was skipped: %(reason)s", row=note.position, reason=reason)
    if note.kind == "block-unreadable":
        return _(
            "Event data block %(number)d on the page (JSON-LD) is not valid JSON and was left out; "
            "the other blocks were read. Please check the page with a structured data validator.",
            number=note.position,
        )
    if note.kind == "rscale":
        return _(
            "Item %(position)d (“%(name)s”) was skipped: it repeats by another calendar (RSCALE=%(scale)s, such as "
            "the lunar calendar), which we cannot list yet. Please list its dates one by one (RDATE).",
            position=note.position,
            name=name,
            scale=note.detail,
        )
    if note.kind == "more-skipped":
        return ngettext("%(num)d more item was skipped.", "%(num)d more items were skipped.", note.number)
    if note.kind == "unnamed":
        return ngettext(
            "%(num)d entry had no id, link or title and was left out.",
            "%(num)d entries had no id, link or title and were left out.",
            note.number,
        )
    if note.kind == "xml-warning":
        return _("The feed is not valid XML; we read what we could. Please check it with a feed validator.")
    if note.kind == "empty":
        return _empty_text(note)
    return ""


def _district_text(note: FeedHealthNote, districts: Mapping[str, District]) -> str:
    """Why an event has no district: its place names no district, or several (named in the page's language).

    The note's ``uid`` holds the keys of the districts that matched, ``extra`` the place as the feed wrote it.
    """
    if note.kind == "more-no-district":
        return ngettext("%(num)d more event has no district.", "%(num)d more events have no district.", note.number)
    lang = current_lang()
    title, place = note.shown_title(lang), note.shown_extra(lang)
    if note.detail == "several":
        names = [districts[key].name(lang) if key in districts else key for key in note.uid.split(",") if key]
        return _(
            "“%(title)s” is listed without a district: its place (“%(place)s”) names several districts "
            "(%(districts)s). Please add its district to the feed, "
            "or ask us to set one district for the whole feed.",
            title=title,
            place=place,
            districts=_(", ").join(names),
        )
    if note.detail == "none":
        return _(
            "“%(title)s” is listed without a district: no district, estate or place we know is named in its "
            "place (“%(place)s”). Please add its district to the feed, "
            "or ask us to set one district for the whole feed.",
            title=title,
            place=place,
        )
    return _(
        "“%(title)s” is listed without a district: the feed gives no place for it. Please add the place or "
        "the district to the feed.",
        title=title,
    )


def _empty_text(note: FeedHealthNote) -> str:
    if note.until is not None and utcnow() < note.until:
        return ngettext(
            "The feed was empty at %(time)s; its %(num)d event stays listed until %(until)s.",
            "The feed was empty at %(time)s; its %(num)d events stay listed until %(until)s.",
            note.number,
            time=_when(note.since),
            until=_when(note.until),
        )
    return _(
        "The feed has been empty since %(time)s; its events were hidden at %(until)s.",
        time=_when(note.since),
        until=_when(note.until),
    )


def note_detail(note: FeedHealthNote) -> str:
    """The technical detail in English (the UID, the parser's words), shown small beside the sentence."""
    parts = []
    if note.kind in ("occurrences-capped", "item-skipped", "rscale") and note.uid:
        parts.append(f"UID {note.uid}")
    if note.kind in ("item-skipped", "row-skipped", "block-unreadable", "xml-warning") and note.extra:
        parts.append(note.extra)
    return "; ".join(parts)
