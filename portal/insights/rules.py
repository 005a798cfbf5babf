"""What is counted, under which key, and what is never counted (the privacy rules, in one place).

The same rules serve the app's own counting (signals from portal/signals.py) and the lines of
nginx's access log (``logs.py``). A user agent is read to tell a robot, never kept; a search that
looks like a phone number, an e-mail address or an HKID is counted under :data:`REDACTED`, so its
words never reach the database.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs

from ..feedback.redact import redact
from ..search.text import clean
from .model import CALENDAR, PAGE

# Robots, crawlers and scripts by words in their user agent (lower-cased); a request without one counts as a
# script too. HeadlessChrome is what automated browsers say. INSIGHTS_BOTS replaces the list with a pattern.
DEFAULT_BOTS = (
    "bot", "crawl", "spider", "slurp", "archiver", "curl", "wget", "python-requests", "python-urllib", "httpx",
    "aiohttp", "go-http-client", "java/", "libwww", "scrapy", "headlesschrome", "phantomjs", "facebookexternalhit",
    "lighthouse", "monitor", "check_http",
)  # fmt: skip
REDACTED = "[personal details]"  # the key of a search that looked like a phone number, an e-mail or an HKID
MAX_SEARCH = 100  # characters of a normalised search kept as a key
_SLUG = re.compile(r"[a-z0-9][a-z0-9-]{0,59}")
_EVENT_ICS = re.compile(r"/(?:en|zh-hk|zh-cn)/events/(\d{1,10})\.ics")
_FEED_ICS = re.compile(r"/(?:en|zh-hk|zh-cn)/events/feed\.ics")


class Robots:
    """Tells a robot by its user agent, which is read here and kept nowhere.

    The built-in words are looked for with ``in`` (under a microsecond: this runs on every page-cache hit;
    one ``re.IGNORECASE`` alternation of them took 16 µs, a third of a hit). A setting is a regular
    expression, matched against the lower-cased user agent.
    """

    def __init__(self, setting: str = "") -> None:
        self.pattern = re.compile(setting) if setting else None

    def __call__(self, user_agent: str | None) -> bool:
        if not user_agent:
            return True
        agent = user_agent.lower()
        if self.pattern is not None:
            return self.pattern.search(agent) is not None
        for word in DEFAULT_BOTS:  # a plain loop: any() over a generator costs three times as much here
            if word in agent:
                return True
        return False


_SPECIAL = frozenset(".^$*+?{}[]\\|()")  # escaped in a pattern; "-", "/" and "_" are plain outside a [class]


def bots_pattern(words: tuple[str, ...] = DEFAULT_BOTS) -> str:
    """The robot words as one regular expression, for nginx's map in ``deploy/nginx/portal.conf`` (a test holds
    the two together). A version factored by common prefix (``c(?:heck_http|rawl|url)``) measured no faster in
    nginx than this flat list (bench/README.md): PCRE2's JIT already skips positions no word can start at."""
    return "(" + "|".join("".join("\\" + c if c in _SPECIAL else c for c in word) for word in words) + ")"


def _slug(value: str) -> str:
    return value if _SLUG.fullmatch(value) else ""


def calendar_key(path: str, district: str = "", topic: str = "") -> str | None:
    """``event:<id>`` for one event's .ics, ``feed:<district>:<topic>`` for the list's; None for other paths."""
    found = _EVENT_ICS.fullmatch(path)
    if found:
        return f"event:{int(found.group(1))}"
    if _FEED_ICS.fullmatch(path):
        return f"feed:{_slug(district)}:{_slug(topic)}"
    return None


def served_key(path: str, query: str, mimetype: str) -> tuple[str, str] | None:
    """(kind, key) for a page answered 200: an HTML page by its path, an .ics by what it holds."""
    if mimetype == "text/html":
        return PAGE, path
    if mimetype == "text/calendar":
        args = parse_qs(query) if query else {}
        key = calendar_key(path, (args.get("district") or [""])[0], (args.get("topic") or [""])[0])
        return (CALENDAR, key) if key else None
    return None


def looks_personal(text: str) -> bool:
    """A phone number, an e-mail address or an HKID, or as many digits as a phone number has."""
    return redact(text) != text or sum(ch.isdigit() for ch in text) >= 8


def normalise_search(query: str) -> str:
    """Lower case, Traditional characters, spaces collapsed (as search reads it); personal details hidden."""
    text = " ".join(clean(query).split())[:MAX_SEARCH]
    return REDACTED if looks_personal(text) else text


def shown_search(term: str) -> bool:
    """Whether a stored search term may ever be shown (the threshold is checked apart)."""
    return bool(term) and term != REDACTED and not looks_personal(term)
