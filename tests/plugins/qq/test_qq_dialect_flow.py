"""Each bridge's events through the engine and every plugin: what they do to the records.

The payloads are the fake bridge's of that dialect, through the connector's HTTP POST
intake (names looked up there), into a workspace (tests/plugins/qq/dialect_kit.py)."""

from __future__ import annotations

import json

import pytest

from plugins.entry_rules.welcome import flush_due
from tests.plugins.qq.dialect_kit import DIALECTS, bridge, feed, post, qq_workspace


@pytest.fixture(params=DIALECTS)
async def b(request):
    br = bridge(request.param)
    yield br
    await br.close()


@pytest.fixture
def ws(tmp_path):
    w = qq_workspace(tmp_path)
    yield w
    w.close()


async def deliver(b, ws, *raws):
    events = []
    for raw in raws:
        res = await post(b, raw)
        assert res.status == 204, res.error
        events += res.events
    feed(ws, events)
    return events


def group(ws, number="1"):
    return ws.store.one("SELECT * FROM groups WHERE platform_group_id = ?", (number,))


async def test_a_rename_renames_the_group_and_napcat_messages_name_new_groups(b, ws):
    await deliver(b, ws, b.bot.inject_message(1, 42, "hi"))
    assert group(ws)["name"] == ("福利群 A" if b.bot.dialect == "napcat" else "1")
    if b.bot.dialect == "gocq":
        return  # go-cqhttp reports no rename
    await deliver(b, ws, b.bot.inject_rename(1, 9, "福利群 A·二期"))
    assert group(ws)["name"] == "福利群 A·二期"
    assert ws.store.scalar("SELECT count(*) FROM memberships m JOIN groups g ON g.id = m.group_id"
                           " WHERE g.platform_group_id = '1'") == 1  # the operator's rename made nobody a member


async def test_a_disband_dismisses_the_group_and_nobody_leaves(b, ws):
    if b.bot.dialect == "gocq":
        return
    await deliver(b, ws, b.bot.inject_message(1, 42, "hi"), b.bot.inject_message(1, 43, "yo"))
    await deliver(b, ws, b.bot.inject_disband(1, 9))
    g = group(ws)
    assert (g["status"], g["member_count"]) == ("dismissed", 2)
    assert ws.store.scalar("SELECT count(*) FROM memberships WHERE status = 'left'") == 0
    assert ws.store.scalar("SELECT coalesce(sum(leaves), 0) FROM rollups_daily") == 0


async def test_the_bots_own_messages_count_nowhere(b, ws):
    await deliver(b, ws, b.bot.inject_message(1, 42, "hi"))
    before = ws.store.one("SELECT sum(messages) AS m, sum(speakers) AS s FROM rollups_daily")
    own = b.bot.inject_raw_message(1, 10001, [{"type": "text", "data": {"text": "机器人自己"}}])
    raws = [own] + ([b.bot.inject_own_message(1, "机器人提醒")] if b.bot.dialect != "lagrange" else [])
    await deliver(b, ws, *raws)
    assert ws.store.one("SELECT sum(messages) AS m, sum(speakers) AS s FROM rollups_daily") == before
    assert ws.store.scalar("SELECT count(*) FROM identities WHERE platform_user_id = '10001'") == 0
    assert ws.store.scalar("SELECT count(*) FROM messages WHERE person_id IS NULL") == len(raws)
    assert ws.store.scalar("SELECT count(*) FROM memberships") == 1


async def test_an_invited_members_request_records_its_referrer(b, ws):
    if b.bot.dialect == "napcat":
        return  # NapCat sends no invitor_id
    await deliver(b, ws, b.bot.inject_message(1, 42, "我拉了个朋友"))  # the member who invites, known by name
    await deliver(b, ws, b.bot.inject_invited_request(1, 50, 42, "朋友拉我"))
    r = ws.store.one("SELECT r.*, p.display_name AS ref FROM join_requests r JOIN people p"
                     " ON p.id = r.referrer_person_id")
    assert (r["ref"], r["comment"]) == ("alice", "朋友拉我")
    assert ws.store.scalar("SELECT display_name FROM people WHERE id = ?", (r["person_id"],)) == "user50"  # asked


async def test_a_join_is_welcomed_by_name(b, ws):
    ws.store.execute("UPDATE rules SET enabled = 1 WHERE kind = 'welcome'")
    names = [(50, "小明", ""), (60, "阿红", "上海-阿红"), (61, "大刚", ""), (62, "Lily", "")]
    raws = [b.bot.member_joins(1, uid, nick, card=card) for uid, nick, card in names]
    # one the bridge cannot look up (it left again at once): no name, never its number
    raws.append(b.bot.inject_event({"post_type": "notice", "notice_type": "group_increase", "sub_type": "approve",
                                    "group_id": 1, "operator_id": 9, "user_id": 63}))
    events = await deliver(b, ws, *raws)
    assert [(e.nickname, e.data.get("card")) for e in events] == [
        ("小明", None), ("阿红", "上海-阿红"), ("大刚", None), ("Lily", None), (None, None)]
    stored = [r["nickname"] for r in ws.store.query("SELECT nickname FROM entry_welcome_joins ORDER BY rowid")]
    assert stored == ["小明", "上海-阿红", "大刚", "Lily", ""]
    with ws.clock_at(events[-1].ts + 61):  # the burst window closes: one merged welcome naming them
        sent = [p.params["text"] for p in flush_due(ws)]
    assert sent == ["欢迎 小明、上海-阿红、大刚、Lily 等 5 位新朋友加入「1」！"]


async def test_bot_offline_alerts_until_the_account_is_back(b, ws):
    if b.bot.dialect == "gocq":
        return
    await deliver(b, ws, b.bot.inject_message(1, 42, "hi"))
    await deliver(b, ws, b.bot.inject_bot_offline("你的账号在另一台设备登录", "被挤下线"))
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'account_offline'")
    assert alert["message"] == "QQ logged the account of connection qq1 out: 被挤下线 你的账号在另一台设备登录"
    assert (alert["severity"], alert["resolved_at"]) == ("error", None)
    assert ws.store.scalar("SELECT state FROM connections WHERE id = 'qq1'") == "offline"
    await deliver(b, ws, b.bot.inject_message(1, 43, "还在吗"))
    assert ws.store.scalar("SELECT resolved_at FROM alerts WHERE kind = 'account_offline'") is not None
    await deliver(b, ws, b.bot.inject_bot_offline("登录已失效", "KickedOffline"))  # again, a new cause
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_offline' AND resolved_at IS NULL") == 1
    await deliver(b, ws, b.bot.inject_event({"post_type": "meta_event", "meta_event_type": "lifecycle",
                                             "sub_type": "connect"}))  # the bridge restarted, logged in
    assert ws.store.scalar("SELECT count(*) FROM alerts WHERE kind = 'account_offline' AND resolved_at IS NULL") == 0


async def test_a_link_in_a_card_opens_an_ads_case_like_the_same_link_as_text(b, ws):
    url = "https://vip-coupon.example.cn/get?id=88"
    await deliver(b, ws, b.bot.inject_message(1, 42, f"领券 {url} 加我"))
    as_text = ws.store.scalar("SELECT count(*) FROM cases")
    assert as_text == 1
    seg = b.bot.card_segments(url, "领券", "加我")["share"]
    await deliver(b, ws, b.bot.inject_message(1, 43, [seg]))
    case = ws.store.one("SELECT c.* FROM cases c JOIN identities i ON i.person_id = c.person_id"
                        " WHERE i.platform_user_id = '43'")
    assert case is not None and "ads" in case["rule"]
    mini = b.bot.card_segments(url, "小程序商城", "")["json_mini"]
    await deliver(b, ws, b.bot.inject_message(1, 44, [mini]))
    ev = ws.store.scalar("SELECT c.evidence FROM cases c JOIN identities i ON i.person_id = c.person_id"
                         " WHERE i.platform_user_id = '44'")
    evidence = json.loads(ev)
    assert evidence["category"] == "mini-program card"  # the ads rule's card check reads the card itself
    assert evidence["data"]["cards"][0]["raw"]["type"] == "json"  # the raw segment is kept as evidence
