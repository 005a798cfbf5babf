"""Getting help now: verified hotlines (content/hotlines.yml), the help page and the help bar."""

from flask import Flask

from ..content import register_content_source
from .loader import HotlineSource
from .views import bp, help_bar_hotlines, hotlines_by_key


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, HotlineSource())
    # Templates of any capability may list hotlines without importing this package.
    app.context_processor(lambda: {"help_bar_hotlines": help_bar_hotlines, "hotlines_by_key": hotlines_by_key})
