"""Take personal details out of a visitor's comment before it is stored.

Visitors are asked not to write personal details, and some will anyway: a
phone number to be called back, an e-mail address, an HKID number. What looks
like one is replaced by a marker (``[phone removed]``, ``[email removed]``,
``[HKID removed]``) before the comment reaches the database, so nothing in
the store can identify the writer.

The patterns lean towards removing: a long reference number is removed with
the phones. They leave alone what comments usually contain: small counts
("3 children"), years and year ranges ("2023-2024"), dates ("2024-05-01"),
prices ("HK$1,200", "$12345678") and times ("0900-1730", as Hong Kong numbers
never start with 0 or 1). Full-width digits and symbols, as typed with a Chinese
input method, count like their ASCII twins (``\\d`` matches any decimal digit).
"""

from __future__ import annotations

import re
import unicodedata

PHONE = "[phone removed]"
EMAIL = "[email removed]"
HKID = "[HKID removed]"

_NOT_BEFORE = r"(?<![\dA-Za-z])"  # not the tail of a longer number or word (CJK text before is fine)
_SEP = r"[ \u00a0\u3000.\-\u2010-\u2015\uff0d]"  # one separator between groups of digits

# The part before @ may be in Chinese (then only what follows it is matched), the dot full-width.
_EMAIL = re.compile(r"(?:[A-Za-z0-9._%+\-]+\s?)?[@＠]\s?[A-Za-z0-9\-]+(?:[.．][A-Za-z0-9\-]+)+")

# One or two letters, six digits, then the check digit (0-9 or A), usually in brackets:
# A123456(7), AB123456(A), A123456 (7), a1234567, Ａ１２３４５６（７）.
_HKID = re.compile(
    _NOT_BEFORE + r"[A-Za-zＡ-Ｚａ-ｚ]{1,2}\s?\d{6}"
    r"(?:\s?[(（]\s?[\dAaＡａ]\s?[)）]|[\dAaＡａ](?![A-Za-z0-9]))?(?!\d)"
)

# Hong Kong numbers: eight digits starting 2-9, maybe split 4 + 4, maybe with +852 / (852) / 00852.
_HK_PREFIX = rf"(?:(?:[+＋]|00)\s?852{_SEP}?|[(（]\s?[+＋]?852\s?[)）]\s?|852{_SEP})?"
_HK_PHONE = re.compile(_NOT_BEFORE + _HK_PREFIX + r"[2-9２-９]\d{3}" + _SEP + r"?\d{4}(?!\d)")

# Anything else that is a run of digit groups with single separators (or brackets) between them:
# "+44 20 7946 0958", "(415) 555-2671", "0044-20-7946-0958". Judged by its digit count below.
_LONG_NUMBER = re.compile(_NOT_BEFORE + r"(?:[+＋]\s?)?[(（]?\d(?:(?:" + _SEP + r"|\s?[()（）]\s?)?\d)+[)）]?")

# What must survive the number patterns: ISO dates, year ranges, prices. They are set aside first.
_KEEP = re.compile(
    r"(?<!\d)(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])(?!\d)"  # 2024-05-01
    r"|(?<!\d)(?P<y1>(?:19|20)\d\d)\s?[-\u2013\u2014~～至]\s?(?P<y2>(?:19|20)\d\d)(?!\d)"  # 2023-2024
    r"|(?:HK|US|NT|RMB)?[$＄¥￥]\s?\d[\d,，]*(?:[.．]\d+)?"  # prices: HK$1,200.50
)
_PLACEHOLDER = "\ue000"  # a private-use character; removed from the input first


def _digits(text: str) -> int:
    return sum(ch.isdigit() for ch in text)


def _long_number(match: re.Match) -> str:
    text = match.group(0)
    international = text.lstrip("(（").startswith(("+", "＋", "00"))
    return PHONE if _digits(text) >= (8 if international else 9) else text


def _clean_controls(text: str) -> str:
    """Newlines stay, and the joiner inside emoji; other control and format characters (terminal
    escapes, NUL, bidi overrides, zero-width spaces hiding a number) and private-use ones go."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in text if ch in "\n\t\u200d" or unicodedata.category(ch) not in ("Cc", "Cf", "Co", "Cs"))


def redact(text: str) -> str:
    """The comment with phone numbers, e-mail addresses and HKID numbers replaced by markers."""
    text = _clean_controls(text)
    kept: list[str] = []

    def keep(match: re.Match) -> str:
        if match.group("y1") and not 0 <= int(match.group("y2")) - int(match.group("y1")) <= 30:
            return match.group(0)  # "2055-2099" is no year range: judge it as a number
        kept.append(match.group(0))
        return _PLACEHOLDER

    text = _EMAIL.sub(EMAIL, text)
    text = _HKID.sub(HKID, text)
    text = _KEEP.sub(keep, text)
    text = _LONG_NUMBER.sub(_long_number, text)  # first, so "+44 20 7946 0958" goes whole
    text = _HK_PHONE.sub(PHONE, text)
    pieces = iter(kept)
    return re.sub(_PLACEHOLDER, lambda _m: next(pieces), text)
