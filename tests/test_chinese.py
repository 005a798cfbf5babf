"""Simplified to Traditional never changes Traditional text: 涌 stays 涌, and every district and centre
name is found by the finder and by search whichever script it is typed in."""

from __future__ import annotations

import csv
import subprocess
import sys
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml
from opencc import OpenCC

from portal.chinese import script_key, to_traditional
from portal.chinese_data import OPENCC_VERSION, TRADITIONAL_ALSO_SIMPLIFIED
from portal.db import session_scope
from portal.search.engine import search

from .conftest import REAL_CONTENT

ROOT = REAL_CONTENT.parent
SHARED = [ROOT.parent / "shared", Path("/work/shared")]
SHARED_DISTRICTS = next((p / "data/districts.csv" for p in SHARED if (p / "data/districts.csv").exists()), None)
simplified = OpenCC("t2s").convert  # how the tests write a name in Simplified


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


def test_script_key_makes_both_scripts_and_variants_alike():
    assert script_key("東涌") == script_key("东涌")
    assert script_key("啟德") == script_key("啓德") == script_key("启德")
    assert script_key("Tung Chung 2") == "Tung Chung 2"


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


# --- every name from the data, through the real pages --------------------------------------


def _districts() -> dict[str, str]:
    """English name -> Chinese name, from content/districts.yml and the shared research copy."""
    rows = yaml.safe_load((REAL_CONTENT / "districts.yml").read_text(encoding="utf-8"))
    names = {row["name_en"]: row["name_zh"] for row in rows}
    if SHARED_DISTRICTS:
        with SHARED_DISTRICTS.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                assert names.get(row["name_en"]) == row["name_zh"], f"{SHARED_DISTRICTS}: {row['name_en']}"
    assert len(names) == 18
    return names


def _listed_centres() -> list[dict[str, str]]:
    with (REAL_CONTENT / "centres/centres.csv").open(encoding="utf-8-sig") as handle:
        return [row for row in csv.DictReader(handle) if row["listed"] != "no"]


def _both_scripts(name: str) -> list[str]:
    return [name, simplified(name)]


def _other_variant(name: str) -> bool:
    """The Simplified form comes back as another Traditional variant (启 -> OpenCC's 啓, the data writes 啟)."""
    return to_traditional(simplified(name)) != name


def _all_words(app, query: str, key: str) -> bool:
    """Search finds the centre with every word of the query (not only through "some of your words")."""
    with session_scope(app) as session:
        results = search(session, query, "zh-hk", ["centres"])
        return not results.any_term and key in {hit.doc.key for hit in results.hits}


def test_every_centre_and_district_is_found_in_both_scripts(backend_app):
    client = backend_app.test_client()
    districts = _districts()
    centres = _listed_centres()
    failures: list[str] = []

    def finder(query: str) -> str:
        return client.get(f"/zh-hk/centres/?q={quote(query)}").get_data(as_text=True)

    def search_page(query: str, kind: str = "") -> str:
        return client.get(f"/zh-hk/search?q={quote(query)}{kind and '&kind=' + kind}").get_data(as_text=True)

    for centre in centres:
        key, name = centre["id"], centre["name_zh"]
        for query in _both_scripts(name):
            if f'id="centre-{key}"' not in finder(query):
                failures.append(f"finder: {query} ({key})")
            if f'href="/zh-hk/centres/{key}"' not in search_page(query):
                failures.append(f"search: {query} ({key}) not listed")
            elif not _all_words(backend_app, query, key):
                failures.append(f"search: {query} ({key}) found only with some of its words")

    by_district: dict[str, list[str]] = {}
    for centre in centres:
        by_district.setdefault(centre["district"], []).append(centre["id"])
    for name_en, name_zh in districts.items():
        keys = by_district.get(name_en, [])
        for query in _both_scripts(name_zh):
            page = finder(query)
            missing = [key for key in keys if f'id="centre-{key}"' not in page]
            if missing:
                failures.append(f"finder: {query} (district {name_en}) misses {', '.join(missing)}")
            page = search_page(query, "centres")
            if keys and not any(f'href="/zh-hk/centres/{key}"' in page for key in keys):
                failures.append(f"search: {query} (district {name_en}) lists none of its centres")

    assert not failures, f"{len(failures)} names not found:\n" + "\n".join(failures)


def test_search_finds_a_simplified_name_whose_traditional_is_another_variant(app):
    names = [(c["id"], c["name_zh"]) for c in _listed_centres() if _other_variant(c["name_zh"])]
    assert names, "no such name in the data any more: drop this test"
    missing = [f"{simplified(name)} ({key})" for key, name in names if not _all_words(app, simplified(name), key)]
    assert not missing, "found only with some of their words, or not at all: " + ", ".join(missing)
