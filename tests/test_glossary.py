"""The house glossary (content/glossary.yml): every avoided form is found, with its file and line, and the
real content, templates and catalogue use none (issue 16, item 7)."""

from __future__ import annotations

from pathlib import Path

from portal.glossary import glossary_problems, load_terms

from .conftest import REAL_CONTENT


def test_the_content_templates_and_catalogue_use_only_house_terms():
    found = [p.text("en") for p in glossary_problems(REAL_CONTENT)]
    assert not found, "\n".join(found)


def test_the_glossary_names_the_house_terms_in_both_languages():
    terms, problems = load_terms(REAL_CONTENT)
    assert problems == []
    used = {term.use: term for term in terms}
    for preferred, avoided in [("著", "着"), ("發布", "發佈"), ("自我評估", "自我檢視"), ("香港家庭資訊網", "家庭網站"),
                               ("訊息", "信息")]:  # fmt: skip
        assert avoided in used[preferred].avoid
        assert used[preferred].note["en"] and used[preferred].note["zh-hk"]


def test_an_avoided_form_is_a_warning_with_its_file_and_line(content_copy: Path):
    article = content_copy / "articles/what-is-an-ifsc/zh-hk.md"
    lines = article.read_text(encoding="utf-8").splitlines()
    lines.append("請留意最新信息，接着再發佈。")
    article.write_text("\n".join(lines) + "\n", encoding="utf-8")
    found = {(p.path, p.line, p.severity, dict(p.params)["found"]) for p in glossary_problems(content_copy)}
    where = ("articles/what-is-an-ifsc/zh-hk.md", len(lines), "warning")
    assert {(*where, "信息"), (*where, "着"), (*where, "發佈")} <= found


def test_english_terms_match_whole_words_in_any_case_and_not_in_chinese_files(content_copy: Path):
    (content_copy / "articles/what-is-an-ifsc/en.md").write_text(
        (content_copy / "articles/what-is-an-ifsc/en.md").read_text(encoding="utf-8") + "\nTry our Self-Test.\n",
        encoding="utf-8",
    )
    found = [p for p in glossary_problems(content_copy) if p.path.endswith("en.md")]
    assert [dict(p.params)["found"] for p in found] == ["Self-Test"]


def test_search_words_keep_the_forms_people_type():
    assert "瞓唔着" in (REAL_CONTENT / "search/synonyms.yml").read_text(encoding="utf-8")
    assert not [p for p in glossary_problems(REAL_CONTENT) if p.path.startswith("search/")]


def test_a_broken_entry_is_reported_with_its_line(content_copy: Path):
    glossary = content_copy / "glossary.yml"
    glossary.write_text(glossary.read_text(encoding="utf-8") + "- lang: fr\n  use: x\n", encoding="utf-8")
    terms, problems = load_terms(content_copy)
    assert len(problems) == 1
    assert problems[0].line == len(glossary.read_text(encoding="utf-8").splitlines()) - 1


def test_flask_content_check_prints_the_warning_and_still_passes(make_app, content_copy: Path):
    article = content_copy / "articles/what-is-an-ifsc/zh-hk.md"
    article.write_text(article.read_text(encoding="utf-8") + "\n家庭網站\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=str(content_copy))
    result = app.test_cli_runner().invoke(args=["content", "check", "--lang", "zh-hk"])
    assert result.exit_code == 0, result.output
    assert "articles/what-is-an-ifsc/zh-hk.md:" in result.output
    assert "「家庭網站」" in result.output or "家庭網站" in result.output
