"""``flask db upgrade | current | check | revision | history``: the schema, for operators and developers."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import AppGroup

from ..db import Base, get_engine
from . import (
    alembic_config,
    current_revision,
    head_revision,
    schema_differences,
    script_heads,
    upgrade_app_database,
)

db_cli = AppGroup("db", help="Create, upgrade and check the database schema (Alembic migrations).")

FIX_HINT = (
    "A model and the migrations disagree. If you changed a model, add a migration:\n"
    "  flask db upgrade\n"
    '  flask db revision --autogenerate -m "what changed"\n'
    "then read the new file in portal/migrations/versions/ (rename, data copies and server defaults\n"
    "need a human), run `flask db upgrade` and commit it with the model change."
)


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def upgrade_command(revision: str) -> None:
    """Create the database or bring it up to REVISION (default: the newest), in one transaction."""
    result = upgrade_app_database(current_app, revision)
    if result.adopted:
        click.echo(
            f"Adopted a database made before migrations: its {result.tables_kept} tables and their rows were kept."
        )
    if result.before == result.after:
        click.echo(f"The database schema is at {result.after} already.")
    else:
        click.echo(f"The database schema went from {result.before or 'nothing'} to {result.after}.")


@db_cli.command("current")
def current_command() -> None:
    """Print the database's revision and whether it is the newest; exit 1 when it is behind."""
    with get_engine().connect() as connection:
        current = current_revision(connection)
    head = head_revision()
    click.echo(f"database: {current or 'no revision (run flask db upgrade)'}; code: {head}")
    if current != head:
        sys.exit(1)


@db_cli.command("check")
def check_command() -> None:
    """Compare the models with the database (at the newest revision); exit 1, saying what to do, on a difference."""
    if len(script_heads()) != 1:
        click.echo(f"The migrations have {len(script_heads())} heads; join them: flask db merge", err=True)
        sys.exit(1)
    with get_engine().connect() as connection:
        if current_revision(connection) != head_revision():
            click.echo("The database is not at the newest revision: run flask db upgrade first.", err=True)
            sys.exit(1)
        differences = schema_differences(connection, Base.metadata)
    if differences:
        for difference in differences:
            click.echo(f"  {difference}", err=True)
        click.echo(FIX_HINT, err=True)
        sys.exit(1)
    click.echo("The models and the migrations agree.")


@db_cli.command("revision")
@click.option("-m", "--message", required=True, help="What the migration does, in a few words.")
@click.option("--autogenerate", is_flag=True, help="Fill it from the difference between the models and the database.")
def revision_command(message: str, autogenerate: bool) -> None:
    """Write a new migration into portal/migrations/versions/ (run `flask db upgrade` first)."""
    from alembic import command  # only here: importing Alembic would slow every `flask` command

    with get_engine().begin() as connection:
        config = alembic_config(connection, Base.metadata)
        script = command.revision(config, message=message, autogenerate=autogenerate)
    for one in script if isinstance(script, list) else [script]:
        if one is not None:
            click.echo(f"Wrote {one.path}: read it, then run flask db upgrade.")


@db_cli.command("merge")
@click.option("-m", "--message", default="merge", help="What the merge joins.")
def merge_command(message: str) -> None:
    """Join two heads (two branches that each added a migration) into one."""
    from alembic import command  # only here: importing Alembic would slow every `flask` command

    with get_engine().begin() as connection:
        script = command.merge(alembic_config(connection), revisions=["heads"], message=message)
    click.echo(f"Wrote {script.path}: run flask db upgrade.")


@db_cli.command("history")
def history_command() -> None:
    """List the migrations, newest first."""
    from alembic import command  # only here: importing Alembic would slow every `flask` command

    with get_engine().connect() as connection:
        command.history(alembic_config(connection))
