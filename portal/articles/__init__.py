"""Articles: markdown files in content/articles/<slug>/<lang>.md, one page per language."""

from flask import Flask

from ..content import register_content_source
from ..tagged import register_tag_labels, register_tagged_kind
from . import status  # noqa: F401 - adds `flask content status`
from .loader import ArticleSource
from .queries import tag_labels
from .tagged import TAGGED_ARTICLES
from .views import bp, media


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(media)
    register_content_source(app, ArticleSource())
    register_tagged_kind(app, TAGGED_ARTICLES)
    register_tag_labels(app, tag_labels)  # content/tags.yml is loaded with the articles
