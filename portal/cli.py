"""The ``flask`` commands editors and operators use: ``flask content check|sync|status``.

Exit codes, for cron: 0 when every file is fine, 1 when some files were rejected (the good
ones were still published, the last good version of a rejected file stays online), 2 when a
failure stopped the run (nothing was published).
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from .content import Problem, SyncReport, content_changed, content_sources
from .db import lock_for_writing, session_scope, set_state, utcnow
from .i18n import LANGUAGES, N_, translate

logger = logging.getLogger(__name__)
content_cli = AppGroup("content", help="Check and load the files in content/.")

EXIT_CLEAN, EXIT_REJECTED, EXIT_STOPPED = 0, 1, 2

lang_option = click.option(
    "--lang",
    type=click.Choice(sorted(LANGUAGES)),
    default=None,
    help="Language of the messages (default: PORTAL_EDITOR_LANG, else en).",
)


def _content_dir() -> Path:
    return Path(current_app.config["CONTENT_DIR"])


def editor_lang(chosen: str | None = None) -> str:
    """--lang, else PORTAL_EDITOR_LANG, else English (an unknown setting falls back to English)."""
    lang = chosen or current_app.config.get("EDITOR_LANG") or "en"
    return lang if lang in LANGUAGES else "en"


def say(lang: str, message: str, err: bool = False, **params: object) -> None:
    """Print ``message`` (marked with N_) in the editor's language."""
    text = translate(lang, message)
    click.echo(text % params if params else text, err=err)


def _print_problems(problems: list[Problem], lang: str) -> None:
    for problem in sorted(problems):
        click.echo(problem.text(lang), err=problem.severity == "error")


def exit_code(problems: list[Problem]) -> int:
    return EXIT_REJECTED if any(p.severity == "error" for p in problems) else EXIT_CLEAN


@content_cli.command("check")
@lang_option
def check_command(lang: str | None) -> None:
    """Validate all content; print path:line: problem; exit 1 on any error, 2 if the check could not run."""
    lang = editor_lang(lang)
    content_dir = _content_dir()
    problems: list[Problem] = []
    stopped = False
    for source in content_sources():
        try:
            problems += source.check(content_dir)
        except Exception as exc:  # noqa: BLE001 - report, check the other sources, exit 2
            logger.exception("content check of %s stopped", source.name)
            say(lang, N_("the check of %(source)s stopped: %(error)s (the details are in the log)"), err=True,
                source=source.name, error=f"{type(exc).__name__}: {exc}")  # fmt: skip
            stopped = True
    _print_problems(problems, lang)
    errors = sum(p.severity == "error" for p in problems)
    say(lang, N_("%(errors)s error(s), %(warnings)s warning(s) in %(folder)s"),
        errors=errors, warnings=len(problems) - errors, folder=content_dir)  # fmt: skip
    sys.exit(EXIT_STOPPED if stopped else exit_code(problems))


def sync_content(app: Flask, show_progress: bool = False) -> list[SyncReport]:
    """Load changed content into the database in one transaction, then refresh caches."""
    content_dir = Path(app.config["CONTENT_DIR"])
    sources = content_sources(app)
    # Counting files walks the whole content folder once more: only worth it for a progress bar someone sees.
    total = sum(len(source.files(content_dir)) for source in sources) if show_progress else 0
    reports: list[SyncReport] = []
    # Loaders ask the app's URL map whether a link leads somewhere, with or without a command around them.
    with app.app_context(), session_scope(app) as session:
        lock_for_writing(session, "content-sync")
        with click.progressbar(length=total, label="Syncing content", file=None if show_progress else _Null()) as bar:
            for source in sources:
                reports.append(source.sync(session, content_dir, bar.update))
        now = utcnow().isoformat()
        if any(report.changed for report in reports):
            set_state(session, "content_synced_at", now)
        set_state(session, "content_sync_completed_at", now)  # every sync that ran to the end (/healthz)
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
@lang_option
def sync_command(lang: str | None) -> None:
    """Load new and changed content (unchanged files are skipped); exit 1 if files were rejected, 2 if stopped."""
    lang = editor_lang(lang)
    app = current_app._get_current_object()
    try:
        reports = sync_content(app, show_progress=sys.stdout.isatty())
    except Exception as exc:  # noqa: BLE001 - cron sees exit 2; the traceback goes to the log
        logger.exception("content sync stopped")
        say(lang, N_("the sync stopped and published nothing: %(error)s (the details are in the log)"), err=True,
            error=f"{type(exc).__name__}: {exc}")  # fmt: skip
        sys.exit(EXIT_STOPPED)
    problems = [p for report in reports for p in report.problems]
    _print_problems(problems, lang)
    for report in reports:
        say(lang, N_("%(source)s: %(added)s added, %(updated)s updated, %(unchanged)s unchanged, "
                     "%(removed)s removed, %(rejected)s rejected"), source=report.source, added=report.added,
            updated=report.updated, unchanged=report.unchanged, removed=report.removed,
            rejected=sum(p.severity == "error" for p in report.problems))  # fmt: skip
    code = exit_code(problems)
    if code == EXIT_REJECTED:
        say(lang, N_("Files with errors were not loaded; their last good version stays online."), err=True)
    sys.exit(code)


def configure_cli(app: Flask) -> None:
    app.cli.add_command(content_cli)
