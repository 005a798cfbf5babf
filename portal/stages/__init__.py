"""Life stages (content/stages.yml): a way in by where a family is now, from the home page and every article.

Each stage page gathers the articles, upcoming real events and self-checks carrying the stage's tags,
through the core's tagged-things contract (portal/tagged.py), with the hotlines that fit.
"""

from flask import Flask

from ..content import register_content_source
from ..pages import HomePanel, register_home_panel, register_sitemap_provider
from . import model  # noqa: F401  (registers the table)
from .loader import StageSource
from .views import bp, home_context, sitemap_paths, stages_for_tags


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, StageSource())
    register_home_panel(app, HomePanel("stages/home_panel.html", home_context, order=10))
    register_sitemap_provider(app, sitemap_paths)
    # An article lists the stages it belongs to without importing this package.
    app.context_processor(lambda: {"stages_for_tags": stages_for_tags})
