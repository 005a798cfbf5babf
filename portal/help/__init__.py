"""Getting help now: verified hotlines (content/hotlines.yml), the help page and the help bar."""

from flask import Flask

from ..content import register_content_source
from .loader import HotlineSource
from .views import bp, help_bar_hotlines


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, HotlineSource())
    app.context_processor(lambda: {"help_bar_hotlines": help_bar_hotlines})
