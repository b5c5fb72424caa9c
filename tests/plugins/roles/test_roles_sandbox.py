"""On the sandbox platform, end to end: a demo back-fill, the platform's owners and admins
taken in, the world's cheer squads given their role by the demo, an admin set on the
(simulated) platform and confirmed by its event, the
guidelines flagging an understaffed group and an overloaded owner, and every decision
in the audit log."""

from __future__ import annotations

from collections import Counter

import pytest

from console.engine import Engine
from console.outbox import Executor
from console.workspace import Workspace

from plugins.roles import assign as ops
from plugins.roles import guidelines as gl

END = 1_760_000_000


@pytest.fixture
def sandbox_ws(tmp_path):
    from roles_helpers import make_config

    sb = pytest.importorskip("plugins.sandbox.demo")
    w = Workspace.open(make_config(tmp_path, "[roles]\nowner_groups_max = 5\n"))
    sb.backfill(w, "sandbox", days=2, now=END)
    yield w
    w.close()


def _connector(ws):
    from plugins.sandbox.connector import SandboxConnector

    conn = SandboxConnector("sandbox", dict(ws.settings.connections["sandbox"].options))
    conn.attach(ws)
    return conn


async def test_roles_on_the_sandbox(sandbox_ws):
    ws = sandbox_ws
    groups = [g["id"] for g in ws.store.query("SELECT id FROM groups ORDER BY id")]
    assert len(groups) == 6
    # the platform's owners came in through the guidelines job the back-fill ran
    platform_owners = ops.list_roles(ws, role="owner")
    assert len(platform_owners) == 6 and {r["source"] for r in platform_owners} == {"platform"}
    assert {r["platform_state"] for r in platform_owners} == {"synced"}
    # the demo gave the world's cheer squads their role (the roster an operator keeps): 2-3 a group
    cheer = ops.list_roles(ws, role="cheer")
    per_group = Counter(r["group_id"] for r in cheer)
    assert set(per_group) == set(groups) and set(per_group.values()) <= {2, 3}
    assert {r["source"] for r in cheer} == {"shequn"}

    # an admin set in shequn goes to the platform and comes back as its event
    g = groups[0]
    candidate = ws.store.one(
        "SELECT m.person_id FROM memberships m JOIN people p ON p.id = m.person_id WHERE m.group_id = ?"
        " AND m.status = 'member' AND m.platform_role = 'member' AND p.is_insider = 0 ORDER BY m.person_id LIMIT 1",
        (g,))["person_id"]
    conn = _connector(ws)
    with ws.clock_at(END + 60):
        rows = ops.assign(ws, candidate, [g], "admin", reason="helps with the night class")
        assert rows[0]["platform_state"] == "pending"
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()
        Engine(ws).ingest(conn.world.tick(END + 60, 0))
    held = ws.store.one("SELECT * FROM roles WHERE person_id = ? AND group_id = ? AND role = 'admin'", (candidate, g))
    assert held["platform_state"] == "synced" and held["source"] == "shequn"
    assert ws.store.scalar("SELECT platform_role FROM memberships WHERE person_id = ? AND group_id = ?",
                           (candidate, g)) == "admin"

    # one person takes over all six groups as owner (guideline here: at most 5)
    boss = platform_owners[0]["person_id"]
    member_everywhere = [gid for gid in groups if ws.store.scalar(
        "SELECT 1 FROM memberships WHERE group_id = ? AND person_id = ? AND status = 'member'", (gid, boss))]
    with ws.clock_at(END + 120):
        with ws.store.write() as c:  # make them a member everywhere, as an invitation would
            for gid in set(groups) - set(member_everywhere):
                c.execute("INSERT INTO memberships(group_id, person_id, status, join_scene) VALUES (?,?,?,?)",
                          (gid, boss, "member", "invite"))
        ops.assign(ws, boss, groups, "owner", replace=True)
        for r in cheer:  # the second group's squad leaves the role
            if r["group_id"] == groups[1]:
                ops.unassign(ws, r["person_id"], [groups[1]], "cheer")
        load = {r["person_id"]: r for r in gl.owner_load(ws)}
        staff = {r["group_id"]: r for r in gl.staffing(ws)}
        counts = gl.check_guidelines(ws)
    assert load[boss]["status"] == "overloaded" and load[boss]["groups"] == 6
    assert staff[groups[1]]["status"] == "understaffed" and "cheer_low" in staff[groups[1]]["reason_codes"]
    assert "cheer_low" not in staff[groups[2]]["reason_codes"]
    assert counts["overloaded"] == 1 and counts["understaffed"] >= 1
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'overloaded_owner' AND resolved_at IS NULL")
    assert alert["why"] == "6 groups, a full-time owner runs 5-5"

    # every decision is in the audit log, with who made it
    history = ws.store.query("SELECT * FROM role_history ORDER BY id")
    logged = ws.store.query("SELECT * FROM audit_log WHERE action LIKE 'role_%' ORDER BY id")
    decisions = [h for h in history if h["change"] in ("assigned", "unassigned", "replaced")]
    assert len([a for a in logged if a["action"] in ("role_assigned", "role_unassigned", "role_replaced")]) == \
        len(decisions)
    assert {a["actor"] for a in logged} >= {"platform", "operator:tester", "outbox"}
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'action_proposed' AND"
                           " actor = 'operator:tester'") >= 1
