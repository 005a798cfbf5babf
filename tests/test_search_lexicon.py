"""The editors' word lists (content/search/): checked like every content file, loaded by sync,
last good version kept; and the spelling word list kept in step with the index."""

from __future__ import annotations

from sqlalchemy import select

from portal.cli import sync_content
from portal.db import session_scope
from portal.search.engine import replace_documents, search
from portal.search.providers import Doc
from portal.search.spelling import SearchWord


def check(make_app, content):
    result = make_app(CONTENT_DIR=str(content)).test_cli_runner().invoke(args=["content", "check"])
    return result.exit_code, result.output


def write(path, text):
    path.write_text(text, encoding="utf-8")


def test_the_real_word_lists_pass_the_check_and_cover_every_crisis_kind(runner):
    result = runner.invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    assert "search/" not in result.output


def test_a_synonym_group_without_a_note_or_with_one_word_is_named_with_its_line(make_app, content_copy):
    path = content_copy / "search" / "synonyms.yml"
    write(path, "- note: fine\n  words: [a1, b1]\n- words: [家暴, 家庭暴力]\n- note: lonely\n  words: [only]\n")
    code, output = check(make_app, content_copy)
    assert code == 1
    assert "content/search/synonyms.yml:3: group 2 (家暴): add a 'note'" in output
    assert "content/search/synonyms.yml:5: group 3 (only): 'words' needs at least two" in output


def test_a_word_in_two_synonym_groups_is_refused(make_app, content_copy):
    path = content_copy / "search" / "synonyms.yml"
    write(path, "- note: one\n  words: [家暴, 家庭暴力]\n- note: two\n  words: [暴力, 家暴]\n")
    code, output = check(make_app, content_copy)
    assert code == 1 and "'家暴' is already in group 1" in output


def test_a_character_search_cannot_read_is_refused_not_silently_dropped(make_app, content_copy):
    path = content_copy / "search" / "synonyms.yml"
    write(path, "- note: cutting\n  words: [𠝹手, 割手]\n")
    code, output = check(make_app, content_copy)
    assert code == 1 and "search cannot read 𠝹 yet" in output


def test_crisis_groups_must_name_24_hour_lines_from_the_hotlines_file(make_app, content_copy):
    path = content_copy / "search" / "crisis.yml"
    text = path.read_text(encoding="utf-8")
    listed = "hotlines: [emergency-999, no-such-line, rainlily, sbhk,"
    write(path, text.replace("hotlines: [emergency-999, sbhk,", listed))
    code, output = check(make_app, content_copy)
    assert code == 1
    assert "hotline 'no-such-line' is not in hotlines.yml" in output
    assert "hotline 'rainlily' is not a 24-hour crisis line" in output
    assert "content/search/crisis.yml:" in output


def test_crisis_messages_are_one_line_with_chinese_punctuation(make_app, content_copy):
    path = content_copy / "search" / "crisis.yml"
    text = path.read_text(encoding="utf-8")
    write(path, text.replace("你並不孤單，以下", "你並不孤單, 以下"))
    code, output = check(make_app, content_copy)
    assert code == 1 and "message_zh uses English punctuation" in output


def test_a_broken_crisis_file_keeps_the_last_good_words_online(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    path = content_copy / "search" / "crisis.yml"
    write(path, path.read_text(encoding="utf-8").replace("- id: suicide-self-harm", "- id: [broken"))
    reports = sync_content(app)
    problems = [str(p) for r in reports for p in r.problems]
    assert any(p.startswith("content/search/crisis.yml:") for p in problems), problems
    html = app.test_client().get("/en/search?q=suicide").get_data(as_text=True)
    assert "crisis-help" in html


def test_a_new_synonym_works_after_sync_without_code(make_app, content_copy):
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    client = app.test_client()
    assert "search-result" not in client.get("/en/search?q=zorblax").get_data(as_text=True)
    path = content_copy / "search" / "synonyms.yml"
    write(path, path.read_text(encoding="utf-8") + "- note: test word\n  words: [zorblax, nappies]\n")
    sync_content(app)
    html = client.get("/en/search?q=zorblax").get_data(as_text=True)
    assert 'href="/en/articles/couples-after-a-new-baby"' in html


def words(app, lang="en") -> dict[str, int]:
    with session_scope(app) as session:
        return dict(session.execute(select(SearchWord.word, SearchWord.docs).where(SearchWord.lang == lang)).all())


def test_the_spelling_word_list_follows_each_added_changed_and_removed_document(make_app, backend):
    app = make_app(backend)
    with session_scope(app) as session:
        replace_documents(
            session,
            ["articles"],
            [
                Doc("articles", "a", "en", "Grandparents", "kindness matters"),
                Doc("articles", "b", "en", "Kindness", "for grandparents"),
            ],
        )
    assert words(app)["grandparents"] == 2 and words(app)["kindness"] == 2
    with session_scope(app) as session:
        replace_documents(session, ["articles"], [Doc("articles", "a", "en", "Grandparents", "patience")])
    counts = words(app)
    assert counts["grandparents"] == 1 and "kindness" not in counts and counts["patience"] == 1
    with session_scope(app) as session:
        results = search(session, "grandparrents", "en")
    assert results.corrected_from == "grandparrents" and [h.doc.key for h in results.hits] == ["a"]
