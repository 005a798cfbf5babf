"""The ``sources`` of an article: where its facts (a hotline, a service, a law, a benefit) come from.

Editors list them in the front matter; the page shows them as citations under the article::

    sources:
      - title: SWD operates a 24-hour hotline (press release)
        publisher: Social Welfare Department
        url: https://www.info.gov.hk/gia/general/202306/05/P2023060500553.htm
        date: 2023-06-05

``title`` and ``url`` are required, ``publisher`` and ``date`` optional. Each file writes them in its own
language, so a citation is plain text here (the page's language is the file's language).
"""

from __future__ import annotations

from datetime import date
from typing import Any
from urllib.parse import urlsplit

from ..content import Problem, field_line
from ..i18n import N_

FIELDS = ("title", "publisher", "url", "date")


def parse_sources(value: Any, shown: str, text: str) -> tuple[list[dict[str, str]], list[Problem]]:
    """The citations of ``value`` (the front matter's ``sources``) and the problems found, each at its line."""
    line = field_line(text, "sources")
    if value is None:
        return [], []
    if not isinstance(value, list):
        message = N_("'sources' must be a list, each item with a title and a url (see content/README.md)")
        return [], [Problem(shown, line, message)]
    sources, problems = [], []
    lines = _item_lines(text, line)
    for number, item in enumerate(value, start=1):
        at = lines[number - 1] if number <= len(lines) else line
        source, problem = _one_source(item, number, shown, at)
        if problem:
            problems.append(problem)
        else:
            sources.append(source)
    return sources, problems


def _item_lines(text: str, field_at: int) -> list[int]:
    """The line numbers of the ``- `` items that follow the ``sources:`` line, up to the next field."""
    found = []
    for number, line in enumerate(text.splitlines()[field_at:], start=field_at + 1):
        stripped = line.lstrip()
        if line.strip() == "---" or (line[:1].isalpha() and ":" in line):
            break
        if stripped.startswith("- "):
            found.append(number)
    return found


def _one_source(item: Any, number: int, shown: str, at: int) -> tuple[dict[str, str], Problem | None]:
    params: dict[str, Any] = {"number": number}
    if not isinstance(item, dict):
        return {}, Problem(
            shown, at, N_("source #%(number)s must have a title and a url, each on its own line"), params=params
        )
    unknown = sorted(str(key) for key in item if key not in FIELDS)
    if unknown:
        params.update(field=unknown[0], known=", ".join(FIELDS))
        message = N_("source #%(number)s has an unknown field '%(field)s' (the fields are %(known)s)")
        return {}, Problem(shown, at, message, params=params)
    title = str(item.get("title") or "").strip()
    url = str(item.get("url") or "").strip()
    if not title or not url:
        return {}, Problem(shown, at, N_("source #%(number)s needs both a 'title' and a 'url'"), params=params)
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        params["url"] = url
        message = N_("source #%(number)s: '%(url)s' is not a web address (it must start with https://)")
        return {}, Problem(shown, at, message, params=params)
    published = item.get("date")
    if published is not None and not isinstance(published, date):
        try:
            published = date.fromisoformat(str(published).strip())
        except ValueError:
            message = N_("source #%(number)s: 'date' must be written YYYY-MM-DD, like 2023-06-05")
            return {}, Problem(shown, at, message, params=params)
    source = {"title": title, "url": url, "publisher": str(item.get("publisher") or "").strip()}
    if published is not None:
        source["date"] = published.isoformat()
    return source, None
