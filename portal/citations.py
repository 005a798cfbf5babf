"""Sources shown as readable citations (publisher, title, date) in the page's language, never a bare URL.

One shape for every kind of page: :class:`Citation` holds ``publisher``, ``title``, ``date`` and ``url``;
publisher and title are either plain text or ``{en: …, zh-hk: …}`` (an article's ``sources:`` list may
use either). Where a file records only addresses (``content/hotlines.yml`` ``source``, the research
notes of ``content/centres/centres.csv``), :func:`citations_from_text` reads the addresses out of the
text and names the publisher from :data:`PUBLISHERS`, our table of the sites we cite; a date is given
only when the address itself carries it (government press releases are filed by day), never guessed.
An address we have no name for is cited by its site's name (``documents.pub``), not its full URL.
The template side is ``partials/citation.html``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlsplit

Text = str | Mapping[str, str]


@dataclass(frozen=True)
class Citation:
    publisher: Text = ""
    title: Text = ""
    date: date | None = None
    url: str = ""

    def publisher_in(self, lang: str) -> str:
        return in_lang(self.publisher, lang)

    def title_in(self, lang: str) -> str:
        return in_lang(self.title, lang)


def in_lang(text: Text | None, lang: str) -> str:
    """Plain text as it is; a per-language mapping in ``lang``, else in the other language."""
    if not text:
        return ""
    if isinstance(text, str):
        return text
    return str(text.get(lang) or text.get("en") or text.get("zh-hk") or "")  # zh-cn: made at sync or written


def as_citation(entry: Citation | Mapping) -> Citation:
    """An article's ``sources:`` entry (title, publisher, url, date) as a Citation."""
    if isinstance(entry, Citation):
        return entry
    when = entry.get("date")
    if isinstance(when, str):
        try:
            when = date.fromisoformat(when)
        except ValueError:
            when = None
    url = str(entry.get("url") or "")
    url = url if urlsplit(url).scheme in ("http", "https") else ""  # a link only to a web page
    return Citation(entry.get("publisher") or "", entry.get("title") or "", when, url)


@dataclass(frozen=True)
class Publisher:
    prefix: str  # host and the start of the path, without the scheme and "www."
    name: Mapping[str, str]
    title: Mapping[str, str] | None = None
    dated: re.Pattern[str] | None = None  # the date in the address: groups year, month, day


def _t(en: str, zh_hk: str, zh_cn: str) -> dict[str, str]:
    """A name in the three served languages. The zh-cn one is the zh-hk one as portal/simplified.py writes it
    (tests/test_simplified_content.py checks it still is): written here, not converted per page."""
    return {"en": en, "zh-hk": zh_hk, "zh-cn": zh_cn}


GOV_PRESS = _t("press release", "新聞公報", "新闻公报")
PUBLISHERS: tuple[Publisher, ...] = (
    Publisher("info.gov.hk/gia", _t("GovHK", "香港特區政府", "香港特区政府"), GOV_PRESS,
              re.compile(r"/gia/general/(\d{4})(\d{2})/(\d{2})/")),
    Publisher("news.gov.hk", _t("news.gov.hk", "香港政府新聞網", "香港政府新闻网"), _t("news", "新聞", "新闻"),
              re.compile(r"/(\d{4})/(\d{2})/\d{6}(\d{2})/")),
    Publisher("github.com/roytangrb/tel-directory-gov-hk",
              _t("HKSAR Government Telephone Directory", "香港特區政府電話簿", "香港特区政府电话簿"),
              _t("copy of the data retrieved on 13 July 2018", "2018 年 7 月 13 日擷取的資料副本",
                 "2018 年 7 月 13 日撷取的资料副本")),
    Publisher("tel.directory.gov.hk",
              _t("HKSAR Government Telephone Directory", "香港特區政府電話簿", "香港特区政府电话簿")),
    Publisher("swd.gov.hk", _t("Social Welfare Department", "社會福利署", "社会福利署")),
    Publisher("ha.org.hk", _t("Hospital Authority", "醫院管理局", "医院管理局")),
    Publisher("csrp.hku.hk", _t("HKJC Centre for Suicide Research and Prevention, HKU",
                                "香港大學香港賽馬會防止自殺研究中心", "香港大学香港赛马会防止自杀研究中心")),
    Publisher("samaritans.org.hk", _t("The Samaritans Hong Kong", "撒瑪利亞會", "撒玛利亚会")),
    Publisher("tungwahcsd.org", _t("Tung Wah Group of Hospitals", "東華三院", "东华三院")),
    Publisher("harmonyhousehk.org", _t("Harmony House", "和諧之家", "和谐之家")),
    Publisher("cfsc.org.hk", _t("Christian Family Service Centre", "基督教家庭服務中心", "基督教家庭服务中心")),
    Publisher("rainlily.org.hk", _t("RainLily", "風雨蘭", "风雨兰")),
    Publisher("ycs.caritas.org.hk",
              _t("Caritas Youth and Community Service", "明愛青少年及社區服務", "明爱青少年及社区服务")),
    Publisher("cmac.org.hk",
              _t("Hong Kong Catholic Marriage Advisory Council", "香港公教婚姻輔導會", "香港公教婚姻辅导会")),
    Publisher("naac.org.hk", _t("Neighbourhood Advice-Action Council", "鄰舍輔導會", "邻舍辅导会")),
)  # fmt: skip
URL = re.compile(r"https?://[^\s|;,()<>\"']+")


def site_name(url: str) -> str:
    """The site an address is on, as people say it: ``example.org`` for ``https://www.example.org/a/b``."""
    return urlsplit(url).netloc.lower().removeprefix("www.")


def citation_for(url: str) -> Citation:
    """The citation of one address: our name for its publisher, else the site's own name."""
    parts = urlsplit(url)
    host = site_name(url)
    where = f"{host}{parts.path}".lower()
    for publisher in PUBLISHERS:
        if where.startswith(publisher.prefix):
            found = publisher.dated.search(parts.path) if publisher.dated else None
            when = _date(*found.groups()) if found else None
            return Citation(publisher.name, publisher.title or "", when, url)
    return Citation(host, "", None, url)


def _date(year: str, month: str, day: str) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def citations_from_text(text: str) -> list[Citation]:
    """Each address in ``text`` (a source note) as a citation, one per publisher and title."""
    found: dict[tuple[str, str], Citation] = {}
    for url in URL.findall(text or ""):
        citation = citation_for(url.rstrip("."))
        found.setdefault((in_lang(citation.publisher, "en"), in_lang(citation.title, "en")), citation)
    return list(found.values())
