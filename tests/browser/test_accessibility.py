"""Every page type, in both languages, as a phone and a laptop show it: axe-core (WCAG 2.2 A/AA and
best practice, so heading order and landmarks too) must find nothing, no page may scroll sideways at
320, 360 or 390 px at any of the site's text sizes (WCAG 1.4.10 with 1.4.4), and on a phone the page's
own heading is in the first screen.

The page list is read from the real content (every self-check with its questions and its result, every
site page, a centre, an event, a partner...), so a new kind of page is scanned without editing this file.
To stay quick on two cores, each language is surveyed once (one tab): every page is loaded once, scanned
at 390 px, measured at each text size and phone width by switching the size as the A/A+/A++ control does
and resizing the same page, then scanned again at 1280 px. The tests below read what that survey found.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.articles.model import Article, Category
from portal.centres.model import Centre
from portal.db import session_scope
from portal.events.model import Event, Partner

from .conftest import AXE, describe

# One language's survey loads some 45 pages and runs axe twice on each: longer than one ordinary test.
pytestmark = pytest.mark.timeout(900)

LANGS = ("en", "zh-hk", "zh-cn")
TEXT_SIZES = ("normal", "large", "larger")  # the A, A+ and A++ of partials/text_size.html
PHONE_WIDTHS = (320, 360, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
# Pages whose own heading must show in the first screen of a 390 x 844 phone at the default size.
FIRST_SCREEN = (
    "/{lang}/",
    "/{lang}/articles/{article}",
    "/{lang}/events",
    "/{lang}/self-check/phq9",
    "/{lang}/centres/",
)


@pytest.fixture(scope="module")
def page_types(live_server) -> list[str]:
    """One address per page type ("{lang}" still to fill in), taken from what the content holds."""
    with session_scope(live_server.app) as session:
        langs: dict[str, set[str]] = {}
        for slug, lang in session.execute(select(Article.slug, Article.lang)):
            langs.setdefault(slug, set()).add(lang)
        bilingual = sorted(slug for slug, found in langs.items() if found >= set(LANGS))
        category = session.scalars(select(Category.key).order_by(Category.key)).first()
        centre = session.scalars(select(Centre.key).order_by(Centre.key)).first()
        event = session.scalars(select(Event.id).order_by(Event.id)).first()
        partner = session.scalars(select(Partner.id).order_by(Partner.id)).first()
    assert bilingual and category and centre and event and partner, "the real content lacks a page type"
    from portal.selfcheck.views import all_tools

    with live_server.app.app_context():
        tools = [tool.id for tool in all_tools()]
    sitepages = ("about", "contact", "privacy", "accessibility", "terms", "browsing-safely")
    return [
        "/{lang}/", "/{lang}/articles/", f"/{{lang}}/articles/{bilingual[0]}",
        f"/{{lang}}/articles/category/{category}",
        "/{lang}/search?q=stress", "/{lang}/search?q=suicide", "/{lang}/search?q=zzzqqqxxyy",
        "/{lang}/events", f"/{{lang}}/events/{event}", "/{lang}/events/calendar", "/{lang}/events/past",
        "/{lang}/partners", f"/{{lang}}/partners/{partner}",
        "/{lang}/self-check", *[f"/{{lang}}/self-check/{tool}" for tool in tools],
        *[f"/{{lang}}/self-check/{tool}/questions" for tool in tools], *[f"RESULT {tool}" for tool in tools],
        "/{lang}/help", "/{lang}/centres/", f"/{{lang}}/centres/{centre}",
        *[f"/{{lang}}/{slug}" for slug in sitepages], "/{lang}/feedback/thanks", "/{lang}/no-such-page",
        "/{lang}/insights",
    ]  # fmt: skip


def open_page(page, base: str, template: str, lang: str) -> str:
    """Load one page type; "RESULT tool" answers every question (the highest option, so the crisis and
    urgent blocks show too) and posts the form as a visitor would, to reach the result page."""
    if template.startswith("RESULT "):
        tool = template.split()[1]
        page.goto(f"{base}/{lang}/self-check/{tool}/questions")
        with page.expect_navigation():
            page.evaluate(
                """() => {
                const form = document.querySelector('form[method="post"]');
                for (const set of form.querySelectorAll('fieldset')) {
                    const options = set.querySelectorAll('input[type=radio]');
                    if (options.length) options[options.length - 1].checked = true;
                }
                form.submit();
            }"""
            )
        return page.url
    url = base + template.format(lang=lang)
    page.goto(url)
    return url


AXE_JS = """async (tags) => (await axe.run(document,
        {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']}))
    .violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 5).map(n => n.target)}))"""
WIDTH_JS = """(width) => {
    const scroll = document.scrollingElement.scrollWidth;
    if (scroll <= width) return null;
    const culprits = [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > width + 1 && !e.closest('[hidden]')).slice(-4)
        .map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).replace(/ /g, '.') : ''));
    return scroll + 'px wide (' + culprits.join(', ') + ')';
}"""
SIZE_JS = """(size) => { const html = document.documentElement;
    html.classList.remove('text-normal', 'text-large', 'text-larger'); html.classList.add('text-' + size); }"""
SLANTED_JS = """() => [...document.querySelectorAll('body *')]
    .filter(e => (e.closest('[lang]') || document.documentElement).lang.startsWith('zh') && e.offsetParent !== null
        && getComputedStyle(e).fontStyle !== 'normal' && e.textContent.trim())
    .map(e => e.outerHTML.slice(0, 90))"""
PRIMARY = '.help-bar a, .ev-check, .centre-item a[href^="tel:"], .centre-details a[href^="tel:"], button'
PRIMARY_JS = f"""() => [...document.querySelectorAll('{PRIMARY}')]
    .filter(e => e.offsetParent !== null && e.getBoundingClientRect().height < 44)
    .map(e => e.outerHTML.slice(0, 90) + ' ' + Math.round(e.getBoundingClientRect().height) + 'px high')"""


# WCAG 2.5.8 as written: a target under 24 x 24 px passes only inline in a sentence, or when a 24 px circle
# centred on it touches no other target and no other small target's circle (the spacing exception).
TARGETS_JS = """() => {
    const box = e => e.getBoundingClientRect();
    const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, summary')]
        .filter(e => e.offsetParent !== null && box(e).right > 0 && box(e).width > 0);
    const inline = e => e.tagName === 'A' && e.closest('.prose, p, dd, td, blockquote');
    const small = all.filter(e => (box(e).width < 24 || box(e).height < 24) && !inline(e));
    const centre = e => { const r = box(e); return [r.left + r.width / 2, r.top + r.height / 2]; };
    const distance = ([x, y], r) =>
        Math.hypot(Math.max(r.left - x, 0, x - r.right), Math.max(r.top - y, 0, y - r.bottom));
    return small.filter(e => {
        const c = centre(e);
        return all.some(o => o !== e && !o.contains(e) && !e.contains(o) && (distance(c, o.getBoundingClientRect()) < 12
            || (small.includes(o) && Math.hypot(c[0] - centre(o)[0], c[1] - centre(o)[1]) < 24)));
    }).map(e => { const r = e.getBoundingClientRect();
                  return e.outerHTML.slice(0, 90) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height); });
}"""


def survey_one(page, url: str, found: dict[str, list[str]]) -> None:
    """Everything checked on one loaded page, at each width and text size, without loading it again.
    A text size is switched as the A/A+/A++ control does it (the class on <html>, which the server
    also writes from the cookie), so each size is the same page a visitor would see."""
    page.add_script_tag(path=str(AXE))
    if violations := page.evaluate(AXE_JS, AXE_TAGS):
        found["axe 390"].append(f"{url}:\n{describe(violations)}")
    found["targets"].extend(f"{url}: {target}" for target in page.evaluate(TARGETS_JS))
    found["slanted"].extend(f"{url}: {element}" for element in page.evaluate(SLANTED_JS))
    for size in TEXT_SIZES:
        page.evaluate(SIZE_JS, size)
        for width in PHONE_WIDTHS:
            page.set_viewport_size({"width": width, "height": 844})
            if wide := page.evaluate(WIDTH_JS, width):
                found["reflow"].append(f"{url} at {width}px, text {size}: {wide}")
    page.evaluate(SIZE_JS, "normal")
    page.set_viewport_size({"width": 1280, "height": 900})
    if violations := page.evaluate(AXE_JS, AXE_TAGS):
        found["axe 1280"].append(f"{url}:\n{describe(violations)}")
    page.set_viewport_size({"width": 390, "height": 844})
    page.evaluate("() => document.querySelectorAll('details').forEach(d => d.open = true)")
    found["primary"].extend(f"{url}: {target}" for target in page.evaluate(PRIMARY_JS))


CHECKS = ("axe 390", "axe 1280", "reflow", "targets", "primary", "slanted")


@pytest.fixture(scope="module", params=LANGS)
def survey(request, live_server, browser, page_types) -> dict[str, list[str]]:
    """What each check found on every page type in one language (one pass, one tab)."""
    found: dict[str, list[str]] = {key: [] for key in CHECKS}
    # CSP is bypassed only so that axe itself can be injected.
    context = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844})
    page = context.new_page()
    try:
        for template in page_types:
            survey_one(page, open_page(page, live_server.url, template, request.param), found)
    finally:
        context.close()
    return found


@pytest.mark.parametrize("width", ["390", "1280"])
def test_every_page_type_passes_axe_wcag_22_aa_and_best_practice(survey, width):
    problems = survey[f"axe {width}"]
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_at_320_360_or_390px_at_any_text_size(survey):
    problems = survey["reflow"]
    assert not problems, "\n".join(problems)


def test_targets_are_at_least_24px_and_primary_actions_44px(survey):
    """WCAG 2.5.8 (see TARGETS_JS). The help bar numbers, the "Free only" filter, buttons and centre
    phone numbers are primary actions: 44 px high."""
    problems = survey["targets"] + survey["primary"]
    assert not problems, "\n".join(problems)


@pytest.fixture
def scan_context(browser):
    """New tabs at a given size; their contexts are closed at the end of the test."""
    made: list = []

    def make(width: int, height: int):
        made.append(browser.new_context(bypass_csp=True, viewport={"width": width, "height": height}))
        return made[-1].new_page()

    yield make
    for context in made:
        context.close()


@pytest.mark.parametrize("lang", LANGS)
def test_the_pages_own_heading_is_in_the_first_screen_of_a_phone(live_server, scan_context, page_types, lang):
    article = next(
        t for t in page_types if t.startswith("/{lang}/articles/") and t.count("/") == 3 and "category" not in t
    )
    page = scan_context(390, 844)
    for template in FIRST_SCREEN:
        url = live_server.url + template.format(lang=lang, article=article.rsplit("/", 1)[1])
        page.goto(url)
        bottom = page.evaluate("document.querySelector('h1').getBoundingClientRect().bottom + window.scrollY")
        assert bottom < 844, f"{url}: the h1 ends at y={bottom:.0f}, below the first screen of a 390x844 phone"


@pytest.mark.parametrize("lang", LANGS)
def test_the_phone_header_keeps_numbers_with_their_labels_and_folds_the_rest(live_server, scan_context, lang):
    page = scan_context(390, 844)
    page.goto(f"{live_server.url}/{lang}/")
    first = page.locator(".help-bar-first")
    assert first.locator(".number").is_visible() and first.locator(".label").is_visible()
    lines = page.locator(".help-bar-lines")
    assert not lines.locator("ul").is_visible(), "on a phone the other lines fold behind one control"
    lines.locator("summary").click()
    for line in lines.locator(".help-bar-line").all():
        assert line.locator(".number").is_visible() and line.locator(".label").is_visible()
    assert not page.locator(".site-nav").is_visible() and not page.locator(".search-box").is_visible()
    page.locator(".site-menu > summary").click()
    assert page.locator(".site-nav").is_visible() and page.locator(".search-box").is_visible()
    # On a laptop everything is in view, with no control to open.
    page.set_viewport_size({"width": 1280, "height": 900})
    assert page.locator(".help-bar-line .label").first.is_visible()
    page.goto(f"{live_server.url}/{lang}/")
    assert page.locator(".site-nav").is_visible() and page.locator(".search-box").is_visible()
    assert not page.locator(".site-menu > summary").is_visible()
    assert all(line.is_visible() for line in page.locator(".help-bar-line").all())


def test_no_chinese_text_is_slanted(survey):
    """CJK fonts have no italics: a browser fakes a slant, which is harder to read. Emphasis is bold."""
    assert not survey["slanted"], "\n".join(survey["slanted"])


NEAR_ME = [
    ("en", "Use my location", r"^\d+ centres, nearest first$"),
    ("zh-hk", "使用我的位置", r"^\d+ 間中心，最近的排先$"),
]
WAN_CHAI = {"latitude": 22.27851, "longitude": 114.17353}


@pytest.mark.parametrize(("lang", "button", "summary"), NEAR_ME)
def test_use_my_location_announces_a_short_summary_not_the_list(live_server, browser, lang, button, summary):
    context = browser.new_context(geolocation=WAN_CHAI, permissions=["geolocation"])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/{lang}/centres/")
        page.get_by_role("button", name=button).click()
        page.locator("[data-near-result] ol").first.wait_for()
        status = page.locator("[data-near-status]")
        assert status.get_attribute("role") == "status" and status.get_attribute("aria-live") == "polite"
        text = status.inner_text().strip()
        count = page.locator("[data-near-result] ol").last.locator("li").count()
        assert re.match(summary, text) and text.startswith(str(count)), text
        live = page.evaluate("document.querySelectorAll('[aria-live], [role=status], [role=alert], [role=log]').length")
        inside = page.evaluate("!!document.querySelector('[data-near-result]').closest('[aria-live], [role=status]')")
        assert live >= 1 and not inside, "the list itself must not be read out as it appears"
    finally:
        context.close()
