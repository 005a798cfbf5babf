"""Centre finder: which Integrated Family Service Centre serves me, is it open, how
do I reach it; plus open data (JSON, CSV, Open Referral HSDS 3.0)."""

from flask import Flask

from ..content import register_content_source
from ..districts import register_districts
from ..pages import register_sitemap_provider
from .loader import CentreSource
from .views import api, bp, sitemap_paths


def init_app(app: Flask) -> None:
    register_districts(app)
    register_content_source(app, CentreSource())
    app.register_blueprint(bp)
    app.register_blueprint(api)
    register_sitemap_provider(app, sitemap_paths)
