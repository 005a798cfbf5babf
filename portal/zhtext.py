"""House rules for Chinese text: full-width punctuation, and no stray spaces around it.

Chinese text takes full-width punctuation (「你的結果：」, 「（香港時間）」), and a full-width mark
carries its own space, so none is written after 。，：；！？ or before them. What is not text is
masked first, so it never counts: URLs, ``%(name)s`` placeholders, Jinja, markdown link targets,
inline code, times and ratios such as ``10:30``. :func:`punctuation_findings` is used by the
tests over the catalogue, the templates and the content (tests/test_zh_punctuation.py).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
FULL_WIDTH_MARKS = "。，、：；！？"
CJK_OR_MARK = rf"[{CJK}{FULL_WIDTH_MARKS}「」『』（）《》〈〉]"
# Where one element of a rendered page ends and the next begins: a space there is the layout's, not the text's.
SEAM = "\u2063"

# Not text: replaced by a neutral letter of the same length, so offsets stay true.
_NOT_TEXT = re.compile(
    r"https?://\S+|www\.\S+"  # addresses
    r"|%\(\w+\)[sd]|%[sd]|\{\{.*?\}\}|\{%.*?%\}|\{\w*\}"  # placeholders, Jinja
    r"|\]\([^)]*\)|<[^>]*>|`[^`]*`|!\["  # markdown link targets and images, HTML tags, inline code
    r"|\{[^{}]*\}|\[[\w\s,:.…-]*\](?!\()|「[^」]*?\w: [^」]*」"  # syntax shown to editors: {en: …}, [a, b]
    r"|\s*\|\s*"  # markdown table cells
    r"|\d+:\d+|\d+,\d{3}"  # times, ratios, thousands
)


@dataclass(frozen=True)
class Finding:
    """One break of the rules: where in the text (0-based offset) and what to write instead."""

    offset: int
    found: str
    advice: str


# (pattern over masked text, advice). ``{c}`` is a Chinese character or full-width mark.
_MARK_RULES: tuple[tuple[str, str], ...] = (
    (r"(?<={c}) ?[:;,!?]", "use the full-width mark (：；，！？) after Chinese text"),
    (r"(?<={c}) ?\.(?!\.)(?=\s|$)", "end Chinese text with 。"),
    (r"(?<={c}) ?\((?=[^)]*\))", "use full-width brackets （…） in Chinese text"),
    (r"\((?={c})", "use full-width brackets （…） in Chinese text"),
    (r"（[^）(]*\)|\([^)（]*）", "the brackets do not match: write （…）"),
)
_SPACE_RULES: tuple[tuple[str, str], ...] = (
    (rf"(?<=[{FULL_WIDTH_MARKS}])[ \u3000\u00a0]+(?=[^\s{SEAM}])", "no space after a full-width mark"),
    (rf"(?<=[^\s{SEAM}])[ \u3000\u00a0]+(?=[{FULL_WIDTH_MARKS}])", "no space before a full-width mark"),
    (rf"(?<=[^\s{SEAM}]){SEAM}*[ \u3000\u00a0]+{SEAM}*(?=（)", "no space before a full-width bracket"),
)
MARK_RULES = tuple((re.compile(pattern.replace("{c}", CJK_OR_MARK)), advice) for pattern, advice in _MARK_RULES)
SPACE_RULES = tuple((re.compile(pattern), advice) for pattern, advice in _SPACE_RULES)


def mask(text: str) -> str:
    """``text`` with everything that is not prose (URLs, placeholders, code, times) blanked out."""
    return _NOT_TEXT.sub(lambda m: "x" * len(m.group(0)), text)


def has_chinese(text: str) -> bool:
    return re.search(f"[{CJK}]", text) is not None


def punctuation_findings(text: str) -> list[Finding]:
    """Every break of the punctuation rules in one piece of Chinese text (a line, a field, a message)."""
    """Every break of the punctuation rules in one piece of Chinese text (a line, a field, a message).

    In text read off a rendered page, :data:`SEAM` marks the element boundaries: a space at one is the
    layout's, not the writer's, and the offsets are those of the text with the seams taken out.
    """
    if not has_chinese(text):
        return []
    with_seams = mask(text)
    masked = with_seams.replace(SEAM, "")
    plain = text.replace(SEAM, "")
    found = {(m.start(), m.group(0), advice) for pattern, advice in MARK_RULES for m in pattern.finditer(masked)}
    for pattern, advice in SPACE_RULES:
        for m in pattern.finditer(with_seams):
            found.add((m.start() - with_seams.count(SEAM, 0, m.start()), m.group(0), advice))
    return [Finding(offset, plain[offset : offset + len(hit)], advice) for offset, hit, advice in sorted(found)]


def lines_with_findings(text: str) -> Iterator[tuple[int, str, Finding]]:
    """(1-based line number, line, finding) for a whole file of Chinese text."""
    for number, line in enumerate(text.splitlines(), start=1):
        for finding in punctuation_findings(line):
            yield number, line, finding
