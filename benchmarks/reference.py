"""A fixed reference workload, timed in the same run as a benchmark whose figure is in
seconds, so that figure reads as a ratio the machine's speed does not move.

The work is the kind a day of shequn does, at a fixed size: 1,000 write transactions of
100 rows each into an indexed SQLite table in WAL mode (``synchronous = NORMAL``, as the
workspace opens its file), each row's JSON built in Python, then 200 indexed reads. The
same code on the same data: it measures the machine (CPU, disk, load), nothing of the
product. Best of ``runs``: a loaded machine's pauses are not the machine's speed.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
import time
from pathlib import Path


def reference_seconds(runs: int = 3) -> float:
    """Seconds the reference workload takes here, best of ``runs``."""
    best = float("inf")
    for _ in range(runs):
        with tempfile.TemporaryDirectory(prefix="shequn-reference-") as tmp:
            db = sqlite3.connect(Path(tmp) / "ref.db", isolation_level=None)
            try:
                db.execute("PRAGMA journal_mode = WAL")
                db.execute("PRAGMA synchronous = NORMAL")
                db.execute("CREATE TABLE m (id INTEGER PRIMARY KEY, g INTEGER, ts INTEGER, body TEXT)")
                db.execute("CREATE INDEX m_g_ts ON m(g, ts)")
                began = time.perf_counter()
                for t in range(1000):
                    rows = [(i % 100, t * 100 + i, json.dumps({"text": f"消息 {t}-{i}", "n": i}, ensure_ascii=False))
                            for i in range(100)]
                    db.execute("BEGIN")
                    db.executemany("INSERT INTO m(g, ts, body) VALUES (?,?,?)", rows)
                    db.execute("COMMIT")
                for g in range(200):
                    db.execute("SELECT count(*), max(ts) FROM m WHERE g = ? AND ts > ?", (g % 100, 50_000)).fetchone()
                best = min(best, time.perf_counter() - began)
            finally:
                db.close()
    return best


if __name__ == "__main__":
    print(f"reference workload: {reference_seconds():.2f} s")
