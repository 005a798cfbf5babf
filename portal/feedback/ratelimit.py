"""A per-client limit on submissions that never keeps the client's address.

A client is counted under ``HMAC(daily salt, address)``, cut to 32 hex digits, in
a counter for the current hour, kept in the shared counter store (Redis in
scale-out, files under ``instance/counters`` embedded; see ``portal/cache.py``).
The salt is random, made by whichever worker needs it first each (Hong Kong)
day, and expires at midnight; the day's first worker also deletes yesterday's.
Without the salt a hash cannot be tied back to an address, even by trying every
IPv4 address, and nothing else about the client is written anywhere.

A store that cannot be reached lets the submission through (logged): the limit
is a brake on floods, never a reason to lose a visitor's answer.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import secrets
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app, request

from ..cache import counters

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Verdict:
    allowed: bool
    retry_after: int  # seconds until the current hour's counter starts again


def client_address() -> str:
    """The connecting address, or the one ``TRUSTED_PROXIES`` hops back in X-Forwarded-For."""
    hops = current_app.config.get("TRUSTED_PROXIES", 0)
    if hops > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            return forwarded[-hops]
    return request.remote_addr or ""


def _now() -> datetime:
    return datetime.now(ZoneInfo(current_app.config["SITE_TIMEZONE"]))


def _salt(now: datetime) -> str | None:
    """Today's salt, created on first use; it expires at midnight."""
    key = f"salt:{now.date().isoformat()}"
    salt = counters.get(key)
    if salt is None:
        midnight = datetime.combine(now.date() + timedelta(days=1), time(0), tzinfo=now.tzinfo)
        if counters.add(key, secrets.token_hex(32), timeout=max(1, int((midnight - now).total_seconds()))):
            counters.delete(f"salt:{(now.date() - timedelta(days=1)).isoformat()}")  # the file store keeps it
        salt = counters.get(key)  # whoever won the race, every worker uses the same salt
    return salt if isinstance(salt, str) else None


def client_hash(salt: str) -> str:
    return hmac.new(salt.encode(), client_address().encode(), hashlib.sha256).hexdigest()[:32]


def hit(scope: str, limit: int) -> Verdict:
    """Count one submission of this client in ``scope``; allowed while the hour's count is within ``limit``."""
    now = _now()
    retry_after = 3600 - (now.minute * 60 + now.second)
    try:
        salt = _salt(now)
        if salt is None:
            raise RuntimeError("no salt")
        key = f"{scope}:{now:%Y%m%d%H}:{client_hash(salt)}"
        counters.add(key, 0, timeout=retry_after)
        count = counters.cache.inc(key)
    except Exception as exc:  # noqa: BLE001 - any store failure: let the visitor through
        log.warning("rate limit store unavailable (%s); submission not counted", exc.__class__.__name__)
        return Verdict(True, 0)
    if count is None:
        return Verdict(True, 0)
    return Verdict(count <= limit, retry_after)
