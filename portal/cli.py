"""The ``flask`` commands editors and operators use: ``flask content check|sync``."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .content import Problem, SyncReport, content_changed, content_sources
from .db import lock_for_writing, session_scope, set_state, utcnow

content_cli = AppGroup("content", help="Check and load the files in content/.")


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def _print_problems(problems: list[Problem]) -> None:
    for problem in sorted(problems):
        click.echo(str(problem), err=problem.severity == "error")


@content_cli.command("check")
def check_command() -> None:
    """Validate all content; print path:line: problem; exit 1 on any error."""
    content_dir = _content_dir()
    problems: list[Problem] = []
    for source in content_sources():
        problems += source.check(content_dir)
    _print_problems(problems)
    errors = sum(p.severity == "error" for p in problems)
    warnings = len(problems) - errors
    click.echo(f"{errors} error(s), {warnings} warning(s) in {content_dir}")
    sys.exit(1 if errors else 0)


def sync_content(app: Flask, show_progress: bool = False) -> list[SyncReport]:
    """Load changed content into the database in one transaction, then refresh caches."""
    content_dir = Path(app.config["CONTENT_DIR"])
    sources = content_sources(app)
    # Counting files walks the whole content folder once more: only worth it for a progress bar someone sees.
    total = sum(len(source.files(content_dir)) for source in sources) if show_progress else 0
    reports: list[SyncReport] = []
    with session_scope(app) as session:
        lock_for_writing(session, "content-sync")
        with click.progressbar(
            length=total, label="Syncing content", file=None if show_progress else _Null()
        ) as bar:
            for source in sources:
                reports.append(source.sync(session, content_dir, bar.update))
        if any(report.changed for report in reports):
            set_state(session, "content_synced_at", utcnow().isoformat())
    changed = {report.source for report in reports if report.changed}
    if changed:
        keys = {r.source: r.changed_keys for r in reports if r.changed and r.changed_keys is not None}
        content_changed(app, changed, keys)
    return reports


class _Null:
    def write(self, _text: str) -> None:
        pass

    def flush(self) -> None:
        pass

    def isatty(self) -> bool:
        return False


@content_cli.command("sync")
def sync_command() -> None:
    """Load new and changed content into the database (unchanged files are skipped)."""
    app = current_app._get_current_object()
    reports = sync_content(app, show_progress=sys.stdout.isatty())
    problems = [p for report in reports for p in report.problems]
    _print_problems(problems)
    for report in reports:
        click.echo(report.summary())
    if any(p.severity == "error" for p in problems):
        click.echo("Files with errors were not loaded; their last good version stays online.", err=True)


def configure_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
