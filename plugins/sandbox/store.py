"""The sandbox's own tables: its world state, the truth it generated, the actions it answered.

Kept apart from the workspace's core tables on purpose: the truth (this message is an
ad, this person is a bargain hunter) must never leak into what rules and segments see,
only into the measurement of how well they did. Documented in docs/schema/sandbox.md.
"""

from __future__ import annotations

import json
from typing import Any

from shequn import run_script

M001 = """
CREATE TABLE sandbox_state (
    connection_id TEXT PRIMARY KEY,
    state TEXT NOT NULL,            -- JSON: the whole simulated world (World.to_state)
    saved_at INTEGER NOT NULL
);

CREATE TABLE sandbox_truth (
    connection_id TEXT NOT NULL,
    platform_id TEXT NOT NULL,      -- a platform user id (sb-u12) or message id (sb-m0-345)
    kind TEXT NOT NULL,             -- segment / activity / conduct / staff / message
    label TEXT NOT NULL,            -- loyal, bargain, need, low_need / talker, lurker / ads, flood /
                                    -- owner, admin, cheer / ad, polite_ad, not_ad, flood, off_topic
    PRIMARY KEY (connection_id, platform_id, kind)
) WITHOUT ROWID;
CREATE INDEX sandbox_truth_label ON sandbox_truth(kind, label);

CREATE TABLE sandbox_actions (
    connection_id TEXT NOT NULL,
    key TEXT NOT NULL,              -- the outbox's idempotency key
    kind TEXT NOT NULL,
    status TEXT NOT NULL,           -- done / failed
    message TEXT NOT NULL DEFAULT '',
    data TEXT,                      -- JSON handed back with the result
    at INTEGER NOT NULL,
    PRIMARY KEY (connection_id, key)
) WITHOUT ROWID;
"""


def m001_sandbox(store) -> None:
    run_script(store, M001)


MIGRATIONS = [("m001_sandbox", m001_sandbox)]

#: orders whose buyer or group the workspace does not know yet are retried this many times
MAX_TRIES = 200


def load_state(ws, connection: str) -> dict[str, Any] | None:
    raw = ws.store.scalar("SELECT state FROM sandbox_state WHERE connection_id = ?", (connection,))
    return json.loads(raw) if raw else None


def save_state(ws, connection: str, state: dict[str, Any]) -> None:
    blob = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    with ws.store.write() as c:
        c.execute("INSERT INTO sandbox_state(connection_id, state, saved_at) VALUES (?,?,?)"
                  " ON CONFLICT(connection_id) DO UPDATE SET state = excluded.state, saved_at = excluded.saved_at",
                  (connection, blob, ws.now()))


def recorded_result(ws, connection: str, key: str) -> dict[str, Any] | None:
    return ws.store.one("SELECT status, message, data FROM sandbox_actions WHERE connection_id = ? AND key = ?",
                        (connection, key))


def result_row(ws, key: str, kind: str, status: str, message: str, data: dict[str, Any]) -> tuple:
    """An answer as :func:`record_results` writes it, taken now (its time, its data as JSON)."""
    return key, kind, status, message, json.dumps(data, ensure_ascii=False) if data else None, ws.now()


def record_results(ws, connection: str, rows: list[tuple]) -> None:
    """Keep answers (:func:`result_row`) against their idempotency keys, in one transaction;
    the first answer to a key stays."""
    with ws.store.write() as c:
        _insert_results(c, connection, rows)


def _insert_results(c, connection: str, rows: list[tuple]) -> None:
    if rows:
        c.executemany("INSERT OR IGNORE INTO sandbox_actions(connection_id, key, kind, status, message, data, at)"
                      " VALUES (?,?,?,?,?,?,?)", [(connection, *r) for r in rows])


def write_records(ws, connection: str, platform: str, world, results: list[tuple] = ()) -> dict[str, int]:
    """Write the world's orders, costs, exposure and truth (source ``sandbox``), and the
    answers ``results`` kept since the last call (:func:`record_results`), in one
    transaction. Records naming a buyer or group the workspace has not seen yet (their
    join is still on its way through the engine) go back to the world for next time."""
    recs = world.take_records()
    counts = {"orders": 0, "costs": 0, "exposure": 0, "truth": 0}
    later: dict[str, list] = {"orders": [], "costs": [], "exposure": []}
    groups: dict[str, int | None] = {}
    people: dict[str, int | None] = {}

    def group_id(c, gid: str | None) -> int | None:
        if gid not in groups:
            row = c.execute("SELECT id FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                            (connection, gid)).fetchone()
            groups[gid] = row[0] if row else None
        return groups[gid]

    with ws.store.write() as c:
        _insert_results(c, connection, list(results))
        # the buyers' person ids, 500 a query (the first hour's orders are the shop's history:
        # ~15,000 of 10,000 people at 100 groups, one query each before)
        buyers = sorted({o["user"] for o in recs["orders"]})
        for i in range(0, len(buyers), 500):
            part = buyers[i:i + 500]
            people.update(c.execute(f"SELECT platform_user_id, person_id FROM identities WHERE platform = ?"
                                    f" AND platform_user_id IN ({','.join('?' * len(part))})", (platform, *part)))
        rows = []
        for o in recs["orders"]:
            pid, gid = people.get(o["user"]), group_id(c, o["group"])
            if pid is None or gid is None:
                o["tries"] = o.get("tries", 0) + 1
                if o["tries"] < MAX_TRIES:
                    later["orders"].append(o)
                continue
            rows.append((o["order_id"], pid, gid, o["amount"], o["ordered_at"], o["product"]))
        if rows:  # rowcount: the orders inserted (an order id kept already is ignored)
            counts["orders"] = c.executemany("INSERT OR IGNORE INTO orders(order_id, person_id, group_id, amount,"
                                             " ordered_at, product, source) VALUES (?,?,?,?,?,?,'sandbox')",
                                             rows).rowcount
        for kind, table in (("costs", "costs"), ("exposure", "exposure")):
            for r in recs[kind]:
                gid = group_id(c, r["group"]) if r["group"] else None
                if r["group"] and gid is None:
                    r["tries"] = r.get("tries", 0) + 1
                    if r["tries"] < MAX_TRIES:
                        later[kind].append(r)
                    continue
                if kind == "costs":
                    c.execute("INSERT INTO costs(day, group_id, amount, category, note, source) VALUES (?,?,?,?,?,'sandbox')",
                              (r["day"], gid, r["amount"], r["category"], r["note"]))
                else:
                    c.execute("INSERT INTO exposure(day, channel, group_id, impressions, source) VALUES (?,?,?,?,'sandbox')",
                              (r["day"], r["channel"], gid, r["impressions"]))
                counts[kind] += 1
        c.executemany("INSERT OR REPLACE INTO sandbox_truth(connection_id, platform_id, kind, label) VALUES (?,?,?,?)",
                      [(connection, *t) for t in recs["truth"]])
        counts["truth"] = len(recs["truth"])
    for k, v in later.items():
        world.records[k].extend(v)
    return counts
