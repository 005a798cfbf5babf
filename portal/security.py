"""Security headers on every response, and a friendly 400 for tampered forms."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, Response


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


def add_security_headers(app: Flask, response: Response) -> Response:
    headers = response.headers
    headers.setdefault("Content-Security-Policy", app.extensions["portal.csp"])
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(self)")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    return response


def configure_security(app: Flask) -> None:
    app.extensions["portal.csp"] = content_security_policy(app)
    app.config.setdefault("SESSION_COOKIE_HTTPONLY", True)
    app.config.setdefault("SESSION_COOKIE_SAMESITE", "Lax")
    app.config.setdefault("MAX_CONTENT_LENGTH", 1024 * 1024)
