"""Site pages: About, Contact, Privacy, Accessibility, Terms and Browsing safely, written by editors
in content/site/<slug>/<lang>.md, the contact file content/site/contact.yml, and the quick exit."""

from flask import Flask

from ..content import register_content_source
from ..pages import register_sitemap_provider
from .loader import SitePageSource
from .quickexit import QuickExitSource, quick_exit_for
from .views import bp, contact_email, sitemap_paths


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    register_content_source(app, SitePageSource())
    register_content_source(app, QuickExitSource())
    register_sitemap_provider(app, sitemap_paths)
    app.context_processor(
        lambda: {
            "quick_exit_for": quick_exit_for,
            "quick_exit_url": app.config["QUICK_EXIT_URL"],
            "contact_email": contact_email,
        }
    )
