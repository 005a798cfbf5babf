"""Every shipped article (content/articles/) meets the house standard: both languages (or an exception
noted with its reason in content/article-languages.yml), a review date and a next review date, and
published sources in the right shape."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from portal.content import as_date, read_text, split_front_matter

from .conftest import REAL_CONTENT

ARTICLES = sorted(p for p in (REAL_CONTENT / "articles").iterdir() if p.is_dir())
EXCEPTIONS_FILE = REAL_CONTENT / "article-languages.yml"


def exceptions() -> dict[str, str]:
    entries = yaml.safe_load(EXCEPTIONS_FILE.read_text(encoding="utf-8")) or []
    return {entry["slug"]: entry["reason"] for entry in entries}


def front_matter(path: Path) -> dict:
    return split_front_matter(read_text(path, str(path)), str(path))[0]


def language_files() -> list[Path]:
    return [path for folder in ARTICLES for path in sorted(folder.glob("*.md"))]


def test_there_are_articles_to_check():
    assert len(ARTICLES) >= 13 and language_files()


def test_every_allowed_exception_is_a_real_article_with_a_reason():
    for slug, reason in exceptions().items():
        assert (REAL_CONTENT / "articles" / slug).is_dir(), f"{EXCEPTIONS_FILE.name}: no article '{slug}'"
        assert isinstance(reason, str) and len(reason.strip()) >= 10, f"{EXCEPTIONS_FILE.name}: '{slug}' needs a reason"


@pytest.mark.parametrize("folder", ARTICLES, ids=lambda p: p.name)
def test_every_article_has_both_languages_or_a_noted_exception(folder):
    langs = {path.stem for path in folder.glob("*.md")}
    if folder.name in exceptions():
        assert langs, f"{folder.name}: no language file at all"
        return
    why = f"{folder.name}: has {sorted(langs)}; add the other language or note why in {EXCEPTIONS_FILE.name}"
    assert langs == {"en", "zh-hk"}, why


@pytest.mark.parametrize("path", language_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_article_file_has_a_review_date_and_a_next_review_date(path):
    meta = front_matter(path)
    reviewed, due = as_date(meta.get("reviewed")), as_date(meta.get("review_due"))
    assert reviewed is not None, f"{path}: no 'reviewed' date"
    assert due is not None and due > reviewed, f"{path}: no 'review_due' after 'reviewed'"


@pytest.mark.parametrize("path", language_files(), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_sources_where_present_each_name_a_title_and_a_web_address(path):
    sources = front_matter(path).get("sources")
    if sources is None:
        return  # every article having sources: the test below
    assert isinstance(sources, list) and sources, f"{path}: 'sources' is empty"
    for source in sources:
        assert str(source.get("title") or "").strip(), f"{path}: a source without a title"
        url = str(source.get("url") or "")
        assert url.startswith(("https://", "http://")), f"{path}: source '{source.get('title')}' has no web address"


def test_every_article_file_lists_its_sources():
    missing = [f"{p.parent.name}/{p.name}" for p in language_files() if not front_matter(p).get("sources")]
    assert not missing, f"articles without sources: {missing}"
