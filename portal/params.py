"""Request parameters, parsed one way everywhere: ASCII forms only, within sane bounds.

``"²".isdigit()`` is True and ``int("²")`` raises, ``date(9999, 12, 31) + timedelta(1)``
overflows, and SQLite refuses integers above 2**63: each of these once answered 500.
Views and the self-check engine read numbers, days and months through these helpers,
which return None (or abort with a 404) for anything else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from datetime import date
from typing import Protocol, TypeVar
from urllib.parse import unquote

from flask import abort

FIRST_DAY = date(1900, 1, 1)
LAST_DAY = date(2100, 12, 31)
MAX_ID = 2**31 - 1  # the smallest integer column of the two databases
MAX_PAGE = 10_000

P = TypeVar("P", bound="Paged")

_INTEGER = re.compile(r"-?[0-9]{1,18}", re.ASCII)
_DAY = re.compile(r"([0-9]{4})-([0-9]{2})-([0-9]{2})", re.ASCII)
_MONTH = re.compile(r"([0-9]{4})-([0-9]{2})", re.ASCII)


def ascii_int(value: str | None, low: int, high: int) -> int | None:
    """``value`` as an integer when it is written in ASCII digits and ``low <= n <= high``."""
    text = (value or "").strip()
    if not _INTEGER.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def iso_day(value: str | None) -> date | None:
    """A ``YYYY-MM-DD`` day between 1900 and 2100, else None."""
    match = _DAY.fullmatch((value or "").strip())
    if not match:
        return None
    try:
        day = date(*(int(part) for part in match.groups()))
    except ValueError:
        return None
    return day if FIRST_DAY <= day <= LAST_DAY else None


def iso_month(value: str | None) -> date | None:
    """The first day of a ``YYYY-MM`` month between 1900 and 2100, else None."""
    match = _MONTH.fullmatch((value or "").strip())
    if not match:
        return None
    year, month = (int(part) for part in match.groups())
    if not 1 <= month <= 12 or not FIRST_DAY.year <= year <= LAST_DAY.year:
        return None
    return date(year, month, 1)


def text(value: str | None, max_chars: int) -> str:
    """Free text as a view may use it: control and format characters removed (PostgreSQL refuses NUL
    in a query, and bidi overrides or escapes must not come back on a page), trimmed, at most ``max_chars``."""
    raw = (value or "")[: max_chars * 4]
    return "".join(ch for ch in raw if unicodedata.category(ch)[0] != "C").strip()[:max_chars]


def choice(value: str | None, allowed: Collection[str]) -> str:
    """``value`` when it is one of ``allowed`` (an enum filter), else "" (as if it was not given)."""
    text = (value or "").strip()
    return text if text in allowed else ""


def page_number(args: Mapping[str, str], name: str = "page") -> int:
    """The page asked for (1 when absent); a page that cannot exist is a 404, never a 500."""
    raw = args.get(name)
    if raw is None or raw == "":
        return 1
    number = ascii_int(raw, 1, MAX_PAGE)
    if number is None:
        abort(404)
    return number


class Paged(Protocol):
    page: int

    @property
    def pages(self) -> int: ...


def existing_page(found: P) -> P:
    """``found`` when its page exists (page 1 always does, even empty); a page past the last is a 404."""
    if found.page > found.pages:
        abort(404)
    return found


_UNSAFE_IN_PATH = re.compile(r"[\x00-\x20\x7f\\]")


def same_site_path(target: str | None, default: str = "/") -> str:
    """``target`` when it is a path on this site, else ``default`` (never an open redirect).

    Judged after percent-decoding, because browsers drop tabs and line breaks from a URL and
    read a backslash as a slash: ``/%09/evil.example`` and ``/\\evil.example`` both lead off-site.
    """
    text = target or ""
    decoded = unquote(text)
    if not text.startswith("/") or decoded.startswith("//") or _UNSAFE_IN_PATH.search(decoded):
        return default
    return text
