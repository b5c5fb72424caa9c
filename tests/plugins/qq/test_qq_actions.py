"""Every console action against the fake bridge, in both dialects, with typed outcomes."""

from __future__ import annotations

import pytest

from console.config import ConfigError
from console.connector import NotSupported
from console.model import ActionRequest, Status

from tests.plugins.qq.qqhelpers import make_bot, make_connector


@pytest.fixture(params=["gocq", "napcat"])
def bot(request):
    b = make_bot(dialect=request.param)
    yield b
    b.stop()


def req(kind, user=None, group="1", **params):
    return ActionRequest(1, kind, f"k-{kind}", group=group, user=user, params=params)


async def test_every_action_reaches_the_bridge(bot):
    c = make_connector(bot)
    bot.requests.clear()
    flag = bot.inject_join_request(1, 50, "hi")["flag"]
    flag2 = bot.inject_join_request(1, 51, "spam")["flag"]
    cases = [
        (req("send", text="早安 [CQ:face] & 你好"), "send_group_msg"),
        (req("mute", "42", duration=600), "set_group_ban"),
        (req("unmute", "42"), "set_group_ban"),
        (req("whole_mute", enable=True), "set_group_whole_ban"),
        (req("set_card", "42", card="sh-alice-dev"), "set_group_card"),
        (req("set_group_name", name="福利群 B"), "set_group_name"),
        (req("approve_join", "50", flag=flag, sub_type="add"), "set_group_add_request"),
        (req("reject_join", "51", flag=flag2, sub_type="add", reason="答案不对"), "set_group_add_request"),
        (req("announce", content="群规: 禁止广告"), "_send_group_notice"),
        (req("kick", "43", reject_add_request=True), "set_group_kick"),
    ]
    for r, action in cases:
        before = len(bot.calls)
        res = await c.perform(r)
        assert res.status == Status.DONE, (r.kind, res.message)
        assert any(a == action for a, _ in bot.calls[before:]), r.kind
    assert bot.sent[0]["segments"] == [{"type": "text", "data": {"text": "早安 [CQ:face] & 你好"}}]
    assert bot.members[1][42]["card"] == "sh-alice-dev" and bot.groups[1]["group_name"] == "福利群 B"
    assert 50 in bot.members[1] and 43 not in bot.members[1] and (1, 43) in bot.blocked
    rejected = [h for h in bot.handled_requests if h["user_id"] == 51][0]
    assert rejected["approve"] is False and rejected["reason"] == "答案不对"
    mid = (await c.perform(req("send", text="to recall"))).data["message_id"]
    assert (await c.perform(req("recall", message_id=mid))).status == Status.DONE
    assert bot.messages[int(mid)]["deleted"]
    await c.aclose()


async def test_set_admin_needs_the_owner_and_says_so_in_the_bridges_words(bot):
    c = make_connector(bot)
    res = await c.perform(req("set_admin", "42"))
    assert res.status == Status.FAILED and "权限不足" in res.message
    bot.set_bot_role(1, "owner")
    assert (await c.perform(req("set_admin", "42"))).status == Status.DONE
    assert bot.members[1][42]["role"] == "admin"
    await c.aclose()


async def test_undeclared_actions_raise_before_any_call(bot):
    c = make_connector(bot)
    n = len(bot.calls)
    for kind in ("create_group", "invite"):
        with pytest.raises(NotSupported, match="qq1"):
            await c.perform(req(kind))
    assert len(bot.calls) == n
    await c.aclose()


async def test_outcomes_map_to_typed_results(bot):
    c = make_connector(bot)
    bot.fail_next("http500")
    assert (await c.perform(req("mute", "42"))).status == Status.RETRY
    bot.fail_next("failed")
    res = await c.perform(req("mute", "42"))
    assert res.status == Status.FAILED and "模拟故障" in res.message
    bot.throttle_next = 1
    assert (await c.perform(req("send", text="x"))).status == Status.RATE_LIMITED
    bot.fail_next("reset")
    assert (await c.perform(req("mute", "42"))).status == Status.RETRY  # idempotent: safe to retry
    bot.fail_next("reset")
    res = await c.perform(req("send", text="maybe sent"))
    assert res.status == Status.FAILED and "not repeated" in res.message  # a post is never repeated blind
    bad = make_connector(bot, access_token="wrong")
    res = await bad.perform(req("send", text="x"))
    assert res.status == Status.AUTH_EXPIRED and "connections.qq1.access_token" in res.message
    assert bad.sink.states[-1][0] == "error"
    bot.stop()
    res = await c.perform(req("send", text="x"))
    assert res.status == Status.RETRY and "unreachable" in res.message
    assert c.sink.states[-1][0] == "offline"
    await c.aclose()
    await bad.aclose()


async def test_a_timeout_on_a_send_is_not_repeated_but_on_a_kick_it_is(bot):
    c = make_connector(bot, timeout=0.3)
    bot.timeout_seconds = 2.0
    bot.fail_next("timeout")
    res = await c.perform(req("send", text="slow"))
    assert res.status == Status.FAILED and "may have been carried out" in res.message
    bot.fail_next("timeout")
    assert (await c.perform(req("kick", "44"))).status == Status.RETRY
    await c.aclose()


async def test_a_bridge_without_the_notice_extension_fails_clearly():
    bot = make_bot(dialect="napcat", supports_notice=False)
    try:
        c = make_connector(bot)
        await c.detect()
        res = await c.perform(req("announce", content="x"))
        assert res.status == Status.FAILED and "NapCat" in res.message and "_send_group_notice" in res.message
        await c.aclose()
    finally:
        bot.stop()
    bot = make_bot(dialect="gocq", supports_notice=False)
    try:
        c = make_connector(bot)
        await c.detect()  # go-cqhttp lists its actions: refused before the call
        n = len(bot.calls)
        res = await c.perform(req("announce", content="x"))
        assert res.status == Status.FAILED and "does not support _send_group_notice" in res.message
        assert len(bot.calls) == n
        await c.aclose()
    finally:
        bot.stop()


async def test_rate_limited_suffix_queues_sends(bot):
    c = make_connector(bot, rate_limited_suffix=True)
    res = await c.perform(req("send", text="queued"))
    if bot.dialect == "napcat":
        assert res.status == Status.DONE and res.data.get("queued")
    else:  # go-cqhttp has no _rate_limited actions: sent by the plain name (test_qq_dialect_answers.py)
        assert res.status == Status.DONE and res.data.get("message_id")
    bot.wait_for(lambda: bot.sent, what="queued send")
    await c.aclose()


async def test_list_groups_members_check_and_reconcile(bot):
    c = make_connector(bot, self_id="10001")
    chk = await c.check()
    assert chk.ok and chk.account == "10001"
    groups = await c.list_groups()
    assert [(g.id, g.name, g.capacity) for g in groups] == [("1", "福利群 A", 500)]
    members = {m.user: m for m in await c.list_members("1")}
    assert set(members) == {"42", "43", "44", "9"} and members["9"].role == "owner"
    assert await c.reconcile(req("kick", "42")) is None  # still there: not done
    assert (await c.reconcile(req("kick", "77"))).status == Status.DONE  # gone
    await c.perform(req("mute", "42", duration=600))
    assert (await c.reconcile(req("mute", "42"))).status == Status.DONE
    assert await c.reconcile(req("send", text="x")) is None
    wrong = make_connector(bot, self_id="555")
    assert not (await wrong.check()).ok
    await c.aclose()
    await wrong.aclose()


def test_bad_options_name_the_connection():
    from plugins.qq.connector import QQConnector

    with pytest.raises(ConfigError, match="connections.q.secret"):
        QQConnector("q", {"base_url": "http://127.0.0.1:1"})
    with pytest.raises(ConfigError, match="connections.q.ws_url"):
        QQConnector("q", {"base_url": "http://127.0.0.1:1", "intake": "websocket"})
    with pytest.raises(ConfigError, match="connections.q.intake"):
        QQConnector("q", {"base_url": "http://127.0.0.1:1", "secret": "s", "intake": "carrier pigeon"})
    with pytest.raises(ConfigError, match="connections.q.base_url"):
        QQConnector("q", {"base_url": "127.0.0.1:1", "secret": "s"})
    with pytest.raises(ConfigError, match="connections.q.tokn"):
        QQConnector("q", {"base_url": "http://x", "secret": "s", "tokn": "x"})
