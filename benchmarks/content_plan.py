"""Content benchmark (issue 21): planning the next 24 hours of scheduled posts for 1,000
groups, against a floor measured in the same run.

    .venv/bin/python benchmarks/content_plan.py [--groups 1000] [--runs 5]

A fresh workspace (in a temporary folder) gets 1,000 groups over four accounts and three
group types, owners for half of them, five schedules (morning and evening greetings to
every group, a nightly class at 22:00 for welfare groups, a weekly recap, a tag rotation
of three topics for traffic groups), a public holiday the recap skips and 50 paused groups.

Figures (medians of --runs, the machine is shared and noisy):

- plan: ``planner.plan`` over the 24 hours (what ``shequn content preview`` computes);
- floor: the least any planner does for the same posts: read the groups, owners and items
  and fill in every post's text in a plain loop, with no exception, cap or pacing;
- sync (first): ``queue.sync``, the plan written to the outbox (actions, runs, posts, audit);
- enqueue floor: ``ws.enqueue`` of the same send proposals alone, the host's own cost of
  putting that many actions in the outbox, which any scheduler pays;
- sync (again): the job's run five minutes later, when nothing changed.

Target: plan < 1 s for 1,000 groups; ratios say what the plan adds to its floors.

``--ingest`` measures what participation tracking adds to ingest: the same sandbox events
(12 groups, 3,000 people, a day) through ``Engine.ingest`` in batches of 500 into two copies
of one workspace, taking turns: with a topic tracked in every group the whole day (messages
per minute and speakers counted, besides the per-hour counts every batch keeps), and with
the plugin's message counting switched off. Target: under 10% of ingest.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.model import Proposal  # noqa: E402
from console.workspace import Workspace  # noqa: E402

T0 = 1_750_000_000  # 2025-06-15 23:06 in Asia/Shanghai: the same day every run
CONFIG = """[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "bench.db"
[content]
lookahead_hours = 24
""" + "".join(f'[connections.acct{i}]\nplatform = "sandbox"\nenabled = true\n' for i in range(4))


def build(folder: Path, n_groups: int) -> Workspace:
    cfg = folder / "config.toml"
    cfg.write_text(CONFIG, encoding="utf-8")
    ws = Workspace.open(cfg, clock=lambda: T0)
    types = ("traffic", "welfare", "flash")
    with ws.store.write() as c:
        c.executemany("INSERT INTO groups(connection_id, platform, platform_group_id, name, type, family, status)"
                      " VALUES (?, 'sandbox', ?, ?, ?, ?, 'active')",
                      [(f"acct{i % 4}", f"g{i}", f"福利社群{i:04d}", types[i % 3], f"矩阵{i // 10}" if i % 3 == 1 else
                        None) for i in range(n_groups)])
        c.executemany("INSERT INTO people(id, display_name) VALUES (?, ?)", [(i + 1, f"群主{i}") for i in range(n_groups)])
        c.executemany("INSERT INTO roles(person_id, group_id, role) VALUES (?, ?, 'owner')",
                      [(i + 1, i + 1) for i in range(0, n_groups, 2)])
    from plugins.content import holidays, library, schedules

    item = lambda text, **kw: library.save(ws, {"title": text[:8], "text": text, "purpose": "activation", **kw})  # noqa
    morning = item("早安 {group}！今天是{date}，{owner}祝大家元气满满")
    evening = item("晚安 {group}，明天见🌙")
    lesson = item("22:00 夜课开始：{product} 的正确用法 {link}", product="空气炸锅", link="https://shop.example/a",
                  group_type="welfare")
    recap = item("本周回顾：{group} 的精彩讨论", purpose="brand")
    for k in range(3):
        item(f"今日话题{k}：分享一个省钱小妙招", tags="话题")
    holidays.add(ws, "2025-06-16", "基准测试假日", "public")
    schedules.save(ws, {"name": "早安", "cron": "30 7 * * *", "item_id": morning, "targets": ["all"]})
    schedules.save(ws, {"name": "晚安", "cron": "0 21 * * *", "item_id": evening, "targets": ["all"]})
    schedules.save(ws, {"name": "夜课", "cron": "0 22 * * *", "item_id": lesson, "targets": ["type:welfare"]})
    schedules.save(ws, {"name": "周回顾", "cron": "0 20 * * mon", "item_id": recap, "targets": ["all"],
                        "skip_holidays": "public"})
    schedules.save(ws, {"name": "话题", "cron": "0 12 * * *", "pick_tag": "话题", "targets": ["type:traffic"]})
    for gid in range(1, n_groups + 1, n_groups // 50 or 1):
        schedules.pause(ws, gid, reason="bench")
    with ws.store.write() as c:  # every save above planned already: start the outbox empty for the first sync
        for table in ("content_posts", "content_runs", "actions", "tasks"):
            c.execute(f"DELETE FROM {table}")
        c.execute("DELETE FROM meta WHERE key = 'content.planned_until'")
    return ws


def timed(fn, runs: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(runs):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def floor(ws, start: int, end: int) -> int:
    """Read what any planner must read and fill in every post: nothing else."""
    import json

    from plugins.content import cron
    from plugins.content.schedules import select

    groups = ws.store.query("SELECT id, name, type, family FROM groups WHERE status = 'active'")
    owners = dict(ws.store.execute("SELECT group_id, p.display_name FROM roles r JOIN people p ON p.id = r.person_id"
                                   " WHERE r.role = 'owner'"))
    items = {r["id"]: r for r in ws.store.query("SELECT * FROM content_items")}
    n = 0
    for s in ws.store.query("SELECT * FROM content_schedules"):
        text = items[s["item_id"]]["text"] if s["item_id"] else next(iter(items.values()))["text"]
        for t in cron.parse(s["cron"]).times_between(ws.tz, start, end):
            for g in select(json.loads(s["targets"]), groups):
                text.format_map({"group": g["name"], "owner": owners.get(g["id"], ""), "date": "6月16日",
                                 "product": "", "link": ""})
                n += 1
    return n


INGEST_CONFIG = """[operator]
name = "bench"
timezone = "Asia/Shanghai"
[database]
path = "bench.db"
[content]
topic_window_minutes = 1440
link_fallback_minutes = 1440
[connections.sandbox]
platform = "sandbox"
enabled = true
seed = 42
groups = 12
members = 3000
"""


def ingest(runs: int) -> None:
    import asyncio
    import shutil

    from console.engine import Engine
    from console.model import Event
    from plugins.content import topics
    from plugins.sandbox.connector import SandboxConnector

    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp) / "base"
        base.mkdir()
        (base / "config.toml").write_text(INGEST_CONFIG, encoding="utf-8")
        ws = Workspace.open(base / "config.toml", clock=lambda: T0)
        conn = SandboxConnector("sandbox", {"seed": 42, "groups": 12, "members": 3000})
        conn.attach(ws, start=T0)
        asyncio.run(conn.first_sync())
        events = conn.world.tick(T0 + 3 * 86400, 3 * 86400)
        gids = [r[0] for r in ws.store.execute("SELECT id FROM groups")]
        with ws.store.write() as c:  # a topic tracked in every group for the first day
            c.execute("INSERT INTO content_runs(source, fire_at, seq, created_at) VALUES ('calendar:0', ?, 1, ?)",
                      (T0, T0))
            c.executemany("INSERT INTO content_topics(run_id, group_id, posted_at, baseline) VALUES (1, ?, ?, 1)",
                          [(g, T0) for g in gids])
            # a post script measured in every group all the time, and a campaign running: the worst case
            c.execute("INSERT INTO content_scripts(name, kind, seed, created_at) VALUES ('bench', 'post', 1, ?)", (T0,))
            c.execute("INSERT INTO content_script_versions(script_id, label, text) VALUES (1, 'A', '')")
            c.executemany("INSERT INTO content_script_exposures(script_id, version_id, group_id, at, audience, key)"
                          " VALUES (1, 1, ?, ?, 100, ?)", [(g, T0, f"b{g}") for g in gids])
            c.execute("INSERT INTO content_campaigns(name, goal, starts_at, ends_at, reward, created_at) VALUES"
                      " ('bench', 3, ?, ?, 50, ?)", (T0, T0 + 7 * 86400, T0))
        ws.close()
        from plugins.content import campaigns, intros, questions, script_results

        # the other per-batch work the plugin added with scripts, the entry ritual and campaigns, timed alike
        others = [(script_results, "note_messages"), (intros, "note_joins"), (intros, "note_messages"),
                  (intros, "flush_prompts"), (campaigns, "note_joins"), (questions, "note")]
        originals = {(m, n): getattr(m, n) for m, n in others}
        other_spent: list[float] = []
        fields = ("connection", "id", "kind", "ts", "group", "user", "nickname", "text", "data")
        on: list[float] = []
        off: list[float] = []
        share: list[float] = []
        counted = 0
        real = topics.note_messages
        try:
            for r in range(runs):
                for mode in (("on", "off") if r % 2 == 0 else ("off", "on")):  # turns alternate: no order favoured
                    folder = Path(tmp) / f"{mode}{r}"
                    shutil.copytree(base, folder)
                    w = Workspace.open(folder / "config.toml", clock=lambda: T0 + 3 * 86400)
                    spent = [0.0]

                    def counting(ws, events, _spent=spent):
                        t0 = time.perf_counter()
                        real(ws, events)
                        _spent[0] += time.perf_counter() - t0

                    topics.note_messages = counting if mode == "on" else (lambda ws, events: None)
                    extra = [0.0]
                    for (m, n), fn in originals.items():
                        def timed_fn(*a, _fn=fn, **k):
                            t1 = time.perf_counter()
                            try:
                                return _fn(*a, **k)
                            finally:
                                extra[0] += time.perf_counter() - t1
                        setattr(m, n, timed_fn)
                    evs = [Event(**{f: getattr(e, f) for f in fields}) for e in events]
                    eng = Engine(w)
                    t = time.perf_counter()
                    for i in range(0, len(evs), 500):
                        eng.ingest(evs[i:i + 500])
                    took = time.perf_counter() - t
                    (on if mode == "on" else off).append(took)
                    if mode == "on":
                        share.append(spent[0] / took)
                        other_spent.append(extra[0] / took)
                        counted = w.store.scalar("SELECT coalesce(sum(messages), 0) FROM content_topic_minutes")
                    w.close()
        finally:
            topics.note_messages = real
            for (m, n), fn in originals.items():
                setattr(m, n, fn)
    a, b = statistics.median(on), statistics.median(off)
    print(f"ingest of {len(events):,} events in batches of 500, medians of {runs}: with participation tracking "
          f"{a * 1000:.0f} ms, without {b * 1000:.0f} ms: {(a - b) / b:+.1%} (two runs apart: noisy here); the "
          f"tracking's own time {statistics.median(share):.1%} of the ingest it ran in (target under 10%; "
          f"{counted:,} messages counted per minute after a topic, in {len(gids)} groups); scripts, introductions,"
          f" questions and campaigns {statistics.median(other_spent):.1%} (a script measured in every group, a"
          f" campaign running)")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--ingest", action="store_true", help="What participation tracking adds to ingest instead.")
    a = ap.parse_args()
    if a.ingest:
        ingest(a.runs)
        return
    from plugins.content.planner import plan
    from plugins.content.queue import sync

    with tempfile.TemporaryDirectory() as tmp:
        ws = build(Path(tmp), a.groups)
        start, end = T0, T0 + 86400
        floor_s, n_floor = timed(lambda: floor(ws, start, end), a.runs)
        plan_s, posts = timed(lambda: plan(ws, start, end), a.runs)
        states: dict[str, int] = {}
        for p in posts:
            states[p.status] = states.get(p.status, 0) + 1
        t = time.perf_counter()
        first = sync(ws)
        sync_s = time.perf_counter() - t
        again_s, again = timed(lambda: sync(ws), a.runs)
        queued = [p for p in posts if p.status == "queued"]
        with ws.store.write() as c:  # the enqueue floor on a copy of the proposals, then taken back
            c.execute("SAVEPOINT floor")
            t = time.perf_counter()
            ws.enqueue([Proposal("send", "floor", group_id=p.group_id, params={"text": p.text}, key=f"floor:{i}",
                                 not_before=p.not_before) for i, p in enumerate(queued)], "bench")
            enqueue_s = time.perf_counter() - t
            c.execute("ROLLBACK TO floor")
        ws.close()
    print(f"groups {a.groups:,}; posts in 24 h {len(posts):,} "
          f"({', '.join(f'{k} {v:,}' for k, v in sorted(states.items()))}); floor filled {n_floor:,} texts")
    print(f"plan            {plan_s * 1000:8.1f} ms   floor {floor_s * 1000:7.1f} ms   ratio {plan_s / floor_s:5.2f}x"
          f"   target < 1,000 ms: {'met' if plan_s < 1 else 'NOT met'}")
    print(f"sync (first)    {sync_s * 1000:8.1f} ms   enqueue floor {enqueue_s * 1000:7.1f} ms   "
          f"ratio {sync_s / enqueue_s:5.2f}x   ({', '.join(f'{k} {v:,}' for k, v in first.items() if v)})")
    print(f"sync (again)    {again_s * 1000:8.1f} ms   (nothing changed: {sum(again.values())} writes)")


if __name__ == "__main__":
    main()
