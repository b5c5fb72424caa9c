"""The engine's SQL alone: what the ingest ratio could reach if its Python were free.

``benchmarks/ingest.py --sql-floor`` records every ``execute``/``executemany`` one engine
run makes (statement, parameters, in order), then replays exactly those calls on a fresh
copy of the same workspace with nothing between them: no resolving, counting, matching
or deciding. The replay's time is the floor of the engine's time for this workload, and
raw / floor is the best ratio any amount of Python tuning could give.

Recording swaps the store's connection class for one that logs its calls. The store
looks the class up when it opens a connection, so only workspaces opened inside
:func:`recording` log anything; the benchmark's timed rounds never run with it.
"""

from __future__ import annotations

import gc
import shutil
import sqlite3
import statistics
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

import console.store.connection as store_connection

Call = tuple[bool, str, Any]  # (executemany?, statement, parameters)


@contextmanager
def recording() -> Iterator[list[Call]]:
    """Log the calls of every store connection opened inside the block."""
    log: list[Call] = []
    base = store_connection._Connection

    class Recording(base):  # type: ignore[misc, valid-type]
        def execute(self, sql, params=()):
            log.append((False, sql, params))
            return super().execute(sql, params)

        def executemany(self, sql, rows):
            rows = list(rows)  # a generator would be spent by the real call
            log.append((True, sql, rows))
            return super().executemany(sql, rows)

    store_connection._Connection = Recording
    try:
        yield log
    finally:
        store_connection._Connection = base


def replay(template: Path, path: Path, log: list[Call], runs: int) -> tuple[float, list[tuple[str, float, int, int]]]:
    """Median seconds of ``runs`` replays of ``log`` on copies of ``template`` (with the
    store's pragmas; reads fetched to the end, as the engine does), and from one more
    replay the cost per statement: (statement, seconds, calls, rows), costliest first.
    The timed replays keep no books, so the floor is not inflated by its own counting."""
    times = [_replay(template, path, log, None) for _ in range(runs)]
    per: dict[str, list] = {}
    _replay(template, path, log, per)
    ranked = sorted(((sql, c[0], c[1], c[2]) for sql, c in per.items()), key=lambda r: -r[1])
    return statistics.median(times), ranked


def _replay(template: Path, path: Path, log: list[Call], per: dict[str, list] | None) -> float:
    shutil.copyfile(template, path)
    conn = sqlite3.connect(path, isolation_level=None)
    for pragma in ("journal_mode = WAL", "synchronous = NORMAL", "foreign_keys = ON", "mmap_size = 268435456"):
        conn.execute(f"PRAGMA {pragma}")
    clock = time.perf_counter
    gc.collect()
    gc.freeze()
    began = clock()
    if per is None:
        for many, sql, params in log:
            if many:
                conn.executemany(sql, params)
            else:
                conn.execute(sql, params).fetchall()
    else:
        for many, sql, params in log:
            t = clock()
            if many:
                conn.executemany(sql, params)
            else:
                conn.execute(sql, params).fetchall()
            cost = per.setdefault(sql, [0.0, 0, 0])
            cost[0] += clock() - t
            cost[1] += 1
            cost[2] += len(params) if many else 1
    secs = clock() - began
    conn.close()
    return secs


def shorten(sql: str, width: int = 90) -> str:
    """One line of a statement, for the printed table."""
    flat = " ".join(sql.split())
    return flat if len(flat) <= width else flat[:width - 1] + "…"
