"""The open page reloads itself in the editor's browser when a file is saved (live preview, issue 14
part 6), and shows the saved file's problems: Chromium on a preview served with its file watcher."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from portal.cli import sync_content
from portal.preview import preview_app, preview_state
from portal.preview.watch import Watcher, check_sources

from ..conftest import FIXTURES
from .conftest import LiveServer, describe

SAVE_DEADLINE_MS = 2000  # from a save to the changed page in the browser: what the feature promises


@pytest.fixture
def preview_site(tmp_path: Path) -> Iterator[tuple[LiveServer, Path]]:
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    app = preview_app(content, tmp_path / "preview-data", 5001)
    with app.app_context():
        sync_content(app)
    state = preview_state(app)
    state.replace(check_sources(app))
    watcher = Watcher(app, state)
    watcher.start()
    server = LiveServer(app)
    yield server, content
    server.stop()
    watcher.stop()


def test_the_open_page_reloads_with_the_saved_text_and_then_the_files_problem(preview_site, page):
    server, content = preview_site
    article = content / "articles" / "family-meals" / "en.md"
    page.goto(server.url + "/en/articles/family-meals")
    heading = page.locator("main h1")
    assert heading.inner_text() == "Family meals that bring you together"

    text = article.read_text(encoding="utf-8").replace(f"title: {heading.inner_text()}", "title: Saved a moment ago")
    article.write_text(text, "utf-8")
    page.wait_for_function(
        "() => document.querySelector('main h1').textContent.trim() === 'Saved a moment ago'",
        timeout=SAVE_DEADLINE_MS,
    )

    article.write_text(text.replace("category: parenting", "category: cooking"), "utf-8")
    page.locator(".preview-problems").wait_for(timeout=SAVE_DEADLINE_MS)
    assert "content/articles/family-meals/en.md:4" in page.locator(".preview-problems").inner_text()


def test_the_banner_with_problems_passes_axe_in_both_languages(preview_site, axe):
    server, content = preview_site
    article = content / "articles" / "family-meals" / "en.md"
    article.write_text(article.read_text(encoding="utf-8").replace("category: parenting", "category: cooking"), "utf-8")
    state, start = preview_state(server.app), time.monotonic()

    def errors() -> list:
        return [p for p in state.problems() if p.severity == "error"]

    while not errors() and time.monotonic() - start < 5:  # the watcher's re-sync
        time.sleep(0.05)
    assert errors()
    for lang in ("en", "zh-hk"):
        url = f"{server.url}/{lang}/articles/family-meals"
        violations = axe(url)
        assert not violations, f"{url}:\n{describe(violations)}"
