"""Site pages: About, Contact, Privacy, Accessibility, Terms and Browsing safely, written by editors
in content/site/<slug>/<lang>.md, and the contact file content/site/contact.yml."""

from flask import Flask

from ..content import register_content_source
from ..pages import register_sitemap_provider
from .loader import SitePageSource
from .views import bp, contact_email, sitemap_paths


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, SitePageSource())
    register_sitemap_provider(app, sitemap_paths)
    app.context_processor(lambda: {"contact_email": contact_email})
