"""Checkpoints off the writer's thread (console/store/checkpoint.py) against SQLite's own.

    .venv/bin/python benchmarks/checkpoint.py [--hours 120] [--rows 60000] [--rounds 2]

A workload shaped like an hour of 100 groups (benchmarks/operator_day.py): one large
commit that rewrites ~2,000 scattered rows (the ingest batch's counters: ~650 pages),
then 50 one-row commits (the outbox's actions), ``--hours`` times, on a table of
``--rows`` rows, with ``--work`` seconds of Python between them an hour (0: commits back
to back, as when a backlog is caught up). Run twice on fresh files, alternating, ``--rounds`` times:

- baseline: the store as it was, ``wal_autocheckpoint = 4000`` and no thread, so the
  commit that passes 4,000 WAL pages copies them back and waits for the fsyncs;
- thread: the store as it is, the checkpoint in its own thread.

Printed: the writer's time in commits (total, the slowest, commits over 50 ms) and the
whole workload's wall time, each with its ratio to the baseline (best of the rounds).
The test suite never asserts on these.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.store.connection import Store  # noqa: E402


def spin(seconds: float) -> None:
    """Python work between commits (the engine's and the plugins' share of an hour), holding the GIL."""
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def workload(path: Path, thread: bool, hours: int, rows: int, work: float) -> dict[str, float]:
    store = Store(path)
    if not thread:  # the store before console/store/checkpoint.py
        store.checkpointer = None
        store.conn.execute("PRAGMA wal_autocheckpoint = 4000")
    with store.write() as c:
        c.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER NOT NULL, v TEXT NOT NULL)")
        c.executemany("INSERT INTO t(id, n, v) VALUES (?, 0, ?)", [(i, "x" * 120) for i in range(rows)])
    rng = random.Random(7)
    times: list[float] = []
    began = time.perf_counter()
    for _ in range(hours):
        batch = [(rng.randrange(rows),) for _ in range(2000)]
        for size in [batch] + [[(rng.randrange(rows),)] for _ in range(50)]:
            spin(work * len(size) / 4000)  # operator_day: ~0.25 s of Python an hour, half of it on the batch
            with store.write() as c:
                c.executemany("UPDATE t SET n = n + 1 WHERE id = ?", size)
                t0 = time.perf_counter()
            times.append(time.perf_counter() - t0)  # the COMMIT (and, for the thread, its stat and ask)
    wall = time.perf_counter() - began
    store.close()
    return {"commits": sum(times), "slowest": max(times), "over_50ms": sum(1 for t in times if t > 0.05), "wall": wall}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hours", type=int, default=120)
    ap.add_argument("--rows", type=int, default=60_000)
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--work", type=float, default=0.25, help="seconds of Python work an hour (0: commits back to back)")
    a = ap.parse_args()
    best: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory(prefix="checkpoint-") as tmp:
        for r in range(a.rounds):
            for mode in ("baseline", "thread"):
                got = workload(Path(tmp) / f"{mode}-{r}.db", mode == "thread", a.hours, a.rows, a.work)
                keep = best.setdefault(mode, got)
                if got["wall"] < keep["wall"]:
                    best[mode] = got
    base = best["baseline"]
    print(f"{a.hours} hours (a 2,000-row commit and 50 one-row commits each) on {a.rows:,} rows, best of {a.rounds}")
    for mode in ("baseline", "thread"):
        m = best[mode]
        print(f"{mode:9} commits {m['commits']:6.2f} s ({m['commits'] / base['commits']:.2f}x)  slowest"
              f" {1000 * m['slowest']:6.1f} ms  over 50 ms: {m['over_50ms']:3.0f}  wall {m['wall']:6.2f} s"
              f" ({m['wall'] / base['wall']:.2f}x)")


if __name__ == "__main__":
    main()
