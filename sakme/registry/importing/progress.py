"""Progress of a running import, kept in a small file beside the batch so any process can read it.

A file, not a database row: the import holds its transaction open until the end, and on SQLite no other
writer may run meanwhile.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings

# Long set-based statements of a national-size import write no progress for a minute or two; only a much longer
# silence means the process died.
STALE_AFTER_SECONDS = 900


def progress_path(batch_id: int) -> Path:
    return Path(settings.SAKME_IMPORT_DIR) / f"batch-{batch_id}.progress.json"


class Progress:
    """Writes {phase, done, total, percent, at} at most every `interval` seconds."""

    def __init__(self, batch_id: int, interval: float = 0.5) -> None:
        self.path = progress_path(batch_id)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.interval = interval
        self._last = 0.0

    def update(self, phase: str, done: int, total: int, *, force: bool = False) -> None:
        now = time.monotonic()
        if not force and now - self._last < self.interval:
            return
        self._last = now
        percent = min(100, int(done * 100 / total)) if total else 0
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps({"phase": phase, "done": done, "total": total, "percent": percent,
                                   "at": time.time()}))
        os.replace(tmp, self.path)


def progress_read(batch_id: int) -> dict[str, Any] | None:
    """The last progress written for a batch, or None."""
    try:
        return json.loads(progress_path(batch_id).read_text())
    except (OSError, ValueError):
        return None


def is_stale(batch_id: int) -> bool:
    """True when a running batch has not reported progress for a while (its process died)."""
    data = progress_read(batch_id)
    return data is None or time.time() - float(data.get("at", 0)) > STALE_AFTER_SECONDS
