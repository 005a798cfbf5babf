"""A corpus of broken content files, the way editors really break them, fed through `flask content
check` and `flask content sync`: every problem names its file and line, nothing raises, the good files
beside them are published, the exit codes tell cron what happened, and the last good version of an
edited file stays online (issue 14)."""

from __future__ import annotations

import codecs
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from portal.content import ContentError

from .conftest import REAL_CONTENT

ARTICLE = """---
title: Corpus article
summary: One line about it.
category: getting-help
tags: [hotlines]
published: 2026-03-02
reviewed: 2026-11-02
---
A short body for the corpus.
"""

EVENT = """---
title: Corpus talk
venue: Community hall
address: Wan Chai
starts: 2027-01-10
district: wan-chai
organiser: example-family-centre
audience: [parents]
free: true
---
A talk.
"""

PARTNER = """name_en: Corpus partner
name_zh: 測試機構
website: https://partner.example.org/
feeds: []
"""


@dataclass
class Broken:
    path: str  # under content/
    data: bytes
    line: int | None  # the line named (None: only that some line is)
    words: str  # part of the message

    @property
    def shown(self) -> str:
        return f"content/{self.path}"


def article(old: str, new: str) -> bytes:
    assert old in ARTICLE
    return ARTICLE.replace(old, new, 1).encode()


def event(old: str, new: str) -> bytes:
    assert old in EVENT
    return EVENT.replace(old, new, 1).encode()


def partner(old: str, new: str) -> bytes:
    assert old in PARTNER
    return PARTNER.replace(old, new, 1).encode()


def selfcheck(old: str, new: str) -> bytes:
    text = (REAL_CONTENT / "selfcheck" / "who5.yml").read_text(encoding="utf-8")
    assert old in text
    return text.replace(old, new, 1).encode()


BESIDE_GOOD_FILES = [
    # articles: dates, YAML of each common sort, fences, encodings, unknown ids, images, links
    Broken("articles/c-month-13/en.md", article("2026-03-02", "2026-13-01"), 6, "YYYY-MM-DD"),
    Broken("articles/c-feb-30/en.md", article("2026-03-02", "2026-02-30"), 6, "'published: 2026-02-30' is not a real"),
    Broken("articles/c-slashed-date/en.md", article("reviewed: 2026-11-02", "reviewed: 02/11/2026"), 7, "YYYY-MM-DD"),
    Broken("articles/c-colon/en.md", article("Corpus article", "Sleep: a guide"), 2, "put the title in quotes"),
    Broken("articles/c-tab/en.md", article("summary:", "\tsummary:"), 3, "tab"),
    Broken("articles/c-indent/en.md", article("summary:", "  summary:"), 3, "indented more"),
    Broken("articles/c-quote/en.md", article("Corpus article", '"Corpus article'), 2, "quotation mark"),
    Broken("articles/c-quote-after/en.md", article("Corpus article", '"Corpus" article'), 2, "quotation mark"),
    Broken("articles/c-bracket/en.md", article("[hotlines]", "[hotlines"), 5, "brackets"),
    Broken("articles/c-no-colon/en.md", article("summary: One", "summary One"), 3, "a line without"),
    Broken("articles/c-at-sign/en.md", article("Corpus article", "@home tips"), 2, "in quotes"),
    Broken(
        "articles/c-twice/en.md",
        article("reviewed: 2026-11-02\n", "reviewed: 2026-11-02\ntitle: Again\n"),
        8,
        "written twice, on line 2 and line 8",
    ),  # fmt: skip
    Broken(
        "articles/c-no-fence/en.md",
        article("reviewed: 2026-11-02\n---\n", "reviewed: 2026-11-02\n\n"),
        1,
        "no line '---' closes them",
    ),  # fmt: skip
    Broken("articles/c-no-front-matter/en.md", b"Just some text without fields.\n", 1, "no front matter"),
    Broken("articles/c-blank-first/en.md", b"\n" + ARTICLE.encode(), 2, "first line must be '---'"),
    Broken("articles/c-utf16/en.md", ARTICLE.encode("utf-16"), 1, "UTF-16"),
    Broken("articles/c-big5/zh-hk.md", article("Corpus article", "家庭").decode().encode("big5"), 2, "Big5"),
    Broken("articles/c-latin1/en.md", article("One line", "Café line").decode().encode("latin-1"), 3, "Windows-1252"),
    Broken("articles/c-category/en.md", article("getting-help", "gardening"), 4, "unknown category 'gardening'"),
    Broken("articles/c-tag/en.md", article("[hotlines]", "[hotlines, nonsense]"), 5, "unknown tag 'nonsense'"),
    Broken(
        "articles/c-ext-image/en.md",
        article("A short body", "![A hall](https://img.example.org/a.png) A"),
        9,
        "on another site",
    ),  # fmt: skip
    Broken(
        "articles/c-cover-ext/en.md",
        article("---\nA short", "image: https://img.example.org/a.png\nimage_alt: A hall\n---\nA short"),
        8,
        "on another site",
    ),  # fmt: skip
    Broken("articles/c-no-alt/en.md", article("A short body", "![](cover.svg) A"), 9, "no description"),
    Broken(
        "articles/c-bad-link/en.md", article("A short body", "See [this](/no-such-page). A"), 9, "leads to no page"
    ),  # fmt: skip
    Broken(
        "articles/c-no-article/en.md",
        article("A short body", "See [this](../no-such-article/en.md). A"),
        9,
        "no article 'no-such-article'",
    ),  # fmt: skip
    Broken(
        "articles/c-content-path/en.md",
        article("A short body", "Numbers from content/hotlines.yml. A"),
        9,
        "internal path 'content/hotlines.yml'",
    ),  # fmt: skip
    Broken("articles/c-pair/zh-hk.md", article("getting-help", "parenting"), 4, "both languages"),
    # events and partners
    Broken("events/c-ev-date/en.md", event("2027-01-10", "2026-13-01"), 5, "not a real date"),
    Broken("events/c-ev-time/en.md", event("2027-01-10", "2027-01-10T25:00+08:00"), 5, "starts"),
    Broken("events/c-ev-partner/en.md", event("example-family-centre", "no-such-partner"), 7, "no-such-partner"),
    Broken("events/c-ev-district/en.md", event("wan-chai", "atlantis"), 6, "atlantis"),
    Broken("events/c-ev-tab/en.md", event("venue:", "\tvenue:"), 3, "tab"),
    Broken("events/c-ev-colon/en.md", event("Corpus talk", "Talk: sleep"), 2, "put the title in quotes"),
    Broken("events/c-ev-fence/en.md", event("free: true\n---\n", "free: true\n"), 1, "closes them"),
    Broken("events/c-ev-twice/en.md", event("free: true\n", "free: true\ndistrict: wan-chai\n"), 10, "written twice"),
    Broken("events/c-ev-img-ext/en.md", event("A talk.", "![Hall](https://img.example.org/a.png)"), 11, "another site"),
    Broken("events/c-ev-img/en.md", event("A talk.", "![The hall](hall.png)"), 11, "have no images"),
    Broken("events/c-ev-link/en.md", event("A talk.", "See [this](/no-such-page)."), 11, "leads to no page"),
    Broken("events/c-ev-path/en.md", event("A talk.", "From content/hotlines.yml."), 11, "internal path"),
    Broken("partners/c-p-website.yml", partner("https://partner", "ftp://partner"), 3, "website"),
    Broken("partners/c-p-colon.yml", partner("Corpus partner", "Corpus: partner"), 1, "put the name_en in quotes"),
    Broken("partners/c-p-bracket.yml", partner("feeds: []", "feeds: [https://x.example.org/feed"), 4, "brackets"),
    Broken("partners/c-p-twice.yml", partner("feeds: []\n", "feeds: []\nname_en: Again\n"), 5, "written twice"),
    Broken("partners/c-p-utf16.yml", PARTNER.encode("utf-16"), 1, "UTF-16"),
    Broken("partners/C_P_Name.yml", PARTNER.encode(), 1, "partner id"),
    # self-checks
    Broken("selfcheck/c-s-dup-id.yml", selfcheck("id: who5", "id: who5"), None, "'id' must be 'c-s-dup-id'"),
    Broken("selfcheck/c-s-tab.yml", selfcheck("id: who5\nkind:", "id: c-s-tab\n\tkind:"), 4, "tab"),
    Broken("selfcheck/c-s-twice.yml", selfcheck("id: who5\n", "id: c-s-twice\nid: c-s-twice\n"), 4, "written twice"),
    Broken("selfcheck/c-s-quote.yml", selfcheck("id: who5\n", 'id: "c-s-quote\n'), 3, "quotation mark"),
]

GOOD_BESIDE = {
    # Notepad's BOM and Windows line endings are fine
    "articles/c-good-bom/en.md": codecs.BOM_UTF8 + ARTICLE.replace("\n", "\r\n").encode(),
    # long titles and overdue reviews are warnings: published all the same
    "articles/c-good-long/en.md": article("Corpus article", "A very long title " * 8),
    "articles/c-good-due/en.md": article("reviewed: 2026-11-02\n", "reviewed: 2026-11-02\nreview_due: 2026-11-03\n"),
    "events/c-ev-good/en.md": EVENT.replace("\n", "\r\n").encode(),
    "partners/c-p-good.yml": codecs.BOM_UTF8 + PARTNER.encode(),
}
WARNINGS = {
    "content/articles/c-good-long/en.md:2": "keep it to 90",
    "content/articles/c-good-due/en.md:8": "review was due on 2026-11-03",
}


def test_the_corpus_has_at_least_forty_broken_files_of_every_kind():
    kinds = {case.path.split("/")[0] for case in BESIDE_GOOD_FILES} | {case.kind for case in SINGLE_FILES}
    assert len(BESIDE_GOOD_FILES) + len(SINGLE_FILES) >= 40
    assert {"articles", "events", "partners", "selfcheck", "centres", "site", "data"} <= kinds


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(REAL_CONTENT, content)
    for case in BESIDE_GOOD_FILES:
        write(content / case.path, case.data)
    for path, data in GOOD_BESIDE.items():
        write(content / path, data)
    write(content / "articles/c-pair/en.md", ARTICLE.encode())  # its Chinese twin says another category
    (content / "articles" / "c-no-alt" / "cover.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>', encoding="utf-8"
    )
    return content


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def run(app, *args: str):
    result = app.test_cli_runner().invoke(args=["content", *args])
    # Only sys.exit: any other exception is a traceback the editor would have seen.
    assert result.exception is None or isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output
    return result


def lines_of(output: str, shown: str) -> list[str]:
    return [row for row in output.splitlines() if row.startswith(f"{shown}:")]


def assert_named(output: str, case: Broken) -> None:
    rows = lines_of(output, case.shown)
    assert rows, f"{case.shown} not named in:\n{output}"
    prefix = f"{case.shown}:{case.line}:" if case.line else case.shown
    assert any(row.startswith(prefix) and case.words in row for row in rows), (case, rows)


def test_check_names_every_broken_file_and_line_and_exits_1(make_app, corpus):
    result = run(make_app(CONTENT_DIR=str(corpus)), "check")
    assert result.exit_code == 1, result.output
    for case in BESIDE_GOOD_FILES:
        assert_named(result.output, case)
    for path in GOOD_BESIDE:
        errors = [row for row in lines_of(result.output, f"content/{path}") if ": warning: " not in row]
        assert not errors, errors
    for where, words in WARNINGS.items():
        assert any(row.startswith(where) and "warning" in row and words in row for row in result.output.splitlines())


def test_check_speaks_chinese_when_asked(make_app, corpus):
    result = run(make_app(CONTENT_DIR=str(corpus)), "check", "--lang", "zh-hk")
    assert result.exit_code == 1
    assert "content/articles/c-colon/en.md:2: 請把 title 的內容放在引號之內" in result.output
    assert "「published: 2026-02-30」不是真實的日期" in result.output
    assert re.search(r"content/articles/c-good-long/en.md:2: 提醒：標題有 \d+ 個字元", result.output)
    assert "個錯誤" in result.output and "error(s)" not in result.output
    setting = run(make_app(CONTENT_DIR=str(corpus), EDITOR_LANG="zh-hk"), "check")
    assert "個錯誤" in setting.output


def test_sync_publishes_the_good_files_beside_the_broken_ones_and_exits_1(make_app, backend, corpus):
    app = make_app(backend, CONTENT_DIR=str(corpus))
    result = run(app, "sync")
    assert result.exit_code == 1, result.output
    for case in BESIDE_GOOD_FILES:
        assert_named(result.output, case)
    client = app.test_client()
    for slug in ("c-good-bom", "c-good-long", "c-good-due", "what-is-an-ifsc"):
        assert client.get(f"/en/articles/{slug}").status_code == 200, slug
    assert "Corpus article" in client.get("/en/articles/c-good-bom").get_data(as_text=True)
    for slug in ("c-month-13", "c-colon", "c-ext-image", "c-bad-link"):
        assert client.get(f"/en/articles/{slug}").status_code == 404, slug
    # Both files of a new pair disagree: neither is the reference, so neither goes online.
    assert client.get("/en/articles/c-pair").status_code == 404
    assert "content/articles/c-pair/en.md:4: 'category' is getting-help here but parenting" in result.output
    assert "Corpus partner" in client.get("/en/partners/c-p-good").get_data(as_text=True)
    assert client.get("/en/partners/c-p-website").status_code == 404
    assert "Corpus talk" in client.get("/en/events").get_data(as_text=True)
    # A second sync changes nothing and says the same.
    again = run(app, "sync")
    assert again.exit_code == 1
    assert_named(again.output, BESIDE_GOOD_FILES[0])


def test_clean_content_exits_0(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy))
    assert run(app, "check").exit_code == 0
    assert run(app, "sync").exit_code == 0


def test_the_last_good_version_of_an_edited_file_stays_online(make_app, backend, content_copy):
    app = make_app(backend, CONTENT_DIR=str(content_copy))
    assert run(app, "sync").exit_code == 0
    page = content_copy / "articles" / "what-is-an-ifsc" / "en.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("published: 2026-03-02", "published: 2026-13-01"), encoding="utf-8")
    twin = content_copy / "articles" / "what-is-an-ifsc" / "zh-hk.md"
    twin.write_text(twin.read_text(encoding="utf-8").replace("category: getting-help", "category: parenting"), "utf-8")
    about = content_copy / "site" / "about" / "en.md"
    about.write_text(about.read_text(encoding="utf-8").replace("title: About us", "title: About: us"), "utf-8")
    result = run(app, "sync")
    assert result.exit_code == 1
    assert "content/articles/what-is-an-ifsc/en.md:6: 'published: 2026-13-01' is not a real date" in result.output
    assert "content/site/about/en.md:2: put the title in quotes" in result.output
    # The Chinese file is compared with the English version online: it is the one that changed.
    assert "content/articles/what-is-an-ifsc/zh-hk.md:4: 'category' is parenting here but getting-help" in (
        result.output
    )
    client = app.test_client()
    assert "What is an Integrated Family Service Centre?" in client.get("/en/articles/what-is-an-ifsc").get_data(
        as_text=True
    )
    assert "About us" in client.get("/en/about").get_data(as_text=True)
    assert "綜合家庭服務中心" in client.get("/zh-hk/articles/what-is-an-ifsc").get_data(as_text=True)


@dataclass
class Single:
    """A broken data file that stands alone (one file for its kind): rejected, named, the rest goes on."""

    kind: str
    path: str
    old: str
    new: str
    line: int | None
    words: str
    encoding: str = "utf-8"


SINGLE_FILES = [
    Single("data", "hotlines.yml", '  number: "999"\n', '  number: "999"\n  number: "998"\n', 14, "written twice"),
    Single("data", "holidays.yml", "date: 2026-12-25", "date: 2026-12-32", None, "not a real date"),
    Single("data", "categories.yml", "name: Parenting", 'name: "Parenting', None, "quotation mark"),
    Single("data", "tags.yml", "teenagers: {en: Teenagers", "teenagers: {en: Teenagers: young", 7, "brackets"),
    Single("data", "search/synonyms.yml", "\n- ", "\n\t- ", None, "tab"),
    Single("data", "districts.yml", "\n- id:", "\n - id:", None, ""),
    Single("site", "site/contact.yml", "email: editors", "email: editors\nemail: editors", 9, "written twice"),
    Single("site", "site/privacy/en.md", "reviewed: ", "reviewed: 2026-02-30\nx: ", None, "not a real date"),
    Single("site", "site/privacy/en.md", "\n---\n", "\n---\nSee content/hotlines.yml.\n", None, "internal path"),
    Single("centres", "centres/centres.csv", "swd-aberdeen,", "swd-aberdeen,", None, "Big5", "big5hkscs"),
    Single(
        "centres",
        "centres/centres.csv",
        "Social Welfare Department,社會福利署",
        "Social Welfare Department,社會福利署",
        None,
        "UTF-8",
        "utf-16",
    ),  # fmt: skip
]


@pytest.mark.parametrize("case", SINGLE_FILES, ids=lambda c: f"{c.path}-{c.words or 'any'}")
def test_a_broken_data_file_is_named_with_its_line_and_stops_nothing_else(make_app, content_copy, case):
    app = make_app(CONTENT_DIR=str(content_copy))
    assert run(app, "sync").exit_code == 0
    path = content_copy / case.path
    text = path.read_text(encoding="utf-8")
    assert case.old in text, case
    path.write_bytes(text.replace(case.old, case.new, 1).encode(case.encoding))
    for command in ("check", "sync"):
        result = run(app, command)
        assert result.exit_code == 1, result.output
        rows = lines_of(result.output, f"content/{case.path}")
        assert rows, result.output
        prefix = f"content/{case.path}:{case.line}:" if case.line else f"content/{case.path}:"
        assert any(row.startswith(prefix) and re.match(r".*?:\d+: ", row) and case.words in row for row in rows), rows
    assert app.test_client().get("/en/articles/what-is-an-ifsc").status_code == 200


def test_an_internal_error_in_a_loader_stays_in_its_file_and_is_logged(make_app, corpus, monkeypatch, caplog):
    import portal.articles.loader as loader

    real = loader._reading_minutes

    def failing(text: str) -> int:
        if "corpus" in text:
            raise KeyError("boom")
        return real(text)

    monkeypatch.setattr(loader, "_reading_minutes", failing)
    app = make_app(CONTENT_DIR=str(corpus))
    result = run(app, "sync")
    assert result.exit_code == 1
    assert "content/articles/c-good-bom/en.md:1: could not read this file: KeyError: 'boom'" in result.output
    assert "Traceback" in caplog.text and "c-good-bom" in caplog.text
    assert app.test_client().get("/en/articles/what-is-an-ifsc").status_code == 200


def test_a_failure_that_stops_the_run_exits_2(make_app, content_copy, monkeypatch):
    import portal.cli

    def broken(*_args, **_kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(portal.cli, "lock_for_writing", broken)
    app = make_app(CONTENT_DIR=str(content_copy))
    result = run(app, "sync")
    assert result.exit_code == 2
    assert "the sync stopped and published nothing: RuntimeError: database went away" in result.output


def test_decode_text_accepts_bom_and_crlf_and_names_the_first_bad_line():
    from portal.content import decode_text

    assert decode_text(codecs.BOM_UTF8 + b"a\r\nb\r\n", "x") == "a\nb\n"
    with pytest.raises(ContentError) as caught:
        decode_text("ok\nok\n家\n".encode("big5"), "x.md")
    assert str(caught.value.problems[0]).startswith("x.md:3: this file is saved as Big5")
