"""Feedback: "Was this page useful?" on articles, help and centre pages, and centre corrections.

Visitors' answers go to one store (``model.Feedback``) with personal details taken
out of comments (``redact.py``) and nothing about the visitor kept; editors read
them with ``flask feedback list`` and ``flask feedback export --csv`` (``cli.py``).
"""

from flask import Flask

from .cli import feedback_cli
from .views import bp


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.cli.add_command(feedback_cli)
