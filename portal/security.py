"""Security headers on every response, and a friendly 400 for tampered forms."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request


def content_security_policy(app: Flask) -> str:
    img_src = ["'self'", "data:"]
    tile_url = app.config.get("MAP_TILE_URL")
    parts = urlsplit(tile_url or "")
    if parts.scheme and parts.netloc:  # a same-site (relative) tile URL is already covered by 'self'
        # "https://{s}.tile.example.org/{z}/{x}/{y}.png" -> "https://*.tile.example.org"
        img_src.append(f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}")
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            f"img-src {' '.join(img_src)}",
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


def security_headers(app: Flask) -> list[tuple[str, str]]:
    """The headers every response carries unless its view set its own."""
    return [
        ("Content-Security-Policy", app.extensions["portal.csp"]),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "strict-origin-when-cross-origin"),
        ("X-Frame-Options", "DENY"),
        ("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
    ]


def add_security_headers(app: Flask, response: Response) -> Response:
    """Add each security header the response does not have yet (like ``setdefault``).

    One pass over the response's headers instead of one ``setdefault`` scan per
    header: this runs on every request, cached pages included.
    """
    present = {name.lower() for name in response.headers.keys()}
    response.headers.extend(
        (name, value) for name, value in app.extensions["portal.security_headers"] if name.lower() not in present
    )
    return response


_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def reject_control_characters() -> None:
    """A path with a line break or another control character is refused before routing (400):
    it can only be an attack on headers or logs, never a page of ours."""
    if _CONTROL.search(request.path):
        abort(400)


def configure_security(app: Flask) -> None:
    app.before_request(reject_control_characters)
    app.extensions["portal.csp"] = content_security_policy(app)
    app.extensions["portal.security_headers"] = security_headers(app)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("MAX_CONTENT_LENGTH", 1024 * 1024)
