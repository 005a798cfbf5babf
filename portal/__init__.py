"""The Hong Kong family portal: a bilingual Flask site.

``create_app`` is a short list of ``configure_*`` steps, one per concern, then
one ``init_app`` per capability (articles, help, events, feeds, self-check,
centres, site pages, search, feedback, life stages, topics, insights, and
the Simplified edition's term list). Each capability lives in its own
sub-package with its model, loader and views.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from flask import Flask

from . import migrations, pages
from .cache import configure_cache
from .cli import configure_cli
from .config import PROJECT_ROOT, load_settings
from .db import configure_database
from .i18n import configure_i18n
from .security import configure_security
from .templating import configure_templates

# Capability sub-packages, in the order their blueprints are registered.
CAPABILITIES = [
    "articles", "help", "selfcheck", "centres", "events", "feeds", "sitepages", "search", "feedback", "preview",
    "health", "glossary", "simplified", "stages", "topics", "insights",
]  # fmt: skip


def create_app(test_config: dict[str, Any] | None = None) -> Flask:
    instance_path = Path((test_config or {}).get("INSTANCE_PATH") or PROJECT_ROOT / "instance")
    app = Flask(
        __name__,
        instance_path=str(instance_path),
        static_folder=str(PROJECT_ROOT / "static"),
        static_url_path="/static",
    )
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_settings(instance_path))
    if test_config:
        app.config.update(test_config)
    configure_logging(app)
    configure_i18n(app)
    configure_templates(app)
    configure_security(app)
    configure_cache(app)
    configure_capabilities(app)
    configure_database(app)
    migrations.init_app(app)
    pages.init_app(app)
    configure_cli(app)
    return app


def configure_logging(app: Flask) -> None:
    if not app.debug and not app.testing:
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def configure_capabilities(app: Flask) -> None:
    from importlib import import_module

    for name in CAPABILITIES:
        import_module(f"{__name__}.{name}").init_app(app)
