"""Queue benchmark: the first page of every queue a person works from, however long it is.

    .venv/bin/python benchmarks/queues.py [--joins 100000] [--cases 100000] [--tasks 10000]
                                          [--alerts 10000] [--groups 100] [--runs 7] [--keep DIR]

Builds a workspace in a temporary folder (or --keep DIR) and inserts long queues
directly (executemany, no engine): join requests spread over 30 days (most of them past
the sandbox's 3-day request lifetime, as in issue 14's month), cases, tasks and alerts,
across --groups groups with one owner per five groups. Then times, as the median of
--runs calls on a warm connection, the first page (50 rows, with the true total) of:

- the join queue: plugins.entry_rules.queue.queue(ws, "pending");
- the cases review queue: plugins.moderation.cases.list_cases(ws, "queue"), its first
  page, its last page and one rule's first page;
- tasks, alerts and the owner's queue (every group, and one owner's five groups):
  console.queues, as `shequn tasks` / `shequn alerts` and the Owner screen read them;
- the last page of tasks and of the owner's queue (reach, not only the top).

Each figure is printed in ms and as a ratio against a baseline measured in the same run
on the same table: a bare ``SELECT * FROM <table> ORDER BY id DESC LIMIT 50``, the
cheapest page SQLite can give. The target (issue 14) is under 100 ms per first page.
Speed figures live here only: no test depends on them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CONFIG = """
[operator]
name = "bench"
timezone = "Asia/Shanghai"

[database]
path = "{db}"

[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 7
groups = 6
members = 300
"""
DAY = 86400


def build(folder: Path, n_groups: int, joins: int, cases: int, tasks: int, alerts: int, now: int):
    from console.workspace import Workspace

    cfg = folder / "config.toml"
    cfg.write_text(CONFIG.format(db=folder / "queues.db"), encoding="utf-8")
    ws = Workspace.open(cfg)
    ws.clock = lambda: now
    rng = random.Random(14)
    people = 20_000
    with ws.store.write() as c:
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, capacity, created_at)"
                      " VALUES (?, 'sandbox', 'sandbox', ?, ?, 500, ?)",
                      [(g, f"g{g}", f"群 {g}", now - 60 * DAY) for g in range(1, n_groups + 1)])
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, ?)",
                      [(p, f"p{p}", now - 60 * DAY) for p in range(1, people + 1)])
        owners = range(people + 1, people + 1 + n_groups // 5 + 1)
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, ?)",
                      [(o, f"owner{o - people}", now - 60 * DAY) for o in owners])
        c.executemany("INSERT INTO roles(group_id, person_id, role) VALUES (?, ?, 'owner')",
                      [(g, people + 1 + (g - 1) // 5) for g in range(1, n_groups + 1)])
        statuses = ["pending"] * 6 + ["held", "approved", "rejected", "expired"]
        c.executemany("INSERT INTO join_requests(connection_id, platform_request_id, group_id, person_id, comment,"
                      " requested_at, status) VALUES ('sandbox', ?, ?, ?, 'hi', ?, ?)",
                      [(f"r{i}", rng.randint(1, n_groups), rng.randint(1, people), now - rng.randint(0, 30 * DAY),
                        rng.choice(statuses)) for i in range(joins)])
        # every priority class of the review queue (appeals, removals, the rest, audit samples)
        # and the dry-run cases the default listing leaves out, over four rules
        case_rows = []
        for _ in range(cases):
            rule, status = rng.choice(["ads", "flood", "abuse", "off_topic"]), rng.choice(
                ["open", "open", "reviewed", "appealed"])
            case_rows.append((rng.choice(["penalty"] * 9 + ["dry_run"]), f"rule:{rule}", rule,
                              rng.choice(["warn", "mute:10", "mute:10", "kick", "blacklist"]), status,
                              int(status == "open" and rng.random() < 0.1), now - rng.randint(0, 30 * DAY),
                              rng.randint(1, n_groups), rng.randint(1, people)))
        c.executemany("INSERT INTO cases(kind, actor, rule, step, status, audit, opened_at, group_id, person_id)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", case_rows)
        c.executemany("INSERT INTO tasks(kind, title, group_id, created_at, status) VALUES ('do_by_hand', ?, ?, ?, ?)",
                      [(f"task {i}", rng.randint(1, n_groups), now - rng.randint(0, 30 * DAY),
                        rng.choice(["open", "open", "open", "done"])) for i in range(tasks)])
        c.executemany("INSERT INTO alerts(kind, group_id, severity, message, opened_at, resolved_at)"
                      " VALUES ('silent_group', ?, ?, ?, ?, ?)",
                      [(rng.randint(1, n_groups), rng.choice(["warning"] * 9 + ["critical"]), f"alert {i}",
                        now - rng.randint(0, 30 * DAY), rng.choice([None, None, None, now])) for i in range(alerts)])
    ws.store.execute("ANALYZE")
    return ws


def timed(fn, runs: int) -> tuple[float, object]:
    out = None
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--joins", type=int, default=100_000)
    ap.add_argument("--cases", type=int, default=100_000)
    ap.add_argument("--tasks", type=int, default=10_000)
    ap.add_argument("--alerts", type=int, default=10_000)
    ap.add_argument("--groups", type=int, default=100)
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--keep", metavar="DIR", help="build the workspace here and keep it (default: a temporary folder)")
    a = ap.parse_args()
    now = int(time.time())
    tmp = None
    if a.keep:
        folder = Path(a.keep)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "queues.db").unlink(missing_ok=True)
    else:
        tmp = tempfile.TemporaryDirectory(prefix="shequn-queues-")
        folder = Path(tmp.name)
    t0 = time.perf_counter()
    ws = build(folder, a.groups, a.joins, a.cases, a.tasks, a.alerts, now)
    print(f"built {a.joins:,} join requests, {a.cases:,} cases, {a.tasks:,} tasks, {a.alerts:,} alerts"
          f" in {a.groups} groups: {time.perf_counter() - t0:.1f} s")

    from console import queues
    from plugins.entry_rules.queue import queue as join_queue
    from plugins.moderation.cases import list_cases

    def base(table):
        return lambda: ws.store.query(f"SELECT * FROM {table} ORDER BY id DESC LIMIT 50")

    def first(src):
        return lambda: (src.count(), src.rows(0, 50))

    def last(src):
        def run():
            n = src.count()
            return n, src.rows(max(0, n - 50), 50)
        return run

    owner = "owner1"
    n_cases = list_cases(ws, "queue", 0)["total"]  # the last page's offset, as `shequn cases --offset` takes it
    checks = [
        ("join queue (pending)", "join_requests", lambda: (lambda r: (r["total"], r["rows"]))(join_queue(ws, "pending"))),
        ("cases review queue", "cases", lambda: (lambda r: (r["total"], r["rows"]))(list_cases(ws, "queue", 50))),
        ("cases review queue, last page", "cases", lambda: (lambda r: (r["total"], r["rows"]))(
            list_cases(ws, "queue", 50, n_cases - 50))),
        ("cases review queue, one rule", "cases", lambda: (lambda r: (r["total"], r["rows"]))(
            list_cases(ws, "queue", 50, rule="flood"))),
        ("tasks", "tasks", first(queues.tasks(ws))),
        ("tasks, last page", "tasks", last(queues.tasks(ws))),
        ("alerts", "alerts", first(queues.alerts(ws))),
        ("owner's queue, every group", "join_requests", first(queues.owner_queue(ws, ""))),
        ("owner's queue, last page", "join_requests", last(queues.owner_queue(ws, ""))),
        (f"owner's queue, {owner} (5 groups)", "join_requests", first(queues.owner_queue(ws, owner))),
    ]
    baselines = {t: timed(base(t), a.runs)[0] for t in ("join_requests", "cases", "tasks", "alerts")}
    print(f"\n{'queue':36} {'total':>8} {'rows':>5} {'ms':>8} {'baseline ms':>12} {'ratio':>7}  target <100 ms")
    worst = 0.0
    for name, table, fn in checks:
        ms, (total, rows) = timed(fn, a.runs)
        worst = max(worst, ms)
        b = baselines[table]
        print(f"{name:36} {total:>8,} {len(rows):>5} {ms:>8.1f} {b:>12.2f} {ms / b:>7.0f}x  "
              f"{'ok' if ms < 100 else 'OVER'}")
    print(f"\nslowest first or last page: {worst:.1f} ms (median of {a.runs} runs each)")
    ws.close()
    if tmp:
        tmp.cleanup()


if __name__ == "__main__":
    main()
