"""Hong Kong general holidays for ``content/holidays.yml``, taken from the ``holidays`` library.

The finder needs the general holidays of this year and next to say "closed today"
for a centre that closes on holidays. Typing the dates by hand invites mistakes
(Lunar New Year, Ching Ming, Buddha's Birthday and the days "following" move every
year), so ``flask content holidays`` writes them from python-holidays (vacanza/holidays,
maintained, MIT), whose Hong Kong calendar follows the General Holidays Ordinance
(Cap. 149) and the Employment Ordinance (Cap. 57) and cites the GovHK lists. The file
keeps the library version and the GovHK page to compare with as its ``source``; an
editor may still correct a date by hand, and ``flask content check`` validates it.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import yaml

GOVHK_LIST = "https://www.gov.hk/en/about/abouthk/holiday/{year}.htm"

HEADER = """\
# Hong Kong general holidays, used by the centre finder: on these days a centre
# whose row says `public_holidays: closed` is shown as closed.
#
# Written by `flask content holidays` (see portal/centres/holidays.py) from the
# python-holidays library, which follows the General Holidays Ordinance (Cap. 149).
# Sundays are not listed: every centre's weekly hours already say what happens on
# a Sunday. Compare with the official GovHK list named in `source:`; a date
# corrected by hand is kept until the command is run again.
#
# Format (one entry per general holiday):
#   holidays:
#     - date: 2026-01-01
#       name_en: The first day of January
#       name_zh: 一月一日
"""


def general_holidays(year: int) -> list[dict[str, object]]:
    """Every general holiday of ``year`` other than Sundays, with its English and Chinese names."""
    import holidays as holiday_library  # here, not at every start-up: only `flask content holidays` needs it

    # The library's "optional" category for Hong Kong is the general-holiday list (the 17 days a year, besides
    # Sundays, on which government offices close); its "public" category is the shorter statutory list.
    categories = (holiday_library.OPTIONAL,)
    english = holiday_library.HongKong(years=year, categories=categories, language="en_HK")
    chinese = holiday_library.HongKong(years=year, categories=categories, language="zh_HK")
    return [
        {"date": day, "name_en": english[day], "name_zh": chinese[day]} for day in sorted(english) if day.weekday() != 6
    ]


def holidays_source(years: list[int]) -> str:
    import holidays as holiday_library

    pages = ", ".join(GOVHK_LIST.format(year=year) for year in years)
    return (
        f"python-holidays {holiday_library.__version__} (https://github.com/vacanza/holidays), "
        f"Hong Kong general holidays (Cap. 149); official lists to compare with: {pages}"
    )


def write_holidays_file(path: Path, years: list[int]) -> int:
    """Write the holidays of ``years`` to ``path``; return how many were written."""
    entries = [entry for year in sorted(set(years)) for entry in general_holidays(year)]
    body = yaml.safe_dump(
        {"source": holidays_source(sorted(set(years))), "holidays": entries},
        allow_unicode=True,
        sort_keys=False,
        width=1000,
    )
    path.write_text(HEADER + body, encoding="utf-8")
    return len(entries)


def default_years(today: date) -> list[int]:
    return [today.year, today.year + 1]
