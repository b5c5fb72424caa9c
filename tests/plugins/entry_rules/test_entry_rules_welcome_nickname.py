"""Merged welcomes for bursts; a misnamed member reminded, then fixed on the sandbox."""

from __future__ import annotations

import json

import pytest

from console.model import Kind
from console.outbox import Executor
from entry_kit import T0, actions, ev, feed, gid, join, pid
from plugins.entry_rules import JOBS
from plugins.entry_rules.api import PolicyError, TemplateError, preview_welcome, save_policy
from plugins.sandbox.connector import SandboxConnector


def job(name):
    return next(j for j in JOBS if j.name == name)


def welcomes(ws):
    return [json.loads(a["params"]) | {"person_id": a["person_id"], "status": a["status"]}
            for a in actions(ws, "send") if (a["reason"] or "").startswith(("Welcome", "Merged welcome"))]


def test_burst_gets_one_merged_welcome_and_single_joins_one_each(ws):
    join(ws, "g1", "seed", T0 - 9999)
    g = gid(ws, "g1")
    save_policy(ws, "welcome", {"template": "欢迎 {nickname} 来到 {group}",
                                "merged_template": "欢迎 {nicknames}（{count} 位）"}, scope=f"group:{g}")
    with ws.clock_at(T0):
        job("entry_rules.welcome").run(ws)  # the seed member's own welcome goes out first
    before = len(welcomes(ws))
    feed(ws, [ev(Kind.JOIN, "g1", f"u{i}", T0 + i * 5, nickname=f"新人{i}", data={"scene": "qr"}) for i in range(4)],
         at=T0 + 20)
    assert len(welcomes(ws)) == before  # the burst window (60 s) is still open
    with ws.clock_at(T0 + 61):
        job("entry_rules.welcome").run(ws)
    (w,) = welcomes(ws)[before:]
    assert w["text"] == "欢迎 新人0、新人1、新人2、新人3（4 位）" and len(w["mentions"]) == 4
    # a lone join later gets its own welcome, with the group's name
    join(ws, "g1", "solo", T0 + 500, nickname="独行侠")
    with ws.clock_at(T0 + 561):
        job("entry_rules.welcome").run(ws)
    texts = [w["text"] for w in welcomes(ws)[before:]]
    assert texts == ["欢迎 新人0、新人1、新人2、新人3（4 位）", "欢迎 独行侠 来到 g1"]


def test_welcome_by_audience_and_insiders_skipped(ws):
    join(ws, "g2", "seed", T0 - 9999)
    g = gid(ws, "g2")
    save_policy(ws, "welcome", {"template": "普通欢迎 {nickname}"}, scope=f"group:{g}", name="w-plain")
    save_policy(ws, "welcome", {"template": "{referrer} 邀请的 {nickname} 你好", "audience": {"referred": True}},
                scope=f"group:{g}", name="w-referred")
    join(ws, "g2", "bob", T0 - 5000)
    join(ws, "g2", "staff", T0 - 5000)
    with ws.store.write() as c:
        c.execute("UPDATE people SET is_insider = 1 WHERE id = ?", (pid(ws, "staff"),))
    join(ws, "g2", "amy", T0, nickname="Amy", scene="invite", inviter="bob")
    join(ws, "g2", "kim", T0 + 300, nickname="Kim", scene="qr")
    join(ws, "g2", "pal", T0 + 600, nickname="Pal", scene="invite", inviter="staff")
    with ws.clock_at(T0 + 9000):
        job("entry_rules.welcome").run(ws)
    texts = sorted(w["text"] for w in welcomes(ws) if w["person_id"] in (pid(ws, "amy"), pid(ws, "kim")))
    assert texts == ["bob 邀请的 Amy 你好", "普通欢迎 Kim"]


def test_template_errors_caught_at_save(ws):
    for bad, what in [("欢迎 {nick}", "unknown variable"), ("欢迎 {group.__class__}", "attribute"),
                      ("欢迎 {0}", "positional"), ("欢迎 {nickname!r}", "conversion"), ("欢迎 {nickname", "brace")]:
        with pytest.raises(PolicyError, match=what):
            save_policy(ws, "welcome", {"template": bad}, scope="type:welfare", name="w-bad")
    assert ws.store.scalar("SELECT count(*) FROM rules WHERE name = 'w-bad'") == 0
    with pytest.raises(TemplateError, match="unknown variable"):
        preview_welcome(ws, "hi {who}")
    assert preview_welcome(ws, "欢迎 {nickname} 加入 {group}", {"group": "福利1群"}) == "欢迎 小明 加入 福利1群"


def test_nickname_pattern_that_cannot_match_is_refused(ws):
    with pytest.raises(PolicyError, match="cannot match"):
        save_policy(ws, "nickname", {"template": "{city}-{name}", "fields": {"city": "北京|上海"}, "example": "广州-小明"})
    with pytest.raises(PolicyError, match="cannot match"):
        save_policy(ws, "nickname", {"template": "{city}-{name}-" + "x" * 40})
    with pytest.raises(PolicyError, match="not valid"):
        save_policy(ws, "nickname", {"template": "{city}-{name}", "fields": {"city": "[北京"}})
    with pytest.raises(PolicyError, match="no fields"):
        save_policy(ws, "nickname", {"template": "hello"})


async def test_misnamed_member_reminded_then_fixed(ws):
    save_policy(ws, "nickname", {"template": "{city}-{name}-{role}", "defaults": {"role": "学员"}}, scope="all")
    join(ws, "g3", "seed", T0 - 9999)
    with ws.store.write() as c:
        c.execute("UPDATE people SET city = '杭州' WHERE id = (SELECT person_id FROM identities"
                  " WHERE platform_user_id = 'seed')")
    join(ws, "g3", "ok", T0 - 10, nickname="x", card="上海-小红-老师")
    join(ws, "g3", "mia", T0, nickname="Mia", card="Mia")
    p = pid(ws, "mia")
    with ws.store.write() as c:
        c.execute("UPDATE people SET city = '杭州', display_name = '米娅' WHERE id = ?", (p,))
    reminders = [a for a in actions(ws, "send") if a["person_id"] == p and "does not follow" in a["reason"]]
    assert len(reminders) == 1 and "「城市-名字-身份」的格式，例如「上海-小明-学员」" in json.loads(reminders[0]["params"])["text"]
    assert not [a for a in actions(ws, "send") if a["person_id"] == pid(ws, "ok") and "does not follow" in a["reason"]]
    # a second wrong nickname inside the grace period: no second reminder
    feed(ws, [ev(Kind.NICKNAME, "g3", "mia", T0 + 60, data={"old": "Mia", "new": "Mia2"})])
    assert len([a for a in actions(ws, "send") if a["person_id"] == p and "does not follow" in a["reason"]]) == 1
    with ws.clock_at(T0 + 3599):
        job("entry_rules.nickname").run(ws)
    assert not [a for a in actions(ws, "set_card") if a["person_id"] == p]  # grace period not over
    with ws.clock_at(T0 + 3601):
        job("entry_rules.nickname").run(ws)
    (fix,) = [a for a in actions(ws, "set_card") if a["person_id"] == p]
    assert json.loads(fix["params"]) == {"card": "杭州-米娅-学员"}
    conn = SandboxConnector("sandbox", ws.settings.connections["sandbox"].options)
    conn.attach(ws)
    with ws.clock_at(T0 + 3602):
        await Executor(ws, {"sandbox": conn}, pacing=False).drain()
    assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (fix["id"],)) == "done"
    assert ws.store.scalar("SELECT status FROM entry_nickname_checks WHERE person_id = ?", (p,)) == "fixed"
    # the platform's nickname event comes back and matches the format
    back = [e for e in conn.world.tick(conn.world.clock, 0) if e.kind == Kind.NICKNAME and e.user == "mia"]
    assert back
    feed(ws, back, at=T0 + 3603)
    assert ws.store.scalar("SELECT group_nickname FROM memberships WHERE person_id = ? AND group_id = ?",
                           (p, gid(ws, "g3"))) == "杭州-米娅-学员"


def test_fix_becomes_a_task_when_a_field_is_unknown(ws):
    save_policy(ws, "nickname", {"template": "{city}-{name}"}, scope="all")
    join(ws, "g4", "leo", T0, nickname="Leo", card="Leo")  # no city known
    with ws.clock_at(T0 + 4000):
        job("entry_rules.nickname").run(ws)
    assert not actions(ws, "set_card")
    task = ws.store.one("SELECT * FROM tasks WHERE kind = 'fix_nickname'")
    assert task and task["person_id"] == pid(ws, "leo") and "{city}-{name}" in task["detail"]


def test_joins_of_one_batch_fill_welcome_windows_in_time_order(ws):
    """Joins stored together still go to the window open at their time: a batch that
    spans two windows opens two welcome batches, and a window opened by an earlier
    ingest takes the joins that fall inside it."""
    join(ws, "g1", "seed", T0 - 9999)
    g = gid(ws, "g1")
    save_policy(ws, "welcome", {"template": "欢迎 {nickname}", "merged_template": "欢迎 {nicknames}"},
                scope=f"group:{g}")
    join(ws, "g1", "first", T0)  # opens the window [T0, T0 + 60)
    feed(ws, [ev(Kind.JOIN, "g1", u, T0 + dt, nickname=u, data={"scene": "qr"})
              for u, dt in (("a", 10), ("b", 20), ("c", 100), ("d", 110))], at=T0 + 110)
    rows = ws.store.query("SELECT b.id, b.opened_at, group_concat(j.nickname) AS who FROM entry_welcome_batches b"
                          " JOIN entry_welcome_joins j ON j.batch_id = b.id WHERE b.group_id = ? AND b.opened_at >= ?"
                          " GROUP BY b.id ORDER BY b.id", (g, T0))
    assert [(r["opened_at"] - T0, sorted(r["who"].split(","))) for r in rows] == [(0, ["a", "b", "first"]),
                                                                                  (100, ["c", "d"])]
