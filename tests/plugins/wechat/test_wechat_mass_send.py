"""Messages and announcements to WeChat groups go out as WeCom customer-group mass sends:
a task for the owner to confirm in WeCom, recorded as awaiting until WeCom reports it sent;
WeCom's one mass send a day per group is respected; a crash after WeCom took the task
does not make a second one. The fake's mass-send routes keep WeCom's shapes and errors."""

from __future__ import annotations

import asyncio
from datetime import datetime

import httpx
import pytest

from console.model import ActionRequest, Proposal, Status
from console.outbox import Executor
from plugins.entry_rules.announcements import publish
from plugins.wechat import mass_sends
from tests.plugins.wechat.test_wechat_actions import gid, synced, world  # noqa: F401  (the fixture)
from tests.plugins.wechat.wechathelpers import make_connector

NOON = int(datetime.fromisoformat("2026-11-20T12:00:00+08:00").timestamp())  # China time
TITLE = "Confirm the mass send to 福利群 A in WeCom: it is awaiting the owner's confirmation"


async def poll(ws, at: float = NOON + 3600) -> int:
    """The job (its own event loop) at ``at``: an hour after NOON, before any reminder is due."""
    with ws.clock_at(at):
        return await asyncio.to_thread(mass_sends.poll, ws)


async def attached(wc, ws):
    """A synced connector attached to the workspace, the fake's clock following shequn's."""
    c = await synced(wc, ws)
    c.attach(ws)
    wc.clock = lambda: float(ws.now())
    return c


def mass(ws):
    return [dict(r) for r in ws.store.query("SELECT msgid, chat_id, sender, day, status, task_id FROM"
                                            " wechat_mass_sends ORDER BY id")]


async def test_a_send_becomes_a_mass_send_the_owner_confirms_then_it_is_done(world):
    wc, ws = world
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON):
            (aid,) = ws.enqueue([Proposal("send", "Scheduled post: 直播", group_id=gid(ws, "wrGroupA"),
                                          params={"text": "今晚八点直播"})], "plugin:content")
            assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "pending"
            await Executor(ws, {"wx1": c}, pacing=False).drain()
        (msgid, sent), = wc.mass.sends.items()
        assert (sent["sender"], sent["chats"], sent["text"]) == ("zhangsan", ["wrGroupA"], "今晚八点直播")
        assert wc.routes_called("externalcontact/add_msg_template")[0]["chat_type"] == "group"
        assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (aid,)) == "done"
        (row,) = mass(ws)
        assert (row["msgid"], row["sender"], row["day"], row["status"]) == (msgid, "zhangsan", "2026-11-20", "awaiting")
        task = ws.store.one("SELECT title, status, detail FROM tasks WHERE id = ?", (row["task_id"],))
        assert task["title"] == TITLE and task["status"] == "open" and "群发助手" in task["detail"]
        assert await poll(ws) == 0 and mass(ws)[0]["status"] == "awaiting"  # the owner has not confirmed
        wc.mass.confirm(msgid, at=NOON + 600)
        assert await poll(ws) == 1
        assert mass(ws)[0]["status"] == "sent"
        assert ws.store.scalar("SELECT status FROM tasks WHERE id = ?", (row["task_id"],)) == "done"
        assert await poll(ws) == 0
    finally:
        await c.aclose()


async def test_one_mass_send_a_day_per_group_the_second_waits_for_the_next_china_day(world):
    wc, ws = world
    c = await attached(wc, ws)
    g = gid(ws, "wrGroupA")
    try:
        with ws.clock_at(NOON):
            ws.enqueue([Proposal("send", "first", group_id=g, params={"text": "一"})], "x")
            await Executor(ws, {"wx1": c}, pacing=False).drain()
        await c.aclose()
        c = await attached(wc, ws)  # shequn restarted: the day's mass send is known from the workspace
        ex = Executor(ws, {"wx1": c}, pacing=False)
        with ws.clock_at(NOON + 3600):
            (second,) = ws.enqueue([Proposal("send", "second", group_id=g, params={"text": "二"})], "x")
            await ex.drain()
        row = ws.store.one("SELECT status, last_error, not_before FROM actions WHERE id = ?", (second,))
        assert row["status"] == "pending" and "one mass send a day" in row["last_error"]
        midnight = NOON + 12 * 3600  # 00:00 China time the next day
        assert midnight <= row["not_before"] <= midnight + 3 * 3600  # the wait, with the outbox's jitter
        assert len(wc.mass.sends) == 1
        with ws.clock_at(row["not_before"]):
            await ex.drain()
        assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (second,)) == "done"
        assert [m["day"] for m in mass(ws)] == ["2026-11-20", "2026-11-21"] and len(wc.mass.sends) == 2
    finally:
        await c.aclose()


async def test_a_group_that_had_its_mass_send_of_the_day_is_not_delivered_and_the_owner_told(world):
    wc, ws = world
    c = await attached(wc, ws)
    try:
        other = wc.mass.add({"chat_type": "group", "sender": "zhangsan", "chat_id_list": ["wrGroupA"],
                             "text": {"content": "someone in WeCom"}})["msgid"]
        with ws.clock_at(NOON):
            ws.enqueue([Proposal("send", "post", group_id=gid(ws, "wrGroupA"), params={"text": "ours"})], "x")
            await Executor(ws, {"wx1": c}, pacing=False).drain()
        ours = next(m for m in wc.mass.sends if m != other)
        wc.mass.confirm(other, at=NOON + 60)
        assert wc.mass.confirm(ours, at=NOON + 120) == {"wrGroupA": 3}
        assert await poll(ws) == 1
        (row,) = mass(ws)
        assert row["status"] == "over_limit"
        assert ws.store.scalar("SELECT status FROM tasks WHERE id = ?", (row["task_id"],)) == "dismissed"
        told = ws.store.scalar("SELECT title FROM tasks WHERE kind = 'wechat_mass_send' AND status = 'open'")
        assert told == ("WeCom did not deliver the mass send to 福利群 A: the group had already received its one mass "
                        "send of the day")
    finally:
        await c.aclose()


async def test_an_announcement_goes_out_as_a_mass_send_of_its_title_and_text(world):
    wc, ws = world
    c = await attached(wc, ws)
    try:
        with ws.store.write() as conn:
            conn.execute("INSERT INTO entry_announcements(title, text, created_by, created_at, updated_at)"
                         " VALUES ('群规', '不发广告', 'tester', 1, 1)")
        ann = ws.store.scalar("SELECT max(id) FROM entry_announcements")
        (out,) = publish(ws, ann, [str(gid(ws, "wrGroupA"))])
        assert out["status"] == "pending"
        await Executor(ws, {"wx1": c}, pacing=False).drain()
        (sent,) = wc.mass.sends.values()
        assert sent["text"] == "群规\n不发广告" and mass(ws)[0]["status"] == "awaiting"
    finally:
        await c.aclose()


async def test_a_crash_after_wecom_took_the_mass_send_does_not_make_a_second(world):
    wc, ws = world
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON):
            (aid,) = ws.enqueue([Proposal("send", "post", group_id=gid(ws, "wrGroupA"), params={"text": "一次"})], "x")
            ex = Executor(ws, {"wx1": c}, pacing=False)
            row = ws.store.one("SELECT * FROM actions WHERE id = ?", (aid,))
            req = ex._claim(row)  # claimed and committed, WeCom called ...
            assert (await c.perform(req)).status == Status.DONE
            # ... and shequn stops before the result is recorded
            assert ex.recover() == [aid]
            await ex.drain()
        assert len(wc.mass.sends) == 1 and len(wc.routes_called("externalcontact/get_groupmsg_list_v2")) == 1
        done = ws.store.one("SELECT status, result FROM actions WHERE id = ?", (aid,))
        assert done["status"] == "done" and next(iter(wc.mass.sends)) in done["result"]
        assert mass(ws)[0]["status"] == "awaiting"
        # stopped before WeCom was called: the list shows nothing, so it is made now, once
        with ws.clock_at(NOON + 86400):
            (again,) = ws.enqueue([Proposal("send", "p2", group_id=gid(ws, "wrGroupA"), params={"text": "二"})], "x")
            ex._claim(ws.store.one("SELECT * FROM actions WHERE id = ?", (again,)))
            ex.recover()
            await ex.drain()
        assert ws.store.scalar("SELECT status FROM actions WHERE id = ?", (again,)) == "done"
        assert len(wc.mass.sends) == 2
    finally:
        await c.aclose()


async def test_bad_mass_sends_are_refused_naming_what_is_wrong(world):
    wc, ws = world
    c = make_connector(wc)
    try:
        long = await c.perform(ActionRequest(1, "send", "k1", group="wrGroupA", params={"text": "长" * 1334}))
        assert long.status == Status.FAILED and "text is 4002 bytes; WeCom's mass send takes at most 4000" in long.message
        empty = await c.perform(ActionRequest(2, "send", "k2", group="wrGroupA", params={"text": "  "}))
        assert empty.status == Status.FAILED and "needs text" in empty.message
        unknown = await c.perform(ActionRequest(3, "send", "k3", group="wrNobody", params={"text": "hi"}))
        assert unknown.status == Status.FAILED and "wrNobody" in unknown.message
        assert not wc.routes_called("externalcontact/add_msg_template")
    finally:
        await c.aclose()


def call(wc, route: str, body: dict) -> dict:
    token = httpx.get(f"{wc.base_url}/cgi-bin/gettoken", params={"corpid": wc.corp_id,
                                                                 "corpsecret": "appSecret"}).json()["access_token"]
    return httpx.post(f"{wc.base_url}/cgi-bin/externalcontact/{route}", params={"access_token": token},
                      json=body).json()


def test_the_fake_keeps_wecoms_mass_send_shapes_paging_and_errors(world):
    wc, _ws = world
    wc.add_group("wrGroupB", "福利群 B", "zhangsan")
    wc.clock = lambda: float(NOON)
    add = call(wc, "add_msg_template", {"chat_type": "group", "sender": "zhangsan", "text": {"content": "a"},
                                        "chat_id_list": ["wrGroupA", "wrGroupB", "wrOther"]})
    assert add["errcode"] == 0 and add["fail_list"] == ["wrOther"]
    for body, words in (({"chat_type": "group", "text": {"content": "a"}}, "sender is required"),
                        ({"chat_type": "group", "sender": "zhangsan", "text": {"content": "x" * 4001}}, "4000 bytes"),
                        ({"chat_type": "group", "sender": "lisi", "chat_id_list": ["wrGroupA"],
                          "text": {"content": "a"}}, "customer group of the sender")):
        bad = call(wc, "add_msg_template", body)
        assert bad["errcode"] == 40058 and words in bad["errmsg"]
    second = call(wc, "add_msg_template", {"chat_type": "group", "sender": "zhangsan", "text": {"content": "b"},
                                           "chat_id_list": ["wrGroupB"]})["msgid"]
    span = {"chat_type": "group", "start_time": NOON - 10, "end_time": NOON + 10, "limit": 1}
    first_page = call(wc, "get_groupmsg_list_v2", span)
    assert [m["msgid"] for m in first_page["group_msg_list"]] == [add["msgid"]] and first_page["next_cursor"]
    page2 = call(wc, "get_groupmsg_list_v2", {**span, "cursor": first_page["next_cursor"]})
    assert [m["text"]["content"] for m in page2["group_msg_list"]] == ["b"] and page2["next_cursor"] == ""
    assert page2["group_msg_list"][0]["msgid"] == second
    assert call(wc, "get_groupmsg_list_v2", {**span, "end_time": NOON + 32 * 86400})["errcode"] == 40058
    task = call(wc, "get_groupmsg_task", {"msgid": add["msgid"]})
    assert task["task_list"] == [{"userid": "zhangsan", "status": 0}]
    wc.mass.confirm(add["msgid"])
    task = call(wc, "get_groupmsg_task", {"msgid": add["msgid"]})
    assert task["task_list"] == [{"userid": "zhangsan", "status": 2, "send_time": NOON}]
    res = call(wc, "get_groupmsg_send_result", {"msgid": add["msgid"], "userid": "zhangsan", "limit": 1})
    assert res["send_list"] == [{"chat_id": "wrGroupA", "userid": "zhangsan", "status": 1, "send_time": NOON}]
    res2 = call(wc, "get_groupmsg_send_result", {"msgid": add["msgid"], "userid": "zhangsan", "cursor":
                                                 res["next_cursor"]})
    assert [r["chat_id"] for r in res2["send_list"]] == ["wrGroupB"]
    assert call(wc, "get_groupmsg_send_result", {"msgid": add["msgid"]})["errcode"] == 40058
    assert call(wc, "get_groupmsg_task", {"msgid": "nope"})["errcode"] == 40058
    wc.dispatch_pending = True
    pending = call(wc, "add_msg_template", {"chat_type": "group", "sender": "zhangsan", "text": {"content": "c"},
                                            "chat_id_list": ["wrGroupA"]})["msgid"]
    assert call(wc, "get_groupmsg_task", {"msgid": pending})["errcode"] == 41063


async def test_progress_waits_while_wecom_still_hands_the_task_out(world):
    wc, ws = world
    wc.dispatch_pending = True
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON):
            ws.enqueue([Proposal("send", "post", group_id=gid(ws, "wrGroupA"), params={"text": "稍后"})], "x")
            await Executor(ws, {"wx1": c}, pacing=False).drain()
        assert await poll(ws) == 0 and mass(ws)[0]["status"] == "awaiting"
        wc.mass.confirm(next(iter(wc.mass.sends)), at=NOON + 60)
        assert await poll(ws) == 1 and mass(ws)[0]["status"] == "sent"
    finally:
        await c.aclose()


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_owner_task_reads_in_the_console_language(world, lang):
    wc, ws = world
    ws.settings.console.language = lang
    c = await attached(wc, ws)
    try:
        ws.enqueue([Proposal("send", "post", group_id=gid(ws, "wrGroupA"), params={"text": "hi"})], "x")
        await Executor(ws, {"wx1": c}, pacing=False).drain()
    finally:
        await c.aclose()
    title = ws.store.scalar("SELECT title FROM tasks WHERE kind = 'wechat_mass_send'")
    assert title == (TITLE if lang == "en" else "请在企业微信中确认发往福利群 A的群发：正在等待群主确认")


async def test_a_scheduled_post_of_the_content_plugin_goes_out_as_a_mass_send(world):
    from tests.plugins.content.content_kit import item, local, schedule

    wc, ws = world
    c = await attached(wc, ws)
    try:
        i = item(ws, "早安 {group}")
        schedule(ws, item_id=i, targets=[f"group:{gid(ws, 'wrGroupA')}"])  # saving plans and queues at T0
        fire = local(ws, "2025-06-16 07:30")
        (post,) = ws.store.query("SELECT id, status, not_before FROM actions WHERE kind = 'send'")
        assert (post["status"], post["not_before"]) == ("pending", fire)
        with ws.clock_at(fire):
            await Executor(ws, {"wx1": c}, pacing=False).drain()
        (sent,) = wc.mass.sends.values()
        assert (sent["text"], sent["chats"], sent["sender"]) == ("早安 福利群 A", ["wrGroupA"], "zhangsan")
        assert [(m["day"], m["status"]) for m in mass(ws)] == [("2025-06-16", "awaiting")]
    finally:
        await c.aclose()


async def test_the_same_text_to_another_group_of_the_owner_is_not_taken_for_ours_after_a_crash(world):
    wc, ws = world
    wc.add_group("wrGroupB", "福利群 B", "zhangsan")
    c = await attached(wc, ws)
    try:
        with ws.clock_at(NOON):
            ex = Executor(ws, {"wx1": c}, pacing=False)
            ws.enqueue([Proposal("send", "a", group_id=gid(ws, "wrGroupA"), params={"text": "同一句"})], "x")
            await ex.drain()
            (b,) = ws.enqueue([Proposal("send", "b", group_id=gid(ws, "wrGroupB"), params={"text": "同一句"})], "x")
            ex._claim(ws.store.one("SELECT * FROM actions WHERE id = ?", (b,)))  # stopped before WeCom was called
            ex.recover()
            await ex.drain()
        assert sorted(s["chats"][0] for s in wc.mass.sends.values()) == ["wrGroupA", "wrGroupB"]
        assert [m["chat_id"] for m in mass(ws)] == ["wrGroupA", "wrGroupB"]
    finally:
        await c.aclose()
