"""A local HTTP server for feed tests: serves tests/fixtures/feeds/ and misbehaves on request.

Fixture files may contain ``{{D+7}}`` (date as YYYYMMDD) and ``{{ISO+7}}`` (YYYY-MM-DD), days
from today in Hong Kong, so recurring calendars and upcoming events stay upcoming.

Paths:
  /feeds/<file>           the fixture (Content-Type from its extension; ?charset=big5 adds a charset;
                          ?together=3 holds the answer until 3 requests for the same address arrived, at most
                          10 s, so that several refreshing processes fetch, then store, a feed at the same time;
                          other parameters are ignored)
  /etag/<file>            the fixture with an ETag; answers 304 to a matching If-None-Match
  /hang                   accepts the request and never answers (until the server stops)
  /trickle                sends headers, then one byte at a time forever
  /status/<code>          answers with that status
  /loop                   redirects to itself
  /redirect?to=<url>      redirects to <url> (any scheme)
  /huge                   an endless body without Content-Length
  /huge-declared          a Content-Length far over any cap
"""

from __future__ import annotations

import re
import threading
import time
from datetime import datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

FEED_FIXTURES = Path(__file__).parent / "fixtures" / "feeds"
TOKEN = re.compile(rb"\{\{(D|ISO)([+-]\d+)\}\}")
TYPES = {".xml": "application/xml", ".ics": "text/calendar", ".html": "text/html"}


def render_fixture(name: str, today=None) -> bytes:
    """The fixture's bytes with its date tokens filled in relative to today (Hong Kong)."""
    today = today or datetime.now(ZoneInfo("Asia/Hong_Kong")).date()

    def fill(match: re.Match) -> bytes:
        day = today + timedelta(days=int(match.group(2)))
        return (day.strftime("%Y%m%d") if match.group(1) == b"D" else day.isoformat()).encode()

    return TOKEN.sub(fill, (FEED_FIXTURES / name).read_bytes())


class FeedServer:
    """Threaded http.server on 127.0.0.1:<free port>; ``overrides`` maps a path to (status, type, body)."""

    def __init__(self) -> None:
        self.stopping = threading.Event()
        self.overrides: dict[str, tuple[int, str, bytes]] = {}
        self.requests: list[tuple[str, dict[str, str]]] = []
        self.arrived: dict[str, int] = {}
        self.arrival = threading.Condition()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802
                server.requests.append((self.path, {k.lower(): v for k, v in self.headers.items()}))
                server.handle(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def url(self, path: str) -> str:
        return self.base + path

    def _wait_for_others(self, path: str, count: int, seconds: float = 10.0) -> None:
        with self.arrival:
            self.arrived[path] = self.arrived.get(path, 0) + 1
            self.arrival.notify_all()
            self.arrival.wait_for(lambda: self.arrived[path] >= count or self.stopping.is_set(), timeout=seconds)

    def stop(self) -> None:
        self.stopping.set()
        with self.arrival:
            self.arrival.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()

    def handle(self, h: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(h.path)
        path, query = parts.path, parse_qs(parts.query)
        if path in self.overrides:
            status, ctype, body = self.overrides[path]
            return self._send(h, status, body, ctype)
        if path.startswith("/feeds/"):
            name = path.removeprefix("/feeds/")
            ctype = TYPES.get(Path(name).suffix, "application/octet-stream")
            if "charset" in query:
                ctype += f"; charset={query['charset'][0]}"
            if "together" in query:
                self._wait_for_others(h.path, int(query["together"][0]))
            return self._send(h, 200, render_fixture(name), ctype)
        if path.startswith("/etag/"):
            body = render_fixture(path.removeprefix("/etag/"))
            etag = f'"{len(body)}-v1"'
            if h.headers.get("If-None-Match") == etag:
                return self._send(h, 304, b"", "", {"ETag": etag})
            return self._send(
                h, 200, body, "application/xml", {"ETag": etag, "Last-Modified": "Mon, 02 Nov 2026 01:00:00 GMT"}
            )
        if path == "/hang":
            self.stopping.wait(30)
            return None
        if path == "/trickle":
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.end_headers()
            try:
                while not self.stopping.is_set():
                    h.wfile.write(b" ")
                    h.wfile.flush()
                    time.sleep(0.05)
            except OSError:
                pass
            return None
        if path.startswith("/status/"):
            return self._send(h, int(path.removeprefix("/status/")), b"<h1>Oops</h1>", "text/html")
        if path == "/loop":
            return self._send(h, 302, b"", "", {"Location": "/loop"})
        if path == "/redirect":
            return self._send(h, 301, b"", "", {"Location": query["to"][0]})
        if path == "/huge":
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Connection", "close")
            h.end_headers()
            try:
                h.wfile.write(b"<rss><channel>")
                chunk = b"<item><title>x</title></item>" * 1000
                while not self.stopping.is_set():
                    h.wfile.write(chunk)
            except OSError:
                pass
            h.close_connection = True
            return None
        if path == "/huge-declared":
            h.send_response(200)
            h.send_header("Content-Type", "application/xml")
            h.send_header("Content-Length", str(10**12))
            h.end_headers()
            h.close_connection = True
            return None
        return self._send(h, 404, b"not found", "text/plain")

    @staticmethod
    def _send(h: BaseHTTPRequestHandler, status: int, body: bytes, ctype: str, headers: dict | None = None) -> None:
        h.send_response(status)
        if ctype:
            h.send_header("Content-Type", ctype)
        for key, value in (headers or {}).items():
            h.send_header(key, value)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        if body and status != 304:
            h.wfile.write(body)


@pytest.fixture(name="feed_server")
def feed_server_fixture():
    """A FeedServer for one test, stopped afterwards (hanging handlers are released)."""
    server = FeedServer()
    yield server
    server.stop()
