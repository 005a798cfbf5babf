"""Articles: markdown files in content/articles/<slug>/<lang>.md, one page per language."""

from flask import Flask

from ..content import register_content_source
from . import status  # noqa: F401 - adds `flask content status`
from .loader import ArticleSource
from .views import bp, media


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(media)
    register_content_source(app, ArticleSource())
