"""Fill Traditional Chinese translations into the catalogue from a YAML file.

Usage: python tools/po_fill.py [translations.yml …]

With no argument it reads every file in translations/zh_Hant_HK/strings/
(one per capability, so people working on different parts never edit the
same file). Each YAML file maps an English msgid to its zh-Hant-HK text. For plural
messages, map the singular msgid; Chinese has one plural form. Run
`make translations` first so new msgids are in the catalogue; this script
then reports any message still without a translation.
"""

from __future__ import annotations

import sys
from pathlib import Path

import yaml
from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "translations/zh_Hant_HK/LC_MESSAGES/messages.po"
STRINGS = ROOT / "translations/zh_Hant_HK/strings"


def main(paths: list[str]) -> int:
    wanted: dict[str, str] = {}
    for path in paths or sorted(str(p) for p in STRINGS.glob("*.yml")):
        wanted.update(yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {})
    with PO.open("rb") as handle:
        catalog = read_po(handle, locale="zh_Hant_HK")
    filled = 0
    for message in catalog:
        if not message.id:
            continue
        key = message.id[0] if isinstance(message.id, tuple) else message.id
        if key in wanted:
            value = wanted[key]
            message.string = (value,) if isinstance(message.id, tuple) else value
            message.flags.discard("fuzzy")
            filled += 1
    with PO.open("wb") as handle:
        write_po(handle, catalog, width=0, sort_output=True, omit_header=False, include_lineno=False)
    missing = [m.id for m in catalog if m.id and not (m.string if isinstance(m.string, str) else all(m.string))]
    print(f"filled {filled}; still untranslated: {len(missing)}")
    for msgid in missing:
        print("  -", msgid)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
