"""Events from editors' markdown and partner NGO feeds; partner profiles and feed health."""

from flask import Flask

from ..content import register_content_source
from ..districts import register_districts
from ..pages import HomePanel, register_home_panel, register_sitemap_provider
from ..tagged import register_tagged_kind
from . import model  # noqa: F401  (registers the tables)
from .loader import HK, EventSource
from .tagged import TAGGED_EVENTS
from .views import (
    AUDIENCE_LABELS,
    EVENTS_SITEMAP,
    STATUS_LABELS,
    bp,
    event_when,
    format_month,
    home_context,
    partners_bp,
    sitemap_paths,
    weekday_names,
)


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.register_blueprint(partners_bp)
    register_districts(app)
    for function in (event_when, format_month, weekday_names):
        app.add_template_global(function)
    app.add_template_global(HK, "hk")
    app.add_template_global(STATUS_LABELS, "event_status_labels")
    app.add_template_global(AUDIENCE_LABELS, "event_audience_labels")
    register_content_source(app, EventSource())
    register_tagged_kind(app, TAGGED_EVENTS)
    register_home_panel(app, HomePanel("events/home_panel.html", home_context, order=30))
    register_sitemap_provider(app, sitemap_paths)
    register_sitemap_provider(app, EVENTS_SITEMAP)
