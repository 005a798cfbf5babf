"""Re-sync the preview's database when the editor saves a file in the working copy.

watchdog hears each save from the operating system (inotify, FSEvents, Windows), so a save is seen at
once without scanning the whole content folder several times a second; a burst of events (an editor
writes a temporary file, then renames it) becomes one re-sync after a short pause.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from flask import Flask
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from ..cli import sync_content
from ..content import Problem, content_sources, relative
from .state import PreviewState

log = logging.getLogger(__name__)

SETTLE_SECONDS = 0.1  # events closer together than this are one save
IGNORED_SUFFIXES = ("~", ".swp", ".swx", ".tmp", ".part", ".crdownload")
WATCHED_EVENTS = {"created", "modified", "moved", "deleted", "closed"}


def check_sources(app: Flask, only: set[str] | None = None) -> dict[str, list[Problem]]:
    """Each source's problems, as ``flask content check`` reports them (``only``: these sources)."""
    content_dir = Path(app.config["CONTENT_DIR"])
    found: dict[str, list[Problem]] = {}
    with app.app_context():
        for source in content_sources(app):
            if only is None or source.name in only:
                try:
                    found[source.name] = source.check(content_dir)
                except Exception:  # noqa: BLE001 - one source failing must not stop the preview
                    log.exception("preview: checking %s failed", source.name)
    return found


def sources_of(app: Flask, paths: set[Path]) -> set[str] | None:
    """The sources that read these files; None (check every source) when one of them is read by none
    of them as its own file (e.g. categories.yml, which every article depends on)."""
    content_dir = Path(app.config["CONTENT_DIR"])
    uncovered = {path.resolve() for path in paths}
    names = set()
    for source in content_sources(app):
        own = {path.resolve() for path in source.files(content_dir)} & uncovered
        if own:
            names.add(source.name)
            uncovered -= own
    return None if uncovered or not names else names


def resync(app: Flask, state: PreviewState, changed: set[Path] | None = None) -> None:
    """Load what changed into the preview database, then check the files' sources again."""
    try:
        with app.app_context():
            sync_content(app)
    except Exception:  # noqa: BLE001 - the editor sees the problems; the preview keeps running
        log.exception("preview: sync failed")
    only = sources_of(app, changed) if changed else None
    state.replace(check_sources(app, only))
    shown = ", ".join(sorted(relative(p, Path(app.config["CONTENT_DIR"])) for p in changed or ()))
    log.info("preview: re-synced %s", shown or "everything")


class _Saves(FileSystemEventHandler):
    def __init__(self, wake: threading.Event, changed: set[Path], lock: threading.Lock) -> None:
        self.wake, self.changed, self.lock = wake, changed, lock

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type not in WATCHED_EVENTS:
            return
        for raw in (event.src_path, getattr(event, "dest_path", "")):
            path = Path(raw.decode() if isinstance(raw, bytes) else raw) if raw else None
            if path is None or path.name.startswith((".", "#")) or path.name.endswith(IGNORED_SUFFIXES):
                continue
            with self.lock:
                self.changed.add(path)
            self.wake.set()


class Watcher:
    """Watches the content folder and re-syncs after each save, in one background thread."""

    def __init__(self, app: Flask, state: PreviewState) -> None:
        self.app, self.state = app, state
        self.wake, self.stopped = threading.Event(), threading.Event()
        self.changed: set[Path] = set()
        self.lock = threading.Lock()
        self.observer = Observer()
        handler = _Saves(self.wake, self.changed, self.lock)
        self.observer.schedule(handler, str(app.config["CONTENT_DIR"]), recursive=True)
        self.thread = threading.Thread(target=self._run, name="preview-resync", daemon=True)

    def start(self) -> None:
        self.observer.start()
        self.thread.start()

    def stop(self) -> None:
        self.stopped.set()
        self.wake.set()
        self.observer.stop()

    def _run(self) -> None:
        while not self.stopped.is_set():
            self.wake.wait()
            if self.stopped.is_set():
                return
            self.stopped.wait(SETTLE_SECONDS)
            self.wake.clear()
            with self.lock:
                changed = set(self.changed)
                self.changed.clear()
            if changed:
                resync(self.app, self.state, changed)
