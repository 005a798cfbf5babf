"""The centre finder as a finder (issue 16): the district chooser first, a compact list grouped by
district, "not yet verified" said once above the list instead of on every row, the map told which
district was chosen. The browser side (390 px, with and without JavaScript): tests/browser."""

from __future__ import annotations

import re

from portal.cli import sync_content

from . import test_centres
from .test_centres import names

# The fictional test centres' fixtures, shared with test_centres.py.
centre_content, capp, cclient = test_centres.centre_content, test_centres.capp, test_centres.cclient


def results(html: str) -> str:
    return html[html.index('id="results"') : html.index('id="open-data-title"')]


def test_the_district_chooser_comes_first_in_its_own_form(client):
    html = client.get("/en/centres/").get_data(as_text=True)
    main = html[html.index("<main") :]
    first_field = re.search(r"<(select|input)[^>]*\bid=\"([^\"]+)\"", main)
    assert first_field.group(2) == "centre-district"
    chooser = main[main.index('class="district-chooser"') : main.index("</form>")]
    assert 'action="/en/centres/#results"' in chooser  # lands on the list, not the top of the page
    assert chooser.count("<option value=") == 19 and 'name="q"' not in chooser  # ?district=… alone: cacheable
    zh = client.get("/zh-hk/centres/").get_data(as_text=True)
    assert "你的地區" in zh and "灣仔區</option>" in zh and "離島區</option>" in zh


def test_all_centres_are_grouped_by_district_with_one_notice(client):
    html = results(client.get("/en/centres/").get_data(as_text=True))
    groups = re.findall(r'<section class="centre-group" id="district-([a-z-]+)"', html)
    assert len(groups) == 18 and len(set(groups)) == 18  # every district once, in the districts' order
    assert groups[0] == "central-and-western"
    assert len(names(html)) == 44
    assert html.count('class="notice centre-notice"') == 1
    assert "44 centres in this list have details not yet verified." in html
    assert "Not yet verified" not in html and "not yet verified</" not in html  # nothing per row
    rows = re.findall(r'<li class="centre-item".*?</li>', html, re.S)
    assert len(rows) == 44 and all("<dl" not in row and "Address" not in row for row in rows)  # compact
    assert sum('href="tel:+852' in row for row in rows) == 11  # the verified numbers only


def test_choosing_a_district_shows_its_centres_under_one_heading(client):
    html = results(client.get("/zh-hk/centres/?district=tuen-mun").get_data(as_text=True))
    assert '<h2 id="results-title">屯門區的中心</h2>' in html
    assert names(html) == ["東屯門綜合家庭服務中心", "南屯門綜合家庭服務中心", "西屯門綜合家庭服務中心"]
    assert "<h3" not in html  # the h2 names the district already
    assert 'href="/zh-hk/centres/#results">顯示全港十八區</a>' in html
    notice = re.search(r'class="notice centre-notice".*?</div>', html, re.S).group(0)
    assert not re.search(r"[。：，] ", re.sub(r"<[^>]+>", "", notice))  # no space after Chinese punctuation


def test_a_fully_verified_centre_is_labelled_and_counted_apart(cclient):
    html = results(cclient.get("/en/centres/").get_data(as_text=True))
    assert re.findall(r'>([^<]+)</a> <span class="label label-verified">Verified</span>', html) == [
        "Harbour Test Family Centre",
        "Night Test Services Centre",
    ]
    assert "1 centre in this list has details not yet verified." in html
    assert 'href="tel:+85221111111" class="tel"' in html


def test_near_me_without_javascript_is_one_list_naming_each_district(cclient):
    html = results(cclient.post("/en/centres/near", data={"lat": "22.3125", "lng": "114.2245"}).get_data(as_text=True))
    assert "centre-group" not in html
    assert "Night Test Services Centre" in html and "Kwun Tong district" in html.split("Night Test", 1)[1][:400]


def test_the_map_is_told_the_chosen_district(make_app, centre_content):
    app = make_app(CONTENT_DIR=str(centre_content), MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")
    sync_content(app)
    html = app.test_client().get("/en/centres/?district=wan-chai").get_data(as_text=True)
    assert 'data-district="wan-chai"' in html.split('data-module="centres-map"', 1)[1][:800]
