"""A generated workspace for the kpi tests: groups, members (some of them insiders),
joins, leaves with reasons, and messages over 40 days, fed through the real engine so
the rollups under test are the ones ingest keeps."""

from __future__ import annotations

import random

import pytest

from console.engine import Engine
from console.model import Event

DAY = 86400


def generate(ws, *, seed=3, groups=5, users=150, days=40, end_day="2025-03-31"):
    rng = random.Random(seed)
    end = ws.day_start(end_day) + DAY - 1
    start = ws.day_start(end_day) - (days - 1) * DAY
    ws.clock = lambda: end
    eng = Engine(ws)
    conn = "sandbox"
    users_ = [f"u{i}" for i in range(users)]
    with ws.store.write():
        pids = {u: eng.person_for(conn, u, u) for u in users_}
    insiders = set(rng.sample(users_, 8))
    with ws.store.write() as c:
        c.executemany("UPDATE people SET is_insider = 1 WHERE id = ?", [(pids[u],) for u in insiders])
    member: dict[tuple[str, str], bool] = {}
    events, n = [], 0
    for d in range(days):
        day0 = start + d * DAY
        for g in range(groups):
            gid = f"g{g}"
            for _ in range(rng.randint(0, 6) + (12 if d == 0 else 0)):
                u = rng.choice(users_)
                n += 1
                events.append(Event(conn, f"j{n}", "join", day0 + rng.randint(0, DAY - 1), gid, u,
                                    data={"scene": "qr", "inviter": rng.choice(users_) if rng.random() < .3 else None}))
            for _ in range(rng.randint(0, 3)):
                u = rng.choice(users_)
                n += 1
                events.append(Event(conn, f"l{n}", "leave", day0 + rng.randint(0, DAY - 1), gid, u,
                                    data={"reason": rng.choice(["leave", "leave", "kick"])}))
    events.sort(key=lambda e: e.ts)
    # messages only from people who are members at that moment (replayed in order)
    msgs = []
    for e in events:
        key = (e.group, e.user)
        if e.kind == "join":
            member[key] = True
        else:
            member[key] = False
    state: dict[tuple[str, str], bool] = {}
    timeline = []
    for e in events:
        state[(e.group, e.user)] = e.kind == "join"
        timeline.append(e)
        if e.kind == "join":
            for _ in range(rng.randint(0, 8)):
                n += 1
                ts = min(e.ts + rng.randint(1, 5 * DAY), end)
                msgs.append(Event(conn, f"m{n}", "message", ts, e.group, e.user, text="hi"))
    # drop messages sent after the speaker left (they would make the engine re-add them)
    alive = _membership_intervals(events)
    msgs = [m for m in msgs if _is_member(alive, m.group, m.user, m.ts)]
    allev = sorted(events + msgs, key=lambda e: e.ts)
    for i in range(0, len(allev), 300):
        eng.ingest(allev[i:i + 300])
    return {"start": start, "end": end, "insiders": insiders, "pids": pids}


def _membership_intervals(events):
    out: dict[tuple[str, str], list[list[int]]] = {}
    for e in sorted(events, key=lambda e: e.ts):
        iv = out.setdefault((e.group, e.user), [])
        if e.kind == "join" and (not iv or iv[-1][1] is not None):
            iv.append([e.ts, None])
        elif e.kind == "leave" and iv and iv[-1][1] is None:
            iv[-1][1] = e.ts
    return out


def _is_member(alive, g, u, ts):
    return any(a < ts and (b is None or ts < b) for a, b in alive.get((g, u), []))


@pytest.fixture
def gen_ws(ws):
    info = generate(ws)
    return ws, info
