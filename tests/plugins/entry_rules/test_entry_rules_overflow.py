"""A full group overflows into a sibling, then into a newly created one, admitting nobody twice."""

from __future__ import annotations

import pytest

from console.model import Kind
from console.outbox import Executor
from entry_kit import T0, actions, feed, gid, join, pid, request
from plugins.entry_rules.api import PolicyError, families, save_policy, set_capacity
from plugins.sandbox.connector import SandboxConnector


def connector(ws):
    c = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c.attach(ws)
    return c


async def run_outbox(ws, conn, at):
    with ws.clock_at(at):
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    back = [e for e in conn.world.tick(conn.world.clock, 0) if e.kind in (Kind.JOIN, Kind.GROUP)]
    if back:
        for e in back:
            e.ts = at
        feed(ws, back, at=at)


async def test_full_group_overflows_without_admitting_anyone_twice(ws):
    for u in ("a1", "a2", "a3"):
        join(ws, "fa1", u, T0 - 1000)
    join(ws, "fa2", "dup", T0 - 1000)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = '福利', capacity = 3, type = 'welfare' WHERE platform_group_id IN ('fa1', 'fa2')")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="type:welfare")
    conn = connector(ws)

    routed = request(ws, "fa1", "new1", T0)
    assert routed["status"] == "rejecting" and "fa2" in routed["reason"] and "已邀请你加入" in routed["reason"]
    (inv,) = actions(ws, "invite")
    assert inv["group_id"] == gid(ws, "fa2") and inv["person_id"] == pid(ws, "new1")

    twice = request(ws, "fa1", "dup", T0 + 1)
    assert twice["status"] == "rejecting" and "你已在同一群矩阵的「fa2」中" in twice["reason"]

    await run_outbox(ws, conn, T0 + 2)
    assert ws.store.scalar("SELECT status FROM memberships WHERE person_id = ? AND group_id = ?",
                           (pid(ws, "new1"), gid(ws, "fa2"))) == "member"

    join(ws, "fa2", "b3", T0 + 3)  # fa2 now full too (dup, new1, b3): a new sibling is asked for at once
    (create,) = actions(ws, "create_group")
    assert create["group_id"] == gid(ws, "fa2")
    waiting = request(ws, "fa1", "new2", T0 + 4)
    assert waiting["status"] == "held" and "waiting for a new sibling" in waiting["reason"]
    request(ws, "fa1", "new3", T0 + 5)
    assert len(actions(ws, "create_group")) == 1  # asked for once per family

    await run_outbox(ws, conn, T0 + 6)  # the sibling is created; the two held requests move into it
    fam = {f["family"]: f for f in families(ws)}["福利"]
    new = fam["groups"][-1]
    # the bot and the two fill it (capacity 3): the next sibling is asked for at once, as fa2's was
    assert len(fam["groups"]) == 3 and not fam["room"] and [p["name"] for p in fam["sibling_requested"]] == ["福利 4"]
    assert new["capacity"] == 3
    cheer = ws.store.one("SELECT * FROM tasks WHERE kind = 'invite_cheer' AND group_id = ?", (new["group_id"],))
    assert cheer is not None
    moved = ws.store.query("SELECT status, reason FROM join_requests WHERE id IN (?, ?)", (waiting["id"], waiting["id"] + 1))
    assert [m["status"] for m in moved] == ["rejected", "rejected"] and all(new["name"] in m["reason"] for m in moved)
    assert {r["person_id"] for r in ws.store.query("SELECT person_id FROM memberships WHERE group_id = ?"
                                                   " AND status = 'member'", (new["group_id"],))} >= {
        pid(ws, "new2"), pid(ws, "new3")}

    routed4 = request(ws, "fa2", "new4", T0 + 7)
    assert routed4["status"] == "held" and len(actions(ws, "create_group")) == 2

    # nobody is a member of two groups of the family
    dupes = ws.store.query("SELECT m.person_id, count(*) n FROM memberships m JOIN groups g ON g.id = m.group_id"
                           " WHERE g.family = '福利' AND m.status = 'member' GROUP BY m.person_id HAVING n > 1")
    assert dupes == []


def test_threshold_routes_before_the_group_is_full(ws):
    for u in ("a1", "a2"):
        join(ws, "t1", u, T0 - 100)
    join(ws, "t2", "b1", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'f', capacity = 4 WHERE platform_group_id IN ('t1', 't2')")
    save_policy(ws, "overflow", {"threshold": 0.5, "auto_create": False}, scope="all")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    r = request(ws, "t1", "x", T0)
    assert r["status"] == "rejecting" and "t2" in r["reason"]


def test_capacity_below_member_count_is_refused(ws):
    for u in ("a1", "a2", "a3"):
        join(ws, "c1", u, T0)
    with pytest.raises(PolicyError, match="below its 3 current members"):
        set_capacity(ws, "c1", 2)
    assert ws.store.scalar("SELECT capacity FROM groups WHERE platform_group_id = 'c1'") is None
    assert set_capacity(ws, "c1", 3)["capacity"] == 3


def test_platform_without_create_gets_a_task(ws, monkeypatch):
    join(ws, "n1", "a1", T0 - 10)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'nf', capacity = 1 WHERE platform_group_id = 'n1'")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    from console.model import Capability

    caps = SandboxConnector.capabilities - {Capability.CREATE_GROUP}
    monkeypatch.setattr(SandboxConnector, "capabilities", caps)
    r = request(ws, "n1", "x", T0)
    assert r["status"] == "held"
    task = ws.store.one("SELECT * FROM tasks WHERE kind = 'create_sibling'")
    assert task and "shequn entry family" in task["detail"] and not actions(ws, "create_group")


async def test_full_group_without_family_starts_one_and_held_requests_move_on(ws):
    for u in ("a1", "a2", "a3"):
        join(ws, "solo", u, T0 - 100)
    with ws.store.write() as c:  # capacity 3: the sibling copies it, and holds its bot and the two applicants
        c.execute("UPDATE groups SET capacity = 3, type = 'traffic' WHERE platform_group_id = 'solo'")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    conn = connector(ws)

    first = request(ws, "solo", "n1", T0)  # it was "This group is full", rejected, for as long as it stayed full
    assert first["status"] == "held" and "waiting for a new sibling" in first["reason"]
    assert ws.store.scalar("SELECT family FROM groups WHERE platform_group_id = 'solo'") == "solo"
    assert ws.store.scalar("SELECT count(*) FROM audit_log WHERE action = 'family_started'") == 1
    (create,) = actions(ws, "create_group")
    assert create["group_id"] == gid(ws, "solo") and '"family": "solo"' in create["params"]
    second = request(ws, "solo", "n2", T0 + 1)
    assert second["status"] == "held" and len(actions(ws, "create_group")) == 1
    other = request(ws, "solo", "n3", T0 + 1)
    with ws.store.write() as c:
        # the console's language changed since the first hold: its words differ, its rule does not
        c.execute("UPDATE join_requests SET reason = '群矩阵「solo」的群都已满，正在等待新群' WHERE id = ?", (first["id"],))
        # a request another rule held (a raid, say) is that rule's business, not the sibling's
        c.execute("UPDATE join_requests SET rule = 'raid', reason = 'raid' WHERE id = ?", (other["id"],))

    await run_outbox(ws, conn, T0 + 2)  # the platform creates the sibling; registering it routes the two held
    assert ws.store.scalar("SELECT status FROM join_requests WHERE id = ?", (other["id"],)) == "held"
    sibling = ws.store.one("SELECT * FROM groups WHERE family = 'solo' AND platform_group_id != 'solo'")
    assert sibling is not None and sibling["capacity"] == 3
    moved = ws.store.query("SELECT status, reason FROM join_requests WHERE id IN (?, ?) ORDER BY id",
                           (first["id"], second["id"]))
    assert [m["status"] for m in moved] == ["rejected", "rejected"]  # the platform answered within the same drain
    assert all(sibling["name"] in m["reason"] and "已邀请你加入" in m["reason"] for m in moved)
    invites = actions(ws, "invite")
    assert {i["person_id"] for i in invites} == {pid(ws, "n1"), pid(ws, "n2")}
    assert {i["group_id"] for i in invites} == {sibling["id"]} and {i["status"] for i in invites} == {"done"}
    assert ws.store.scalar("SELECT count(*) FROM memberships WHERE group_id = ? AND status = 'member'"
                           " AND person_id IN (?, ?)", (sibling["id"], pid(ws, "n1"), pid(ws, "n2"))) == 2


def test_full_group_without_family_and_no_sibling_creation_is_rejected(ws):
    join(ws, "solo2", "a1", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET capacity = 1 WHERE platform_group_id = 'solo2'")
    save_policy(ws, "overflow", {"threshold": 1.0, "auto_create": False}, scope="all")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    r = request(ws, "solo2", "x", T0)
    assert r["status"] == "rejecting" and r["reason"] == "本群已满（已达群上限）"  # the applicant reads it: the group's language
    assert ws.store.scalar("SELECT family FROM groups WHERE platform_group_id = 'solo2'") is None


def test_invitations_not_yet_carried_out_take_their_seats(ws):
    for u in ("a1", "a2"):
        join(ws, "s1", u, T0 - 100)
    join(ws, "s2", "b1", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'seats', capacity = 2 WHERE platform_group_id IN ('s1', 's2')")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    x1 = request(ws, "s1", "x1", T0)
    assert x1["status"] == "rejecting" and "s2" in x1["reason"]
    x2 = request(ws, "s1", "x2", T0 + 1)  # s2's last seat went to x1's invitation, still in the outbox
    assert x2["status"] == "held" and "waiting for a new sibling" in x2["reason"]
    assert [a["person_id"] for a in actions(ws, "invite")] == [pid(ws, "x1")]


def test_a_platform_that_shows_no_reason_and_cannot_invite_holds_the_applicant_for_a_person(ws, monkeypatch):
    """On Douyin a rejection's reason never reaches the applicant and nobody can be invited:
    'please join t2 instead' would lose them without a word, so the request is held for a
    person, who points them to the sibling with room."""
    from console.model import Capability

    for u in ("a1", "a2"):
        join(ws, "t1", u, T0 - 100)
    join(ws, "t2", "b1", T0 - 100)
    with ws.store.write() as c:
        c.execute("UPDATE groups SET family = 'f', capacity = 2 WHERE platform_group_id IN ('t1', 't2')")
    save_policy(ws, "overflow", {"auto_create": False}, scope="all")
    save_policy(ws, "admission", {"modes": ["open"]}, scope="all")
    can = ws.group_capabilities
    monkeypatch.setattr(ws, "group_capabilities", lambda g: can(g) - {Capability.INVITE, Capability.REJECT_REASON})
    r = request(ws, "t1", "x", T0)
    assert r["status"] == "held" and "t2" in r["reason"] and "no reason" in r["reason"]
    assert not actions(ws, "invite")
    monkeypatch.setattr(ws, "group_capabilities", lambda g: can(g) - {Capability.INVITE} | {Capability.REJECT_REASON})
    r = request(ws, "t1", "y", T0 + 1)  # a platform that shows the reason: told where to go
    assert r["status"] == "rejecting" and "t2" in r["reason"]
