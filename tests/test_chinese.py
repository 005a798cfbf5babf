"""Simplified to Traditional never changes Traditional text: 涌 stays 涌, and every district and centre
name is found by the finder and by search whichever script it is typed in."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal.chinese import to_traditional
from portal.chinese_data import OPENCC_VERSION, TRADITIONAL_ALSO_SIMPLIFIED

from .conftest import REAL_CONTENT

ROOT = REAL_CONTENT.parent


# --- the conversion ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["涌", "著", "着", "裏", "裡", "里", "東涌", "鰂魚涌", "黃泥涌", "顯著", "看着", "這裡", "公里"]
)
def test_traditional_characters_are_never_rewritten(text):
    assert to_traditional(text) == text


@pytest.mark.parametrize(
    ("simp", "trad"),
    [
        ("东涌", "東涌"),
        ("沟通", "溝通"),
        ("鲗鱼涌", "鰂魚涌"),
        ("屯门", "屯門"),
        ("湾仔", "灣仔"),
        ("黄泥涌", "黃泥涌"),
    ],
)
def test_simplified_text_becomes_hong_kong_traditional(simp, trad):
    assert to_traditional(simp) == trad


def test_a_centre_name_in_traditional_keeps_its_words():
    # OpenCC's s2t alone turned 綜合家庭 into 綜閤家庭 (its phrase 合家 -> 閤家) and 涌 into 湧.
    assert to_traditional("鰂魚涌綜合家庭服務中心") == "鰂魚涌綜合家庭服務中心"


def test_mixed_text_converts_only_the_simplified_characters():
    assert to_traditional("東涌 and 沟通") == "東涌 and 溝通"
    assert to_traditional("東涌沟通，鰂魚涌 鲗鱼涌") == "東涌溝通，鰂魚涌 鰂魚涌"
    # OpenCC still sees the phrase 东涌 when 東 was typed in Traditional, so 涌 is not turned into 湧.
    assert to_traditional("東涌站门口") == "東涌站門口"
    assert to_traditional("这裡") == "這裡"  # 裡 as typed, not OpenCC's 裏


def test_text_without_chinese_comes_back_as_it_is():
    for text in ("", "Tung Chung", "2345 6789", "café ①"):
        assert to_traditional(text) == text


def test_the_list_of_traditional_characters_matches_the_installed_opencc():
    """portal/chinese_data.py comes from OpenCC's dictionary; after an opencc upgrade, regenerate it."""
    import opencc

    assert {"涌", "里", "合"} <= TRADITIONAL_ALSO_SIMPLIFIED and "东" not in TRADITIONAL_ALSO_SIMPLIFIED
    if not (Path(opencc.__file__).parent / "clib/bin/opencc_dict").exists():
        pytest.skip("this opencc build has no opencc_dict tool to read its dictionary with")
    if opencc.__version__ != OPENCC_VERSION:
        pytest.skip(f"opencc {opencc.__version__} installed, list made from {OPENCC_VERSION}: run tools/opencc_data.py")
    result = subprocess.run(
        [sys.executable, str(ROOT / "tools/opencc_data.py"), "--check"], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
