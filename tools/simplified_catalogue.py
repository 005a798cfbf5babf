"""Generate the Simplified Chinese catalogue from the Traditional one (never edit its output by hand).

Usage: python tools/simplified_catalogue.py

Reads translations/zh_Hant_HK/LC_MESSAGES/messages.po (filled from the strings/*.yml files by
tools/po_fill.py), converts every translation with portal/simplified.py (OpenCC hk2s and the editors'
content/zh-cn-terms.yml) and writes translations/zh_Hans_HK/LC_MESSAGES/messages.po, which
`make compile-translations` compiles. The folder is not in git: `make run`, `make test` and
`make translations` build it, so the Simplified texts always follow the Traditional ones.
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.simplified import converter  # noqa: E402 - after the path is set

SOURCE = ROOT / "translations/zh_Hant_HK/LC_MESSAGES/messages.po"
TARGET = ROOT / "translations/zh_Hans_HK/LC_MESSAGES/messages.po"
HEADER = "Generated from zh_Hant_HK by tools/simplified_catalogue.py (OpenCC hk2s): do not edit."


def main() -> int:
    with SOURCE.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hant_HK")
    convert = converter(ROOT / "content").text
    catalog.locale = "zh_Hans_HK"
    catalog.header_comment = f"# {HEADER}"
    for message in catalog:
        if not message.id:
            continue
        if isinstance(message.string, tuple | list):
            message.string = tuple(convert(text) for text in message.string)
        else:
            message.string = convert(message.string)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    with TARGET.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False, include_lineno=False)
    print(f"wrote {TARGET.relative_to(ROOT)}: {len(catalog)} messages from zh_Hant_HK")
    return 0


if __name__ == "__main__":
    sys.exit(main())
