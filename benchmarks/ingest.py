"""Ingest throughput: sandbox events through the whole engine next to a raw executemany.

    .venv/bin/python benchmarks/ingest.py [--messages 1000000] [--events 60000] [--batch 500]

Two workspace files get the same schema and indexes (every migration, plugins' too) and
the same preload of ``--messages`` rows (raw ``executemany``, fast). Then the same
sandbox events go

- into the first through ``Engine(ws).ingest`` in batches of ``--batch`` (dedupe,
  group and people resolution, messages and events, memberships, rollups, every
  installed plugin's ``process_events`` and join-request decisions, the outbox), and
- into the second through ``Engine(ws, hooks=False)`` (the host's own work without any
  plugin), so the split between the engine and the plugins' hooks shows, and
- into the third as plain rows: one ``executemany`` per table per batch, one commit
  per batch (the floor: what SQLite alone costs for the same rows).

It prints the rates and the ratios (the target is an engine at 50% of raw or better).
Both are measured in the same run on the same machine, so the ratio is meaningful even
where the absolute numbers are noisy.
"""

from __future__ import annotations

import argparse
import asyncio
import cProfile
import json
import pstats
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.engine import Engine, encode_json  # noqa: E402
from console.model import Kind  # noqa: E402
from console.workspace import Workspace  # noqa: E402
from plugins.sandbox.connector import SandboxConnector  # noqa: E402

CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "engine.db"
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 42
groups = 12
members = 3000
"""

MSG_SQL = ("INSERT INTO messages(connection_id, platform_msg_id, group_id, person_id, ts, text, meta)"
           " VALUES (?,?,?,?,?,?,?)")
EVT_SQL = ("INSERT INTO events(connection_id, platform_event_id, kind, group_id, person_id, ts, data, raw)"
           " VALUES (?,?,?,?,?,?,?,?)")


def preload(conn: sqlite3.Connection, n: int, groups: list[int], people: list[int], before: int) -> None:
    """``n`` old messages as raw rows, committed every 50,000 (what a year of history looks like)."""
    rng = random.Random(1)
    texts = ["早上好", "收到", "哈哈哈", "这个价格真的香", "今日打卡", "谢谢群主", "已下单"]
    step = 50_000
    for lo in range(0, n, step):
        rows = [("sandbox", f"pre-{i}", rng.choice(groups), rng.choice(people), before - rng.randint(1, 365 * 86400),
                 rng.choice(texts), None) for i in range(lo, min(n, lo + step))]
        conn.execute("BEGIN")
        conn.executemany(MSG_SQL, rows)
        conn.execute("COMMIT")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=1_000_000, help="messages already in the workspace")
    ap.add_argument("--events", type=int, default=60_000, help="sandbox events to ingest (about)")
    ap.add_argument("--batch", type=int, default=500, help="events per ingest batch (the runtime's default)")
    ap.add_argument("--keep", action="store_true", help="keep the database files for a look afterwards")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="profile the engine runs and print each one's N costliest functions (own time)")
    ap.add_argument("--profile-callers", default="", metavar="NAME", help="with --profile: who calls functions matching NAME")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shequn-bench-"))
    (tmp / "config.toml").write_text(CONFIG, encoding="utf-8")
    began = time.perf_counter()
    ws = Workspace.open(tmp / "config.toml")
    raw_ws = Workspace.open(tmp / "config.toml", db_path=tmp / "raw.db")  # same migrations: same schema, indexes
    raw_ws.close()
    core_ws = Workspace.open(tmp / "config.toml", db_path=tmp / "core.db")
    now = int(time.time()) // 3600 * 3600
    days = max(1, round(args.events / 3600))  # the default world makes about 3,600 events a day
    start = now - days * 86400

    conn = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    conn.attach(ws, start=start, anchor=now)
    with ws.clock_at(start):
        asyncio.run(conn.first_sync())
    core_conn = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    core_conn.attach(core_ws, start=start, anchor=now)  # the same seed: the same groups and people
    with core_ws.clock_at(start):
        asyncio.run(core_conn.first_sync())
    groups = [r["id"] for r in ws.store.query("SELECT id FROM groups")]
    people = [r["id"] for r in ws.store.query("SELECT id FROM people")]

    t = time.perf_counter()
    preload(ws.store.conn, args.messages, groups, people, start)
    preload(core_ws.store.conn, args.messages, groups, people, start)
    raw = sqlite3.connect(tmp / "raw.db", isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")
    preload(raw, args.messages, groups, people, start)
    print(f"preloaded {args.messages:,} messages into each of three files in {time.perf_counter() - t:.1f} s")

    events = []
    for h in range(1, days * 24 + 1):
        events += conn.world.tick(start + h * 3600, 3600)
    n_msg = sum(1 for e in events if e.kind == Kind.MESSAGE)
    print(f"sandbox events: {len(events):,} ({n_msg:,} messages, {len(events) - n_msg:,} other) over {days} days")

    batches = [events[i:i + args.batch] for i in range(0, len(events), args.batch)]
    engine = Engine(ws)
    prof = cProfile.Profile() if args.profile else None
    t = time.perf_counter()
    stored = 0
    if prof:
        prof.enable()
    for b in batches:
        with ws.clock_at(b[-1].ts):
            stored += engine.ingest(b).stored
    if prof:
        prof.disable()
    engine_s = time.perf_counter() - t
    proposals = ws.store.scalar("SELECT count(*) FROM actions", (), 0)

    core = Engine(core_ws, hooks=False)
    core_prof = cProfile.Profile() if args.profile else None
    t = time.perf_counter()
    if core_prof:
        core_prof.enable()
    for b in batches:
        with core_ws.clock_at(b[-1].ts):
            core.ingest(b)
    if core_prof:
        core_prof.disable()
    core_s = time.perf_counter() - t
    core_ws.close()

    # the same rows, with the ids the engine resolved and the engine's JSON encoder,
    # straight into the third file
    enc = encode_json
    t = time.perf_counter()
    for b in batches:
        msgs = [(e.connection, e.id, e.group_id, e.person_id, e.ts, e.text,
                 enc(e.data) if e.data else None) for e in b if e.kind == Kind.MESSAGE]
        other = [(e.connection, e.id, e.kind, e.group_id, e.person_id, e.ts,
                  enc(e.data) if e.data else None, None) for e in b if e.kind != Kind.MESSAGE]
        raw.execute("BEGIN")
        raw.executemany(MSG_SQL, msgs)
        raw.executemany(EVT_SQL, other)
        raw.execute("COMMIT")
    raw_s = time.perf_counter() - t
    raw.close()
    ws.close()

    eng_rate, core_rate, raw_rate = stored / engine_s, len(events) / core_s, len(events) / raw_s
    print(f"engine (dedupe, persist, rollups, plugins' hooks): {eng_rate:>10,.0f} events/s "
          f"({stored:,} in {engine_s:.2f} s, {proposals:,} actions proposed)")
    print(f"engine core alone (hooks off):                     {core_rate:>10,.0f} events/s ({core_s:.2f} s)")
    print(f"raw executemany, same rows, schema and indexes:    {raw_rate:>10,.0f} rows/s "
          f"({len(events):,} in {raw_s:.2f} s)")
    print(f"ratio engine / raw: {eng_rate / raw_rate:.0%} (target >= 50%); core alone / raw: {core_rate / raw_rate:.0%}; "
          f"plugins' share of engine time: {1 - core_s / engine_s:.0%}")
    print(f"total run {time.perf_counter() - began:.0f} s")
    for title, p in (("engine with hooks", prof), ("engine core alone", core_prof)):
        if p:
            print(f"--- profile: {title}")
            pstats.Stats(p).sort_stats("tottime").print_stats(args.profile)
            if args.profile_callers:
                pstats.Stats(p).sort_stats("tottime").print_callers(args.profile_callers)
    if args.keep:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
