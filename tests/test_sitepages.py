"""Site pages (About, Contact, Privacy, Accessibility, Terms, Browsing safely): editor-owned markdown
in both languages, the contact file, the footer on every page type, and what editors see in the check."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.cli import sync_content
from portal.config import is_placeholder_email, load_settings
from portal.content import ContentFile
from portal.db import session_scope
from portal.events.model import Event
from portal.sitepages.model import PAGES, SitePage

from .conftest import REAL_CONTENT
from .test_sitemap import sitemap_locs

TITLES = {
    "about": ("About us", "關於我們"),
    "contact": ("Contact us", "聯絡我們"),
    "privacy": ("Privacy", "私隱政策"),
    "accessibility": ("Accessibility statement", "無障礙聲明"),
    "terms": ("Terms of use", "使用條款"),
    "browsing-safely": ("Browsing safely", "安全瀏覽"),
}
FOOTER = {
    "en": ["About us", "Contact us", "Privacy", "Accessibility statement", "Terms of use"],
    "zh-hk": ["關於我們", "聯絡我們", "私隱政策", "無障礙聲明", "使用條款"],
}


def main_of(html: str) -> str:
    return html.split("<main", 1)[1].split("</main>", 1)[0]


def footer_of(html: str) -> str:
    return html.split('<footer class="site-footer">', 1)[1]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def check(app) -> tuple[int, list[str]]:
    result = app.test_cli_runner().invoke(args=["content", "check"])
    return result.exit_code, result.output.splitlines()


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    """The real content synced once for this module's read-only tests (the sync is most of a test's time)."""
    instance = tmp_path_factory.mktemp("sitepages-instance")
    app = create_app({
        "TESTING": True, "SECRET_KEY": "test", "INSTANCE_PATH": str(instance), "CONTENT_DIR": str(REAL_CONTENT),
        "SITE_URL": "http://portal.test", "DATABASE_UPGRADE_ON_START": True,
        "DATABASE_URL": f"sqlite:///{instance / 'portal.sqlite3'}",
        "REDIS_URL": None, "CACHE_DIR": str(instance / "cache"),
    })  # fmt: skip
    sync_content(app)
    yield app
    app.extensions["portal.engine"].dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def checker(make_app, content_copy):
    """The real content, in a copy that a test may edit, for `flask content check` (nothing synced)."""
    return make_app(CONTENT_DIR=str(content_copy))


@pytest.fixture
def site(make_app, content_copy):
    """The real content, in a copy that a test may edit, synced."""
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    return app


def page_file(content: Path, slug: str, lang: str = "en") -> Path:
    return content / "site" / slug / f"{lang}.md"


# --- the pages ----------------------------------------------------------------------


@pytest.mark.parametrize("slug", PAGES)
def test_each_site_page_is_there_in_both_languages_and_the_toggle_lands_on_its_twin(client, slug):
    for lang, other, title, html_lang in (("en", "zh-hk", TITLES[slug][0], "en-HK"),
                                          ("zh-hk", "en", TITLES[slug][1], "zh-Hant-HK")):  # fmt: skip
        response = client.get(f"/{lang}/{slug}")
        assert response.status_code == 200
        html = response.get_data(as_text=True)
        assert f'<html lang="{html_lang}"' in html
        assert f"<h1>{title}</h1>" in html
        assert f'class="lang-toggle" href="/language/{other}?next=/{other}/{slug}"' in html  # remembers, then lands
        assert "This page is not yet available" not in html and "本頁暫未有" not in html


def test_links_in_a_site_page_stay_in_its_language(client):
    en = main_of(client.get("/en/contact").get_data(as_text=True))
    zh = main_of(client.get("/zh-hk/contact").get_data(as_text=True))
    assert 'href="/en/privacy"' in en and 'href="/en/help"' in en
    assert 'href="/zh-hk/privacy"' in zh and 'href="/zh-hk/help"' in zh
    assert "/articles/privacy" not in en + zh and ".md" not in en + zh


def test_privacy_page_names_the_real_cookies_and_the_pdpo(client):
    en = client.get("/en/privacy").get_data(as_text=True)
    zh = client.get("/zh-hk/privacy").get_data(as_text=True)
    for name in ("<code>lang</code>", "<code>textsize</code>"):
        assert name in en and name in zh
    assert "Personal Data (Privacy) Ordinance" in en and "data access request" in en
    assert "《個人資料（私隱）條例》" in zh and "查閱資料要求" in zh


def test_accessibility_statement_names_the_standard_and_how_to_report(client):
    en = client.get("/en/accessibility").get_data(as_text=True)
    assert "WCAG" in en and "2.2" in en and "Known issues" in en and 'href="/en/contact"' in en


def test_unknown_site_page_is_a_404(client):
    assert client.get("/en/about-us").status_code == 404
    assert client.get("/zh-hk/imprint").status_code == 404


def test_site_pages_are_in_the_sitemap(client):
    locs = set(sitemap_locs(client))  # the index and every file it names
    for slug in PAGES:
        assert f"http://portal.test/en/{slug}" in locs and f"http://portal.test/zh-hk/{slug}" in locs


# --- the footer on every page type ----------------------------------------------------


def page_types(app) -> list[str]:
    with session_scope(app) as session:
        event_id = session.scalars(select(Event.id).where(Event.hidden.is_(False)).order_by(Event.id)).first()
    assert event_id, "content/events has no event"
    return ["/{lang}/", "/{lang}/articles/what-is-an-ifsc", f"/{{lang}}/events/{event_id}", "/{lang}/self-check/who5",
            "/{lang}/centres/swd-kai-ping", "/{lang}/help", "/{lang}/search?q=family", "/{lang}/privacy"]  # fmt: skip


@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_every_page_type_links_the_site_pages_from_its_footer(app, client, lang):
    for template in page_types(app):
        path = template.format(lang=lang)
        response = client.get(path)
        assert response.status_code == 200, path
        footer = footer_of(response.get_data(as_text=True))
        for slug, label in zip(PAGES, FOOTER[lang], strict=False):
            assert f'href="/{lang}/{slug}"' in footer, (path, slug)
            assert f">{label}</a>" in footer, (path, label)


def test_the_footer_marks_the_site_page_you_are_on(client):
    footer = footer_of(client.get("/en/terms").get_data(as_text=True))
    assert 'href="/en/terms" aria-current="page"' in footer
    assert footer.count('aria-current="page"') == 1


# --- contact --------------------------------------------------------------------------


def test_placeholder_contact_is_a_warning_and_no_page_shows_it(app, client):
    code, lines = check(app)
    assert code == 0
    assert any(re.match(r"content/site/contact\.yml:\d+: warning: placeholder address", line) for line in lines), lines
    en = main_of(client.get("/en/contact").get_data(as_text=True))
    zh = main_of(client.get("/zh-hk/contact").get_data(as_text=True))
    assert "Our contact e-mail address is not yet set" in en and 'href="/en/help"' in en
    assert "聯絡電郵地址尚未設定" in zh
    assert "mailto:" not in en + zh
    centre = client.get("/en/centres/swd-kai-ping").get_data(as_text=True)
    assert 'value="correction"' in centre and "mailto:" not in centre  # corrections go to the feedback store


def every_page(app, client) -> list[str]:
    """Every address in the sitemap, both languages, plus the pages that the sitemap does not list."""
    paths = {loc.removeprefix("http://portal.test") for loc in sitemap_locs(client)}  # every file of the index
    assert len(paths) > 50
    paths |= {f"/{lang}/{extra}" for lang in ("en", "zh-hk") for extra in ("search?q=family", "no-such-page")}
    return sorted(paths)


def test_no_page_ever_shows_a_placeholder_address(app, client):
    paths = every_page(app, client)
    assert len(paths) > 100 and "/zh-hk/contact" in paths and "/en/centres/swd-kai-ping" in paths
    for path in paths:
        html = client.get(path).get_data(as_text=True)
        assert ".example" not in html, path


def test_a_real_contact_address_is_shown_with_what_to_expect_and_used_for_corrections(make_app, content_copy):
    edit(content_copy / "site" / "contact.yml", "editors@family-portal.example", "editors@portal.test")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    code, lines = check(app)
    assert code == 0 and not any("contact.yml" in line for line in lines), lines
    client = app.test_client()
    en = main_of(client.get("/en/contact").get_data(as_text=True))
    assert 'href="mailto:editors@portal.test"' in en and "We read every message" in en
    assert "not yet set" not in en
    zh = main_of(client.get("/zh-hk/contact").get_data(as_text=True))
    assert "我們會細閱每一封來信" in zh
    centre = client.get("/en/centres/swd-kai-ping").get_data(as_text=True)
    assert 'value="correction"' in centre and "mailto:" not in centre  # the form, never a mail link


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("email: editors@family-portal.example", "email: not an address", 8, "is not an e-mail address"),
        ("  zh-hk: 我們會細閱", "  zh-hant: 我們會細閱", 11, "'expect' needs a text for en and zh-hk"),
        ("email: editors", "phone: 1234\nemail: editors", 8, "unknown field 'phone'"),
    ],
)
def test_a_broken_contact_file_names_its_line(checker, content_copy, old, new, line, message):
    edit(content_copy / "site" / "contact.yml", old, new)
    code, lines = check(checker)
    assert code == 1
    assert any(row.startswith(f"content/site/contact.yml:{line}:") and message in row for row in lines), lines


# --- what editors see -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "line", "message"),
    [
        ("title: Privacy\n", "", 2, "missing field 'title'"),
        ("title: Privacy", "title: [broken", 2, "brackets [ ] or { } are not closed"),
        ("reviewed: 2026-12-01", "reviewed: soon", 4, "'reviewed' must be a date"),
        ("reviewed: 2026-12-01", "reviewed: 2026-12-01\nauthor: me", 5, "unknown field 'author'"),
        (
            "[contact page](../contact/en.md)",
            "[contact page](../contact-us/en.md)",
            53,
            "broken link: no site page or article 'contact-us'",
        ),
        ("[contact page](../contact/en.md)", "[contact page](contact.html)", 53, "link 'contact.html' leads nowhere"),
        (
            "We built this site",
            "Write to privacy@family-portal.example. We built this site",
            6,
            "placeholder e-mail address 'privacy@family-portal.example'",
        ),
    ],
)
def test_check_names_the_site_page_file_and_line(checker, content_copy, old, new, line, message):
    edit(page_file(content_copy, "privacy"), old, new)
    code, lines = check(checker)
    assert code == 1
    expected = f"content/site/privacy/en.md:{line}:"
    assert any(row.startswith(expected) and message in row for row in lines), lines


def test_a_folder_that_is_not_a_site_page_is_an_error(checker, content_copy):
    folder = content_copy / "site" / "imprint"
    folder.mkdir()
    text = "---\ntitle: Imprint\nsummary: x\nreviewed: 2026-12-01\n---\nText\n"
    (folder / "en.md").write_text(text, encoding="utf-8")
    code, lines = check(checker)
    assert code == 1
    assert any(row.startswith("content/site/imprint:1: not a site page") for row in lines), lines


def test_a_page_in_one_language_is_a_warning_and_shows_the_other_with_a_notice(make_app, content_copy):
    page_file(content_copy, "terms", "zh-hk").unlink()
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    code, lines = check(app)
    assert code == 0
    assert any(row.startswith("content/site/terms/en.md:1: warning: unpaired") for row in lines), lines
    html = app.test_client().get("/zh-hk/terms").get_data(as_text=True)
    assert "本頁暫未有中文版本，以下以英文顯示。" in html
    assert 'lang="en-HK"' in main_of(html) and "<h1>Terms of use</h1>" in html


def test_content_without_site_pages_only_warns(make_app):
    from .conftest import FIXTURES

    app = make_app(CONTENT_DIR=str(FIXTURES / "content"))
    code, lines = check(app)
    assert code == 0
    assert any(row.startswith("content/site:1: warning:") for row in lines), lines


def titles(app, slug: str = "privacy") -> dict[str, str]:
    with session_scope(app) as session:
        return dict(session.execute(select(SitePage.lang, SitePage.title).where(SitePage.slug == slug)).all())


def test_a_broken_site_page_keeps_its_last_good_version_online(site, content_copy):
    edit(page_file(content_copy, "privacy"), "title: Privacy", "title: [broken")
    reports = {r.source: r for r in sync_content(site)}
    problems = [str(p) for p in reports["sitepages"].problems]
    assert any(p.startswith("content/site/privacy/en.md:2:") for p in problems), problems
    assert titles(site)["en"] == "Privacy"
    page = site.test_client().get("/en/privacy")
    assert page.status_code == 200 and "<h1>Privacy</h1>" in page.get_data(as_text=True)
    with session_scope(site) as session:
        row = session.get(ContentFile, "content/site/privacy/en.md")
        assert row.status == "error" and "privacy/en.md:2:" in row.error

    edit(page_file(content_copy, "privacy"), "title: [broken", "title: Privacy, fixed")
    sync_content(site)
    assert titles(site)["en"] == "Privacy, fixed"
    assert "<h1>Privacy, fixed</h1>" in site.test_client().get("/en/privacy").get_data(as_text=True)


def test_a_broken_contact_file_keeps_the_last_good_contact(make_app, content_copy):
    contact = content_copy / "site" / "contact.yml"
    edit(contact, "editors@family-portal.example", "editors@portal.test")
    app = make_app(CONTENT_DIR=str(content_copy))
    sync_content(app)
    edit(contact, "expect:", "expect: [broken")
    report = {r.source: r for r in sync_content(app)}["sitepages"]
    assert any(str(p).startswith("content/site/contact.yml:") for p in report.problems)
    assert 'href="mailto:editors@portal.test"' in app.test_client().get("/en/contact").get_data(as_text=True)


def test_sync_skips_unchanged_site_pages_and_removes_deleted_ones(site, content_copy):
    again = {r.source: r for r in sync_content(site)}["sitepages"]
    assert (again.added, again.updated, again.removed) == (0, 0, 0) and again.unchanged == len(PAGES) * 2 + 1
    for lang in ("en", "zh-hk"):
        page_file(content_copy, "terms", lang).unlink()
    page_file(content_copy, "terms").parent.rmdir()
    report = {r.source: r for r in sync_content(site)}["sitepages"]
    assert report.removed == 2
    assert site.test_client().get("/en/terms").status_code == 404


def test_real_site_pages_pass_the_check_apart_from_the_placeholder_contact(app):
    code, lines = check(app)
    site_lines = [line for line in lines if line.startswith("content/site")]
    assert code == 0
    assert len(site_lines) == 1 and "placeholder address" in site_lines[0], site_lines


# --- settings -------------------------------------------------------------------------


def test_settings_quick_exit_url_defaults_to_a_neutral_page_and_can_be_set(tmp_path):
    assert load_settings(tmp_path, {})["QUICK_EXIT_URL"] == "https://www.hko.gov.hk/"
    for good in ("https://neutral.test/weather", "/static/neutral.html"):
        assert load_settings(tmp_path, {"PORTAL_QUICK_EXIT_URL": good})["QUICK_EXIT_URL"] == good
    for bad in ("javascript:alert(1)", "//evil.test/", "www.hko.gov.hk"):
        with pytest.raises(ValueError, match="PORTAL_QUICK_EXIT_URL"):
            load_settings(tmp_path, {"PORTAL_QUICK_EXIT_URL": bad})


@pytest.mark.parametrize(
    ("address", "placeholder"),
    [("", True), ("x@family-portal.example", True), ("x@example.org", True), ("x@mail.example.com", True),
     ("x@site.invalid", True), ("no-at-sign", True), ("editors@portal.test", False), ("a@swd.gov.hk", False)],
)  # fmt: skip
def test_placeholder_addresses(address, placeholder):
    assert is_placeholder_email(address) is placeholder


def test_the_contact_file_in_the_repository_is_the_only_place_for_the_address():
    text = (REAL_CONTENT / "site" / "contact.yml").read_text(encoding="utf-8")
    assert re.search(r"^email: ", text, re.M) and re.search(r"^expect:", text, re.M)
