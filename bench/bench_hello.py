"""Bench-only: a bare Flask app with one route, the yardstick of ``bench/bench_servers.py``.

granian --interface wsgi --working-dir bench bench_hello:app
"""

from __future__ import annotations

from flask import Flask, Response

app = Flask(__name__)


@app.get("/")
def hello() -> Response:
    return Response("hello\n", mimetype="text/plain")
