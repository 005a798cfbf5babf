"""`flask content status`: where each article stands, for the editorial team (issue 14 part 7)."""

from __future__ import annotations

import csv
import io
import shutil

import pytest

from .conftest import FIXTURES


@pytest.fixture
def site(make_app, tmp_path):
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    due = content / "articles" / "family-meals" / "en.md"
    due.write_text(due.read_text(encoding="utf-8").replace("featured: true", "featured: true\nreview_due: 2020-01-01"),
                   encoding="utf-8")  # fmt: skip
    return make_app(CONTENT_DIR=str(content))


def status(app, *args):
    result = app.test_cli_runner().invoke(args=["content", "status", *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_status_lists_languages_translation_behind_review_due_and_totals(site):
    output = status(site)
    rows = {line.split()[0]: line for line in output.splitlines() if line and not line[0].isdigit()}
    assert "en: yes  zh-hk: no" in rows["only-english"]
    assert "translation behind" in rows["behind-in-chinese"]
    assert "review due: 2020-01-01" in rows["family-meals"] and "review overdue" in rows["family-meals"]
    assert "translation behind" not in rows["family-meals"]
    total = output.strip().splitlines()[-1]
    assert total.startswith(f"{len(rows)} articles:")
    assert "1 English only" in total and "1 translations behind" in total and "1 reviews overdue" in total


def test_status_as_csv_opens_in_a_spreadsheet(site):
    table = list(csv.DictReader(io.StringIO(status(site, "--format", "csv"))))
    by_slug = {row["article"]: row for row in table}
    assert by_slug["only-english"]["en"] == "yes" and by_slug["only-english"]["zh-hk"] == "no"
    assert by_slug["behind-in-chinese"]["translation_behind"] == "yes"
    assert by_slug["family-meals"]["review_due"] == "2020-01-01"
    assert by_slug["family-meals"]["review_overdue"] == "yes"


def test_status_in_chinese(site):
    output = status(site, "--lang", "zh-hk")
    assert "翻譯落後" in output and "篇文章" in output
