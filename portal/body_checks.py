"""Checks of a rendered markdown body that every kind of page shares (articles, events, site pages).

What a reader would meet and the editor cannot see in the file: an image the browser blocks (our
CSP allows only this site's images), an image with no description, a link to no page of this site,
and an internal path such as ``content/hotlines.yml`` that means nothing to a reader. Each check
returns :class:`~portal.content.Problem` values with the line in the file; the loaders decide
what else their kind of page allows (articles have images beside them; events and site pages none).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import current_app, has_app_context
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from .content import Problem, field_line
from .i18n import N_

# An internal path ("content/hotlines.yml") means nothing to readers; links and code are not text.
CONTENT_PATH = re.compile(r"(?<![\w/.-])content/[\w./-]*\w")
SITE_HREF = re.compile(r'href="(/[^"/][^"]*|/)"')
MARKDOWN_IMAGE = re.compile(r"!\[([^\]]*)\]\(\s*<?([^)\s>]+)")

OTHER_SITE_IMAGE = N_(
    "image '%(image)s' is on another site: the browser blocks it (our security policy); "
    "save the image beside this file and write its file name"
)
UNDESCRIBED_IMAGE = N_(
    "image '%(image)s' has no description: write what it shows between the brackets, "
    "like ![A parent reading with a child](%(image)s)"
)
NO_SUCH_PAGE = N_(
    "link '%(link)s' leads to no page of this site: check the address (e.g. /help, /events, "
    "/centres, or ../<article>/en.md for an article)"
)
INTERNAL_PATH = N_(
    "readers would see the internal path '%(path)s': write what it means for them instead "
    "(e.g. 'the hotlines page'), or leave it out"
)


def line_of(body: str, needle: str, body_line: int) -> int:
    """The file line of ``needle``'s first appearance in ``body`` (which starts at ``body_line``)."""
    index = body.find(needle)
    return body_line + (body[:index].count("\n") if index >= 0 else 0)


def is_off_site(src: str) -> bool:
    return bool(urlsplit(src).scheme) or src.startswith("//")


def image_problems(shown: str, body: str, body_line: int) -> list[Problem]:
    """Images written in the markdown that are on another site or have no description."""
    problems = []
    for match in MARKDOWN_IMAGE.finditer(body):
        alt, src = match.group(1).strip(), match.group(2)
        line = body_line + body[: match.start()].count("\n")
        if is_off_site(src):
            problems.append(Problem(shown, line, OTHER_SITE_IMAGE, params={"image": src}))
        if not alt:
            problems.append(Problem(shown, line, UNDESCRIBED_IMAGE, params={"image": src}))
    return problems


def link_resolves(href: str) -> bool:
    """Whether a site path (as rendered) is a page of this site; true when there is no app to ask."""
    if not has_app_context():
        return True
    path = urlsplit(href).path or "/"
    if path.startswith(("/static/", "/media/")):
        return True
    try:
        current_app.url_map.bind("localhost").match(path, method="GET")
    except RequestRedirect:
        return True
    except HTTPException:
        return False
    return True


def site_link_problems(shown: str, html: str, body: str, body_line: int) -> list[Problem]:
    """Links in the rendered HTML to paths of this site that no route answers."""
    return [
        Problem(shown, line_of(body, href.split("#")[0], body_line), NO_SUCH_PAGE, params={"link": href})
        for href in SITE_HREF.findall(html)
        if not link_resolves(href)
    ]


def internal_path_problems(shown: str, title: str, plain_text: str, body: str, body_line: int) -> list[Problem]:
    """``content/…`` paths in what readers see (the title and the text, not link targets or markup)."""
    problems = []
    for match in CONTENT_PATH.finditer(f"{title}\n{plain_text}"):
        found = match.group(0)
        line = line_of(body, found, body_line) if found in body else field_line(body, "title")
        problems.append(Problem(shown, line, INTERNAL_PATH, params={"path": found}))
    return problems
