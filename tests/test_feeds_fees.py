"""Fees as feeds write them, made structured (issue 15, "fees as a number or free plus an optional note
per language"); what cannot be mapped stays free text, shown with its own language."""

from __future__ import annotations

from decimal import Decimal

import pytest

from portal.events.facts import Fee, fee_facts, fee_from_text, structured_fee

FREE = Fee(free=True)


@pytest.mark.parametrize(
    ("text", "fee"),
    [
        ("Free", FREE),
        ("free", FREE),
        ("FREE!", FREE),
        ("Free of charge", FREE),
        ("Free admission.", FREE),
        ("免費", FREE),
        ("全免", FREE),
        ("費用全免", FREE),
        ("免費入場。", FREE),
        ("$0", FREE),
        ("HK$0", FREE),
        ("0", FREE),
        ("HKD 80", Fee(hkd=Decimal(80))),
        ("hkd80", Fee(hkd=Decimal(80))),
        ("$80", Fee(hkd=Decimal(80))),
        ("HK$80", Fee(hkd=Decimal(80))),
        ("HK$ 1,200", Fee(hkd=Decimal(1200))),
        ("$80.50", Fee(hkd=Decimal("80.50"))),
        ("80", Fee(hkd=Decimal(80))),
        ("80元", Fee(hkd=Decimal(80))),
        ("80 元", Fee(hkd=Decimal(80))),
        ("港幣80元", Fee(hkd=Decimal(80))),
        ("港元 80", Fee(hkd=Decimal(80))),
        ("８０元", Fee(hkd=Decimal(80))),  # full-width digits
        ("ＨＫ＄８０", Fee(hkd=Decimal(80))),
        ("80 HKD", Fee(hkd=Decimal(80))),
        ("HK$80 per couple", Fee(hkd=Decimal(80), note_en="per couple")),
        ("HK$80 (per couple)", Fee(hkd=Decimal(80), note_en="per couple")),
        ("$80, per family", Fee(hkd=Decimal(80), note_en="per family")),
        ("港幣80元（每對夫婦）", Fee(hkd=Decimal(80), note_zh="每對夫婦")),
        ("80元／每位", Fee(hkd=Decimal(80), note_zh="每位")),
        ("免費（需預約）", Fee(free=True, note_zh="需預約")),
        ("Free (registration required)", Fee(free=True, note_en="registration required")),
    ],
)
def test_fees_feeds_write_become_structured(text, fee):
    assert fee_from_text(text) == fee


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "TBC",
        "待定",
        "Ask the organiser",
        "$80 adults, $40 children",  # two prices
        "成人$80，小童$40",
        "$50-80",  # a range
        "$50 – $80",
        "USD 10",  # another currency
        "人民幣50元",
        "RMB 50",
        "€20",
        "-80",
        "$-80",
        "80kg",  # not money
        "$80abc",
        "$80.555",
        "$1,000,000",  # over any fee we list
        "$1,00",  # a broken thousands separator
        "Free for members",  # not free for everyone
        "free, $50 for non-members",
        "Free (2 sessions)",
        "HK$50 per person, concessions",  # other prices hinted at
        "$80 members; $100 others",
        "$0 deposit",  # a deposit is not a fee of nothing
        "$80 " + "x" * 200,  # a note longer than a note
        "x" * 400,
        "<b>$80</b>",
        "$",
        "HK$",
        "元",
        "(free)",
        "free ()",
        "NaN",
        "Infinity",
        "1e3",
    ],
)
def test_what_is_not_one_plain_fee_stays_free_text(text):
    assert fee_from_text(text) is None
    stored = structured_fee(text, None)
    assert stored == {"fee": text[:300], "is_free": None}
    if text.strip():
        shown = fee_facts(stored["fee"], stored["is_free"])
        assert shown.foreign is not None and shown.foreign.text == text.strip()[:300]


def test_structured_fee_round_trips_through_the_fee_column():
    stored = structured_fee("HK$80 per couple", False)
    assert stored["is_free"] is False
    assert fee_facts(stored["fee"], stored["is_free"]) == Fee(hkd=Decimal(80), note_en="per couple")
    free = structured_fee("全免")
    assert free["is_free"] is True and fee_facts(free["fee"], free["is_free"]).free
    chinese = fee_facts(structured_fee("港幣80元（每對夫婦）")["fee"], None)
    assert chinese.note("zh-hk") == "每對夫婦" and chinese.note_is_translated("zh-hk")
    assert not chinese.note_is_translated("en")  # shown with lang="zh-Hant-HK" on the English page


def test_a_foreign_fee_is_marked_with_its_language():
    assert fee_facts("成人$80，小童$40", False).foreign.lang == "zh-Hant-HK"
    assert fee_facts("$80 adults, $40 children", False).foreign.lang == "en"
