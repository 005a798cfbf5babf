"""The centre finder in a real browser: "near me" with a mocked location (computed in the
browser, never sent), the page without JavaScript, the optional Leaflet map, and axe scans."""

from __future__ import annotations

import shutil

import pytest

from portal import create_app
from portal.cli import sync_content

from ..conftest import FIXTURES, REAL_CONTENT
from .conftest import AXE, describe, serve, site_settings

expect = pytest.importorskip("playwright.sync_api").expect

WAN_CHAI = {"latitude": 22.27851, "longitude": 114.17353}


@pytest.fixture
def located_page(browser):
    context = browser.new_context(geolocation=WAN_CHAI, permissions=["geolocation"], locale="en-GB")
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    sent: list[str] = []
    page.on("request", lambda request: sent.append(request.url + " " + (request.post_data or "")))
    page.sent = sent
    yield page
    context.close()
    assert not errors, errors


def test_near_me_finds_the_district_and_sorts_in_the_browser(live_server, located_page):
    page = located_page
    page.goto(live_server.url + "/en/centres/")
    button = page.get_by_role("button", name="Use my location")
    assert button.is_visible()
    button.click()
    result = page.locator("[data-near-result]")
    result.get_by_text("You are in Wan Chai district.").wait_for()
    mine = result.locator("ol").first.locator("h4")
    assert mine.all_inner_texts() == ["Causeway Bay Integrated Family Service Centre"]
    nearest = result.locator("ol").nth(1).locator("h4").all_inner_texts()
    assert nearest[0] == "Causeway Bay Integrated Family Service Centre"  # Wan Chai's middle is nearest
    assert "Tuen Mun (West) Integrated Family Service Centre" in nearest[-12:]  # far away: near the end
    assert "(to the middle of its district)" in result.inner_text()
    assert result.locator('a[href="tel:+85228955159"]').count() == 2  # the verified number, in both lists
    # The position never left the browser: no request carried it.
    assert not [s for s in page.sent if "22.278" in s or "114.173" in s]


@pytest.mark.parametrize(
    ("lang", "you_are_in", "centre"),
    [
        ("zh-hk", "你現在位於屯門區。", "東屯門綜合家庭服務中心"),
        ("zh-cn", "你现在位于屯门区。", "东屯门综合家庭服务中心"),
    ],
)
def test_near_me_in_chinese(live_server, browser, lang, you_are_in, centre):
    """The district is named in the edition's own script (the Simplified name comes from districts.geojson)."""
    context = browser.new_context(geolocation={"latitude": 22.3920, "longitude": 113.9720}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/centres/")
    page.get_by_role("button", name="使用我的位置").click()
    page.get_by_text(you_are_in).wait_for()
    assert centre in page.locator("[data-near-result] ol").first.inner_text()
    context.close()


def test_without_javascript_the_list_and_coordinates_form_work(live_server, browser):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(live_server.url + "/en/centres/")
    assert (
        page.get_by_role("button", name="Use my location").count() == 0
        or not page.get_by_role("button", name="Use my location").is_visible()
    )
    page.get_by_label("Your district").select_option("tuen-mun")
    page.get_by_role("main").get_by_role("button", name="Show centres").click()
    # The form submits a new page: wait for it rather than read the old one (no JavaScript here).
    expect(page.locator("#results .centre-name")).to_have_count(3)
    page.get_by_text("Find by map coordinates").click()
    page.get_by_label("Latitude").fill("22.2785")
    page.get_by_label("Longitude").fill("114.1735")
    page.get_by_role("button", name="Sort by distance").click()
    expect(page.get_by_text("This place is in Wan Chai district.")).to_be_visible()
    context.close()


@pytest.fixture
def map_server(tmp_path):
    """The finder with the fictional test centres (they have verified locations) and a map."""
    content = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", content)
    for name in ("districts.yml", "districts.geojson"):
        shutil.copy(REAL_CONTENT / name, content / name)
    shutil.copytree(FIXTURES / "centres" / "centres", content / "centres")
    settings = site_settings(
        tmp_path,
        content,
        # A same-site "tile" so the test never reaches the network.
        MAP_TILE_URL="/static/vendor/leaflet/images/layers.png?z={z}&x={x}&y={y}",
        MAP_ATTRIBUTION="Test tiles",
    )
    app = create_app(settings)
    sync_content(app)
    server = serve(app, settings)
    yield server
    server.stop()


def test_near_me_puts_the_nearest_verified_location_first(map_server, browser):
    context = browser.new_context(geolocation={"latitude": 22.2800, "longitude": 114.1760}, permissions=["geolocation"])
    page = context.new_page()
    page.goto(map_server.url + "/en/centres/")
    page.get_by_role("button", name="Use my location").click()
    page.get_by_text("You are in Wan Chai district.").wait_for()
    ranked = page.locator("[data-near-result] ol").nth(1).locator("li")
    assert ranked.locator("h4").all_inner_texts() == [
        "Harbour Test Family Centre", "Night Test Services Centre", "沙田山測試中心"
    ]  # fmt: skip
    assert ranked.nth(0).locator("p.meta").inner_text() == "0.3 km away"  # exact: its own location
    assert "to the middle of its district" in ranked.nth(2).inner_text()
    assert page.locator(".leaflet-marker-icon").count() == 2  # the two centres with a location
    assert page.locator(".centres-map path.leaflet-interactive").count() >= 18 + 1  # districts + you
    context.close()


def test_map_appears_only_with_a_tile_server_and_keeps_the_csp(map_server, browser):
    server = map_server
    context = browser.new_context()
    page = context.new_page()
    problems: list[str] = []
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.on("console", lambda msg: problems.append(msg.text) if "Content Security Policy" in msg.text else None)
    try:
        page.goto(server.url + "/en/centres/")
        page.locator(".centres-map.leaflet-container").wait_for()
        page.locator(".leaflet-tile-loaded").first.wait_for()
        page.locator(".centres-map path.leaflet-interactive").first.wait_for()  # district outlines
        assert "Test tiles" in page.locator(".leaflet-control-attribution").inner_text()
        assert not problems, problems
    finally:
        context.close()


@pytest.mark.parametrize(
    "path", ["/en/centres/", "/zh-hk/centres/", "/en/centres/swd-causeway-bay", "/zh-hk/centres/swd-tuen-mun-west"]
)
def test_finder_and_centre_pages_pass_axe(live_server, axe, path):
    violations = axe(live_server.url + path)
    assert not violations, describe(violations)


def test_near_me_results_pass_axe(live_server, browser):
    # CSP bypassed only so that axe itself can be injected after the results are shown.
    context = browser.new_context(geolocation=WAN_CHAI, permissions=["geolocation"], bypass_csp=True)
    page = context.new_page()
    page.goto(live_server.url + "/en/centres/")
    page.get_by_role("button", name="Use my location").click()
    page.get_by_text("You are in Wan Chai district.").wait_for()
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21aa']}})"
    )
    context.close()
    assert not result["violations"], describe(result["violations"])


def _row_boxes(page) -> list[dict]:
    return page.locator("#results .centre-item").evaluate_all(
        "rows => rows.map(r => ({height: r.getBoundingClientRect().height, text: r.innerText}))"
    )


@pytest.mark.parametrize("javascript", [True, False])
@pytest.mark.parametrize("lang", ["en", "zh-hk"])
def test_the_finder_on_a_phone_with_and_without_javascript(live_server, browser, javascript, lang):
    """390 px: the district chooser is the first field, it lands on that district's centres, every row is
    compact (no "not yet verified" in it: the notice above the list says it once) and the phone links are
    44 px tall; the whole list comes grouped by district, far from the old 17,000 px page."""
    context = browser.new_context(java_script_enabled=javascript, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.goto(f"{live_server.url}/{lang}/centres/")
    first_field = page.locator("main select, main input:not([type=hidden])").first
    assert first_field.get_attribute("id") == "centre-district"
    assert page.locator("#results .centre-group h3").count() >= 18  # a heading per district
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 10_000, height
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    unverified = "Not yet verified" if lang == "en" else "尚未核實"
    assert page.locator("#results .centre-notice").count() == 1
    assert not [row for row in _row_boxes(page) if unverified in row["text"]]
    first_field.select_option("tuen-mun")
    page.locator("main form.district-chooser button[type=submit]").click()
    page.wait_for_url("**district=tuen-mun#results")
    expect(page.locator("#results .centre-item")).to_have_count(3)
    heading = page.locator("#results-title").bounding_box()
    assert -1 <= heading["y"] < 844 - heading["height"]  # landed on the district's centres, in the first screen
    phones = page.locator("#results .centre-item a[href^='tel:']")
    assert phones.count() >= 1
    for box in phones.evaluate_all("links => links.map(a => a.getBoundingClientRect().height)"):
        assert box >= 44
    assert all(row["height"] < 200 for row in _row_boxes(page))
    context.close()
