"""Platform roles both ways: ADMIN events update roles; admins set in shequn ask the platform."""

from __future__ import annotations

from console.connector import Connector
from console.engine import Engine
from console.model import ActionResult, Capability
from console.outbox import Executor

from plugins.roles import assign as ops
from plugins.roles import platform as plat

from roles_helpers import T0, admin_event, audit, build


class AdminPlatform(Connector):
    """A connector that can set admins and answers with a chosen result."""

    platform = "sandbox"
    capabilities = frozenset({Capability.SET_ADMIN, Capability.SEND})

    def __init__(self, result: ActionResult | None = None):
        super().__init__("sandbox")
        self.result = result or ActionResult.done()
        self.seen: list = []

    async def act(self, request):
        self.seen.append(request)
        return self.result


def _role(ws, pid, gid, role="admin"):
    return ws.store.one("SELECT * FROM roles WHERE person_id = ? AND group_id = ? AND role = ?", (pid, gid, role))


async def test_admin_assigned_in_shequn_is_set_on_the_platform_and_synced(ws):
    w = build(ws, groups=2)
    pid = w["people"]["u1"]
    gids = list(w["groups"].values())
    rows = ops.assign(ws, pid, gids, "admin")
    assert {r["platform_state"] for r in rows} == {"pending"}
    actions = ws.store.query("SELECT * FROM actions ORDER BY id")
    assert [(a["kind"], a["group_id"], a["person_id"], a["status"]) for a in actions] == \
        [("set_admin", g, pid, "pending") for g in gids]
    conn = AdminPlatform()
    await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    assert [(r.kind, r.user) for r in conn.seen] == [("set_admin", "u1"), ("set_admin", "u1")]
    assert all(_role(ws, pid, g)["platform_state"] == "synced" for g in gids)
    assert ws.store.scalar("SELECT count(*) FROM memberships WHERE person_id = ? AND platform_role = 'admin'",
                           (pid,)) == 2
    synced = audit(ws, "role_platform_synced")
    assert len(synced) == 2 and {a["actor"] for a in synced} == {"outbox"}
    assert [h["change"] for h in ops.history(ws, person_id=pid, group_id=gids[0])] == ["platform_synced", "assigned"]


async def test_platform_refusal_marks_failed_with_reason_and_leaves_a_task(ws):
    w = build(ws, groups=1)
    pid, gid = w["people"]["u1"], w["groups"]["g1"]
    ops.assign(ws, pid, [gid], "admin")
    await Executor(ws, {"sandbox": AdminPlatform(ActionResult.failed("bot is not the group owner"))},
                   pacing=False).drain()
    assert _role(ws, pid, gid)["platform_state"] == "failed"
    last = ops.history(ws, person_id=pid)[0]
    assert last["change"] == "platform_failed" and last["reason"] == "bot is not the group owner"
    task = ws.store.one("SELECT * FROM tasks WHERE kind = 'set_admin_by_hand'")
    assert task and "user1" in task["title"] and "bot is not the group owner" in task["detail"]
    assert audit(ws, "role_platform_failed")[0]["actor"] == "outbox"


def test_without_set_admin_the_admin_is_shequn_only(ws, monkeypatch):
    w = build(ws, groups=1)
    monkeypatch.setattr(type(ws), "group_capabilities", lambda self, gid: frozenset({Capability.SEND}))
    rows = ops.assign(ws, w["people"]["u1"], [w["groups"]["g1"]], "admin")
    assert rows[0]["platform_state"] == "shequn only" and rows[0]["action_id"] is None
    assert ws.store.scalar("SELECT count(*) FROM actions") == 0


def test_admin_and_owner_changes_seen_on_the_platform_update_roles(ws):
    w = build(ws, groups=1)
    gid, p = w["groups"]["g1"], w["people"]
    with ws.clock_at(T0 + 1000):
        Engine(ws).ingest([admin_event("g1", "u3", T0 + 1000)])
    role = _role(ws, p["u3"], gid)
    assert role["source"] == "platform" and role["platform_state"] == "synced" and role["assigned_by"] == "platform"
    assert ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (p["u3"],)) == 1
    assert audit(ws, "role_assigned")[-1]["actor"] == "platform"
    # owner: the platform's owner replaces the one shequn had
    ops.assign(ws, p["u1"], [gid], "owner")
    with ws.clock_at(T0 + 1100):
        Engine(ws).ingest([admin_event("g1", "u2", T0 + 1100, role="owner")])
    assert [r["person"] for r in ops.list_roles(ws, group_id=gid, role="owner")] == ["user2"]
    assert ops.history(ws, person_id=p["u1"])[0]["change"] == "replaced"
    # admin removed on the platform
    with ws.clock_at(T0 + 1200):
        Engine(ws).ingest([admin_event("g1", "u3", T0 + 1200, enable=False)])
    assert _role(ws, p["u3"], gid) is None
    assert ws.store.scalar("SELECT is_insider FROM people WHERE id = ?", (p["u3"],)) == 0
    h = ops.history(ws, person_id=p["u3"])
    assert [(x["change"], x["source"], x["actor"]) for x in h] == [("unassigned", "platform", "platform"),
                                                                  ("assigned", "platform", "platform")]
    # no action goes back to the platform for what the platform itself did
    assert ws.store.scalar("SELECT count(*) FROM actions WHERE kind LIKE '%admin'") == 0


def test_platform_event_confirms_a_pending_admin(ws):
    w = build(ws, groups=1)
    pid, gid = w["people"]["u1"], w["groups"]["g1"]
    ops.assign(ws, pid, [gid], "admin")
    with ws.clock_at(T0 + 2000):
        Engine(ws).ingest([admin_event("g1", "u1", T0 + 2000)])
    role = _role(ws, pid, gid)
    assert role["platform_state"] == "synced" and role["source"] == "shequn"


async def test_unassign_admin_asks_platform_to_remove_it(ws):
    w = build(ws, groups=1)
    pid, gid = w["people"]["u1"], w["groups"]["g1"]
    ops.assign(ws, pid, [gid], "admin")
    await Executor(ws, {"sandbox": AdminPlatform()}, pacing=False).drain()
    rows = ops.unassign(ws, pid, [gid], "admin")
    assert rows[0]["action_id"] is not None
    act = ws.store.one("SELECT * FROM actions WHERE id = ?", (rows[0]["action_id"],))
    assert act["kind"] == "unset_admin" and act["status"] == "pending"
    conn = AdminPlatform()
    await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    assert [r.kind for r in conn.seen] == ["unset_admin"]
    assert ws.store.scalar("SELECT platform_role FROM memberships WHERE person_id = ? AND group_id = ?",
                           (pid, gid)) == "member"
    # assign again after that: a fresh set_admin (not deduplicated against the first one)
    again = ops.assign(ws, pid, [gid], "admin")
    assert again[0]["platform_state"] == "pending" and again[0]["action_id"] not in (None, act["id"])


def test_unassign_before_the_set_admin_went_out_cancels_it(ws):
    w = build(ws, groups=1)
    pid, gid = w["people"]["u1"], w["groups"]["g1"]
    aid = ops.assign(ws, pid, [gid], "admin")[0]["action_id"]
    rows = ops.unassign(ws, pid, [gid], "admin")
    assert rows[0]["action_id"] is None
    assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "cancelled"
    assert ws.store.scalar("SELECT count(*) FROM actions WHERE kind = 'unset_admin'") == 0
    assert "platform_cancelled" in [h["change"] for h in ops.history(ws, person_id=pid)]


def test_reconcile_follows_the_member_list(ws):
    w = build(ws, groups=1)
    gid, p = w["groups"]["g1"], w["people"]
    with ws.store.write() as c:  # what a member sync writes
        c.execute("UPDATE memberships SET platform_role = 'owner' WHERE person_id = ?", (p["u4"],))
        c.execute("UPDATE memberships SET platform_role = 'admin' WHERE person_id = ?", (p["u5"],))
    assert plat.reconcile(ws) == 2
    assert {(r["person"], r["role"]) for r in ops.list_roles(ws)} == {("user4", "owner"), ("user5", "admin")}
    assert plat.reconcile(ws) == 0  # nothing left to do
    with ws.store.write() as c:
        c.execute("UPDATE memberships SET platform_role = 'member' WHERE person_id = ?", (p["u5"],))
    assert plat.reconcile(ws, gid) == 1
    assert {r["person"] for r in ops.list_roles(ws)} == {"user4"}


def test_other_plugins_admin_actions_are_left_alone(ws):
    w = build(ws, groups=1)
    pid, gid = w["people"]["u1"], w["groups"]["g1"]
    from console.model import Proposal

    aid = ws.enqueue([Proposal("set_admin", "someone else's", group_id=gid, person_id=pid)], "plugin:other")[0]
    plat.on_action_done(ws, dict(ws.store.one("SELECT * FROM actions WHERE id = ?", (aid,)), status="failed"),
                        ActionResult.failed("no"))
    assert ws.store.scalar("SELECT count(*) FROM role_history") == 0
    assert ws.store.scalar("SELECT count(*) FROM tasks") == 0


def test_reconcile_keeps_an_owner_the_operator_chose(ws):
    w = build(ws, groups=1)
    gid, p = w["groups"]["g1"], w["people"]
    ops.assign(ws, p["u1"], [gid], "owner")  # a persona, not the platform's owner account
    with ws.store.write() as c:
        c.execute("UPDATE memberships SET platform_role = 'owner' WHERE person_id = ?", (p["u4"],))
    plat.reconcile(ws)
    plat.reconcile(ws)
    assert [r["person"] for r in ops.list_roles(ws, role="owner")] == ["user1"]


def test_the_bot_account_gets_no_role(ws):
    w = build(ws, groups=1)
    with ws.store.write() as c:
        c.execute("UPDATE connections SET account = 'u5' WHERE id = 'sandbox'")
        c.execute("UPDATE memberships SET platform_role = 'admin' WHERE person_id = ?", (w["people"]["u5"],))
    assert plat.reconcile(ws) == 0
    with ws.clock_at(T0 + 10):
        Engine(ws).ingest([admin_event("g1", "u5", T0 + 10)])
    assert ops.list_roles(ws) == []
