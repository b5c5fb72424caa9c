"""Refused webhook requests, counted instead of stored: the webhook URL cannot fill the disk.

Before issue 16 every refused request (a bad signature, a made-up connection name, a body
over the limit) was kept in full as a dead letter: anyone who knew the URL could write
190 MB in 5 seconds. A request that is refused before it is trusted now adds one to a
counter in memory, keyed by (UTC day, cause, connection name from the URL); the ingest
loop writes the counters as upserts into ``refused_requests`` (one row write per key per
round, whatever the request rate). Limits, all constants:

- ``MAX_KEYS_PER_DAY`` rows a day: past them the connection name is ``*`` (a flood of
  made-up names costs one row);
- a sample of the first request of each key: method, path (``MAX_PATH`` characters), the
  reason and ``SAMPLE_BYTES`` of the body, escaped;
- rows older than ``KEEP_DAYS`` days are deleted when a new day's first row is written.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime, timezone

MAX_KEYS_PER_DAY = 200
SAMPLE_BYTES = 512
MAX_PATH = 200
MAX_NAME = 64
KEEP_DAYS = 30


def _day(ts: float) -> str:
    return datetime.fromtimestamp(ts, timezone.utc).date().isoformat()


class Refusals:
    """The counter. Thread-safe; ``note`` costs a dict update, ``flush(store)`` writes."""

    def __init__(self, clock=time.time):
        self.clock = clock
        self._lock = threading.Lock()
        self._pending: dict[tuple[str, str, str], list] = {}  # key -> [count, first, last, sample]
        self._keys_today: dict[str, set[tuple[str, str]]] = {}
        self._swept_day = ""

    def note(self, cause: str, connection: str | None, method: str, path: str, error: str, body: bytes) -> bool:
        """Count one refusal; True when it is the first of its key since the last write
        (so a caller logs one line per cause and round, not one per request)."""
        now = self.clock()
        day = _day(now)
        name = (connection or "")[:MAX_NAME]
        with self._lock:
            seen = self._keys_today.setdefault(day, set())
            if (cause, name) not in seen and len(seen) >= MAX_KEYS_PER_DAY:
                name = "*"
            seen.add((cause, name))
            if len(self._keys_today) > 2:  # only today and yesterday matter
                for d in sorted(self._keys_today)[:-2]:
                    del self._keys_today[d]
            hit = self._pending.get((day, cause, name))
            if hit is None:
                sample = f"{method} {path[:MAX_PATH]} | {error[:300]} | {body[:SAMPLE_BYTES]!r}"
                self._pending[(day, cause, name)] = [1, int(now), int(now), sample]
                return True
            hit[0] += 1
            hit[2] = int(now)
            return False

    def pending(self) -> int:
        with self._lock:
            return sum(v[0] for v in self._pending.values())

    def flush(self, store) -> int:
        """Write the counted refusals; the count of rows written. On an error the counts
        are kept for the next round (and the error raised)."""
        with self._lock:
            pending, self._pending = self._pending, {}
        if not pending:
            return 0
        try:
            with store.write() as c:
                c.executemany(
                    "INSERT INTO refused_requests(day, cause, connection, count, first_at, last_at, sample)"
                    " VALUES (?,?,?,?,?,?,?) ON CONFLICT(day, cause, connection) DO UPDATE SET"
                    " count = count + excluded.count, last_at = max(last_at, excluded.last_at)",
                    [(d, cause, name, n, first, last, sample)
                     for (d, cause, name), (n, first, last, sample) in pending.items()])
                today = max(d for d, _, _ in pending)
                if today != self._swept_day:
                    c.execute("DELETE FROM refused_requests WHERE day < ?", (_day(self.clock() - KEEP_DAYS * 86400),))
                    self._swept_day = today
        except Exception:
            with self._lock:  # keep them: merged with what arrived meanwhile
                for key, (n, first, last, sample) in pending.items():
                    hit = self._pending.get(key)
                    if hit is None:
                        self._pending[key] = [n, first, last, sample]
                    else:
                        hit[0] += n
                        hit[1], hit[3] = first, sample
            raise
        return len(pending)
