"""The sandbox answers actions as a platform would, once per idempotency key."""

from __future__ import annotations

import pytest

from console.engine import Engine
from console.model import ActionRequest, Kind, Proposal, Status
from console.outbox import Executor
from plugins.sandbox.connector import SandboxConnector
from plugins.sandbox.world import BOT

T0 = 1_700_000_000 // 3600 * 3600
_n = 0


def req(kind, group=None, user=None, key=None, **params):
    global _n
    _n += 1
    return ActionRequest(action_id=_n, kind=kind, key=key or f"k{_n}", group=group, user=user, params=params)


@pytest.fixture
def conn():
    """A world built at a fixed hour whose platform clock is the world's own: built at the
    wall clock, the seeded world differed by the hour the suite ran, and one hour in some
    made the first applicant already a member (approved without a join: the test failed)."""
    c = SandboxConnector("sandbox", {"seed": 3, "groups": 6, "members": 300})
    c._world = c.make_world(T0)
    c.now = lambda: c.world.clock
    return c


def plain_member(c, gid="sb-g1"):
    g = c.world.groups[gid]
    return next(u for u, m in g.members.items() if m[2] == "member" and not c.world.people[u].staff)


def queued(c):
    return c.world.tick(c.world.clock, 0)


async def test_kick_removes_and_emits_leave(conn):
    uid = plain_member(conn)
    r = await conn.act(req("kick", "sb-g1", uid))
    assert r.status == Status.DONE
    assert uid not in conn.world.groups["sb-g1"].members
    (e,) = queued(conn)
    assert (e.kind, e.user, e.data["reason"], e.data["operator"]) == (Kind.LEAVE, uid, "kick", BOT)
    again = await conn.act(req("kick", "sb-g1", uid))
    assert again.status == Status.DONE and "对方已不在群内" in again.message  # the wanted state holds
    assert queued(conn) == []  # and nothing happens twice


async def test_kick_mute_unmute_of_someone_gone_are_done_in_platform_words(conn):
    w = conn.world
    g = w.groups["sb-g1"]
    uid = plain_member(conn)
    w.apply("kick", "sb-g1", uid, {}, w.clock)  # they left (here: kicked by hand) before the rule's action ran
    queued(conn)
    for kind, params in (("mute", {"duration": 600}), ("unmute", {}), ("kick", {"reject_add_request": True})):
        r = await conn.act(req(kind, "sb-g1", uid, **params))
        assert r.status == Status.DONE, kind
        assert r.message.startswith("对方已不在群内") and r.data["gone"] is True, kind
    assert queued(conn) == [] and uid not in g.muted
    assert uid in g.blacklist  # a kick that blacklists still bars them from coming back
    stranger = "sb-u999999"  # never a member: the same answer
    r = await conn.act(req("mute", "sb-g1", stranger, duration=60))
    assert r.status == Status.DONE and "不在群内" in r.message


async def test_recall_of_a_message_already_gone_is_done(conn):
    first = await conn.act(req("recall", "sb-g1", None, message_id="sb-m0-5"))
    assert first.status == Status.DONE and first.message == "已撤回"
    (e,) = queued(conn)
    assert e.kind == Kind.RECALL and e.data["message_id"] == "sb-m0-5"
    again = await conn.act(req("recall", "sb-g1", None, message_id="sb-m0-5"))
    assert again.status == Status.DONE and "已被撤回或不存在" in again.message and again.data["gone"] is True
    assert queued(conn) == []
    other = await conn.act(req("recall", "sb-g1", None, message_id="sb-m0-6"))
    assert other.message == "已撤回" and len(queued(conn)) == 1


async def test_kick_owner_or_admin_fails_in_platform_words(conn):
    g = conn.world.groups["sb-g1"]
    r = await conn.act(req("kick", "sb-g1", g.owner))
    assert r.status == Status.FAILED and "群主" in r.message
    admin = next(u for u, m in g.members.items() if m[2] == "admin" and u != BOT)
    r = await conn.act(req("kick", "sb-g1", admin))
    assert r.status == Status.FAILED and "管理员" in r.message
    assert g.owner in g.members and admin in g.members and queued(conn) == []


async def test_mute_blocks_messages_for_the_duration(conn):
    w = conn.world
    g = w.groups["sb-g1"]
    talkers = [u for u in g.members if u in w.people and w.people[u].activity == "talker" and not w.people[u].staff]
    now = w.clock
    for u in talkers:
        r = await conn.act(req("mute", "sb-g1", u, duration=86400))
        assert r.status == Status.DONE
    mutes = queued(conn)
    assert {e.user for e in mutes} == set(talkers) and all(e.data["duration"] == 86400 for e in mutes)
    spoken = [e for h in range(1, 24) for e in w.tick(now + h * 3600, 3600)
              if e.kind == Kind.MESSAGE and e.group == "sb-g1"]
    assert spoken and not {e.user for e in spoken} & set(talkers)
    r = await conn.act(req("unmute", "sb-g1", talkers[0]))
    assert r.status == Status.DONE and queued(conn)[0].data["duration"] == 0
    assert talkers[0] not in g.muted


async def test_join_request_approve_emits_join_and_reject_does_not(conn):
    w = conn.world
    events = []
    t = w.clock
    while len([e for e in events if e.kind == Kind.JOIN_REQUEST]) < 2:
        t += 3600
        events += w.tick(t, 3600)
    r1, r2 = [e for e in events if e.kind == Kind.JOIN_REQUEST][:2]
    ok = await conn.act(req("approve_join", r1.group, r1.user, flag=r1.data["flag"]))
    assert ok.status == Status.DONE
    (j,) = queued(conn)
    assert (j.kind, j.user, j.group, j.data["scene"]) == (Kind.JOIN, r1.user, r1.group, "approve")
    assert r1.user in w.groups[r1.group].members
    no = await conn.act(req("reject_join", r2.group, r2.user, flag=r2.data["flag"], reason="不符合"))
    assert no.status == Status.DONE and queued(conn) == [] and r2.user not in w.groups[r2.group].members
    twice = await conn.act(req("approve_join", r1.group, r1.user, flag=r1.data["flag"]))
    assert twice.status == Status.FAILED and "已处理" in twice.message


async def test_send_card_recall_admin_announce_name_whole_mute_invite(conn):
    w = conn.world
    uid = plain_member(conn)
    r = await conn.act(req("send", "sb-g1", text="早安"))
    (m,) = queued(conn)
    assert r.status == Status.DONE and m.kind == Kind.MESSAGE and m.user == BOT and r.data["message_id"] == m.id
    await conn.act(req("set_card", "sb-g1", uid, card="杭州-小林-设计师"))
    (n,) = queued(conn)
    assert n.kind == Kind.NICKNAME and n.data["new"] == "杭州-小林-设计师"
    await conn.act(req("recall", "sb-g1", uid, message_id="sb-m0-1"))
    assert queued(conn)[0].data["message_id"] == "sb-m0-1"
    await conn.act(req("set_admin", "sb-g1", uid, enable=True))
    (a,) = queued(conn)
    assert a.kind == Kind.ADMIN and a.data["enable"] is True and w.groups["sb-g1"].members[uid][2] == "admin"
    await conn.act(req("unset_admin", "sb-g1", uid))
    assert queued(conn)[0].data["enable"] is False
    await conn.act(req("announce", "sb-g1", text="群规：禁止广告"))
    assert queued(conn)[0].data == {"change": "notice", "value": "群规：禁止广告"}
    await conn.act(req("set_group_name", "sb-g1", name="新群名"))
    assert queued(conn)[0].data["value"] == "新群名" and w.groups["sb-g1"].name == "新群名"
    await conn.act(req("whole_mute", "sb-g1", enable=True))
    assert queued(conn)[0].data == {"change": "whole_mute", "value": True}
    outsider = next(u for u in w.people if u not in w.groups["sb-g1"].members and not w.people[u].staff)
    r = await conn.act(req("invite", "sb-g1", outsider))
    (j,) = queued(conn)
    assert r.status == Status.DONE and j.kind == Kind.JOIN and j.data["scene"] == "invite"
    r = await conn.act(req("invite", "sb-g1", outsider))
    assert r.status == Status.FAILED and "已在群内" in r.message


async def test_create_group_returns_new_id(conn):
    r = await conn.act(req("create_group", "sb-g2", name="会员福利4群", family="会员福利"))
    assert r.status == Status.DONE
    new = conn.world.groups[r.data["group"]]
    assert new.family == "会员福利" and new.type == conn.world.groups["sb-g2"].type
    (e,) = queued(conn)
    assert e.kind == Kind.GROUP and e.group == new.gid and e.data["change"] == "create"


async def test_same_key_same_answer_no_second_effect(conn):
    uid = plain_member(conn)
    first = await conn.act(req("kick", "sb-g1", uid, key="once"))
    second = await conn.act(req("kick", "sb-g1", uid, key="once"))
    assert first.status == second.status == Status.DONE
    assert len(queued(conn)) == 1
    r = await conn.act(req("send", "sb-g1", key="msg", text="hi"))
    r2 = await conn.act(req("send", "sb-g1", key="msg", text="hi"))
    assert r.data == r2.data and len(queued(conn)) == 1
    assert (await conn.reconcile(req("send", "sb-g1", key="msg", text="hi"))).data == r.data
    assert await conn.reconcile(req("send", "sb-g1", key="never", text="hi")) is None


async def test_keys_survive_a_restart(ws):
    c = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c.attach(ws)
    await c.start()
    uid = plain_member(c)
    r = await c.act(req("kick", "sb-g1", uid, key="k-restart"))
    await c.stop()
    c2 = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c2.attach(ws)
    assert not c2.new_world and uid not in c2.world.groups["sb-g1"].members
    again = await c2.act(req("kick", "sb-g1", uid, key="k-restart"))
    assert again.status == r.status == Status.DONE
    assert [e.kind for e in c2.world.queue] == [Kind.LEAVE]  # the first kick's, kept across the restart: no second


async def test_batched_answers_are_written_at_the_next_flush_with_the_time_they_were_given(ws):
    """The demo's back-fill keeps answers in memory until the hour's flush (batch_results);
    the connector still answers a repeated key from memory before then, and what is written
    is what an answer written at once would have been. Live (the default) each is written at once."""
    def kept(key):
        return ws.store.one("SELECT kind, status, message, data, at FROM sandbox_actions WHERE key = ?", (key,))

    c = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c.attach(ws)
    await c.start()
    uid = plain_member(c)
    await c.act(req("send", "sb-g1", key="live", text="hi"))
    assert kept("live")["status"] == "done"  # at once
    c.batch_results = True
    with ws.clock_at(1_700_000_000):
        r = await c.act(req("send", "sb-g1", key="later", text="hi"))
        await c.act(req("kick", "sb-g1", "sb-nobody-here", key="gone"))
    assert kept("later") is None and (await c.act(req("send", "sb-g1", key="later", text="hi"))).data == r.data
    with ws.clock_at(1_700_000_600):
        c.flush_records()
    assert dict(kept("later")) == {"kind": "send", "status": "done", "message": "已发送",
                                   "data": '{"message_id": "%s"}' % r.data["message_id"], "at": 1_700_000_000}
    assert kept("gone")["status"] == "done" and len(queued(c)) == 2  # the sends; the kick found nobody
    await c.act(req("kick", "sb-g1", uid, key="at-save"))
    c.save()  # saving the world writes them too (stop flushes, then saves)
    assert kept("at-save")["status"] == "done"


async def test_batching_looks_kept_answers_up_only_when_some_were_kept_before(ws, monkeypatch):
    """A back-fill of a new world (nothing kept) answers unknown keys without asking the table;
    a connector that finds answers kept by an earlier run still repeats them."""
    from plugins.sandbox import store as sbstore

    asked = []
    real = sbstore.recorded_result
    monkeypatch.setattr(sbstore, "recorded_result", lambda *a: asked.append(a[2]) or real(*a))
    c = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c.attach(ws)
    await c.start()
    c.batch_results = True
    first = await c.act(req("send", "sb-g1", key="b1", text="hi"))
    await c.act(req("send", "sb-g1", key="b2", text="hi"))
    assert asked == []
    await c.stop()
    c2 = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    c2.attach(ws)
    c2.batch_results = True
    again = await c2.act(req("send", "sb-g1", key="b1", text="hi"))
    # repeated, not sent twice: the queue kept with the world holds the first run's two sends only
    assert asked == ["b1"] and again.data == first.data and [e.id for e in queued(c2)] == ["sb-m0-1", "sb-m0-2"]


async def test_unknown_ids_are_adopted_for_hand_fed_events(ws):
    """Other plugins' tests feed events with any ids; actions on them work like on a platform."""
    Engine(ws).ingest([ws_event("j1", Kind.JOIN, "g1", "u1", data={"scene": "invite"})])
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    pid = ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = 'u1'")
    (aid,) = ws.enqueue([Proposal("kick", "test", group_id=gid, person_id=pid)], "test")
    c = SandboxConnector("sandbox")
    await Executor(ws, {"sandbox": c}, pacing=False).drain()  # other plugins' actions (a welcome) run too
    assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "done"
    (leave,) = [e for e in c.world.tick(c.world.clock, 0) if e.kind == Kind.LEAVE]
    assert (leave.kind, leave.group, leave.user) == (Kind.LEAVE, "g1", "u1")
    r = await c.act(req("kick", "sb-g999", "u1"))
    assert r.status == Status.FAILED and "群不存在" in r.message


def ws_event(eid, kind, group, user, **kw):
    from console.model import Event

    return Event("sandbox", eid, kind, T0, group=group, user=user, **kw)


async def test_a_failing_platform_delays_actions_but_runs_each_once(ws):
    """With ``faults`` the sandbox fails a share of calls (rate limits, busy, outage, an
    expired token) before touching the world; the outbox retries them later, refreshes
    the token, and every kick lands exactly once."""
    c = SandboxConnector("sandbox", {"seed": 3, "groups": 6, "members": 300, "faults": 0.4})
    c.attach(ws, start=T0)
    await c.start()
    g = c.world.groups["sb-g1"]
    victims = [u for u, m in g.members.items() if m[2] == "member" and not c.world.people[u].staff][:12]
    gid = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'sb-g1'")
    pids = [ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (u,)) for u in victims]
    ids = ws.enqueue([Proposal("kick", "test", group_id=gid, person_id=p) for p in pids], "test")
    ex = Executor(ws, {"sandbox": c}, pacing=False)
    t = T0
    for _ in range(40):  # the clock moves on so retries come due
        t += 600
        with ws.clock_at(t):
            await ex.drain()
        if not ws.store.scalar("SELECT count(*) FROM actions WHERE status = 'pending'"):
            break
    rows = ws.store.query(f"SELECT status, attempts FROM actions WHERE id IN ({','.join('?' * len(ids))})", ids)
    assert {r["status"] for r in rows} == {"done"}
    assert max(r["attempts"] for r in rows) > 1, "with 40% faults some kick must have needed a retry"
    leaves = [e for e in c.world.tick(c.world.clock, 0) if e.kind == Kind.LEAVE and e.user in victims]
    assert sorted(e.user for e in leaves) == sorted(victims)  # each kicked once, none twice
    retried = ws.store.query("SELECT detail FROM audit_log WHERE action = 'action_retry'")
    assert retried and all("simulated" in r["detail"] for r in retried)
    assert c.calls > len(ids)


async def test_faults_option_is_checked(ws):
    from console.config import ConfigError

    with pytest.raises(ConfigError, match="faults"):
        SandboxConnector("sandbox", {"faults": 0.9})
    c = SandboxConnector("sandbox", {"seed": 3, "groups": 2, "members": 50})
    with pytest.raises(ValueError, match="unknown fault"):
        c.fail_next("gremlins")
    c.fail_next("auth")
    uid = plain_member(c, next(iter(c.world.groups)))
    gid = next(iter(c.world.groups))
    assert (await c.act(req("mute", gid, uid, duration=60))).status == Status.AUTH_EXPIRED
    assert (await c.act(req("mute", gid, uid, duration=60))).status == Status.AUTH_EXPIRED  # until refreshed
    await c.refresh_auth()
    assert (await c.act(req("mute", gid, uid, duration=60))).status == Status.DONE
