"""Each bridge's own events, in its own shape, through the connector's HTTP POST intake.

Payloads come from the fake bridge of that dialect (tests/fakes/onebot_dialects.py, read
from go-cqhttp's, NapCat's and Lagrange.OneBot's event code); a driver refuses what a
bridge never sends, so a NapCat case cannot pass on a go-cqhttp payload."""

from __future__ import annotations

import json

import pytest

from console.model import Kind
from tests.plugins.qq.dialect_kit import DIALECTS, bridge, post


@pytest.fixture(params=DIALECTS)
async def b(request):
    br = bridge(request.param)
    yield br
    await br.close()


async def one(b, event, **kw):
    res = await post(b, event, **kw)
    assert res.status == 204, res.error
    assert len(res.events) == 1
    return res.events[0]


async def test_a_bot_invitation_is_never_a_join_request(b):
    raw = b.bot.inject_bot_invitation(777, 4242, "外面的群", comment="来我们群")
    e = await one(b, raw)
    assert e.kind == Kind.BOT_INVITATION and e.group is None and e.user == "4242"
    assert (e.data["group"], e.data["inviter"], e.data["flag"]) == ("777", "4242", raw["flag"])
    assert e.data["group_name"] == "外面的群"  # looked up: get_group_info of a group the bot is not in
    assert e.nickname == "user4242" and e.id == f"inv:{raw['flag']}"


async def test_join_requests_name_who_invited_them(b):
    if b.bot.dialect == "napcat":
        with pytest.raises(ValueError):  # NapCat sends no invitor_id
            b.bot.inject_invited_request(1, 50, 42)
        return
    e = await one(b, b.bot.inject_invited_request(1, 50, 42, "朋友拉我"))
    assert (e.kind, e.user, e.data["inviter"], e.data["sub_type"]) == (Kind.JOIN_REQUEST, "50", "42", "add")
    plain = await one(b, b.bot.inject_join_request(1, 51, "hi"))  # Lagrange: invitor_id 0 is nobody
    assert "inviter" not in plain.data and plain.nickname == "user51"


async def test_renames_name_the_group(b):
    if b.bot.dialect == "gocq":
        with pytest.raises(ValueError):  # go-cqhttp reports no rename
            b.bot.inject_rename(1, 9, "新名字")
        return
    raw = b.bot.inject_rename(1, 9, "福利群 A·二期")
    assert raw["notice_type"] == {"napcat": "notify", "lagrange": "group_name_change"}[b.bot.dialect]
    e = await one(b, raw)
    assert (e.kind, e.group, e.user, e.data["change"], e.data["value"]) == (Kind.GROUP, "1", None, "name",
                                                                            "福利群 A·二期")


async def test_napcat_messages_name_their_group(b):
    e = await one(b, b.bot.inject_message(1, 42, "hello"))
    assert e.group_name == ("福利群 A" if b.bot.dialect == "napcat" else None) and "group_name" not in e.data


async def test_a_disband_dismisses_the_group_not_a_member_leaving(b):
    if b.bot.dialect == "gocq":
        with pytest.raises(ValueError):
            b.bot.inject_disband(1, 9)
        return
    e = await one(b, b.bot.inject_disband(1, 9))
    assert (e.kind, e.user, e.data["change"], e.data["operator"]) == (Kind.GROUP, None, "dismiss", "9")


async def test_bot_offline_takes_the_connection_offline_with_the_platforms_words(b):
    if b.bot.dialect == "gocq":
        with pytest.raises(ValueError):
            b.bot.inject_bot_offline()
        return
    e = await one(b, b.bot.inject_bot_offline("你的账号在另一台设备登录", "被挤下线"))
    assert (e.kind, e.data["sub_type"], e.data["reason"]) == (Kind.LIFECYCLE, "disable", "bot_offline")
    assert b.sink.states[-1] == ("offline", "qq1: QQ logged the account out: 被挤下线 你的账号在另一台设备登录")
    # heartbeats go on (the bridge runs) but say nothing of the account: still offline, not handed over
    hb = {"time": e.ts, "self_id": 10001, "post_type": "meta_event", "meta_event_type": "heartbeat",
          "status": {"online": True, "good": True}, "interval": 5000}
    res = await post(b, hb)
    assert res.status == 204 and res.events == [] and b.sink.states[-1][0] == "offline"
    await b.conn.call("get_status")  # the bridge answering calls does not mean QQ is back either
    assert b.sink.states[-1][0] == "offline" and b.conn.online is False
    await one(b, b.bot.inject_message(1, 42, "back"))  # an event from QQ: the account is back
    assert b.sink.states[-1] == ("online", None) and b.conn.forced_offline is None
    if b.bot.dialect == "lagrange":  # earlier Lagrange.OneBot: notify/bot_offline
        old = await one(b, b.bot.inject_bot_offline("登录失效", "Force", old_lagrange=True))
        assert old.data["reason"] == "bot_offline" and b.sink.states[-1][1].endswith("Force 登录失效")


@pytest.mark.parametrize("kind", ["share", "json_mini", "json_link", "xml", "forward"])
async def test_cards_give_their_link_title_and_words(b, kind):
    url, title, words = "https://shop.example.cn/item?id=9", "限时特价", "点击领取优惠券"
    seg = b.bot.card_segments(url, title, words)[kind]
    e = await one(b, b.bot.inject_message(1, 42, [seg]))
    card = e.data["cards"][0]
    assert card["raw"]["type"] == seg["type"]  # the raw segment stays as evidence
    if kind == "forward" and b.bot.dialect != "napcat":  # an id only: nothing to read
        assert (card["type"], card["id"], e.text) == ("forward", "7390000000000000001", "[forward]")
        return
    assert url in e.text and title in e.text and words in e.text
    expected = {"share": "share", "json_mini": "miniapp", "json_link": "ark", "xml": "xml", "forward": "forward"}
    assert card["type"] == expected[kind]
    if kind != "forward":
        assert (card["title"], card["url"]) == (title, url)


async def test_the_bots_own_messages_belong_to_nobody(b):
    if b.bot.dialect == "lagrange":
        with pytest.raises(ValueError):
            b.bot.inject_own_message(1, "x")
    else:
        e = await one(b, b.bot.inject_own_message(1, "我是机器人"))
        assert (e.kind, e.user, e.data["from_self"], e.data["sender"]) == (Kind.MESSAGE, None, True, "10001")
    # a message event whose sender is the bot (a bridge reporting its own messages as "message")
    raw = b.bot.inject_raw_message(1, 10001, [{"type": "text", "data": {"text": "self"}}])
    e = await one(b, raw)
    assert e.user is None and e.data["from_self"] is True


async def test_the_bots_own_join_and_removal_are_not_a_member_joining_or_leaving(b):
    e = await one(b, b.bot.bot_joins(888, "新群", 4242))
    assert (e.kind, e.user, e.data["change"], e.group_name) == (Kind.GROUP, None, "bot_joined", "新群")
    sub = "kickme" if b.bot.dialect == "lagrange" else "kick_me"  # Lagrange lowers its enum name
    raw = b.bot.inject_event({"post_type": "notice", "notice_type": "group_decrease", "sub_type": sub,
                              "group_id": 888, "operator_id": 4242, "user_id": 10001})
    gone = await one(b, raw)
    assert (gone.kind, gone.user, gone.data["change"], gone.data["value"]) == (Kind.GROUP, None, "bot_removed",
                                                                                "kick_me")


async def test_a_malformed_cq_code_degrades_to_text(b):
    raw = b.bot.inject_raw_message(1, 42, "看这里 [CQ:at,qq=43 然后 [CQ:face,id=5] 加我")
    e = await one(b, raw)
    assert e.text == "看这里 [CQ:at,qq=43 然后 [face:5] 加我"
    assert e.data["malformed"] and "unclosed CQ code" in e.data["malformed"][0]


async def test_post_checks_self_id_in_the_body_like_the_websocket(b):
    raw = dict(b.bot.inject_message(1, 42, "x"), self_id=99999)
    res = await post(b, raw, header_self_id=False)
    assert res.status == 403 and "account 99999" in res.error and not res.events
    ok = await post(b, dict(raw, self_id=10001), header_self_id=False)
    assert ok.status == 204


@pytest.mark.parametrize("patch,why", [
    ({"time": "Infinity"}, "event time"), ({"time": float("nan")}, "event time"), ({"time": 1e400}, "event time"),
    ({"time": -5}, "not a time"), ({"user_id": {"id": 1}}, "user_id"), ({"user_id": 4.5}, "user_id"),
    ({"group_id": "12a"}, "group_id"), ({"message_id": [1]}, "message_id")])
async def test_bad_numbers_in_a_message_are_400(b, patch, why):
    raw = {**b.bot.inject_message(1, 42, "x"), **patch}
    res = await post(b, None, body=json.dumps(raw, allow_nan=True).encode())
    assert res.status == 400 and why in res.error, res.error


@pytest.mark.parametrize("duration", ["forever", "Infinity", [60], 1e30])
async def test_a_ban_with_a_duration_that_is_no_number_is_400(b, duration):
    raw = b.bot.inject_event({"post_type": "notice", "notice_type": "group_ban", "sub_type": "ban", "group_id": 1,
                              "user_id": 42, "operator_id": 9, "duration": duration})
    res = await post(b, raw)
    assert res.status == 400 and "duration" in res.error


async def test_json_nested_too_deep_is_400_not_500(b):
    body = b'{"post_type": "notice", "x": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    res = await post(b, None, body=body)
    assert res.status == 400 and "nested too deep" in res.error


@pytest.mark.parametrize("dialect,event,kind", [
    ("napcat", {"post_type": "notice", "notice_type": "notify", "sub_type": "input_status", "group_id": 1,
                "user_id": 42, "status_text": "对方正在输入"}, "notice.notify.input_status"),
    ("napcat", {"post_type": "notice", "notice_type": "group_msg_emoji_like", "group_id": 1, "user_id": 42,
                "message_id": 5, "likes": [{"emoji_id": "76", "count": 1}]}, "notice.group_msg_emoji_like"),
    ("lagrange", {"post_type": "notice", "notice_type": "reaction", "sub_type": "add", "group_id": 1,
                  "message_id": 5, "operator_id": 42, "code": "76", "count": 1}, "notice.reaction.add"),
    ("gocq", {"post_type": "notice", "notice_type": "essence", "sub_type": "add", "group_id": 1, "sender_id": 42,
              "operator_id": 9, "message_id": 5}, "notice.essence.add"),
    ("gocq", {"post_type": "request", "request_type": "friend", "user_id": 42, "comment": "hi", "flag": "9"},
     "request.friend")])
async def test_variants_nobody_understands_are_kept_whole(dialect, event, kind):
    b = bridge(dialect)
    try:
        raw = b.bot.inject_event(event)
        e = await one(b, raw)
        assert (e.kind, e.data["type"], e.raw) == (Kind.UNKNOWN, kind, raw)
    finally:
        await b.close()
