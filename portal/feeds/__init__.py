"""Partner NGO feeds: fetch (fetch.py), parse (parse.py) and store (store.py) them; ``flask feeds refresh``.

Data flows one way: feeds are loaded into the Event / NewsItem / PartnerFeed
tables (owned by ``portal.events``); views never fetch a feed.
"""

from flask import Flask

from .. import events  # noqa: F401  (the tables we write)


def init_app(app: Flask) -> None:
    from .cli import feeds_cli

    app.cli.add_command(feeds_cli)
