"""Rows that hold both written languages side by side, and the Simplified edition's copy of the Chinese.

A bilingual model keeps each text field in two columns, ``name_en`` and ``name_zh`` (Traditional, as the
editors or the partner wrote it), and, for the Simplified edition (/zh-cn/), a third: ``name_zhs``, made
from ``name_zh`` by :mod:`portal.simplified` when the row is written (a loader, the feed store), never per
page view. The models' per-language methods read the column of the page's language and fall back to the
other written language like the Traditional edition does (:func:`pick`).

Stored Simplified text goes stale when the editors' term list changes (``converter().fingerprint``) and is
missing in rows written before the edition existed (the migration adds empty columns).
:func:`bring_up_to_date`, run at the end of each sync and feed refresh, re-derives a table when the
fingerprint it was made with is not the current one, and fills any Simplified column left empty.
"""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from functools import cache
from typing import Any

from sqlalchemy import and_, inspect, or_, select, update
from sqlalchemy.orm import Session

from .chinese import CJK_RUN
from .content import SyncReport
from .db import get_state, set_state
from .i18n import SIMPLIFIED, other_lang
from .simplified import Converter, converter

SUFFIXES = {"en": "_en", "zh-hk": "_zh", SIMPLIFIED: "_zhs"}
STATE_KEY = "simplified:{table}"  # site_state: the converter fingerprint a table's Simplified text was made with


def column(field: str, lang: str) -> str:
    """The column holding ``field`` in ``lang`` (``title``, ``zh-cn`` -> ``title_zhs``)."""
    return field + SUFFIXES.get(lang, "_en")


def own_text(row: object, field: str, lang: str) -> str:
    """``field`` in ``lang`` itself, "" when the row has none."""
    return getattr(row, column(field, lang), "") or ""


def written_text(row: object, field: str, lang: str) -> str:
    """``field`` in ``lang`` for rows written in both languages (hotlines, districts): a Simplified page whose
    row has no Simplified copy yet shows the Traditional it is made from."""
    return own_text(row, field, lang) or (own_text(row, field, "zh-hk") if lang == SIMPLIFIED else "")


def pick(row: object, field: str, lang: str) -> str:
    """``field`` in ``lang``, else in the other written language (English for the Chinese editions).

    A Simplified page whose row has neither Simplified nor English text (a Chinese-only row not yet brought
    up to date) shows the Traditional rather than nothing.
    """
    return (
        own_text(row, field, lang)
        or own_text(row, field, other_lang(lang))
        or (own_text(row, field, "zh-hk") if lang == SIMPLIFIED else "")
    )


def simplified_pairs(model: type) -> tuple[tuple[str, str], ...]:
    """(Traditional column, Simplified column) pairs of ``model``: ``name_zh`` and ``name_zhs`` for each field
    that has both, or the model's own ``__simplified__`` pairs (news, written in one language per row)."""
    declared = getattr(model, "__simplified__", None)
    if declared is not None:
        return tuple(declared)
    names = set(inspect(model).columns.keys())
    return tuple((name[:-1], name) for name in sorted(names) if name.endswith("_zhs") and name[:-1] in names)


def simplified_fields(model: type) -> tuple[str, ...]:
    """The fields of ``model`` with a Traditional column and its Simplified twin (``name`` for name_zhs)."""
    return tuple(target.removesuffix("_zhs") for _, target in simplified_pairs(model) if target.endswith("_zhs"))


def simplified_text(text: str, convert: Converter | None = None, keep_plain: bool = True) -> str:
    """``text`` for the Simplified edition. Text without Chinese characters makes no OpenCC call: it is copied
    (``keep_plain``) or left out (""; the reader then shows the written column). HTML keeps its tags, and a
    passage an editor marked ``lang="zh-Hant-HK"`` becomes ``zh-Hans-HK``."""
    if not text or not CJK_RUN.search(text):
        return text if keep_plain else ""
    return (convert or converter()).html(text)


def fill_simplified(
    values: MutableMapping[str, Any],
    fields: Iterable[str],
    convert: Converter | None = None,
    model: type | None = None,
) -> MutableMapping[str, Any]:
    """Set ``<field>_zhs`` from ``<field>_zh`` for each field ``values`` (a row's dict) has, in place; cut to
    ``model``'s column length (an editor's term may be written longer than the Traditional it replaces)."""
    limits = column_limits(model) if model is not None else {}
    for field in fields:
        source, target = f"{field}_zh", f"{field}_zhs"
        if source in values:
            values[target] = simplified_text(values[source] or "", convert)[: limits.get(target)]
    return values


@cache
def column_limits(model: type) -> dict[str, int]:
    """The length of each String column of ``model`` (Text columns have none)."""
    return {
        column.key: column.type.length for column in model.__table__.columns if getattr(column.type, "length", None)
    }


def with_simplified(rows: list[dict[str, Any]], model: type, convert: Converter | None = None) -> list[dict[str, Any]]:
    """Rows about to be inserted into ``model``, their Simplified columns filled."""
    fields = simplified_fields(model)
    convert = convert or converter()  # once per batch: converter() looks at the term list's file each call
    for row in rows:
        fill_simplified(row, fields, convert, model)
    return rows


def bring_up_to_date(session: Session, *models: type, convert: Converter | None = None) -> int:
    """Re-derive the Simplified columns of each model's table where they are stale or missing.

    A table made with another term list (or never) is redone whole; otherwise only rows with Chinese text
    and no Simplified copy are (one query, which finds none in the usual case). Returns the rows written.
    """
    convert = convert or converter()
    written = 0
    session.flush()
    for model in models:
        pairs = simplified_pairs(model)
        if not pairs:
            continue
        key = STATE_KEY.format(table=model.__tablename__)
        stale = get_state(session, key) != convert.fingerprint
        written += _rederive(session, model, pairs, convert, everything=stale)
        if stale:
            set_state(session, key, convert.fingerprint)
    return written


def _rederive(
    session: Session, model: type, pairs: tuple[tuple[str, str], ...], convert: Converter, everything: bool
) -> int:
    table = model.__table__
    keys = [column.key for column in table.primary_key.columns]
    keep_plain = getattr(model, "__simplified__", None) is None
    query = select(*(table.c[key] for key in keys), *(table.c[source] for source, _ in pairs))
    if everything:
        query = query.where(or_(*(table.c[source] != "" for source, _ in pairs), *(table.c[t] != "" for _, t in pairs)))
    elif keep_plain:  # only the rows with Chinese and no Simplified copy
        query = query.where(or_(*(and_(table.c[s] != "", table.c[t] == "") for s, t in pairs)))
    else:  # news: an empty copy is normal (English items); the feed store redoes an item each time it is read
        return 0
    limits = column_limits(model)
    changes = []
    for found in session.execute(query):
        change = {key: getattr(found, key) for key in keys}
        change |= {
            target: simplified_text(getattr(found, source) or "", convert, keep_plain)[: limits.get(target)]
            for source, target in pairs
        }
        changes.append(change)
    if changes:
        session.execute(update(model), changes)
    return len(changes)


def sync_simplified(session: Session, report: SyncReport, *models: type, convert: Converter | None = None) -> None:
    """:func:`bring_up_to_date` at the end of a source's sync; rows redone while their files were unchanged (a
    new term list, a database from before the edition) count as an update, so cached pages are retired."""
    if bring_up_to_date(session, *models, convert=convert) and not report.changed:
        report.updated += 1
        report.unchanged = max(0, report.unchanged - 1)
