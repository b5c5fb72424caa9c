"""Ingest throughput: sandbox events through the whole engine next to a raw executemany.

    .venv/bin/python benchmarks/ingest.py [--messages 1000000] [--events 60000] [--batch N] [--runs 3]

One workspace file gets every migration (plugins' too), the sandbox's groups and people,
and a preload of ``--messages`` old messages (raw ``executemany``, fast). Each round then
copies it three times and sends the same sandbox events

- through ``Engine(ws).ingest`` in batches as the runtime cuts a queued backlog (or of
  ``--batch``; 500 is the runtime's steady-traffic batch) (dedupe, group and people
  resolution, messages and events, memberships, rollups, every installed plugin's
  ``process_events`` and join-request decisions, the outbox);
- through ``Engine(ws, hooks=False)`` (the host's own work without any plugin), so the
  split between the engine and the plugins' hooks shows;
- as plain rows: one ``executemany`` per table per batch, one commit per batch, the same
  JSON encoder (the floor: what SQLite alone costs for the same rows).

The three modes take turns in every round and the medians are printed with the ratio
(the target is an engine at 50% of raw or better): measured in the same run on the same
machine, so the ratio holds where the absolute numbers are noisy. ``--profile N`` prints
where the time goes. ``--sql-floor`` replays the statements one engine run made with no
Python between them (``benchmarks/sql_floor.py``): raw / that floor is the ceiling of the
ratio, what the engine would reach if all its Python cost nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import gc
import cProfile
import pstats
import random
import shutil
import statistics
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench_config import SANDBOX_CONFIG  # noqa: E402  (benchmarks/ is on sys.path)
from console.engine import Engine, encode_json  # noqa: E402
from console.model import Event, Kind  # noqa: E402
from console.runtime import batch_limit  # noqa: E402
from console.workspace import Workspace  # noqa: E402
from plugins.sandbox.connector import SandboxConnector  # noqa: E402
from sql_floor import recording, replay, shorten  # noqa: E402


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


def settle() -> None:
    """Move the benchmark's own objects (every round's copies of 58,000 events) out of the
    collector's sight: a running engine does not hold them all, and full collections
    walking them made rounds differ by half."""
    gc.collect()
    gc.freeze()


def cut(events: list[Event], size: int) -> list[list[Event]]:
    """Batches of ``size``, or (0) as the runtime takes them off a queue holding them all."""
    out, i = [], 0
    while i < len(events):
        n = size or batch_limit(len(events) - i, 500)
        out.append(events[i:i + n])
        i += n
    return out


def fresh_copies(events: list[Event]) -> list[Event]:
    """The same events, unresolved (the engine writes ids and plugins may touch data)."""
    return [dataclasses.replace(e, data=dict(e.data)) for e in events]


def engine_run(template: Path, path: Path, batches: list[list[Event]], hooks: bool,
               prof: cProfile.Profile | None) -> tuple[float, int, dict]:
    shutil.copyfile(template, path)
    ws = Workspace.open(path.parent / "config.toml", db_path=path)
    ws.pm.timings = {}  # seconds per (hook, plugin)
    engine = Engine(ws, hooks=hooks)
    proposals_before = ws.store.scalar("SELECT count(*) FROM actions", (), 0)
    settle()
    t = time.perf_counter()
    if prof:
        prof.enable()
    for b in batches:
        with ws.clock_at(b[-1].ts):
            engine.ingest(b)
    if prof:
        prof.disable()
    secs = time.perf_counter() - t
    proposals = ws.store.scalar("SELECT count(*) FROM actions", (), 0) - proposals_before
    timings = ws.pm.timings
    ws.close()
    return secs, proposals, timings


def raw_run(template: Path, path: Path, batches: list[list[Event]]) -> float:
    """The same rows, with the ids the engine resolved and the engine's JSON encoder."""
    shutil.copyfile(template, path)
    raw = sqlite3.connect(path, isolation_level=None)
    raw.execute("PRAGMA journal_mode = WAL")
    raw.execute("PRAGMA synchronous = NORMAL")
    enc = encode_json
    settle()
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
    secs = time.perf_counter() - t
    raw.close()
    return secs


def sql_floor(template: Path, tmp: Path, events: list[Event], args, n: int, e_md: float, r_md: float) -> None:
    """Record one engine run's statements (an extra run, so no timed round pays for the
    recording) and print their replay next to the engine and raw medians."""
    with recording() as log:
        engine_run(template, tmp / "recorded.db", cut(fresh_copies(events), args.batch), True, None)
    floor, ranked = replay(template, tmp / "replay.db", log, args.runs)
    rows = sum(r[3] for r in ranked)
    print(f"the engine's own SQL replayed alone ({len(log):,} calls, {rows:,} rows; median of {args.runs}): "
          f"{floor:.2f} s, {n / floor:,.0f} events/s")
    print(f"  raw / SQL floor: {r_md / floor:.0%}: the ratio's ceiling if all of the engine's Python cost nothing; "
          f"its Python now: {max(e_md - floor, 0):.2f} s, {max(e_md - floor, 0) / n * 1e6:.1f} us an event; "
          f"at 50% of raw it would have {max(2 * r_md - floor, 0) / n * 1e6:.1f} us an event")
    print("  costliest statements in the replay:")
    for sql, secs, calls, count in ranked[:12]:
        print(f"    {secs * 1000:7.1f} ms {calls:6,} calls {count:7,} rows  {shorten(sql)}")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--messages", type=int, default=1_000_000, help="messages already in the workspace")
    ap.add_argument("--events", type=int, default=60_000, help="sandbox events to ingest (about)")
    ap.add_argument("--batch", type=int, default=0,
                    help="events per ingest batch; default: as the runtime cuts a queued backlog "
                         "(console.runtime.batch_limit); 500 is its steady-traffic batch")
    ap.add_argument("--runs", type=int, default=3, help="rounds; each runs the three modes in turn")
    ap.add_argument("--keep", action="store_true", help="keep the database files for a look afterwards")
    ap.add_argument("--profile", type=int, default=0, metavar="N",
                    help="profile the last round's engine runs and print each one's N costliest functions")
    ap.add_argument("--sql-floor", action="store_true",
                    help="after the rounds, record one engine run's statements and replay them alone "
                         "(the engine's SQL without its Python) and print the ceiling of the ratio")
    ap.add_argument("--profile-callers", default="", metavar="NAME", help="with --profile: who calls functions matching NAME")
    args = ap.parse_args()

    tmp = Path(tempfile.mkdtemp(prefix="shequn-bench-"))
    (tmp / "config.toml").write_text(SANDBOX_CONFIG.format(db="engine.db"), encoding="utf-8")
    began = time.perf_counter()
    template = tmp / "template.db"
    ws = Workspace.open(tmp / "config.toml", db_path=template)
    now = int(time.time()) // 3600 * 3600
    days = max(1, round(args.events / 3600))  # the default world makes about 3,600 events a day
    start = now - days * 86400
    conn = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    conn.attach(ws, start=start, anchor=now)
    with ws.clock_at(start):
        asyncio.run(conn.first_sync())
    groups = [r["id"] for r in ws.store.query("SELECT id FROM groups")]
    people = [r["id"] for r in ws.store.query("SELECT id FROM people")]
    t = time.perf_counter()
    preload(ws.store.conn, args.messages, groups, people, start)
    ws.store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    print(f"preloaded {args.messages:,} messages in {time.perf_counter() - t:.1f} s")
    events = []
    for h in range(1, days * 24 + 1):
        events += conn.world.tick(start + h * 3600, 3600)
    ws.close()
    n_msg = sum(1 for e in events if e.kind == Kind.MESSAGE)
    print(f"sandbox events: {len(events):,} ({n_msg:,} messages, {len(events) - n_msg:,} other) over {days} days; "
          f"{len(cut(events, args.batch))} batches ({f'of {args.batch}' if args.batch else 'as the runtime cuts a backlog'});"
          f" {args.runs} rounds")

    eng_s, core_s, raw_s = [], [], []
    prof = core_prof = None
    proposals, timings = 0, {}
    for i in range(args.runs):
        last = i == args.runs - 1
        if last and args.profile:
            prof, core_prof = cProfile.Profile(), cProfile.Profile()
        evs = fresh_copies(events)
        batches = cut(evs, args.batch)
        secs, proposals, timings = engine_run(template, tmp / "engine.db", batches, True, prof)
        eng_s.append(secs)
        core_batches = [fresh_copies(b) for b in batches]
        core_s.append(engine_run(template, tmp / "core.db", core_batches, False, core_prof)[0])
        raw_s.append(raw_run(template, tmp / "raw.db", batches))  # ids as the engine resolved them
        print(f"  round {i + 1}: engine {eng_s[-1]:.2f} s, core {core_s[-1]:.2f} s, raw {raw_s[-1]:.2f} s")

    n = len(events)
    e_md, c_md, r_md = statistics.median(eng_s), statistics.median(core_s), statistics.median(raw_s)
    print(f"engine (dedupe, persist, rollups, plugins' hooks): {n / e_md:>10,.0f} events/s "
          f"(median {e_md:.2f} s, best {min(eng_s):.2f} s; {proposals:,} actions proposed)")
    print(f"engine core alone (hooks off):                     {n / c_md:>10,.0f} events/s "
          f"(median {c_md:.2f} s, best {min(core_s):.2f} s)")
    print(f"raw executemany, same rows, schema and indexes:    {n / r_md:>10,.0f} rows/s "
          f"(median {r_md:.2f} s, best {min(raw_s):.2f} s)")
    print(f"ratio engine / raw: {r_md / e_md:.0%} of medians (target >= 50%), per round "
          f"{', '.join(f'{r / e:.0%}' for e, r in zip(eng_s, raw_s))}; core alone / raw: {r_md / c_md:.0%}; "
          f"plugins' share of engine time: {1 - c_md / e_md:.0%}")
    print("hooks' own time in the last round (savepoint included), per hook and plugin:")
    for (hook, plugin), secs in sorted(timings.items(), key=lambda kv: -kv[1]):
        print(f"  {hook:<22} {plugin:<12} {secs:6.3f} s  ({secs / eng_s[-1]:.0%} of that engine run)")
    if args.sql_floor:
        sql_floor(template, tmp, events, args, n, e_md, r_md)
    for title, p in (("engine with hooks", prof), ("engine core alone", core_prof)):
        if p:
            print(f"--- profile: {title}")
            pstats.Stats(p).sort_stats("tottime").print_stats(args.profile)
            if args.profile_callers:
                pstats.Stats(p).sort_stats("tottime").print_callers(args.profile_callers)
    print(f"total run {time.perf_counter() - began:.0f} s")
    if args.keep:
        print(f"files kept in {tmp}")
    else:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
