"""`flask content check` and `flask content sync`: what editors see when they publish."""

from __future__ import annotations

import shutil

import pytest
from sqlalchemy import func, select

from portal.articles.model import Article
from portal.cli import sync_content
from portal.content import ContentFile
from portal.db import session_scope

from .conftest import FIXTURES


@pytest.fixture
def content(tmp_path):
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    return target


@pytest.fixture
def site(make_app, content):
    return make_app(CONTENT_DIR=str(content))


def article_file(content, slug="family-meals", lang="en"):
    return content / "articles" / slug / f"{lang}.md"


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def titles(app, lang="en"):
    with session_scope(app) as session:
        return dict(session.execute(select(Article.slug, Article.title).where(Article.lang == lang)).all())


def test_check_passes_on_good_content(site):
    result = site.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "0 error(s)" in result.output


def test_real_content_passes_the_check(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("category: parenting", "category: gardening", 4, "gardening"),
        ("published: 2026-01-10", "published: last tuesday", 6, "published"),
        ("title: Family meals that bring you together\n", "", 2, "title"),
        ("tags: [communication, young-children]", "tags: [communication, nonsense-tag]", 5, "nonsense-tag"),
        ("summary: Short", "summary: [unclosed", 3, "brackets [ ] or { } are not closed"),
        ("featured: true", "featured: true\ncolour: blue", 10, "colour"),
        ("See also [pictures](../pictures/en.md)", "See also [x](../no-such-article/en.md)", 16, "no-such-article"),
    ],
)
def test_check_names_file_and_line_and_fails(site, content, old, new, line, message):
    edit(article_file(content), old, new)
    result = site.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    expected = f"content/articles/family-meals/en.md:{line}:"
    problem_lines = [row for row in result.output.splitlines() if row.startswith(expected)]
    assert problem_lines, result.output
    assert any(message in row for row in problem_lines), result.output


def test_check_reports_a_missing_image(site, content):
    edit(article_file(content, "pictures"), "cover.svg", "missing.png")
    result = site.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 1
    assert "content/articles/pictures/en.md:" in result.output and "missing.png" in result.output


def test_unpaired_slug_is_a_warning_not_an_error(site):
    result = site.test_cli_runner().invoke(args=["content", "check"])
    assert "content/articles/only-english/en.md:1: warning:" in result.output
    assert result.exit_code == 0


def test_sync_skips_unchanged_files(site, content):
    first = {r.source: r for r in sync_content(site)}["articles"]
    assert first.added == 7 and first.unchanged == 0
    again = {r.source: r for r in sync_content(site)}["articles"]
    assert (again.added, again.updated, again.removed) == (0, 0, 0)
    assert again.unchanged == 7
    edit(article_file(content), "Family meals that bring you together", "Family meals, edited")
    third = {r.source: r for r in sync_content(site)}["articles"]
    assert (third.updated, third.unchanged) == (1, 6)
    assert titles(site)["family-meals"] == "Family meals, edited"


def test_broken_file_keeps_its_last_good_version_online(site, content):
    sync_content(site)
    edit(article_file(content), "category: parenting", "category: [broken")
    reports = {r.source: r for r in sync_content(site)}
    problems = [str(p) for p in reports["articles"].problems]
    assert any(p.startswith("content/articles/family-meals/en.md:") for p in problems), problems
    assert titles(site)["family-meals"] == "Family meals that bring you together"
    page = site.test_client().get("/en/articles/family-meals")
    assert page.status_code == 200
    with session_scope(site) as session:
        row = session.get(ContentFile, "content/articles/family-meals/en.md")
        assert row.status == "error" and "family-meals/en.md" in row.error

    # Fixed: the next sync loads it.
    edit(article_file(content), "category: [broken", "category: parenting")
    edit(article_file(content), "Family meals that bring you together", "Family meals, fixed")
    sync_content(site)
    assert titles(site)["family-meals"] == "Family meals, fixed"


def test_deleted_article_goes_offline(site, content):
    sync_content(site)
    shutil.rmtree(content / "articles" / "pictures")
    report = {r.source: r for r in sync_content(site)}["articles"]
    assert report.removed == 2
    assert site.test_client().get("/en/articles/pictures").status_code == 404


def test_sync_command_prints_a_summary_and_problems(site, content):
    edit(article_file(content), "category: parenting", "category: gardening")
    result = site.test_cli_runner().invoke(args=["content", "sync"])
    assert result.exit_code == 1  # files rejected: cron can alert someone
    assert "content/articles/family-meals/en.md:4:" in result.output
    assert "articles:" in result.output and "rejected" in result.output
    assert "last good version stays online" in result.output


def test_sync_is_one_transaction_on_both_backends(make_app, backend, content):
    app = make_app(backend, CONTENT_DIR=str(content))
    sync_content(app)
    other_worker = make_app(backend, CONTENT_DIR=str(content))
    with session_scope(other_worker) as session:
        # 7 files, and the Simplified row made from each of the zh-hk ones.
        assert session.scalar(select(func.count()).select_from(Article).where(Article.lang != "zh-cn")) == 7
        chinese = [session.scalar(select(func.count()).where(Article.lang == lang)) for lang in ("zh-hk", "zh-cn")]
        assert chinese[0] == chinese[1] > 0
    assert sync_content(other_worker)[0].changed is False
