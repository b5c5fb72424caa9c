"""What WeCom lets shequn do (welcome templates from the welcome policies, join ways that
open the next group of a family, notices to the robot) and what it does not (owner tasks
in WeCom's words)."""

from __future__ import annotations

import json

import pytest

from console.connector import NullSink
from console.engine import Engine
from console.model import ActionRequest, Proposal, Status
from console.outbox import Executor
from console.sync import sync_connection
from console.workspace import Workspace
from plugins.entry_rules.api import save_policy
from plugins.wechat import hooks
from tests.conftest import make_config
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN, make_connector, make_fake, post

BASE = '[operator]\nname = "tester"\ntimezone = "Asia/Shanghai"\n\n[database]\npath = "shequn.db"\n'


@pytest.fixture
def world(tmp_path):
    wc = make_fake()
    cfg = make_config(tmp_path, f"""
[console]
language = "en"

[connections.wx1]
platform = "wechat"
enabled = true
corp_id = "{wc.corp_id}"
secret = "appSecret"
token = "{TOKEN}"
encoding_aes_key = "{AES_KEY}"
base_url = "{wc.base_url}"
robot_key = "robotKey"
""", base=BASE)
    ws = Workspace.open(cfg)
    yield wc, ws
    ws.close()
    wc.stop()


async def synced(wc, ws):
    c = make_connector(wc)
    await sync_connection(ws, c)
    return c


def gid(ws, chat: str) -> int:
    return ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (chat,))


def pid(ws, user: str) -> int:
    return ws.store.scalar("SELECT person_id FROM identities WHERE platform_user_id = ?", (user,))


@pytest.mark.parametrize("lang,title", [
    ("en", "Remove 小红 from 福利群 A in WeCom by hand"), ("zh-CN", "请在企业微信中手动将 小红 移出福利群 A")])
async def test_what_wecom_cannot_do_becomes_an_owner_task_in_its_words(world, lang, title):
    wc, ws = world
    ws.settings.console.language = lang
    c = await synced(wc, ws)
    await c.aclose()
    g, p = gid(ws, "wrGroupA"), pid(ws, "wmAlice")
    (aid,) = ws.enqueue([Proposal("kick", "second ad", group_id=g, person_id=p)], "plugin:moderation")
    assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "unsupported"
    task = ws.store.one("SELECT title, detail FROM tasks WHERE dedupe_key = ?", (f"action:{aid}",))
    assert task["title"] == title and "the wechat platform cannot kick" in task["detail"]
    (mute,) = ws.enqueue([Proposal("mute", "flood", group_id=g, person_id=p, params={"duration": 600})], "x")
    assert ws.store.scalar("SELECT title FROM tasks WHERE dedupe_key = ?", (f"action:{mute}",)).startswith(
        "WeCom cannot mute" if lang == "en" else "企业微信无法禁言")
    assert not [r for r in wc.calls if "kick" in r[0] or "mute" in r[0]]


async def test_welcome_policies_become_wecom_templates(world):
    wc, ws = world
    c = await synced(wc, ws)
    try:
        g = gid(ws, "wrGroupA")
        save_policy(ws, "welcome", {"template": "欢迎 {nickname} 加入 {group}！看群公告。"}, scope=f"group:{g}",
                    name="welcome:wx")
        with ws.store.write() as conn:  # the seeded policies left out: one template to follow
            conn.execute("DELETE FROM rules WHERE kind = 'welcome' AND name != 'welcome:wx'")
        save_policy(ws, "welcome", {"template": "快闪群欢迎 {nickname}"}, scope="type:flash", name="welcome:flash")
        assert hooks.sync_welcomes(ws) == 1 and hooks.sync_welcomes(ws) == 0  # queued once; no flash group here
        ex = Executor(ws, {"wx1": c}, pacing=False)
        await ex.drain()
        (tid, tpl), = wc.state.templates.items()
        assert tpl == {"text": {"content": "欢迎 %NICKNAME% 加入 福利群 A！看群公告。"}}
        row = ws.store.one("SELECT template_id, text FROM wechat_welcomes WHERE rule = 'welcome:wx'")
        assert row["template_id"] == tid
        task = ws.store.one("SELECT title FROM tasks WHERE dedupe_key = ?", (f"wechat_welcome:wx1:{tid}",))
        assert task["title"] == "Pick the welcome template of welcome:wx for its groups in WeCom"
        save_policy(ws, "welcome", {"template": "你好 {nickname}。"}, scope=f"group:{g}", name="welcome:wx")
        assert hooks.sync_welcomes(ws) == 1
        await ex.drain()
        assert list(wc.state.templates) == [tid] and wc.state.templates[tid]["text"]["content"] == "你好 %NICKNAME%。"
    finally:
        await c.aclose()


async def test_a_join_way_fills_a_family_and_the_new_group_joins_it(world):
    wc, ws = world
    pushed: list[str] = []
    wc.push = lambda xml, **kw: pushed.append(xml) or (200, b"")
    c = await synced(wc, ws)
    try:
        g = gid(ws, "wrGroupA")
        with ws.store.write() as conn:
            conn.execute("UPDATE groups SET family = '省钱福利', type = 'welfare', capacity = 5 WHERE id = ?", (g,))
        hooks.join_way_for(ws, "wx1", "省钱福利", base_name="省钱福利群", state="poster")
        await Executor(ws, {"wx1": c}, pacing=False).drain()
        jw = ws.store.one("SELECT config_id, qr_code FROM wechat_join_ways WHERE family = '省钱福利'")
        assert jw["config_id"] in wc.state.join_ways and jw["qr_code"].startswith("https://")
        sent = wc.state.join_ways[jw["config_id"]]
        assert (sent["room_base_name"], sent["room_base_id"], sent["auto_create_room"]) == ("省钱福利群", 2, 1)
        wc.join_via(jw["config_id"], "wmCarl")  # the fifth seat
        new_chat = wc.join_via(jw["config_id"], "wmDan")  # full: WeCom opens 省钱福利群2
        for xml in pushed:
            res = await c.handle(post(wc, xml))
            assert res.status == 200 and res.error is None, res.error
            Engine(ws).ingest(res.events)
        new = ws.store.one("SELECT name, family, type, capacity FROM groups WHERE platform_group_id = ?", (new_chat,))
        assert dict(new) == {"name": "省钱福利群2", "family": "省钱福利", "type": "welfare", "capacity": 5}
        dan = ws.store.one("SELECT m.join_scene, g.platform_group_id AS chat FROM memberships m JOIN groups g"
                           " ON g.id = m.group_id WHERE m.person_id = ?", (pid(ws, "wmDan"),))
        assert dict(dan) == {"join_scene": "qr", "chat": new_chat}
    finally:
        await c.aclose()


async def test_join_way_and_welcome_bad_input_is_refused_naming_the_field(world):
    wc, ws = world
    c = make_connector(wc)
    try:
        def jw(**p):
            return ActionRequest(1, "join_way", "k", params={"chat_ids": ["wrGroupA"], "room_base_name": "群", **p})

        for params, words in (({"chat_ids": [f"wr{i}" for i in range(6)]}, "1 to 5 groups"),
                              ({"remark": "备" * 31}, "remark has 31 characters; WeCom takes at most 30"),
                              ({"state": "s" * 31}, "state has 31"), ({"room_base_name": ""}, "room_base_name")):
            res = await c.perform(jw(**params))
            assert res.status == Status.FAILED and res.message.startswith("wx1: ") and words in res.message
        long = await c.perform(ActionRequest(2, "set_welcome", "k2", params={"text": "长" * 1001}))
        assert long.status == Status.FAILED and "3003 bytes; WeCom takes at most 3000" in long.message
        empty = await c.perform(ActionRequest(3, "set_welcome", "k3", params={"text": " "}))
        assert empty.status == Status.FAILED and "needs text" in empty.message
        wc.state.template_limit = 0
        full = await c.perform(ActionRequest(4, "set_welcome", "k4", params={"text": "hi"}))
        assert full.status == Status.FAILED and "41055" in full.message
        assert wc.calls and not any(r == "externalcontact/groupchat/add_join_way" for r, _q, _p in wc.calls)
    finally:
        await c.aclose()
    with pytest.raises(ValueError, match="no active group of family nobody"):
        hooks.join_way_for(ws, "wx1", "nobody")


def test_alerts_reach_the_robot_twenty_a_minute(world):
    wc, ws = world
    now = [1_800_000_000.0]
    wc.clock = lambda: now[0]
    assert hooks.send_notices(ws) == 0  # the first run starts from now
    for i in range(23):
        ws.raise_alert("silent_group", f"群 {i} 三天没人说话", dedupe_key=f"t{i}")
    assert hooks.send_notices(ws) == 20
    assert [m[2] for m in wc.robot_messages][:2] == ["群 0 三天没人说话", "群 1 三天没人说话"]
    assert hooks.send_notices(ws) == 0 and len(wc.robot_messages) == 20  # 45009 within the minute: kept for later
    now[0] += 61
    assert hooks.send_notices(ws) == 3 and len(wc.robot_messages) == 23
    assert hooks.send_notices(ws) == 0


async def test_joins_are_not_welcomed_one_by_one_where_wecom_welcomes(world):
    from plugins.entry_rules.welcome import flush_due

    wc, ws = world
    c = await synced(wc, ws)
    try:
        wc.add_member("wrGroupA", "wmNew", scene=3, name="新人")
        xml = wc.event("wrGroupA", "update", "add_member", members=["wmNew"], join_scene=3,
                       create_time=int(ws.now()))
        res = await c.handle(post(wc, xml))
        assert Engine(ws).ingest(res.events).stored == 1
    finally:
        await c.aclose()
    assert ws.store.scalar("SELECT count(*) FROM entry_welcome_batches") >= 1  # the policy matched the join
    with ws.clock_at(ws.now() + 3600):
        assert flush_due(ws) == []
    assert ws.store.scalar("SELECT count(*) FROM tasks WHERE kind = 'do_by_hand'") == 0


async def test_the_roles_plugin_follows_a_new_owner(world):
    wc, ws = world
    c = await synced(wc, ws)
    try:
        from plugins.roles.platform import reconcile

        reconcile(ws)  # the sync wrote state (owner, admin_list): the roles plugin reads roles from it
        g = gid(ws, "wrGroupA")
        roles = {(r["person_id"], r["role"]) for r in ws.store.query("SELECT person_id, role FROM roles WHERE group_id = ?",
                                                                      (g,))}
        assert (pid(ws, "zhangsan"), "owner") in roles and (pid(ws, "lisi"), "admin") in roles
        wc.state.groups["wrGroupA"].owner = "lisi"
        res = await c.handle(post(wc, wc.event("wrGroupA", "update", "change_owner")))
        Engine(ws).ingest(res.events)
    finally:
        await c.aclose()
    owners = [r["person_id"] for r in ws.store.query("SELECT person_id FROM roles WHERE group_id = ? AND role = 'owner'",
                                                     (g,))]
    assert owners == [pid(ws, "lisi")]
