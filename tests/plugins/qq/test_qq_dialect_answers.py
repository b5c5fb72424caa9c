"""Each bridge's answers, in its own envelope: failures whatever the retcode, envelopes nobody
knows, and the _rate_limited suffix only where the bridge has the action by that name."""

from __future__ import annotations

import httpx
import pytest

from console.connector import NullSink
from console.model import ActionRequest, Status
from plugins.qq.answers import BridgeError, read_answer
from tests.plugins.qq.qqhelpers import make_bot, make_connector


def req(kind, user=None, group="1", **params):
    return ActionRequest(1, kind, f"k-{kind}", group=group, user=user, params=params)


def answer(payload, status=200):
    body = payload if isinstance(payload, bytes) else httpx.Response(200, json=payload).content
    return httpx.Response(status, content=body, headers={"content-type": "application/json"})


async def test_lagrange_refuses_an_approval_with_failed_1_and_it_is_a_failure():
    bot = make_bot(dialect="lagrange")
    c = make_connector(bot, sink=NullSink())
    try:
        flag = bot.inject_join_request(1, 50, "hi")["flag"]
        assert flag.count("-") == 2  # Lagrange's seq-group-type flag
        bot.set_bot_role(1, "member")  # QQ refuses: the bot is no admin
        res = await c.perform(req("approve_join", "50", flag=flag, sub_type="add"))
        assert (res.status, res.message) == (Status.FAILED, "the bridge said: retcode 1")
        assert 50 not in bot.members[1]
        bot.set_bot_role(1, "admin")
        ok = await c.perform(req("approve_join", "50", flag=flag, sub_type="add"))
        assert ok.status == Status.DONE and not ok.data.get("queued") and 50 in bot.members[1]
    finally:
        await c.aclose()
        bot.stop()


@pytest.mark.parametrize("env,failed,data", [
    ({"status": "failed", "retcode": 1, "data": None, "echo": None}, "the bridge said: retcode 1", None),
    ({"status": "ok", "retcode": 1, "data": None, "echo": None}, "the bridge said: status ok with retcode 1 "
                                                                  "(Lagrange's answer when QQ refused the request)", None),
    ({"status": "failed", "retcode": 0, "data": None}, "the bridge said: retcode 0", None),
    ({"status": "async", "retcode": 1, "data": None}, None, {"async": True}),
    ({"retcode": 1}, None, {"async": True}),
    ({"status": "ok", "retcode": 200, "data": {"x": 1}, "echo": None}, None, {"x": 1}),  # Lagrange's delete_msg
])
def test_status_decides_never_the_retcode_alone(env, failed, data):
    if failed is None:
        assert read_answer("qq1", "set_group_add_request", answer(env), {}) == data
        return
    with pytest.raises(BridgeError) as e:
        read_answer("qq1", "set_group_add_request", answer(env), {})
    assert (e.value.result.status, e.value.result.message) == (Status.FAILED, failed)


@pytest.mark.parametrize("body", [
    b'{"code": 0, "msg": "success", "data": {}}', b'["ok"]', b'"ok"',
    b'{"status": "success", "retcode": 0}', b'{"status": null, "retcode": "0"}'])
def test_an_unknown_envelope_is_a_failure_naming_the_connection_and_quoting_it(body):
    with pytest.raises(BridgeError) as e:
        read_answer("qq-main", "send_group_msg", answer(body), {})
    r = e.value.result
    assert r.status == Status.FAILED and r.message.startswith("qq-main: the bridge answered send_group_msg in an "
                                                              "envelope shequn does not know: ")
    assert repr(body.decode())[1:-1][:40] in r.message


async def test_rate_limited_suffix_goes_plain_on_gocq_which_has_none():
    bot = make_bot(dialect="gocq")
    c = make_connector(bot, sink=NullSink(), rate_limited_suffix=True)
    try:
        await c.detect()  # get_supported_actions: no _rate_limited names
        res = await c.perform(req("send", text="hi"))
        assert res.status == Status.DONE and res.data.get("message_id")
        assert [a for a, _ in bot.calls if a.startswith("send_group_msg")] == ["send_group_msg"]
    finally:
        await c.aclose()
        bot.stop()


async def test_rate_limited_suffix_refused_once_then_plain_on_lagrange():
    bot = make_bot(dialect="lagrange")
    c = make_connector(bot, sink=NullSink(), rate_limited_suffix=True)
    try:
        await c.detect()  # no get_supported_actions: the suffix is tried, refused as unknown, remembered
        for text in ("one", "two"):
            res = await c.perform(req("send", text=text))
            assert res.status == Status.DONE and res.data.get("message_id")
        assert [s["raw_message"] for s in bot.sent] == ["one", "two"]
        sends = [a for a, _ in bot.calls if a.startswith("send_group_msg")]
        assert sends == ["send_group_msg_rate_limited", "send_group_msg", "send_group_msg"]
    finally:
        await c.aclose()
        bot.stop()


async def test_rate_limited_suffix_is_queued_on_napcat():
    bot = make_bot(dialect="napcat")
    c = make_connector(bot, sink=NullSink(), rate_limited_suffix=True)
    try:
        await c.detect()
        res = await c.perform(req("send", text="later"))
        assert res.status == Status.DONE and res.data.get("queued")
        bot.wait_for(lambda: bot.sent, what="queued send")
    finally:
        await c.aclose()
        bot.stop()


async def test_lagrange_failures_without_words_and_unknown_actions():
    bot = make_bot(dialect="lagrange")
    c = make_connector(bot, sink=NullSink())
    try:
        info = await c.detect()
        assert info["app_name"] == "Lagrange.OneBot" and c.supported is None
        res = await c.perform(req("recall", message_id="987654"))  # unknown message: an exception, no words
        assert (res.status, res.message) == (Status.FAILED, "the bridge said: retcode 200")
        gone = await c.perform(req("kick", "77"))  # Lagrange answers ok whatever the kick did
        assert gone.status == Status.DONE
        res = await c.perform(req("announce", content="x"))
        assert res.status == Status.DONE
        bot.supports_notice = False
        res = await c.perform(req("announce", content="x"))
        assert res.status == Status.FAILED and "does not support _send_group_notice" in res.message
    finally:
        await c.aclose()
        bot.stop()
