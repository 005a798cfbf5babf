"""Simplified to Traditional Chinese that never changes Traditional text, shared by search and the centre finder.

OpenCC's s2t assumes its input is Simplified. Given Traditional text it still
rewrites characters that are valid in both scripts: 東涌 (Tung Chung) became
東湧, 鰂魚涌 became 鰂魚湧, and 綜合家庭 became 綜閤家庭 (its phrase 合家 ->
閤家), so the centre finder, which compares a query with the text as
written, found nothing for them. Here a run of Chinese characters goes
through OpenCC only if it has a character that exists in Simplified alone
(东, 门, 鲗); every other run (Traditional text, characters common to both
scripts) is returned as written. In a run that is converted, the characters
typed in Traditional stay as they are (東涌沟通 -> 東涌溝通), and OpenCC sees
the run with those turned to Simplified, so its phrases still match (東涌门口
-> 东涌门口 -> 東涌門口, not 東湧門口).

A character is Traditional if OpenCC's t2s changes it (東, 裡, 啟) or if
OpenCC's own dictionary lists it among its Traditional forms (涌, 里, 合:
portal/chinese_data.py, generated from that dictionary); OpenCC leaves 著 and
着 alone either way. The price of never touching Traditional text: a
Simplified run made only of characters that are Traditional too (以后, 蘑菇云)
cannot be told from Traditional and stays as typed.

One converter per configuration per process: building one loads its
dictionaries (tens of milliseconds), converting a query with it takes
microseconds. The character tables below are built once, on first use.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache

from opencc import OpenCC
from opencc import __version__ as opencc_version

from . import chinese_data
from .chinese_data import TRADITIONAL_ALSO_SIMPLIFIED

# CJK ideographs: unified, extension A, compatibility (a character class body, for other patterns too).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{CJK_CHARS}]+")
# The blocks OpenCC's character dictionaries cover (compatibility ideographs are neither script).
_BLOCKS = ((0x3400, 0x4DBF), (0x4E00, 0x9FFF))


@cache
def _converter(config: str) -> OpenCC:
    return OpenCC(config)


@dataclass(frozen=True)
class _Tables:
    simplified_only: re.Pattern[str]  # matches a character that exists in Simplified alone
    to_simplified: dict[int, str]  # str.translate table: each Traditional character by its t2s form
    to_traditional: dict[str, str]  # each Simplified character by its s2t form, without phrases


def _each(config: str, chars: list[str]) -> list[str]:
    """Every character converted on its own (one call; a newline ends any phrase)."""
    out = _converter(config).convert("\n".join(chars)).split("\n")
    return out if len(out) == len(chars) else [_converter(config).convert(ch) for ch in chars]


def _char_class(chars: list[str]) -> str:
    """A regex character class body for ``chars`` (sorted), consecutive code points as ranges."""
    parts: list[str] = []
    start = prev = None
    for point in [*map(ord, chars), None]:
        if prev is not None and point == prev + 1:
            prev = point
            continue
        if start is not None:
            parts.append(re.escape(chr(start)) + (f"-{re.escape(chr(prev))}" if prev != start else ""))
        start = prev = point
    return "".join(parts)


def character_maps() -> tuple[tuple[str, str], tuple[str, str]]:
    """Each character's own t2s and s2t form, as OpenCC converts it alone: ((from, to), (from, to)), position by
    position. Loading OpenCC's dictionaries and converting 28,000 characters takes about 50 ms, so
    tools/opencc_data.py stores the result in portal/chinese_data.py and a process reads it from there."""
    chars = [chr(point) for first, last in _BLOCKS for point in range(first, last + 1)]
    s2t, t2s = _each("s2t", chars), _each("t2s", chars)
    to_simplified = [(ch, s) for ch, s in zip(chars, t2s, strict=True) if s != ch and len(s) == 1]
    to_traditional = [(ch, t) for ch, t in zip(chars, s2t, strict=True) if t != ch and len(t) == 1]
    maps = [("".join(a for a, _ in pairs), "".join(b for _, b in pairs)) for pairs in (to_simplified, to_traditional)]
    return maps[0], maps[1]


def _stored_maps() -> tuple[tuple[str, str], tuple[str, str]]:
    """The maps portal/chinese_data.py holds, or OpenCC's own when they were made with another version."""
    if chinese_data.OPENCC_VERSION == opencc_version and hasattr(chinese_data, "T2S"):
        return chinese_data.T2S, chinese_data.S2T
    return character_maps()


@cache
def _tables() -> _Tables:
    (t_from, s_to), (s_from, t_to) = _stored_maps()
    to_simplified = {ord(ch): simplified for ch, simplified in zip(t_from, s_to, strict=True)}
    to_traditional = dict(zip(s_from, t_to, strict=True))
    # Simplified only: s2t changes it, t2s does not, and OpenCC does not list it among its own Traditional forms.
    also_traditional = TRADITIONAL_ALSO_SIMPLIFIED
    simplified_only = [ch for ch in to_traditional if ord(ch) not in to_simplified and ch not in also_traditional]
    pattern = re.compile(f"[{_char_class(sorted(simplified_only))}]")
    return _Tables(pattern, to_simplified, to_traditional)


def _convert_run(match: re.Match[str]) -> str:
    run = match.group()
    tables = _tables()
    if not tables.simplified_only.search(run):
        return run
    # OpenCC sees the whole run in Simplified, so its phrases match where some of it was typed in Traditional.
    converted = _converter("s2t").convert(run.translate(tables.to_simplified))
    if len(converted) != len(run):
        # A phrase changed the length, so the characters no longer line up: one by one, without phrases.
        converted = "".join(tables.to_traditional.get(ch, ch) for ch in run)
    # A character typed in Traditional stays as typed (裡, not OpenCC's 裏). One that is both (涌, 里)
    # is Simplified here, in a run with Simplified-only characters: OpenCC's phrases decide (东涌 -> 東涌).
    return "".join(
        typed if ord(typed) in tables.to_simplified else new for typed, new in zip(run, converted, strict=True)
    )


def to_traditional(text: str) -> str:
    """Simplified to Traditional, leaving every character already Traditional (and text with none to convert)."""
    if not CJK_RUN.search(text) or not _tables().simplified_only.search(text):
        return text
    return CJK_RUN.sub(_convert_run, text)


def script_key(text: str) -> str:
    """``text`` with each Chinese character replaced by its Simplified form, to compare, never to show.

    Two spellings of one name come out the same: 東涌 and 东涌, and variants
    that OpenCC keeps apart in Traditional, 啟德 and 啓德 (both 启德).
    """
    return text.translate(_tables().to_simplified)


def traditional_chars(text: str) -> list[str]:
    """The characters of ``text`` that Simplified writes otherwise (這, 們, 會…), in order, repeats kept."""
    table = _tables().to_simplified
    return [ch for ch in text if ord(ch) in table]
