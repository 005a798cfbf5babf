"""Event facts that read right in both languages: spoken languages as codes, fees as a number.

Storage, without new columns (``create_all`` cannot add them to an existing ``event`` table):

- ``event.languages`` keeps its comma-separated list, now of codes from :data:`LANGUAGES`
  (``cantonese,english``). Anything else in it (free text from a feed) is kept as written.
- ``event.fee`` holds either a small JSON object written by :func:`encode_fee`
  (``{"hkd": 100, "note_en": "per couple", "note_zh": "每對夫婦"}`` or ``{"free": true}``)
  or, from feeds, free text as the feed gave it. :func:`fee_facts` tells the two apart.

Pages never mix the two: codes are shown with their label in the page's language, free
text is shown as a :class:`Foreign` value marked with the language it is written in.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

# Code -> label (translated through Babel). Codes are what editors write in `languages:`.
LANGUAGES = {
    "cantonese": _l("Cantonese"),
    "english": _l("English"),
    "putonghua": _l("Putonghua"),
    "urdu": _l("Urdu"),
    "nepali": _l("Nepali"),
    "hindi": _l("Hindi"),
    "punjabi": _l("Punjabi"),
    "tagalog": _l("Tagalog"),
    "indonesian": _l("Indonesian"),
    "thai": _l("Thai"),
    "sign-language": _l("Sign language"),
}
# Other ways editors and feeds write a language, mapped to its code (compared in lower case).
LANGUAGE_ALIASES = {
    "mandarin": "putonghua",
    "hong kong sign language": "sign-language",
    "hksl": "sign-language",
    "sign language": "sign-language",
    "filipino": "tagalog",
    "bahasa indonesia": "indonesian",
    "粵語": "cantonese",
    "廣東話": "cantonese",
    "英語": "english",
    "英文": "english",
    "普通話": "putonghua",
    "手語": "sign-language",
}
MAX_FEE_NOTE = 100
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass(frozen=True)
class Foreign:
    """A value we could not map to a label: shown as written, with its language (``lang`` attribute)."""

    text: str

    @property
    def lang(self) -> str:
        return "zh-Hant-HK" if CJK.search(self.text) else "en"


@dataclass(frozen=True)
class Fee:
    """What an event costs: ``free``, or ``hkd`` dollars, or unknown; plus an optional note per language."""

    free: bool = False
    hkd: Decimal | None = None
    note_en: str = ""
    note_zh: str = ""
    foreign: Foreign | None = None  # free text from a feed, shown as written

    def note(self, lang: str) -> str:
        first, other = (self.note_zh, self.note_en) if lang == "zh-hk" else (self.note_en, self.note_zh)
        return first or other

    def note_is_translated(self, lang: str) -> bool:
        return bool(self.note_zh if lang == "zh-hk" else self.note_en)

    @property
    def amount_text(self) -> str:
        """The amount without needless decimals: 100, 12.5."""
        return "" if self.hkd is None else format(self.hkd.normalize(), "f")


def language_code(value: str) -> str | None:
    """The code for a language as editors or feeds write it, or None when unknown."""
    key = value.strip().lower()
    if key in LANGUAGES:
        return key
    return LANGUAGE_ALIASES.get(key) or LANGUAGE_ALIASES.get(value.strip())


def language_items(codes: list[str]) -> list[str | Foreign]:
    """Each stored language as its label (a lazy string in the page's language) or as Foreign text."""
    items: list[str | Foreign] = []
    for value in codes:
        code = language_code(value)
        items.append(LANGUAGES[code] if code else Foreign(value))
    return items


def parse_amount(value: object) -> Decimal | None:
    """A fee as editors write it (50, 12.5, "HK$50", "$50") in dollars; None when it is not a plain amount."""
    if isinstance(value, bool):
        return None
    text = str(value).strip().upper().removeprefix("HK").removeprefix("$").replace(",", "")
    try:
        amount = Decimal(text)
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and 0 <= amount < 1_000_000 else None


def encode_fee(free: bool, hkd: Decimal | None, note_en: str = "", note_zh: str = "") -> str:
    """The ``event.fee`` column for a structured fee (see the module docstring)."""
    data: dict[str, object] = {"free": True} if free else {}
    if hkd is not None and not free:
        data["hkd"] = f"{hkd:f}"
    if note_en:
        data["note_en"] = note_en
    if note_zh:
        data["note_zh"] = note_zh
    return json.dumps(data, ensure_ascii=False, sort_keys=True) if data else ""


def fee_facts(fee: str, is_free: bool | None) -> Fee:
    """The fee of an event from its ``fee`` and ``is_free`` columns."""
    text = (fee or "").strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
        except ValueError:
            data = None
        if isinstance(data, dict):
            return Fee(
                free=bool(data.get("free")),
                hkd=parse_amount(data["hkd"]) if "hkd" in data else None,
                note_en=str(data.get("note_en") or ""),
                note_zh=str(data.get("note_zh") or ""),
            )
    if not text:
        return Fee(free=bool(is_free))
    if text.lower() in ("free", "免費", "0", "$0", "hk$0"):
        return Fee(free=True)
    amount = parse_amount(text)
    if amount is not None:
        return Fee(free=amount == 0, hkd=amount if amount else None)
    return Fee(free=bool(is_free), foreign=Foreign(text))
