"""What the preview knows between saves: every file's problems (as ``flask content check`` reports
them) and a version that goes up after each re-sync, which the open page polls to reload itself."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field

from ..content import Problem


@dataclass
class PreviewState:
    version: int = 0
    by_source: dict[str, list[Problem]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def replace(self, found: dict[str, list[Problem]]) -> None:
        """New problems for the sources just checked (the others keep theirs); the open pages reload."""
        with self.lock:
            self.by_source.update(found)
            self.version += 1

    def problems(self) -> list[Problem]:
        with self.lock:
            return sorted(p for problems in self.by_source.values() for p in problems)
