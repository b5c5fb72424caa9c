"""KPI benchmark: the all-groups panel from rollups against a scan of the raw tables,
the per-group daily panel, and what rollups add to ingest.

    .venv/bin/python benchmarks/kpi.py [--groups 1000 --members 500000 --messages 10000000 --days 90]

The workspace is generated once (seeded) and kept under benchmarks/.cache/ (git-ignored):
people, memberships, join/leave events and messages are written raw with executemany,
and rollups_daily/speaker_days are counted from the same generated messages, as the
engine would have. Targets (issue 6): panel <= 50 ms and >= 100x faster than the scan;
rollups add <= 20% to ingest. Figures are medians and best runs; the machines are shared and noisy.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from console.engine import Engine  # noqa: E402
from console.model import Event  # noqa: E402
from console.workspace import Workspace  # noqa: E402

DAY = 86400
CACHE = ROOT / "benchmarks" / ".cache"
END_DAY = "2025-06-30"


def config(path: Path, db: str) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    cfg = path / f"{db}.toml"
    cfg.write_text(f'[operator]\nname = "bench"\ntimezone = "Asia/Shanghai"\n[database]\npath = "{db}.db"\n'
                   '[connections.sandbox]\nplatform = "sandbox"\nenabled = true\n', encoding="utf-8")
    return cfg


def generate(ws, groups: int, members: int, messages: int, days: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    end = ws.day_start(END_DAY) + DAY - 1
    start = ws.day_start(END_DAY) - (days - 1) * DAY
    per_group = members // groups
    msgs_per_gd = messages / (groups * days)
    st = ws.store
    t0 = time.perf_counter()
    with st.write() as c:
        c.executemany("INSERT INTO groups(id, connection_id, platform, platform_group_id, name, type, capacity,"
                      " member_count, created_at) VALUES (?,?,?,?,?,?,?,?,?)",
                      [(g, "sandbox", "sandbox", f"bg{g}", f"group {g}", ("traffic", "welfare", "flash")[g % 3], 500,
                        0, start - 30 * DAY) for g in range(1, groups + 1)])
        people, idents, mships, events = [], [], [], []
        pid = 0
        joined: dict[int, list[tuple[int, int, int | None]]] = defaultdict(list)  # g -> (pid, join, leave)
        for g in range(1, groups + 1):
            for k in range(per_group):
                pid += 1
                insider = 1 if k < 3 else 0
                people.append((pid, f"p{pid}", insider, start - 40 * DAY))
                idents.append((pid, "sandbox", f"u{pid}", f"p{pid}"))
                j = start - rng.randint(1, 30) * DAY if rng.random() < 0.8 else start + rng.randint(0, days - 1) * DAY
                j += rng.randint(0, DAY - 1)
                left = j + rng.randint(1, 60) * DAY if rng.random() < 0.05 and not insider else None
                if left is not None and left > end:
                    left = None
                joined[g].append((pid, j, left))
                mships.append((g, pid, "left" if left else "member", j, left, "leave" if left else None))
                events.append(("sandbox", f"j{pid}", "join", g, pid, j, '{"scene": "qr"}'))
                if left:
                    events.append(("sandbox", f"l{pid}", "leave", g, pid, left,
                                   '{"reason": "%s"}' % rng.choice(["leave", "leave", "kick"])))
        c.executemany("INSERT INTO people(id, display_name, is_insider, created_at) VALUES (?,?,?,?)", people)
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id, nickname) VALUES (?,?,?,?)", idents)
        c.executemany("INSERT INTO memberships(group_id, person_id, status, joined_at, left_at, leave_reason)"
                      " VALUES (?,?,?,?,?,?)", mships)
        c.executemany("INSERT INTO events(connection_id, platform_event_id, kind, group_id, person_id, ts, data)"
                      " VALUES (?,?,?,?,?,?,?)", events)
        c.execute("UPDATE groups SET member_count = (SELECT count(*) FROM memberships m WHERE m.group_id = groups.id"
                  " AND m.status = 'member')")
    print(f"  people, memberships, events: {time.perf_counter() - t0:.1f} s", flush=True)
    insiders = {p[0] for p in people if p[2]}
    del people, idents, mships, events
    # rollups: joins, leaves, members_end per group per day (what the engine keeps)
    roll: dict[tuple[int, str], list] = {}
    for g, lst in joined.items():
        ch: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0, 0, 0])  # joins, leaves, kicked, dm, di
        for p, j, left in lst:
            d = ws.day(j)
            ch[d][0] += 1
            ch[d][3] += 1
            ch[d][4] += p in insiders
            if left:
                d2 = ws.day(left)
                ch[d2][1] += 1
                ch[d2][3] -= 1
        m = i = 0
        for d in sorted(ch):
            v = ch[d]
            m += v[3]
            i += v[4]
            roll[(g, d)] = [0, 0, 0, 0, v[0], v[1], 0, m, i]
    # messages: each group-day, a share of current members speak
    t0 = time.perf_counter()
    n = 0
    for day_i in range(days):
        d0 = start + day_i * DAY
        d = ws.day(d0)
        rows, spk = [], []
        for g, lst in joined.items():
            present = [p for p, j, left in lst if j < d0 and (left is None or left > d0 + DAY)]
            if not present:
                continue
            target = max(1, int(rng.gauss(msgs_per_gd, msgs_per_gd / 4)))
            speakers = rng.sample(present, min(len(present), max(1, target // 4)))
            counts: dict[int, int] = defaultdict(int)
            for _ in range(target):
                counts[rng.choice(speakers)] += 1
            r = roll.setdefault((g, d), [0, 0, 0, 0, 0, 0, 0, None, None])
            for p, k in counts.items():
                spk.append((g, d, p, k))
                r[0] += k
                r[2] += 1
                if p in insiders:
                    r[1] += k
                    r[3] += 1
                for _ in range(k):
                    n += 1
                    rows.append(("sandbox", f"m{n}", g, p, d0 + rng.randint(0, DAY - 1), "hello"))
        with st.write() as c:
            c.executemany("INSERT INTO messages(connection_id, platform_msg_id, group_id, person_id, ts, text)"
                          " VALUES (?,?,?,?,?,?)", rows)
            c.executemany("INSERT INTO speaker_days(group_id, day, person_id, messages) VALUES (?,?,?,?)", spk)
    print(f"  {n:,} messages and speaker_days: {time.perf_counter() - t0:.1f} s", flush=True)
    with st.write() as c:
        c.executemany("INSERT INTO rollups_daily(group_id, day, messages, messages_insiders, speakers, speakers_insiders,"
                      " joins, leaves, leaves_kicked, members_end, insiders_end) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                      [(g, d, *r) for (g, d), r in roll.items()])
        # outside inputs: orders, costs, exposure
        c.executemany("INSERT INTO orders(order_id, person_id, group_id, amount, ordered_at, source) VALUES (?,?,?,?,?,?)",
                      [(f"o{k}", rng.randint(1, pid), rng.randint(1, groups), round(rng.uniform(9, 400), 2),
                        rng.randint(start, end), "bench") for k in range(50_000)])
        c.executemany("INSERT INTO costs(day, group_id, amount, source) VALUES (?,?,?,?)",
                      [(ws.day(start + k * DAY), None, 2000.0, "bench") for k in range(days)])
        c.executemany("INSERT INTO exposure(day, channel, group_id, impressions, source) VALUES (?,?,?,?,?)",
                      [(ws.day(start + k * DAY), "qr", g, rng.randint(50, 500), "bench")
                       for k in range(days) for g in range(1, groups + 1, 10)])
    st.set_meta("bench.generated", "1")


def timed(fn, repeat: int) -> tuple[float, float, object]:
    """(median, best) seconds of ``repeat`` runs, and the last result. The best run is
    printed too: other work on a shared machine only ever adds time."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), min(times), out


def ingest_cost(n_msgs: int, reps: int = 5) -> dict[bool, list[float]]:
    """Seconds to ingest the same events without and with rollups (fresh workspaces,
    batches of 1,000, plugin hooks off so only the engine's own work is measured).
    The two modes alternate, so a burst of load elsewhere hits both."""
    rng = random.Random(9)
    base = 1_750_000_000
    evs = [Event("sandbox", f"j{u}", "join", base + u, f"g{u % 50}", f"u{u}") for u in range(5000)]
    evs += [Event("sandbox", f"m{k}", "message", base + 6000 + k * 3, f"g{(u := rng.randrange(5000)) % 50}", f"u{u}",
                  text="hi") for k in range(n_msgs)]
    out: dict[bool, list[float]] = {False: [], True: []}
    for rep in range(reps):
        for rollups in (False, True):
            d = CACHE / f"ingest-{rollups}"
            for f in d.glob("*.db*"):
                f.unlink()
            ws = Workspace.open(config(d, "ingest"))
            eng = Engine(ws, rollups=rollups, hooks=False)
            t = time.perf_counter()
            for i in range(0, len(evs), 1000):
                eng.ingest(evs[i:i + 1000])
            out[rollups].append(time.perf_counter() - t)
            ws.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--groups", type=int, default=1000)
    ap.add_argument("--members", type=int, default=500_000)
    ap.add_argument("--messages", type=int, default=10_000_000)
    ap.add_argument("--days", type=int, default=90)
    ap.add_argument("--ingest-messages", type=int, default=200_000)
    ap.add_argument("--no-scan", action="store_true", help="Skip the raw scan (the slow part).")
    a = ap.parse_args()
    name = f"kpi-{a.groups}-{a.members}-{a.messages}-{a.days}"
    cfg = config(CACHE, name)
    ws = Workspace.open(cfg)
    ws.clock = lambda: ws.day_start(END_DAY) + DAY - 1
    if not ws.store.get_meta("bench.generated"):
        print(f"generating {a.groups:,} groups, {a.members:,} members, {a.messages:,} messages over {a.days} days"
              f" into {ws.store.path}", flush=True)
        generate(ws, a.groups, a.members, a.messages, a.days)
    from plugins.kpi import cohorts, segments
    from plugins.kpi.metrics import by_group, panel
    from plugins.kpi.window import Window, shift

    t = time.perf_counter()
    cohorts.rebuild(ws)
    segments.rebuild(ws)
    print(f"cohorts + segments jobs: {time.perf_counter() - t:.1f} s")
    window = Window(shift(END_DAY, -(a.days - 1)), END_DAY)
    panel(ws, "all", window)  # warm the page cache once
    t_fast, best, fast = timed(lambda: panel(ws, "all", window), 15)
    print(f"all-groups panel, {a.days} days, from rollups: {t_fast * 1000:.1f} ms median, {best * 1000:.1f} ms best of 15")
    for r in fast:
        print(f"    {r['title']:<22} {r['shown']}")
    t_day, best_day, rows = timed(lambda: by_group(ws, "all", Window(END_DAY, END_DAY)), 5)
    print(f"per-group daily panel ({len(rows)} groups, {END_DAY}): {t_day * 1000:.0f} ms median,"
          f" {best_day * 1000:.0f} ms best of 5")
    if not a.no_scan:
        t = time.perf_counter()
        slow = panel(ws, "all", window, source="raw")
        t_slow = time.perf_counter() - t
        same = all((f["value"] == s["value"]) or (isinstance(f["value"], float) and abs(f["value"] - s["value"]) < 1e-9)
                   for f, s in zip(fast, slow))
        print(f"same panel from a scan of the raw tables: {t_slow:.1f} s; ratio {t_slow / t_fast:,.0f}x;"
              f" numbers {'identical' if same else 'DIFFER'}")
        if not same:
            for f, s in zip(fast, slow):
                if f["value"] != s["value"]:
                    print(f"    {f['name']}: rollups {f['value']} raw {s['value']}")
    ws.close()
    got = ingest_cost(a.ingest_messages)
    for label, f in (("median", statistics.median), ("best", min)):
        off, on = f(got[False]), f(got[True])
        print(f"ingest of {a.ingest_messages + 5000:,} events ({label} of {len(got[True])}): {off:.2f} s without"
              f" rollups, {on:.2f} s with; rollups add {(on / off - 1) * 100:+.0f}%")


if __name__ == "__main__":
    main()
