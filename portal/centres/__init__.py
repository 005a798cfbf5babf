"""Centre finder: which Integrated Family Service Centre serves me, is it open, how
do I reach it; plus open data (JSON, CSV, Open Referral HSDS 3.0)."""

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from ..cli import content_cli
from ..content import register_content_source
from ..districts import register_districts
from ..pages import register_sitemap_provider
from .finder import now_in_hong_kong
from .holidays import default_years, write_holidays_file
from .loader import CentreSource, holidays_path
from .views import api, bp, sitemap_paths


@click.command("holidays")
@click.argument("years", nargs=-1, type=int)
@with_appcontext
def holidays_command(years: tuple[int, ...]) -> None:
    """Write content/holidays.yml: the general holidays of YEARS (default: this year and next)."""
    path = holidays_path(Path(current_app.config["CONTENT_DIR"]))
    chosen = list(years) or default_years(now_in_hong_kong().date())
    count = write_holidays_file(path, chosen)
    click.echo(f"Wrote {count} general holidays for {', '.join(map(str, sorted(set(chosen))))} to {path}.")
    click.echo("Compare them with the GovHK list, then run `flask content check` and `flask content sync`.")


def init_app(app: Flask) -> None:
    register_districts(app)
    register_content_source(app, CentreSource())
    content_cli.add_command(holidays_command)
    app.register_blueprint(bp)
    app.register_blueprint(api)
    register_sitemap_provider(app, sitemap_paths)
