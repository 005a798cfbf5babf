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
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from flask_babel import lazy_gettext as _l

from ..bilingual import own_text, pick, simplified_text
from ..simplified import Converter

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
FEE_COLUMN = 300  # event.fee's length
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
    note_zhs: str = ""  # the Simplified edition's note, made from note_zh when the event is stored

    def note(self, lang: str) -> str:
        return pick(self, "note", lang)

    def note_is_translated(self, lang: str) -> bool:
        return bool(own_text(self, "note", lang))

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
                note_zhs=str(data.get("note_zhs") or ""),
            )
    if not text:
        return Fee(free=bool(is_free))
    understood = fee_from_text(text)  # free text stored before feeds' fees were made structured
    return understood if understood is not None else Fee(free=bool(is_free), foreign=Foreign(text))


# --- fees as feeds write them --------------------------------------------------------------------

# Whole fees that mean "no charge" (compared after normalising: lower case, no spaces or final full stop).
FREE_TEXTS = frozenset(
    {"free", "freeofcharge", "freeadmission", "freeentry", "nocharge", "免費", "免费", "全免", "費用全免",
     "免費入場", "免費參加", "費用：免費", "費用:免費"}
)  # fmt: skip
_CURRENCY_BEFORE = r"(?:HK\$|HKD|HK\s*dollars?|港幣|港元|\$)"
_CURRENCY_AFTER = r"(?:元|港元|蚊|HKD|HK\$|dollars?)"
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
# One amount, its currency before or after it (or none for a bare number), then an optional note.
_FEE = re.compile(
    rf"^(?:{_CURRENCY_BEFORE}\s*{_NUMBER}(?:\s*{_CURRENCY_AFTER})?|{_NUMBER}\s*{_CURRENCY_AFTER}|{_NUMBER})"
    r"(?P<note>.*)$",
    re.IGNORECASE | re.DOTALL,
)
# Brackets, separators and punctuation around a note: "HK$80 (per couple)", "80元／每位", "$80, per couple".
_NOTE_EDGES = " \t,，、;；:：/／-–—()（）[]【】.。"
_FREE_WITH_NOTE = re.compile(r"^([^()（）]{1,30}?)\s*[(（]([^()（）]{1,100})[)）]$")
# A note that holds another amount or a range is not a note ("$80 adults, $40 children", "$50-80"), nor one
# of several clauses ("HK$50 per person, concessions" hints at other prices): both stay free text.
_NOTE_WITH_NUMBER = re.compile(r"\d|[,，、;；/／]")


def fee_from_text(value: str) -> Fee | None:
    """A free-text fee from a feed as a structured :class:`Fee`, or None when it is not one plain fee.

    Understood: "Free", "免費", "全免" (free); "HKD 80", "$80", "HK$80", "80", "港幣80元", "80元"
    (an amount in Hong Kong dollars), each optionally followed by a short note in one language
    ("HK$80 per couple", "港幣80元（每對夫婦）"). Anything else (two prices, a range, another
    currency, words only) is None: it stays free text, shown with its own language.
    """
    text = " ".join(unicodedata.normalize("NFKC", str(value or "")).split())
    if not text or len(text) > 300:
        return None
    if re.sub(r"[\s.。!！]", "", text).lower() in FREE_TEXTS:
        return Fee(free=True)
    bracketed = _FREE_WITH_NOTE.match(text)  # "免費（需預約）", "Free (registration required)"
    if bracketed and re.sub(r"\s", "", bracketed.group(1)).lower() in FREE_TEXTS:
        note = bracketed.group(2).strip()
        return Fee(free=True, **_note(note)) if note and not _NOTE_WITH_NUMBER.search(note) else None
    match = _FEE.match(text)
    if match is None:
        return None
    groups = [group for group in match.groups()[:-1]]
    whole, cents = next((groups[i], groups[i + 1]) for i in range(0, 6, 2) if groups[i] is not None)
    amount = parse_amount(whole.replace(",", "") + (f".{cents}" if cents else ""))
    note = match.group("note").strip(_NOTE_EDGES).strip()
    if amount is None or _NOTE_WITH_NUMBER.search(note) or len(note) > MAX_FEE_NOTE:
        return None
    glued = match.group("note")[:1]
    if glued.isascii() and glued.isalnum():
        return None  # "80kg", "$80abc": letters glued to the number are not a note
    if amount == 0:
        return Fee(free=True, **_note(note)) if not note or _free_note(note) else None
    return Fee(hkd=amount, **_note(note))


def _free_note(note: str) -> bool:
    return not re.search(r"deposit|按金|訂金", note, re.IGNORECASE)


def _note(note: str) -> dict[str, str]:
    if not note:
        return {}
    return {"note_zh": note} if CJK.search(note) else {"note_en": note}


def with_simplified_note(fee: str, convert: Converter | None = None, room: int = FEE_COLUMN) -> str:
    """The ``event.fee`` column with the Simplified copy of its Chinese note (``note_zhs``), when it has one
    and the column has room for it (a page without it shows the English note, else the Traditional)."""
    if not fee.startswith("{") or '"note_zh"' not in fee:
        return fee
    try:
        data = json.loads(fee)
    except ValueError:  # a feed's own text that only looks like ours
        return fee
    if not isinstance(data, dict):
        return fee
    data.pop("note_zhs", None)
    data["note_zhs"] = simplified_text(str(data.get("note_zh") or ""), convert)
    written = json.dumps(data, ensure_ascii=False, sort_keys=True)
    return written if len(written) <= room else fee


def structured_fee(value: str, is_free: bool | None = None) -> dict[str, object]:
    """The ``fee`` and ``is_free`` columns for a fee a feed wrote as text: structured when
    :func:`fee_from_text` understands it, else the text as written (see :func:`fee_facts`)."""
    fee = fee_from_text(value)
    if fee is None:
        return {"fee": str(value)[:300], "is_free": is_free}
    return {"fee": encode_fee(fee.free, fee.hkd, fee.note_en, fee.note_zh), "is_free": fee.free}
