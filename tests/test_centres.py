"""Centre finder: content checks, search in both languages, distance and district,
"open now" at the edges, the pages, open data and privacy of "near me"."""

from __future__ import annotations

import csv
import gzip
import io
import json
import logging
import shutil
from datetime import datetime
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import select

from portal.centres import views
from portal.centres.finder import HONG_KONG, matches, normalise, opening_status, parse_day, point_in_polygons
from portal.centres.model import Centre
from portal.cli import sync_content
from portal.db import session_scope
from portal.districts import District

from .conftest import FIXTURES, REAL_CONTENT
from .test_sitemap import sitemap_text

CENTRES = FIXTURES / "centres"
SHARED = [REAL_CONTENT.parent.parent / "shared", Path("/work/shared")]
HSDS = next((p / "reference/hsds/compiled/service.json" for p in SHARED if p.exists()), None)
SHARED_CENTRES = next((p / "data/centres.csv" for p in SHARED if (p / "data/centres.csv").exists()), None)


def hk(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=HONG_KONG)


@pytest.fixture
def centre_content(tmp_path) -> Path:
    """Fixture articles + the real districts + fictional test centres and a test holiday."""
    target = tmp_path / "content"
    shutil.copytree(FIXTURES / "content", target)
    for name in ("districts.yml", "districts.geojson"):
        shutil.copy(REAL_CONTENT / name, target / name)
    shutil.copytree(CENTRES / "centres", target / "centres")
    shutil.copy(CENTRES / "holidays.yml", target / "holidays.yml")
    return target


@pytest.fixture
def capp(make_app, centre_content):
    app = make_app(CONTENT_DIR=str(centre_content))
    sync_content(app)
    return app


@pytest.fixture
def cclient(capp):
    return capp.test_client()


def names(html: str) -> list[str]:
    import re

    return re.findall(r'class="centre-name"><a [^>]*>([^<]*)</a>', html)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# --- content ---------------------------------------------------------------------------


def test_real_centre_data_passes_the_check_and_lists_the_41_swd_centres(app):
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert result.exit_code == 0, result.output
    with session_scope(app) as session:
        keys = list(session.scalars(select(Centre.key)))
        districts = list(session.scalars(select(District.key)))
    assert len([k for k in keys if k.startswith("swd-")]) == 41
    assert "swd-kowloon-city" not in keys  # historical only: left out
    assert "caritas-aberdeen" not in keys  # LOW confidence: left out
    assert len(districts) == 18


def test_real_data_never_publishes_a_fact_the_shared_file_does_not_have(app):
    """Every address, phone and coordinate online is in ../shared/data/centres.csv for that centre."""
    if SHARED_CENTRES is None:
        pytest.skip("../shared/data/centres.csv not present")
    shared = {row["record_id"]: row for row in csv.DictReader(SHARED_CENTRES.open(encoding="utf-8"))}
    with session_scope(app) as session:
        for centre in session.scalars(select(Centre)):
            row = shared[centre.key]
            assert centre.address_en == row["address_en"] and centre.address_zh == row["address_zh"]
            for number in centre.phones:
                assert number in row["phone"]
                assert "registry line only" not in row["confidence"], centre.key
            assert (centre.lat, centre.lng) == (None, None)  # no coordinate is verified yet
            assert centre.confidence == row["confidence"] and centre.source == row["source"]


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (",Wan Chai,", ",Wan Chia,", "unknown district 'Wan Chia'"),
        ("2111 1111", "2111 111", "not a Hong Kong number"),
        ("22.2790,114.1730", "114.1730,22.2790", "is not in Hong Kong"),
        ("22.2790,114.1730", "22.3130,114.2250", "outside Wan Chai"),
        ("09:00-12:00", "09:00-12:60", "impossible time"),
        ("09:00-12:00", "9 to 12", "not a time range"),
        ("09:00-13:00, 14:00-18:00, 19:00-21:00", "09:00-14:00, 13:00-18:00", "overlap"),
        ("Cantonese; English", "Cantonese; Klingon", "Klingon"),
        (",09:00-12:00,closed,closed,", ",09:00-12:00,,closed,", "fill all seven days or none (sun empty"),
    ],
)
def test_check_names_the_line_and_the_problem(make_app, centre_content, old, new, message):
    edit(centre_content / "centres" / "centres.csv", old, new)
    app = make_app(CONTENT_DIR=str(centre_content))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert "content/centres/centres.csv:2: " in result.output
    assert message in result.output
    if "outside" not in message:
        assert result.exit_code == 1
    else:
        assert result.exit_code == 0  # a warning only


def test_a_broken_file_keeps_the_last_good_centres_online(capp, centre_content):
    edit(centre_content / "centres" / "centres.csv", ",Wan Chai,", ",Nowhere,")
    reports = sync_content(capp)
    assert any("Nowhere" in str(p) for r in reports for p in r.problems)
    assert "Harbour Test Family Centre" in capp.test_client().get("/en/centres/").get_data(as_text=True)


def test_holidays_file_needs_a_source_and_real_dates(make_app, centre_content):
    edit(centre_content / "holidays.yml", "source: test fixture", "source: ''")
    app = make_app(CONTENT_DIR=str(centre_content))
    result = app.test_cli_runner().invoke(args=["content", "check"])
    assert "content/holidays.yml:1: 'source:' must say" in result.output and result.exit_code == 1


def test_holidays_command_writes_the_general_holidays_the_check_accepts(make_app, centre_content):
    app = make_app(CONTENT_DIR=str(centre_content))
    runner = app.test_cli_runner()
    result = runner.invoke(args=["content", "holidays", "2026", "2027"])
    assert result.exit_code == 0 and "Wrote 34 general holidays for 2026, 2027" in result.output
    from portal.centres.loader import parse_holidays

    rows, problems = parse_holidays(centre_content)
    assert problems == []
    days = {row["day"]: row for row in rows}
    assert sum(day.year == 2026 for day in days) == 17  # the 17 general holidays besides Sundays
    assert all(day.weekday() != 6 for day in days)
    fixed = {"2026-01-01": "一月一日", "2026-07-01": "香港特別行政區成立紀念日", "2026-10-01": "國慶日",
             "2026-12-25": "聖誕節"}  # fmt: skip
    for day, name_zh in fixed.items():
        assert days[datetime.fromisoformat(day).date()]["name_zh"] == name_zh
    assert days[datetime.fromisoformat("2027-02-06").date()]["name_en"] == "Lunar New Year's Day"
    check = runner.invoke(args=["content", "check"])
    assert "holidays.yml" not in check.output and check.exit_code == 0


def test_the_real_holidays_file_covers_this_year_and_next_and_names_its_source():
    from portal.centres.finder import now_in_hong_kong
    from portal.centres.loader import holiday_gaps, parse_holidays

    rows, problems = parse_holidays(REAL_CONTENT)
    assert problems == [] and rows
    assert holiday_gaps(rows, now_in_hong_kong().date()) == [], "run `flask content holidays` for the new year"
    text = (REAL_CONTENT / "holidays.yml").read_text(encoding="utf-8")
    assert "source: " in text and "gov.hk" in text


def test_a_centre_that_closes_on_holidays_is_closed_on_a_real_holiday(capp):
    from portal.centres.loader import parse_holidays

    days = [row["day"] for row in parse_holidays(REAL_CONTENT)[0]]
    new_year = datetime(2027, 1, 1).date()  # a Friday, listed in the real file
    assert new_year in days
    status = opening_status(HOURS, "closed", days, hk("2027-01-01T10:00"))
    assert not status.open and status.holiday_today


# --- search ------------------------------------------------------------------------------


def test_search_text_is_normalised():
    assert normalise("Tseung Kwan O (North)  ＩＦＳＣ") == "tseung kwan o north ifsc"
    assert matches("tuen", normalise("Tuen Mun (East)"))
    assert not matches("mun tuen x", normalise("Tuen Mun (East)"))
    assert matches("屯門", normalise("東屯門綜合家庭服務中心"))
    assert matches("屯门", normalise("東屯門綜合家庭服務中心"))  # simplified Chinese typed


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("/en/centres/?district=wan-chai", ["Harbour Test Family Centre"]),
        ("/zh-hk/centres/?district=kwun-tong", ["夜間測試綜合服務中心"]),
        ("/en/centres/?q=harbour", ["Harbour Test Family Centre"]),
        ("/en/centres/?q=海港", ["Harbour Test Family Centre"]),
        ("/zh-hk/centres/?q=Night", ["夜間測試綜合服務中心"]),
        ("/zh-hk/centres/?q=沙田", ["沙田山測試中心"]),
        ("/en/centres/?q=kwun+tong", ["Night Test Services Centre"]),  # place = district name
        ("/en/centres/?q=test+streets", ["Harbour Test Family Centre"]),  # place in the boundary
        ("/en/centres/?type=ISC", ["Night Test Services Centre"]),
        ("/zh-hk/centres/?type=other", ["沙田山測試中心"]),
        ("/en/centres/?type=IFSC&q=night", []),
    ],
)
def test_search_by_district_name_place_and_type_in_both_languages(cclient, url, expected):
    response = cclient.get(url)
    assert response.status_code == 200
    assert names(response.get_data(as_text=True)) == expected


def test_unlisted_rows_never_appear(cclient):
    html = cclient.get("/en/centres/").get_data(as_text=True)
    assert "Hidden Test Centre" not in html
    assert cclient.get("/en/centres/test-hidden").status_code == 404


def test_real_search_covers_all_18_districts_in_the_menu(client):
    html = client.get("/zh-hk/centres/").get_data(as_text=True)
    menu = html.split('id="centre-district"', 1)[1].split("</select>", 1)[0]
    assert menu.count("<option value=") == 19
    assert "灣仔區" in menu and "離島區" in menu
    assert names(client.get("/en/centres/?q=tuen+mun").get_data(as_text=True)) == [
        "Tuen Mun (East) Integrated Family Service Centre",
        "Tuen Mun (South) Integrated Family Service Centre",
        "Tuen Mun (West) Integrated Family Service Centre",
    ]


# --- distance and district ---------------------------------------------------------------------


def test_point_in_district_with_the_official_boundaries(capp):
    with session_scope(capp) as session:
        districts = {d.key: d for d in session.scalars(select(District))}
    assert point_in_polygons(22.2783, 114.1747, districts["wan-chai"].polygons)
    assert not point_in_polygons(22.2783, 114.1747, districts["central-and-western"].polygons)
    assert point_in_polygons(22.3193, 114.1694, districts["yau-tsim-mong"].polygons)
    for district in districts.values():  # every land centroid lies in its own district only
        inside = [d.key for d in districts.values() if point_in_polygons(district.lat, district.lng, d.polygons)]
        assert inside == [district.key]


def test_near_sorts_by_distance_and_names_the_district(cclient):
    html = cclient.post("/en/centres/near", data={"lat": "22.3125", "lng": "114.2245"}).get_data(as_text=True)
    assert "This place is in Kwun Tong district." in html
    assert names(html) == ["Night Test Services Centre", "Harbour Test Family Centre", "沙田山測試中心"]
    assert "about " in html and "(to the middle of its district)" in html  # no verified location: approximate
    html = cclient.post("/zh-hk/centres/near", data={"lat": "22.2785", "lng": "114.1735"}).get_data(as_text=True)
    assert "這個位置位於灣仔區" in html
    assert names(html)[0] == "海港測試家庭中心"


def test_near_outside_hong_kong_or_nonsense_is_explained(cclient):
    html = cclient.post("/en/centres/near", data={"lat": "23.1", "lng": "113.3"}).get_data(as_text=True)
    assert "not in Hong Kong" in html
    html = cclient.post("/en/centres/near", data={"lat": "abc", "lng": ""}).get_data(as_text=True)
    assert "decimal numbers" in html


def test_location_sent_to_the_server_is_never_logged_stored_or_cached(capp, caplog, backend, make_app, centre_content):
    app = make_app(backend, CONTENT_DIR=str(centre_content))
    sync_content(app)
    client = app.test_client()
    caplog.set_level(logging.DEBUG)
    response = client.post("/en/centres/near", data={"lat": "22.31234567", "lng": "114.22456789"})
    assert response.status_code == 200
    assert "no-store" in response.headers["Cache-Control"]
    assert "Set-Cookie" not in response.headers or "22.312" not in response.headers["Set-Cookie"]
    assert "31234567" not in caplog.text and "22456789" not in caplog.text
    from sqlalchemy import inspect, text

    engine = app.extensions["portal.engine"]
    with engine.connect() as connection:
        for table in inspect(engine).get_table_names():
            for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                assert "31234567" not in str(row) and "22456789" not in str(row), table


# --- open now ------------------------------------------------------------------------------


HOURS = {
    "mon": parse_day("09:00-13:00, 14:00-18:00, 19:00-21:00"),
    "tue": parse_day("09:00-13:00, 14:00-18:00"),
    "wed": parse_day("09:00-13:00, 14:00-18:00"),
    "sat": parse_day("09:00-12:00"),
    "sun": parse_day("closed"),
}
NIGHT = {"fri": parse_day("20:00-02:00"), "sat": parse_day("18:00-24:00"), "sun": parse_day("00:00-01:00")}
HOLIDAY = [datetime(2030, 1, 9).date()]  # a Wednesday, fixture only


@pytest.mark.parametrize(
    ("now", "is_open", "edge"),
    [
        ("2030-01-07T08:59:59", False, "2030-01-07T09:00"),  # a second before opening
        ("2030-01-07T09:00:00", True, "2030-01-07T13:00"),  # the opening minute
        ("2030-01-07T12:59", True, "2030-01-07T13:00"),
        ("2030-01-07T13:00", False, "2030-01-07T14:00"),  # lunch closure starts
        ("2030-01-07T13:59", False, "2030-01-07T14:00"),
        ("2030-01-07T14:00", True, "2030-01-07T18:00"),  # back from lunch
        ("2030-01-07T18:30", False, "2030-01-07T19:00"),  # before the evening session
        ("2030-01-07T20:59", True, "2030-01-07T21:00"),  # evening session
        ("2030-01-07T21:00", False, "2030-01-08T09:00"),  # closing minute: closed
        ("2030-01-08T23:59", False, "2030-01-09T09:00"),  # Tuesday night, Wednesday...
    ],
)
def test_open_now_at_the_edges(now, is_open, edge):
    status = opening_status(HOURS, "", [], hk(now))
    assert status.known and status.open is is_open
    assert (status.closes_at if is_open else status.opens_at) == hk(edge)


def test_a_public_holiday_closes_a_centre_that_closes_on_holidays():
    status = opening_status(HOURS, "closed", HOLIDAY, hk("2030-01-09T10:00"))
    assert not status.open and status.holiday_today
    assert status.opens_at == hk("2030-01-12T09:00")  # Thu/Fri have no hours here; Saturday
    assert opening_status(HOURS, "open", HOLIDAY, hk("2030-01-09T10:00")).open
    unknown = opening_status(HOURS, "", HOLIDAY, hk("2030-01-09T10:00"))
    assert unknown.open and unknown.holiday_rule_unknown  # shown with "please call first"
    before = opening_status(HOURS, "closed", HOLIDAY, hk("2030-01-08T18:00"))
    assert before.opens_at == hk("2030-01-12T09:00")  # the holiday is skipped


@pytest.mark.parametrize(
    ("now", "is_open", "edge"),
    [
        ("2030-01-11T19:59", False, "2030-01-11T20:00"),
        ("2030-01-11T23:59", True, "2030-01-12T02:00"),  # Friday session runs past midnight
        ("2030-01-12T00:00", True, "2030-01-12T02:00"),  # midnight itself
        ("2030-01-12T02:00", False, "2030-01-12T18:00"),
        ("2030-01-12T23:59", True, "2030-01-13T01:00"),  # 18:00-24:00 joins Sunday 00:00-01:00
        ("2030-01-13T00:00", True, "2030-01-13T01:00"),
        ("2030-01-13T01:00", False, "2030-01-18T20:00"),
    ],
)
def test_open_now_around_midnight(now, is_open, edge):
    status = opening_status(NIGHT, "open", [], hk(now))
    assert status.open is is_open
    assert (status.closes_at if is_open else status.opens_at) == hk(edge)


def test_unknown_hours_say_so_and_utc_input_is_read_in_hong_kong_time():
    assert not opening_status({}, "closed", [], hk("2030-01-07T10:00")).known
    utc = datetime.fromisoformat("2030-01-07T01:00:00+00:00")  # 09:00 in Hong Kong
    assert opening_status(HOURS, "", [], utc).open


def test_centre_page_shows_open_now_and_is_not_cached(cclient, monkeypatch):
    monkeypatch.setattr(views, "now_in_hong_kong", lambda: hk("2030-01-07T12:30"))
    response = cclient.get("/en/centres/test-harbour")
    html = response.get_data(as_text=True)
    assert "Open now" in html and "closes today at 13:00" in html
    assert response.headers.get("X-Cache") != "miss"  # not stored in the page cache
    monkeypatch.setattr(views, "now_in_hong_kong", lambda: hk("2030-01-09T10:00"))
    html = cclient.get("/zh-hk/centres/test-harbour").get_data(as_text=True)
    assert "現已關門" in html and "今天是公眾假期" in html
    monkeypatch.setattr(views, "now_in_hong_kong", lambda: hk("2030-01-12T23:30"))
    html = cclient.get("/en/centres/test-night").get_data(as_text=True)
    assert "Open now" in html and "closes tomorrow at 01:00" in html


# --- pages -----------------------------------------------------------------------------------


def test_centre_page_has_every_field_tel_links_directions_and_correction_form(cclient):
    html = cclient.get("/en/centres/test-harbour").get_data(as_text=True)
    for text in (
        "Harbour Test Family Centre",
        "Test Operator",
        "1 Test Road, Wan Chai",
        "Step-free entrance",
        "Cantonese, English",
        "Test streets near the harbour",
        "2111 1112",
        "harbour@example.org",
    ):
        assert text in html, text
    assert 'href="tel:+85221111111"' in html
    assert "openstreetmap.org/directions?to=22.279%2C114.173" in html
    assert "mailto:corrections@" not in html  # corrections go to the feedback store (tests/test_feedback.py)
    assert '<input type="hidden" name="category" value="correction">' in html
    assert ".example" not in html
    assert '<time datetime="2029-12-01">' in html
    assert "not yet verified" not in html.lower().split("<main", 1)[1].split("</dl>", 1)[0]


def test_unverified_fields_send_visitors_to_the_swd_hotline(cclient):
    html = cclient.get("/en/centres/test-hill").get_data(as_text=True)
    assert "Some details of this centre are not yet verified." in html
    assert 'href="tel:+85223432255"' in html
    assert "2333 3333" not in html  # an unverified number is never shown
    assert 'lang="zh-Hant-HK">沙田山測試中心</h1>' in html  # no English name: Chinese, marked up
    zh = cclient.get("/zh-hk/centres/test-hill").get_data(as_text=True)
    assert "尚未核實：請致電社會福利署熱線" in zh


def test_real_centre_pages_in_both_languages(client):
    en = client.get("/en/centres/swd-kai-ping").get_data(as_text=True)
    assert "Kai Ping Integrated Family Service Centre" in en and "2340 8471" not in en
    assert "2343 2255" in en
    zh = client.get("/zh-hk/centres/swd-tuen-mun-west").get_data(as_text=True)
    assert "屯門震寰路16號大興政府合署二樓201室" in zh and 'href="tel:+85224674757"' in zh
    en = client.get("/en/centres/swd-tuen-mun-west").get_data(as_text=True)
    assert 'lang="zh-Hant-HK">屯門震寰路16號' in en  # the address is confirmed in Chinese only


def test_help_page_links_to_the_finder_and_sitemap_lists_centres(client):
    assert 'href="/en/centres/"' in client.get("/en/help").get_data(as_text=True)
    sitemap = sitemap_text(client)  # the index and every file it names
    assert "/zh-hk/centres/swd-aberdeen" in sitemap and "/en/centres/" in sitemap


def test_finder_links_its_open_data_and_has_no_map_without_tiles(client):
    html = client.get("/en/centres/").get_data(as_text=True)
    for url in ("/api/centres.json", "/api/centres.csv", "/api/centres.hsds.json"):
        assert f'href="{url}"' in html
    assert "leaflet" not in html and 'data-module="centres-map"' not in html
    csp = client.get("/en/centres/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp


def test_map_is_on_when_tiles_are_configured_and_csp_allows_the_tile_host(make_app, centre_content):
    app = make_app(CONTENT_DIR=str(centre_content), MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png")
    sync_content(app)
    response = app.test_client().get("/en/centres/")
    html = response.get_data(as_text=True)
    assert 'data-module="centres-map"' in html and "vendor/leaflet/leaflet.js" in html
    assert "img-src 'self' data: https://*.tiles.example.org" in response.headers["Content-Security-Policy"]


# --- open data ---------------------------------------------------------------------------------


def test_json_and_csv_exports_carry_what_the_pages_show(cclient):
    data = cclient.get("/api/centres.json").get_json()
    assert data["count"] == 3
    harbour = next(c for c in data["centres"] if c["id"] == "test-harbour")
    assert harbour["name"] == {
        "en": "Harbour Test Family Centre",
        "zh-hk": "海港測試家庭中心",
        "zh-cn": "海港测试家庭中心",
    }
    assert harbour["opening_hours"]["mon"] == ["09:00-13:00", "14:00-18:00", "19:00-21:00"]
    assert harbour["opening_hours"]["sun"] == [] and harbour["public_holidays"] == "closed"
    assert harbour["location"] == {"latitude": 22.279, "longitude": 114.173}
    hill = next(c for c in data["centres"] if c["id"] == "test-hill")
    assert hill["phones"] == [] and hill["opening_hours"] is None and hill["location"] is None
    response = cclient.get("/api/centres.csv")
    assert response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True).lstrip("\ufeff"))))
    assert [r["id"] for r in rows] == ["test-harbour", "test-night", "test-hill"]
    assert rows[0]["mon"] == "09:00-13:00, 14:00-18:00, 19:00-21:00" and rows[0]["sun"] == "closed"
    assert rows[1]["district_zh"] == "觀塘區" and rows[2]["phones"] == ""


# The columns of /api/centres.csv before the Simplified ones were added: their order is what consumers rely on.
CSV_HEADER_BEFORE_SIMPLIFIED = (
    "id,type,name_en,name_zh,operator_en,operator_zh,district_en,district_zh,address_en,address_zh,phones,fax,"
    "email,website,mon,tue,wed,thu,fri,sat,sun,public_holidays,latitude,longitude,service_boundary_en,"
    "service_boundary_zh,languages,accessibility_en,accessibility_zh,last_verified,confidence,source,url_en,url_zh"
).split(",")


def test_csv_export_appends_the_simplified_columns_after_the_existing_ones(cclient):
    text = cclient.get("/api/centres.csv").get_data(as_text=True).lstrip("\ufeff")
    header = next(csv.reader(io.StringIO(text)))
    assert header[: len(CSV_HEADER_BEFORE_SIMPLIFIED)] == CSV_HEADER_BEFORE_SIMPLIFIED
    assert header[len(CSV_HEADER_BEFORE_SIMPLIFIED) :] == [
        "name_zh_cn", "operator_zh_cn", "district_zh_cn", "address_zh_cn", "service_boundary_zh_cn",
        "accessibility_zh_cn", "url_zh_cn",
    ]  # fmt: skip
    harbour, night, hill = csv.DictReader(io.StringIO(text))
    assert {key: harbour[key] for key in header if key.endswith("_zh_cn") and key != "url_zh_cn"} == {
        "name_zh_cn": "海港测试家庭中心",
        "operator_zh_cn": "测试机构",
        "district_zh_cn": "湾仔区",
        "address_zh_cn": "湾仔测试道1号",
        "service_boundary_zh_cn": "海港附近测试街道",
        "accessibility_zh_cn": "无梯级入口",
    }
    assert harbour["url_zh_cn"] == "http://portal.test/zh-cn/centres/test-harbour"
    assert harbour["url_zh"] == "http://portal.test/zh-hk/centres/test-harbour"
    assert night["district_zh_cn"] == "观塘区" and night["address_zh_cn"] == "观塘测试街2号"
    assert hill["name_zh_cn"] == "沙田山测试中心" and hill["operator_zh_cn"] == hill["address_zh_cn"] == ""


def _hsds_validator():
    """The official compiled schema (shared copy, else the gzipped copy in the fixtures)."""
    if HSDS is not None:
        schema = json.loads(HSDS.read_text(encoding="utf-8"))
    else:
        schema = json.loads(gzip.decompress((CENTRES / "hsds" / "service.json.gz").read_bytes()))
    return Draft202012Validator(schema, format_checker=FormatChecker())


def assert_valid_hsds(client) -> None:
    validator = _hsds_validator()
    data = client.get("/api/centres.hsds.json").get_json()
    assert data["total_items"] == len(data["contents"]) > 0
    for service in data["contents"]:
        errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(service)]
        assert not errors, (service["name"], errors[:5])


def test_hsds_export_of_the_real_centres_validates_against_the_official_schema(client):
    assert_valid_hsds(client)


def test_hsds_export_with_hours_location_and_languages_validates(cclient):
    assert_valid_hsds(cclient)
    harbour = next(s for s in cclient.get("/api/centres.hsds.json").get_json()["contents"]
                   if s["name"] == "Harbour Test Family Centre")  # fmt: skip
    monday = next(s for s in harbour["schedules"] if s["opens_at"] == "19:00+08:00")
    assert monday["byday"] == "MO" and monday["closes_at"] == "21:00+08:00"
    location = harbour["service_at_locations"][0]["location"]
    assert location["addresses"][0]["country"] == "HK" and location["latitude"] == 22.279
    written = [(a["address_1"], a["city"], a["state_province"]) for a in location["addresses"]]
    assert written == [
        ("1 Test Road, Wan Chai", "Hong Kong", "Wan Chai"),
        ("灣仔測試道1號", "香港", "灣仔區"),
        ("湾仔测试道1号", "香港", "湾仔区"),  # the Simplified edition's copy
    ]
    assert len({a["id"] for a in location["addresses"]}) == 3


def test_the_hsds_check_can_fail():
    validator = _hsds_validator()
    assert list(validator.iter_errors({"id": "x", "name": "n", "status": "open for business"}))


def test_districts_geojson_is_served_for_the_browser(cclient):
    data = cclient.get("/api/districts.geojson").get_json()
    assert len(data["features"]) == 18
    wan_chai = next(f for f in data["features"] if f["properties"]["id"] == "wan-chai")
    assert wan_chai["properties"]["name_zh"] == "灣仔區" and wan_chai["properties"]["name_zh_cn"] == "湾仔区"
    assert wan_chai["geometry"]["type"] == "MultiPolygon"


def test_a_same_site_tile_url_adds_nothing_to_the_csp(make_app):
    app = make_app(MAP_TILE_URL="/tiles/{z}/{x}/{y}.png")
    csp = app.test_client().get("/en/").headers["Content-Security-Policy"]
    assert "img-src 'self' data:;" in csp and "://" not in csp.split("img-src", 1)[1].split(";", 1)[0]


def test_finder_pages_and_exports_on_both_backends(backend_app):
    client = backend_app.test_client()
    html = client.get("/zh-hk/centres/?district=tuen-mun").get_data(as_text=True)
    assert names(html) == ["東屯門綜合家庭服務中心", "南屯門綜合家庭服務中心", "西屯門綜合家庭服務中心"]
    page = client.get("/en/centres/swd-central-islands").get_data(as_text=True)
    assert "4/F, Harbour Building, 38 Pier Road, Central, Hong Kong" in page and 'href="tel:+85228523137"' in page
    assert "Not yet verified:</strong>" not in page and "Opening hours, Location on the map." in page
    data = client.get("/api/centres.json").get_json()
    assert data["count"] == 44
    verified = {c["id"] for c in data["centres"] if c["phones"]}
    assert len(verified) == 11 and "swd-kai-ping" not in verified


def test_address_only_centres_link_to_an_address_search_not_a_route(client):
    html = client.get("/en/centres/swd-aberdeen").get_data(as_text=True)
    assert "https://www.openstreetmap.org/search?query=Unit%202%2C%20G/F%2C%20Pik%20Long%20House" in html
    assert "Find this address on OpenStreetMap" in html and "/directions?" not in html
    assert "Directions" not in client.get("/en/centres/swd-kai-ping").get_data(as_text=True).split("<main", 1)[1]


def test_csv_cells_cannot_start_a_spreadsheet_formula():
    from portal.centres.export import _cell

    assert _cell("=HYPERLINK(1)") == "'=HYPERLINK(1)" and _cell("@x") == "'@x" and _cell("2343 2255") == "2343 2255"
