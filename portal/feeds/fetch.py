"""Fetch one partner feed over HTTP(S), defensively.

Standard library only (``http.client``): we need control that ``urllib``'s
opener hides (a connect timeout apart from the read timeout, a total deadline,
a byte cap while reading, checking the scheme of every redirect target), and
that is a few dozen lines, not a reason for another dependency.

Every failure becomes a :class:`FetchError` with a ``kind`` (stored on the
PartnerFeed, translated on the partner page) and a message in plain words that
an NGO's web person can act on.
"""

from __future__ import annotations

import http.client
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

USER_AGENT = "HKFamilyPortal-FeedReader/1.0 (+https://family-portal.example/partners)"
ACCEPT = (
    "application/rss+xml, application/atom+xml, application/rdf+xml, text/calendar, "
    "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5"
)
CHUNK = 64 * 1024


class FetchError(Exception):
    """A feed could not be fetched; ``kind`` is one of the PartnerFeed.last_error_kind values."""

    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass(frozen=True)
class FetchSettings:
    connect_timeout: float = 5.0
    read_timeout: float = 10.0
    total_timeout: float = 30.0
    max_bytes: int = 5 * 1024 * 1024
    max_redirects: int = 3

    @classmethod
    def from_config(cls, config: Any) -> FetchSettings:
        return cls(
            connect_timeout=float(config["FEED_CONNECT_TIMEOUT"]),
            read_timeout=float(config["FEED_READ_TIMEOUT"]),
            total_timeout=float(config.get("FEED_TOTAL_TIMEOUT", 30.0)),
            max_bytes=int(config["FEED_MAX_BYTES"]),
            max_redirects=int(config["FEED_MAX_REDIRECTS"]),
        )


@dataclass
class FetchResult:
    not_modified: bool
    body: bytes
    url: str  # after redirects
    content_type: str = ""
    etag: str = ""
    last_modified: str = ""


def _seconds(value: float) -> str:
    return f"{value:g} s"


def _check_scheme(url: str) -> None:
    scheme = urlsplit(url).scheme.lower()
    if scheme not in ("http", "https"):
        shown = scheme or "none"
        raise FetchError("bad-scheme", f"Only http:// and https:// addresses can be read (this one is '{shown}').")


class _Deadline:
    """Shuts the socket down when the whole request runs over its time, so a trickling server cannot hold us.

    The time is the feed's total timeout, cut short by ``not_after`` (a ``time.monotonic()``
    value) when the whole refresh must be over sooner.
    """

    def __init__(self, seconds: float, not_after: float | None = None):
        now = time.monotonic()
        self.ends = now + seconds if not_after is None else min(now + seconds, not_after)
        self.seconds = seconds
        self.cut_short = self.ends < now + seconds
        self.expired = False
        self._sock: socket.socket | None = None
        self._timer = threading.Timer(max(0.0, self.ends - now), self._fire)
        self._timer.daemon = True
        self._timer.start()

    def remaining(self) -> float:
        return max(0.0, self.ends - time.monotonic())

    def watch(self, sock: socket.socket | None) -> None:
        self._sock = sock
        if self.expired:
            self._fire()

    def _fire(self) -> None:
        self.expired = True
        if self._sock is not None:
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    def check(self) -> None:
        if self.expired or time.monotonic() > self.ends:
            self.expired = True
            if self.cut_short:
                raise FetchError(
                    "timeout",
                    f"Timed out: a refresh of all feeds may take at most {_seconds(self.seconds)}, "
                    "and the server was still too slow to send the whole feed when that time ran out.",
                )
            raise FetchError(
                "timeout", f"Timed out after {_seconds(self.seconds)}: the server was too slow to send the whole feed."
            )

    def cancel(self) -> None:
        self._timer.cancel()


def fetch(
    url: str, settings: FetchSettings, etag: str = "", last_modified: str = "", not_after: float | None = None
) -> FetchResult:
    """GET ``url`` (following a few redirects) with conditional headers; raise FetchError on any failure.

    ``not_after`` (a ``time.monotonic()`` value) ends the fetch sooner than the total timeout
    when the whole refresh has to be over by then.
    """
    deadline = _Deadline(settings.total_timeout, not_after)
    try:
        for _hop in range(settings.max_redirects + 1):
            _check_scheme(url)
            status, headers, body = _request(url, settings, deadline, etag, last_modified)
            if status in (301, 302, 303, 307, 308):
                location = headers.get("location", "").strip()
                if not location:
                    raise FetchError("http-status", f"The server answered {status} (moved) without saying where to.")
                url = urljoin(url, location)
                continue
            if status == 304:
                return FetchResult(True, b"", url, etag=etag, last_modified=last_modified)
            if status != 200:
                reason = http.client.responses.get(status, "")
                answer = f"{status} {reason}".rstrip()
                raise FetchError("http-status", f"The server answered {answer} instead of the feed.")
            return FetchResult(
                False,
                body,
                url,
                content_type=headers.get("content-type", ""),
                etag=headers.get("etag", ""),
                last_modified=headers.get("last-modified", ""),
            )
        raise FetchError(
            "too-many-redirects",
            f"The address redirected more than {settings.max_redirects} times; give us the final address of the feed.",
        )
    finally:
        deadline.cancel()


def _request(
    url: str, settings: FetchSettings, deadline: _Deadline, etag: str, last_modified: str
) -> tuple[int, dict[str, str], bytes]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if not host:
        raise FetchError("connection", "The feed address has no server name.")
    conn_class = http.client.HTTPSConnection if parts.scheme.lower() == "https" else http.client.HTTPConnection
    deadline.check()
    # Never wait to connect past the deadline (the shutdown timer cannot reach a socket still connecting).
    kwargs: dict[str, Any] = {"timeout": max(0.001, min(settings.connect_timeout, deadline.remaining()))}
    if conn_class is http.client.HTTPSConnection:
        kwargs["context"] = ssl.create_default_context()
    conn = conn_class(host, parts.port, **kwargs)
    path = parts.path or "/"
    if parts.query:
        path += "?" + parts.query
    request_headers = {"User-Agent": USER_AGENT, "Accept": ACCEPT, "Accept-Encoding": "identity"}
    if etag:
        request_headers["If-None-Match"] = etag
    if last_modified:
        request_headers["If-Modified-Since"] = last_modified
    try:
        try:
            conn.connect()
        except TimeoutError as exc:
            deadline.check()
            raise FetchError(
                "timeout", f"Timed out after {_seconds(settings.connect_timeout)}: could not connect to the server."
            ) from exc
        conn.sock.settimeout(settings.read_timeout)
        deadline.watch(conn.sock)
        deadline.check()
        conn.request("GET", path, headers=request_headers)
        response = conn.getresponse()
        headers = {key.lower(): value for key, value in response.getheaders()}
        if response.status != 200:
            return response.status, headers, b""
        return 200, headers, _read_capped(response, settings, deadline)
    except FetchError:
        raise
    except TimeoutError as exc:
        deadline.check()
        raise FetchError(
            "timeout", f"Timed out after {_seconds(settings.read_timeout)}: the server stopped sending."
        ) from exc
    except ssl.SSLError as exc:
        raise FetchError("connection", f"The secure connection failed ({exc.reason or exc}).") from exc
    except (OSError, http.client.HTTPException) as exc:
        deadline.check()
        raise FetchError("connection", f"Could not read from the server ({_describe(exc)}).") from exc
    finally:
        conn.close()


def _read_capped(response: http.client.HTTPResponse, settings: FetchSettings, deadline: _Deadline) -> bytes:
    too_large = FetchError(
        "too-large", f"The feed is larger than {settings.max_bytes:,} bytes; we stopped reading. Publish fewer items."
    )
    declared = response.getheader("Content-Length")
    if declared and declared.isdigit() and int(declared) > settings.max_bytes:
        raise too_large
    chunks: list[bytes] = []
    size = 0
    while True:
        deadline.check()
        chunk = response.read1(CHUNK) if hasattr(response, "read1") else response.read(CHUNK)
        if not chunk:
            deadline.check()
            break
        size += len(chunk)
        if size > settings.max_bytes:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, socket.gaierror):
        return "the server name was not found"
    if isinstance(exc, ConnectionRefusedError):
        return "the connection was refused"
    if isinstance(exc, ConnectionResetError):
        return "the connection was reset"
    return str(exc) or exc.__class__.__name__
