"""Live preview for editors: ``flask content preview`` (``make preview``).

Serves the site from the editor's working copy on 127.0.0.1, with its own SQLite database and cache in
``instance/preview/`` (production data is never touched), re-syncs each saved file, reloads the open
page and shows that file's problems as a banner on the page. Only a preview app (``PREVIEW`` set)
registers the banner, the reload script and its endpoint: production pages are unchanged.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Blueprint, Flask, current_app, g, jsonify
from werkzeug.serving import run_simple

from ..cli import content_cli, sync_content
from .banner import banner_for_request
from .state import PreviewState
from .watch import Watcher, check_sources

STATE_KEY = "portal.preview"
bp = Blueprint("preview", __name__)


@bp.get("/__preview/state")
def state():
    """The preview's version: the open page reloads when it changes (static/js/preview-reload.js)."""
    response = jsonify(version=current_app.extensions[STATE_KEY].version)
    response.headers["Cache-Control"] = "no-store"
    return response


def preview_state(app: Flask) -> PreviewState:
    return app.extensions[STATE_KEY]


def init_app(app: Flask) -> None:
    if not app.config.get("PREVIEW"):
        return
    app.extensions[STATE_KEY] = PreviewState()
    app.register_blueprint(bp)

    @app.before_request
    def never_cache_previews() -> None:
        g.no_page_cache = True  # the banner changes with every save, and nothing is ever stored

    @app.context_processor
    def banner():
        state = app.extensions[STATE_KEY]
        return {"preview_banner": lambda: banner_for_request(state.problems()), "preview_version": state.version}


def preview_app(content_dir: Path, data_dir: Path, port: int) -> Flask:
    """A site of its own on the working copy: SQLite and file caches in ``data_dir``, no Redis."""
    from .. import create_app

    data_dir.mkdir(parents=True, exist_ok=True)
    return create_app(
        {
            "PREVIEW": True,
            "CONTENT_DIR": str(content_dir),
            "DATABASE_URL": f"sqlite:///{data_dir / 'preview.sqlite3'}",
            "DATABASE_UPGRADE_ON_START": True,  # its own database, made or upgraded as it starts
            "REDIS_URL": None,
            "CACHE_DIR": str(data_dir / "cache"),
            "COUNTER_CACHE_DIR": str(data_dir / "counters"),
            "SITE_URL": f"http://127.0.0.1:{port}",
        }
    )


@content_cli.command("preview")
@click.option("--port", default=5001, show_default=True, help="Port on 127.0.0.1.")
@click.option(
    "--data-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Where the preview keeps its database and cache (default: instance/preview).",
)
def preview_command(port: int, data_dir: Path | None) -> None:
    """Serve the working copy on http://127.0.0.1:PORT; each saved file is re-synced and its page reloads."""
    content_dir = Path(current_app.config["CONTENT_DIR"])
    app = preview_app(content_dir, data_dir or Path(current_app.instance_path) / "preview", port)
    state = preview_state(app)
    with app.app_context():
        sync_content(app)
    state.replace(check_sources(app))
    watcher = Watcher(app, state)
    watcher.start()
    click.echo(f"Preview of {content_dir} on http://127.0.0.1:{port}/ (Ctrl+C to stop)")
    try:
        run_simple("127.0.0.1", port, app, threaded=True, use_reloader=False, use_debugger=False)
    finally:
        watcher.stop()
