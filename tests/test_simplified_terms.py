"""The Simplified edition's converter, the editors' term list and the generated catalogue (issue 19)."""

from __future__ import annotations

import subprocess
from pathlib import Path

from babel.messages.pofile import read_po

from portal.chinese import traditional_chars
from portal.i18n import negotiate_lang, translate, written_lang
from portal.simplified import Converter, load_terms, to_simplified

from .conftest import REAL_CONTENT

ROOT = REAL_CONTENT.parent
HANT = ROOT / "translations/zh_Hant_HK/LC_MESSAGES/messages.po"
HANS = ROOT / "translations/zh_Hans_HK/LC_MESSAGES/messages.po"


def test_hk2s_changes_characters_not_hong_kong_words():
    plain = Converter()
    assert plain.text("這個屋邨的綜援申請，請致電 18111。") == "这个屋邨的综援申请，请致电 18111。"
    assert plain.text("乾諾道中的的士站") == "干诺道中的的士站"  # phrase tables: 乾 as 干 here
    assert plain.text("Tung Chung 東涌") == "Tung Chung 东涌"
    assert plain.text("no Chinese at all <b>x</b>") == "no Chinese at all <b>x</b>"


def test_listed_terms_are_written_as_listed_even_inside_a_phrase():
    converter = Converter((("餸", "餸"), ("綜合家庭服務中心", "综合家庭服务中心")))
    assert Converter().text("買餸") == "买𩠌"  # what OpenCC alone would write: a character most phones lack
    assert converter.text("今晚買餸，然後去綜合家庭服務中心。") == "今晚买餸，然后去综合家庭服务中心。"
    assert converter.fingerprint != Converter().fingerprint


def test_html_keeps_markup_and_relabels_traditional_passages():
    html = '<p lang="zh-Hant-HK" class="note"><a href="/zh-cn/help">尋求協助</a></p>'
    assert Converter().html(html) == '<p lang="zh-Hans-HK" class="note"><a href="/zh-cn/help">寻求协助</a></p>'


def test_the_real_term_list_reads_cleanly_and_names_the_official_terms():
    terms, problems = load_terms(REAL_CONTENT)
    assert problems == []
    listed = dict(terms)
    assert listed["社會福利署"] == "社会福利署"
    assert listed["綜合家庭服務中心"] == "综合家庭服务中心"
    assert listed["餸"] == "餸"
    assert to_simplified("社會福利署的綜合家庭服務中心", REAL_CONTENT) == "社会福利署的综合家庭服务中心"


def test_broken_entries_are_named_by_line_and_kept_out(content_copy: Path):
    terms_file = content_copy / "zh-cn-terms.yml"
    text = terms_file.read_text(encoding="utf-8")
    terms_file.write_text(text + "社工: 社工\nHotline: 热线\n關愛: 關爱\n空白: ''\n", encoding="utf-8")
    lines = len(text.splitlines())
    terms, problems = load_terms(content_copy)
    found = {(p.path, p.line, p.message) for p in problems}
    assert (
        "zh-cn-terms.yml",
        lines + 2,
        "term '%(term)s' has no Chinese characters: only Chinese text is converted",
    ) in found
    assert any(line == lines + 3 and "still has Traditional characters" in message for _, line, message in found)
    assert any(line == lines + 4 and "needs a Simplified form" in message for _, line, message in found)
    assert "社工" in dict(terms) and "Hotline" not in dict(terms) and "關愛" not in dict(terms)
    chars = next(dict(p.params)["chars"] for p in problems if "still has" in p.message)
    assert chars == "關"


def test_flask_content_check_reports_the_term_list(make_app, content_copy: Path):
    terms_file = content_copy / "zh-cn-terms.yml"
    terms_file.write_text(terms_file.read_text(encoding="utf-8") + "關愛: 關爱\n", encoding="utf-8")
    app = make_app(CONTENT_DIR=str(content_copy))
    result = app.test_cli_runner().invoke(args=["content", "check", "--lang", "zh-hk"])
    assert "zh-cn-terms.yml:" in result.output
    assert "仍有繁體字" in result.output
    assert result.exit_code == 1, result.output


def test_the_simplified_catalogue_is_generated_from_the_traditional_one():
    with HANT.open("rb") as handle:
        hant = {m.id: m.string for m in read_po(handle) if m.id}
    with HANS.open("rb") as handle:
        hans_catalogue = read_po(handle)
    hans = {m.id: m.string for m in hans_catalogue if m.id}
    assert "Generated from zh_Hant_HK" in hans_catalogue.header_comment
    assert hans.keys() == hant.keys()
    for msgid, text in hans.items():
        shown = text if isinstance(text, str) else "".join(text)
        assert shown, f"{msgid!r} has no Simplified text"
        assert not traditional_chars(shown), f"{msgid!r}: {shown}"
    assert translate("zh-cn", "Get help") == to_simplified(translate("zh-hk", "Get help"), REAL_CONTENT)


def test_the_generated_catalogue_is_not_kept_in_git():
    tracked = subprocess.run(
        ["git", "ls-files", "translations/zh_Hans_HK"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    assert tracked.returncode != 0 or tracked.stdout == ""


def test_simplified_readers_land_on_the_simplified_edition(client):
    assert negotiate_lang("zh-CN,zh;q=0.9,en;q=0.5", None) == "zh-cn"
    assert written_lang("zh-cn") == "zh-hk" and written_lang("en") == "en"
    response = client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9"})
    assert response.headers["Location"].endswith("/zh-cn/")
