"""Simplified to Traditional Chinese, shared by search and the centre finder.

One OpenCC converter per process: building one loads its dictionaries (tens of
milliseconds), converting a query with it takes microseconds.
"""

from __future__ import annotations

import re
from functools import cache

from opencc import OpenCC

# CJK ideographs: unified, extension A, compatibility (a character class body, for other patterns too).
CJK_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_RUN = re.compile(rf"[{CJK_CHARS}]+")


@cache
def _converter() -> OpenCC:
    return OpenCC("s2t")


def to_traditional(text: str) -> str:
    """Simplified to Traditional; text without any Chinese character is returned as it is (most of the cost)."""
    return _converter().convert(text) if CJK_RUN.search(text) else text
