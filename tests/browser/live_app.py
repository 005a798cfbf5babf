"""The app granian serves for the browser tests (see GranianServer in conftest.py).

Its settings come from the test session as JSON in PORTAL_TEST_APP_SETTINGS, so every worker
builds the same app the session's own process uses, on the same database and cache.
"""

import json
import os

from portal import create_app

app = create_app(json.loads(os.environ["PORTAL_TEST_APP_SETTINGS"]))
