"""Topic pages (/<lang>/topics/<tag>): every tag is a link to what carries it, in both languages.

A package of its own, beside ``stages``: a topic is one tag of content/tags.yml (owned by the articles'
vocabulary), a stage an editor's grouping of several; both gather through portal/tagged.py.
"""

from flask import Flask

from ..content import register_content_source
from ..db import get_session
from ..pages import register_sitemap_provider
from ..tagged import tag_labels
from .loader import TopicSource
from .views import bp


def _sitemap_paths() -> list[str]:
    return ["/topics"] + [f"/topics/{tag}" for tag in sorted(tag_labels(get_session(), "en"))]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, TopicSource(app))
    register_sitemap_provider(app, _sitemap_paths, section="topics")
