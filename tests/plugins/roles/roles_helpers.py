"""A small world for the roles tests: groups and members made by feeding join events
to the engine on the sandbox connection (the way real data arrives)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from console.engine import Engine
from console.model import Event, Kind


def _root_conftest():
    # Loaded by path: a bare `from conftest import ...` picks up whichever conftest module
    # another test folder registered first under that name.
    spec = importlib.util.spec_from_file_location("shequn_root_conftest_for_roles",
                                                  Path(__file__).resolve().parents[2] / "conftest.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


make_config = _root_conftest().make_config

T0 = 1_750_000_000  # a fixed clock: tests never read wall time


def join(gid: str, uid: str, ts: int, nick: str | None = None, n: int = 0) -> Event:
    return Event(connection="sandbox", id=f"j-{gid}-{uid}-{ts}-{n}", kind=Kind.JOIN, ts=ts, group=gid, user=uid,
                 nickname=nick or uid, data={"scene": "invite", "group_name": f"G{gid}"})


def build(ws, groups: int = 3, members: int = 5, ts: int = T0) -> dict:
    """Groups g1..gN each with members u1..uM (same people in every group). Returns ids:
    {"groups": {"g1": id...}, "people": {"u1": id...}}."""
    events = [join(f"g{g}", f"u{u}", ts + g * 10 + u, nick=f"user{u}") for g in range(1, groups + 1)
              for u in range(1, members + 1)]
    with ws.clock_at(ts):
        Engine(ws).ingest(events)
    gids = {r["platform_group_id"]: r["id"] for r in ws.store.query("SELECT id, platform_group_id FROM groups")}
    pids = {r["platform_user_id"]: r["person_id"] for r in ws.store.query(
        "SELECT person_id, platform_user_id FROM identities")}
    return {"groups": gids, "people": pids}


def admin_event(gid: str, uid: str, ts: int, enable: bool = True, role: str = "admin", n: int = 0) -> Event:
    return Event(connection="sandbox", id=f"a-{gid}-{uid}-{ts}-{n}", kind=Kind.ADMIN, ts=ts, group=gid, user=uid,
                 data={"enable": enable, "role": role})


def message(gid: str, uid: str, ts: int, n: int = 0) -> Event:
    return Event(connection="sandbox", id=f"m-{gid}-{uid}-{ts}-{n}", kind=Kind.MESSAGE, ts=ts, group=gid, user=uid,
                 text="hi")


def audit(ws, action: str | None = None) -> list[dict]:
    q = "SELECT * FROM audit_log" + (" WHERE action = ?" if action else "") + " ORDER BY id"
    return ws.store.query(q, (action,) if action else ())
