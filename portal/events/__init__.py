"""Events from editors' markdown and partner NGO feeds; partner profiles and feed health."""

from flask import Flask

from . import model  # noqa: F401  (registers the tables)


def init_app(app: Flask) -> None:
    """Tables only for now; pages and the content source follow."""
