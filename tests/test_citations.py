"""Sources as readable citations in the page's language (portal/citations.py, partials/citation.html)."""

from __future__ import annotations

from datetime import date

from flask import g, render_template_string

from portal.citations import Citation, as_citation, citation_for, citations_from_text

MACRO = '{% from "partials/citation.html" import citation with context %}{{ citation(cited) }}'


def test_a_government_press_release_is_named_and_dated_from_its_address():
    cited = citation_for("https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm")
    assert cited.publisher_in("zh-hk") == "香港特區政府" and cited.title_in("zh-hk") == "新聞公報"
    assert cited.publisher_in("en") == "GovHK" and cited.date == date(2023, 6, 5)


def test_an_address_we_have_no_name_for_is_cited_by_its_site_and_never_dated():
    cited = citation_for("https://documents.pub/documents/--1700195900.html")
    assert cited == Citation("documents.pub", "", None, "https://documents.pub/documents/--1700195900.html")


def test_a_source_note_gives_one_citation_per_publisher():
    note = "https://www.swd.gov.hk/en/a ; https://www.swd.gov.hk/en/b (SWD page) | http://samaritans.org.hk/"
    assert [c.publisher_in("en") for c in citations_from_text(note)] == ["Social Welfare Department",
                                                                         "The Samaritans Hong Kong"]  # fmt: skip


def test_an_article_source_may_give_each_field_in_both_languages_or_as_plain_text():
    both = as_citation({"publisher": {"en": "Social Welfare Department", "zh-hk": "社會福利署"},
                        "title": "IFSC", "url": "https://www.swd.gov.hk/", "date": "2024-05-01"})  # fmt: skip
    assert both.publisher_in("zh-hk") == "社會福利署" and both.title_in("zh-hk") == "IFSC"
    assert both.date == date(2024, 5, 1)
    assert as_citation({"title": "x", "url": "javascript:alert(1)", "date": "soon"}).url == ""
    assert as_citation({"title": "x", "date": "soon"}).date is None


def test_the_citation_reads_in_the_pages_language_and_links_its_address(app):
    source = citation_for("https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm")
    with app.test_request_context("/zh-hk/help"):
        g.lang_code = "zh-hk"
        html = render_template_string(MACRO, cited=source)
    assert html == (
        '<a href="https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm" rel="noopener">'
        "香港特區政府：新聞公報，2023年6月5日</a>"
    )
    with app.test_request_context("/en/help"):
        g.lang_code = "en"
        html = render_template_string(MACRO, cited={"publisher": "<b>x</b>", "title": {"en": "Guide"}})
    assert html == "&lt;b&gt;x&lt;/b&gt;: Guide"


def test_help_and_centre_pages_cite_sources_and_grade_confidence_in_plain_chinese(client):
    help_page = client.get("/zh-hk/help").get_data(as_text=True)
    assert "香港大學香港賽馬會防止自殺研究中心</a>" in help_page
    centre = client.get("/zh-hk/centres/naac-tung-chung-isc").get_data(as_text=True)
    assert "資料可信程度：部分可靠" in centre and "medium" not in centre
    assert "香港特區政府：新聞公報，2016年11月18日</a>" in centre
