"""The sitemap: ``/sitemap.xml`` is an index of bounded files, one or more per section.

Each capability registers a section with :func:`register_sitemap_provider`: either a plain function
returning its language-less paths (``"/events/42"``), fine for a few hundred, or a
:class:`SitemapSection` that can count its paths and give one slice of them, which a section that may
grow without bound (events from partner calendars, articles) should be. A file holds at most
``SITEMAP_MAX_URLS`` ``<url>`` entries (each path gives one per language), so however large a partner
calendar grows, no sitemap file is more than a few hundred kilobytes and none takes long to build.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date

from flask import Flask, Response, abort, current_app, render_template

from .i18n import LANGUAGES

# A path, or a path and the day it last changed (<lastmod>).
SitemapPath = str | tuple[str, date]


@dataclass
class SitemapSection:
    """A part of the sitemap that knows its size, so only the slice one file needs is ever read."""

    name: str
    count: Callable[[], int]
    paths: Callable[[int, int], Iterable[SitemapPath]]  # (offset, limit) -> at most limit paths, in a stable order


def _listed(name: str, provider: Callable[[], Iterable[SitemapPath]]) -> SitemapSection:
    """A section from a function returning every path (read once per request of its file or of the index)."""
    return SitemapSection(
        name,
        lambda: len(list(provider())),
        lambda offset, limit: list(provider())[offset : offset + limit],
    )


def register_sitemap_provider(
    app: Flask, provider: SitemapSection | Callable[[], Iterable[SitemapPath]], section: str | None = None
) -> None:
    """Add a section of language-less paths to the sitemap.

    ``provider`` is a :class:`SitemapSection` or a function returning paths; the function's section
    is named ``section`` or after its capability (``portal.centres.views`` -> ``centres``). Sections
    with one name are one sequence of files.
    """
    if not isinstance(provider, SitemapSection):
        module = provider.__module__.split(".")
        provider = _listed(section or (module[1] if len(module) > 1 else "pages"), provider)
    app.extensions.setdefault("portal.sitemap_sections", []).append(provider)


def sections(app: Flask | None = None) -> dict[str, list[SitemapSection]]:
    found: dict[str, list[SitemapSection]] = {}
    for section in (app or current_app).extensions.get("portal.sitemap_sections", []):
        found.setdefault(section.name, []).append(section)
    return found


def paths_per_file() -> int:
    """How many paths one file holds: each path is one <url> per language."""
    return max(1, current_app.config["SITEMAP_MAX_URLS"] // len(LANGUAGES))


def _total(parts: list[SitemapSection]) -> int:
    return sum(part.count() for part in parts)


def index_response() -> Response:
    per_file = paths_per_file()
    files = []
    for name, parts in sections().items():
        total = _total(parts)
        files += [f"/sitemap-{name}-{number}.xml" for number in range(1, -(-total // per_file) + 1)]
    body = render_template("sitemap_index.xml", files=files)
    return Response(body, mimetype="application/xml")


def file_response(name: str, number: int) -> Response:
    parts = sections().get(name)
    per_file = paths_per_file()
    if not parts or number < 1:
        abort(404)
    offset, wanted = (number - 1) * per_file, per_file
    chosen: list[SitemapPath] = []
    for part in parts:  # the slice [offset, offset + per_file) of the parts laid end to end
        size = part.count()
        if offset >= size:
            offset -= size
            continue
        chosen += list(part.paths(offset, wanted))[:wanted]
        wanted = per_file - len(chosen)
        offset = 0
        if wanted <= 0:
            break
    if not chosen:
        abort(404)
    entries = [(item, None) if isinstance(item, str) else item for item in chosen]
    body = render_template("sitemap.xml", entries=entries, languages=LANGUAGES)
    return Response(body, mimetype="application/xml")
