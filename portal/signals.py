"""What happened, told sideways: the core's signals a capability *sends* and another may *receive*.

The sender never knows who listens (nothing imports the receiver): the page cache and the request
hooks send :data:`page_served` for every language page answered 200, search sends
:data:`search_made`, the self-checks send :data:`selfcheck_completed`. ``portal.insights`` counts
them; with no receiver connected a send costs next to nothing.

Privacy: a signal carries what the page was, never who asked. ``page_served`` hands the WSGI
``environ`` over only so a receiver can tell a robot by its user agent; no receiver may keep or log it.
A self-check completion carries the tool, never its answers, score or band.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from blinker import Namespace, Signal

_signals = Namespace()

# sender: the Flask app; path (no query), query (the page key's query string), mimetype, environ.
page_served = _signals.signal("page-served")
# sender: the Flask app; query (as typed), result_count, lang, environ.
search_made = _signals.signal("search-made")
# sender: the Flask app; tool (its id), lang, environ.
selfcheck_completed = _signals.signal("selfcheck-completed")


# --- the page-cache hit path ---------------------------------------------------------------------------

_hot: dict[Signal, weakref.WeakKeyDictionary[Any, tuple[Callable[..., Any], ...]]] = {}


def _forget(signal: Signal) -> Callable[..., None]:
    def forget(*_args: Any, **_kwargs: Any) -> None:
        _hot[signal] = weakref.WeakKeyDictionary()

    return forget


def _receivers(signal: Signal, sender: Any) -> tuple[Callable[..., Any], ...]:
    """The receivers of ``signal`` for ``sender``, listed again only after one connects or disconnects."""
    cached = _hot.get(signal)
    if cached is None:
        forget = _forget(signal)
        signal.receiver_connected.connect(forget, weak=False)
        signal.receiver_disconnected.connect(forget, weak=False)
        cached = _hot[signal] = weakref.WeakKeyDictionary()
    found = cached.get(sender)
    if found is None:
        found = cached[sender] = tuple(signal.receivers_for(sender)) if signal.receivers else ()
    return found


def send_page_served(app: Any, path: str, query: str, mimetype: str, environ: dict) -> None:
    """``page_served.send(app, ...)`` for the page-cache hit path: blinker's ``send`` finds its receivers
    anew each time (2 µs, a tenth of a hit); the list is kept here until a receiver connects or leaves."""
    for receiver in _receivers(page_served, app):
        receiver(app, path=path, query=query, mimetype=mimetype, environ=environ)
