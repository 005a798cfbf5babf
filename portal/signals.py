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

from blinker import Namespace

_signals = Namespace()

# sender: the Flask app; path (no query), query (the page key's query string), mimetype, environ.
page_served = _signals.signal("page-served")
# sender: the Flask app; query (as typed), result_count, lang, environ.
search_made = _signals.signal("search-made")
# sender: the Flask app; tool (its id), lang, environ.
selfcheck_completed = _signals.signal("selfcheck-completed")
