"""Helpers for the moderation tests: events on the sandbox connection, a fixed clock.

A module with a unique name (not conftest) so test files can import it."""

from __future__ import annotations

import itertools
import json

from console.engine import Engine
from console.model import Event, Kind

T0 = 1_750_000_000  # a fixed "now": tests move it with ws.clock_at, never read the wall clock
_ids = itertools.count(1)


def msg(group: str, user: str, text: str, ts: int, *, data=None, conn: str = "sandbox") -> Event:
    return Event(connection=conn, id=f"m{next(_ids)}", kind=Kind.MESSAGE, ts=ts, group=group, user=user,
                 nickname=f"nick-{user}", text=text, data=data or {})


def join(group: str, user: str, ts: int, conn: str = "sandbox") -> Event:
    return Event(connection=conn, id=f"j{next(_ids)}", kind=Kind.JOIN, ts=ts, group=group, user=user,
                 nickname=f"nick-{user}", data={"scene": "link"})


def request(group: str, user: str, ts: int, conn: str = "sandbox") -> Event:
    n = next(_ids)
    return Event(connection=conn, id=f"r{n}", kind=Kind.JOIN_REQUEST, ts=ts, group=group, user=user,
                 nickname=f"nick-{user}", data={"flag": f"flag{n}", "sub_type": "add", "comment": "hi"})


def feed(ws, events, at: int | None = None):
    with ws.clock_at(at if at is not None else max(e.ts for e in events)):
        return Engine(ws).ingest(events)


def gid(ws, platform_group: str, conn: str = "sandbox") -> int:
    return ws.store.scalar("SELECT id FROM groups WHERE connection_id = ? AND platform_group_id = ?",
                           (conn, platform_group))


def pid(ws, user: str, platform: str = "sandbox") -> int:
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform = ? AND platform_user_id = ?",
                           (platform, user))


def actions(ws, person_id=None, kind=None):
    rows = ws.store.query("SELECT * FROM actions ORDER BY id")
    out = [r for r in rows if (person_id is None or r["person_id"] == person_id) and (kind is None or r["kind"] == kind)]
    for r in out:
        r["params"] = json.loads(r["params"])
    return out


def cases(ws, person_id=None):
    q = "SELECT * FROM cases" + (" WHERE person_id = ?" if person_id is not None else "") + " ORDER BY id"
    return ws.store.query(q, (person_id,) if person_id is not None else ())


