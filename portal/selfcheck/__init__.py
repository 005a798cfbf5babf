"""Self-checks: questionnaires as data (content/selfcheck/<id>.yml), scored privately on the server."""

from flask import Flask

from ..content import register_content_source
from ..pages import register_sitemap_provider
from ..tagged import register_tagged_kind
from .loader import SelfCheckSource
from .tagged import TAGGED_TOOLS
from .views import all_tools, bp


def _sitemap_paths() -> list[str]:
    return ["/self-check"] + [f"/self-check/{tool.id}" for tool in all_tools()]


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, SelfCheckSource())
    register_tagged_kind(app, TAGGED_TOOLS)
    register_sitemap_provider(app, _sitemap_paths)
