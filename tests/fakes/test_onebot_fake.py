"""Tests of the fake OneBot bridge itself, over real HTTP/WS on loopback.

The connector tests trust this fake to behave like go-cqhttp / NapCat, so the
fake's own behaviour (auth, envelopes, events, signatures, faults) is pinned
here. Everything uses sync clients so no event-loop plugin config is needed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx
import pytest
from websockets.sync.client import connect

from .onebot import FakeOneBot, cq_escape, parse_cq_string, to_cq_string
from .onebot_testkit import ALICE, AUTH, BOB, GID, HTTP, OWNER, call, populated, recv_until


# ------------------------------------------------------------------ auth
def test_gocq_auth_401_missing_403_wrong_and_accepted_forms(bot):
    url = f"{bot.base_url}/get_login_info"
    assert HTTP.get(url).status_code == 401
    assert HTTP.get(url, headers={"Authorization": "Bearer nope"}).status_code == 403
    assert HTTP.get(url, params={"access_token": "nope"}).status_code == 403
    for kwargs in ({"headers": AUTH}, {"headers": {"Authorization": "Token tok"}}, {"params": {"access_token": "tok"}}):
        resp = HTTP.get(url, **kwargs)
        assert resp.status_code == 200 and resp.json()["data"] == {"user_id": 10001, "nickname": "FakeBot"}


def test_napcat_auth_403_body_for_missing_and_wrong_and_query_preferred(napcat):
    url = f"{napcat.base_url}/get_login_info"
    for kwargs in ({}, {"headers": {"Authorization": "Bearer nope"}}):
        resp = HTTP.get(url, **kwargs)
        assert resp.status_code == 403 and resp.json() == {"message": "token verify failed!"}
    ok = HTTP.get(url, params={"access_token": "tok"}, headers={"Authorization": "Bearer nope"})
    assert ok.json()["status"] == "ok"
    running = HTTP.get(napcat.base_url + "/", headers=AUTH).json()
    assert running["status"] == "ok" and running["message"] == "NapCat4 Is Running"


# ------------------------------------------------------- request encodings
def test_json_form_query_and_root_action_with_id_coercion(bot):
    base = bot.base_url
    r1 = HTTP.get(f"{base}/get_group_member_info/", params={"group_id": str(GID), "user_id": str(ALICE)}, headers=AUTH)
    r2 = HTTP.post(f"{base}/get_group_member_info", data={"group_id": str(GID), "user_id": str(ALICE)}, headers=AUTH)
    r3 = HTTP.post(f"{base}/get_group_member_info", json={"group_id": str(GID), "user_id": ALICE}, headers=AUTH)
    r4 = HTTP.post(f"{base}/", json={"action": "get_group_member_info", "params": {"group_id": GID, "user_id": ALICE}},
                    headers=AUTH)
    for resp in (r1, r2, r3, r4):
        data = resp.json()["data"]
        assert data["user_id"] == ALICE and data["card"] == "Alice" and data["role"] == "member"
    assert bot.calls[-4:] == [("get_group_member_info", {"group_id": GID, "user_id": ALICE})] * 4
    assert HTTP.post(f"{base}/get_status", content=b"x", headers={**AUTH, "Content-Type": "text/plain"}).status_code == 406
    assert HTTP.post(f"{base}/get_status", content=b"{bad", headers={**AUTH, "Content-Type": "application/json"}).status_code == 400


def test_napcat_invalid_json_is_plain_400(napcat):
    resp = HTTP.post(f"{napcat.base_url}/get_status", content=b"{bad", headers={**AUTH, "Content-Type": "application/json"})
    assert resp.status_code == 400 and resp.text == "Invalid JSON"


# ------------------------------------------------------------- envelopes
def test_unknown_action_envelopes_per_dialect(bot, napcat):
    gocq = call(bot, "no_such_action")
    assert (gocq["status"], gocq["retcode"], gocq["msg"]) == ("failed", 404, "API_NOT_FOUND")
    nap = call(napcat, "no_such_action")
    assert (nap["status"], nap["retcode"], nap["message"]) == ("failed", 200, "不支持的Api no_such_action")
    assert call(bot, "get_version_info")["data"]["app_name"] == "go-cqhttp"
    assert call(napcat, "get_version_info")["data"] == {"app_name": "NapCat.Onebot", "app_version": "4.8.0",
                                                        "protocol_version": "v11"}
    assert "set_group_kick" in call(bot, "get_supported_actions")["data"]


def test_failure_envelopes_per_dialect(bot, napcat):
    gocq = call(bot, "get_group_info", group_id=999)
    assert gocq == {"status": "failed", "retcode": 100, "data": None, "message": "群聊不存在",
                    "msg": "GROUP_NOT_FOUND", "wording": "群聊不存在"}
    nap = call(napcat, "get_group_info", group_id=999)
    assert (nap["status"], nap["retcode"], nap["stream"]) == ("failed", 200, "normal-action")
    assert nap["message"] and nap["wording"] == nap["message"]
    assert call(napcat, "get_group_info", group_id="abc")["retcode"] == 400  # schema validation
    assert call(napcat, "set_group_add_request", flag="nope")["message"] == "No such request"
    assert call(bot, "set_group_add_request", flag="nope")["msg"] == "FLAG_NOT_FOUND"


def test_notice_extension_can_be_missing():
    with populated(FakeOneBot(supports_notice=False)) as b:
        assert call(b, "_send_group_notice", group_id=GID, content="hi")["retcode"] == 404
    with populated(FakeOneBot()) as b:
        assert call(b, "_send_group_notice", group_id=GID, content="hi")["status"] == "ok"
        assert call(b, "_get_group_notice", group_id=GID)["data"][0]["message"]["text"] == "hi"


# ------------------------------------------------------------ permissions
def test_member_bot_cannot_moderate_and_admin_cannot_touch_admins():
    with populated(FakeOneBot(bot_role="member")) as b:
        for action, params in [("set_group_kick", {"user_id": ALICE}), ("set_group_ban", {"user_id": ALICE}),
                               ("set_group_card", {"user_id": ALICE, "card": "x"}), ("set_group_whole_ban", {}),
                               ("set_group_name", {"group_name": "x"}), ("set_group_admin", {"user_id": ALICE}),
                               ("_send_group_notice", {"content": "x"})]:
            env = call(b, action, group_id=GID, **params)
            assert env["status"] == "failed" and env["retcode"] == 100 and env["wording"], action
        assert ALICE in b.members[GID] and b.members[GID][ALICE]["card"] == "Alice"
        assert not [e for e in b.events if e["post_type"] == "notice"]
    with populated(FakeOneBot()) as b:  # admin bot
        assert call(b, "set_group_kick", group_id=GID, user_id=BOB)["msg"] == "NOT_MANAGEABLE"
        assert call(b, "set_group_ban", group_id=GID, user_id=OWNER)["status"] == "failed"
        assert call(b, "set_group_admin", group_id=GID, user_id=ALICE)["msg"] == "PERMISSION_DENIED"
        assert call(b, "set_group_kick", group_id=GID, user_id=999)["status"] == "failed"
    with populated(FakeOneBot(bot_role="owner", dialect="napcat")) as b:
        assert call(b, "set_group_admin", group_id=GID, user_id=ALICE)["status"] == "ok"
        assert b.members[GID][ALICE]["role"] == "admin" and b.events[-1]["sub_type"] == "set"
    with populated(FakeOneBot(dialect="napcat", bot_role="member")) as b:
        assert call(b, "set_group_kick", group_id=GID, user_id=ALICE)["retcode"] == 200


# --------------------------------------------------------- event delivery
def test_kick_emits_signed_post_and_ws_event(receiver):
    with populated(FakeOneBot(post_url=receiver.url)) as b:
        with connect(f"{b.ws_url}/event", additional_headers=AUTH) as ws:
            assert json.loads(ws.recv(timeout=2))["meta_event_type"] == "lifecycle"
            assert call(b, "set_group_kick", group_id=GID, user_id=ALICE) == {
                "status": "ok", "retcode": 0, "data": None, "message": ""}
            event = recv_until(ws, lambda f: f.get("notice_type") == "group_decrease")
        assert event["sub_type"] == "kick" and event["operator_id"] == b.self_id and event["user_id"] == ALICE
        assert ALICE not in b.members[GID] and call(b, "get_group_info", group_id=GID)["data"]["member_count"] == 2
        (delivered, status), = b.wait_delivered(1)
        assert status == 204 and delivered == event
        headers, body = receiver.hits[0]
        assert headers["X-Self-ID"] == "10001" and headers["Content-Type"] == "application/json"
        expected = "sha1=" + hmac.new(b"sec", body, hashlib.sha1).hexdigest()
        assert hmac.compare_digest(headers["X-Signature"], expected)
        assert json.loads(body) == event


def test_napcat_signs_with_token_and_lowercase_headers(receiver):
    with populated(FakeOneBot(dialect="napcat", post_url=receiver.url)) as b:
        b.inject_message(GID, ALICE, "hello")
        b.wait_delivered(1)
        headers, body = receiver.hits[0]
        assert "x-signature" in headers and "x-self-id" in headers
        assert headers["x-signature"] == "sha1=" + hmac.new(b"tok", body, hashlib.sha1).hexdigest()


def test_approve_and_reject_join_requests(receiver):
    with populated(FakeOneBot(post_url=receiver.url)) as b:
        req = b.inject_join_request(GID, 300, comment="答案: 42")
        assert req["post_type"] == "request" and req["flag"] in b.requests
        # go-cqhttp needs the matching sub_type: without it the flag is searched among invites
        assert call(b, "set_group_add_request", flag=req["flag"])["msg"] == "FLAG_NOT_FOUND"
        assert call(b, "set_group_add_request", flag=req["flag"], type="add")["status"] == "ok"
        assert 300 in b.members[GID] and not b.requests
        inc = b.events[-1]
        assert (inc["notice_type"], inc["sub_type"], inc["user_id"], inc["operator_id"]) == (
            "group_increase", "approve", 300, b.self_id)
        assert call(b, "set_group_add_request", flag=req["flag"], sub_type="add")["msg"] == "FLAG_HAS_BEEN_CHECKED"
        req2 = b.inject_join_request(GID, 301)
        n_events = len(b.events)
        assert call(b, "set_group_add_request", flag=req2["flag"], sub_type="add", approve=False,
                    reason="no")["status"] == "ok"
        assert len(b.events) == n_events and 301 not in b.members[GID]
        assert b.handled_requests[-1]["reason"] == "no"
        b.wait_delivered(3)  # two requests + one group_increase
    with populated(FakeOneBot(dialect="napcat")) as b:
        req = b.inject_join_request(GID, 302)
        assert call(b, "set_group_add_request", flag=req["flag"], approve="false")["status"] == "ok"
        assert 302 not in b.members[GID]


def test_quick_operation_reply_is_honoured(receiver):
    def reply(event: dict) -> tuple[int, bytes]:
        if event.get("post_type") == "message":
            return 200, json.dumps({"reply": "别刷屏", "at_sender": True, "ban": True, "ban_duration": 60}).encode()
        if event.get("post_type") == "request":
            return 200, json.dumps({"approve": True}).encode()
        return 204, b""

    receiver.reply = reply
    with populated(FakeOneBot(post_url=receiver.url)) as b:
        msg = b.inject_message(GID, ALICE, "spam spam")
        b.wait_delivered(1)
        assert b.sent[-1]["segments"] == [{"type": "at", "data": {"qq": str(ALICE)}},
                                          {"type": "text", "data": {"text": "别刷屏"}}]
        assert b.members[GID][ALICE]["shut_up_timestamp"] > time.time()
        assert b.post_replies[0]["event"] == msg and b.post_replies[0]["operation"]["ban_duration"] == 60
        b.inject_join_request(GID, 303)
        b.wait_delivered(4)  # message, group_ban notice, request, group_increase
        assert 303 in b.members[GID]
        b.post_url = None
        assert call(b, ".handle_quick_operation", context=msg, operation={"delete": True})["status"] == "ok"
        assert b.messages[msg["message_id"]]["deleted"] and b.events[-1]["notice_type"] == "group_recall"


# ------------------------------------------------------------ message format
SEGMENTS = [{"type": "text", "data": {"text": "a&b [1], "}},
            {"type": "at", "data": {"qq": "201"}},
            {"type": "image", "data": {"file": "https://x/y.png?a=1,b=[2]"}}]
CQ = "a&amp;b &#91;1&#93;, [CQ:at,qq=201][CQ:image,file=https://x/y.png?a=1&#44;b=&#91;2&#93;]"


def test_cq_helpers_escape_and_round_trip():
    assert cq_escape("a&[],") == "a&amp;&#91;&#93;,"
    assert cq_escape("a,b", in_param=True) == "a&#44;b"
    assert to_cq_string(SEGMENTS) == CQ
    assert parse_cq_string(CQ) == SEGMENTS


def test_string_vs_array_message_format():
    with populated(FakeOneBot(message_format="string")) as s, populated(FakeOneBot()) as a:
        with connect(f"{s.ws_url}/", additional_headers=AUTH) as ws:
            s.wait_ws_clients(1)  # registered before the message is injected, or it never reaches this socket
            s.inject_message(GID, ALICE, SEGMENTS, message_id=77)
            ev = recv_until(ws, lambda f: f["post_type"] == "message")
        assert ev["message"] == CQ and ev["raw_message"] == CQ and ev["message_id"] == 77
        assert (ev["message_type"], ev["sub_type"], ev["font"]) == ("group", "normal", 0)
        assert ev["sender"]["user_id"] == ALICE and ev["sender"]["card"] == "Alice"
        ev2 = a.inject_message(GID, ALICE, SEGMENTS)
        assert ev2["message"] == SEGMENTS and ev2["raw_message"] == CQ
        assert a.members[GID][ALICE]["last_sent_time"] > 0
        env = call(a, "send_group_msg", group_id=GID, message="x[CQ:face,id=1]")
        assert a.sent[-1]["segments"] == [{"type": "text", "data": {"text": "x"}}, {"type": "face", "data": {"id": "1"}}]
        assert isinstance(env["data"]["message_id"], int) and a.sent[-1]["message_id"] == env["data"]["message_id"]
        call(a, "send_group_msg", group_id=GID, message="[CQ:face,id=1]", auto_escape=True)
        assert a.sent[-1]["segments"] == [{"type": "text", "data": {"text": "[CQ:face,id=1]"}}]
        assert call(a, "send_group_msg", group_id=GID, message="")["msg"] == "EMPTY_MSG_ERROR"


def test_echo_own_messages_and_side_effect_notices():
    with populated(FakeOneBot(echo_own_messages=True, bot_role="owner")) as b:
        mid = call(b, "send_group_msg", group_id=GID, message=[{"type": "text", "data": {"text": "hi"}}])["data"]["message_id"]
        own = b.events[-1]
        assert own["post_type"] == "message_sent" and own["user_id"] == b.self_id and own["message_id"] == mid
        call(b, "set_group_ban", group_id=GID, user_id=ALICE, duration=0)
        assert (b.events[-1]["notice_type"], b.events[-1]["sub_type"]) == ("group_ban", "lift_ban")
        call(b, "set_group_card", group_id=GID, user_id=ALICE, card="新名片")
        assert b.events[-1] == {**b.events[-1], "notice_type": "group_card", "card_new": "新名片", "card_old": "Alice"}
        call(b, "set_group_admin", group_id=GID, user_id=BOB, enable=False)
        assert (b.events[-1]["notice_type"], b.events[-1]["sub_type"]) == ("group_admin", "unset")
        assert call(b, "delete_msg", message_id=mid)["status"] == "ok"
        assert b.events[-1]["notice_type"] == "group_recall"
        assert call(b, "delete_msg", message_id=mid)["msg"] == "MESSAGE_NOT_FOUND"


# ----------------------------------------------------------- async suffix
def test_async_suffix_answers_async_then_applies():
    with populated(FakeOneBot()) as b:
        env = call(b, "set_group_card_async", group_id=GID, user_id=ALICE, card="later")
        assert (env["status"], env["retcode"], env["data"]) == ("async", 1, None)
        assert b.calls[-1][0] == "set_group_card"
        b.wait_for(lambda: b.members[GID][ALICE]["card"] == "later", 2)
        # go-cqhttp has no _rate_limited actions (server/api.go): API_NOT_FOUND, nothing sent
        env = call(b, "send_group_msg_rate_limited", group_id=GID, message="x")
        assert (env["status"], env["retcode"], env["msg"]) == ("failed", 404, "API_NOT_FOUND") and not b.sent
    with populated(FakeOneBot(dialect="napcat")) as b:
        assert call(b, "send_group_msg_rate_limited", group_id=GID, message="x")["status"] == "async"
        b.wait_for(lambda: b.sent, 2)
    with populated(FakeOneBot(dialect="lagrange")) as b:  # neither suffix: the name is looked up as given
        assert call(b, "send_group_msg_async", group_id=GID, message="x") == {
            "status": "failed", "retcode": 404, "data": None, "echo": None}


# -------------------------------------------------------- fault injection
def test_fault_injection_timeout_reset_http500_failed_slow(bot):
    url = f"{bot.base_url}/send_group_msg"
    body = {"group_id": GID, "message": "hi"}
    bot.timeout_seconds, bot.slow_seconds = 1.0, 0.2
    bot.fail_next("timeout")
    with pytest.raises(httpx.ReadTimeout):
        HTTP.post(url, json=body, headers=AUTH, timeout=0.3)
    assert len(bot.sent) == 1  # the bridge did send: a timeout does not mean "not sent"
    bot.fail_next("reset")
    with pytest.raises(httpx.RemoteProtocolError):
        HTTP.post(url, json=body, headers=AUTH)
    bot.fail_next("http500", count=2)
    assert [HTTP.post(url, json=body, headers=AUTH).status_code for _ in range(2)] == [500, 500]
    bot.fail_next("failed")
    env = HTTP.post(url, json=body, headers=AUTH).json()
    assert env["status"] == "failed" and env["retcode"] == 100 and env["wording"]
    assert len(bot.sent) == 1
    bot.fail_next("slow")
    started = time.monotonic()
    assert HTTP.post(url, json=body, headers=AUTH).json()["status"] == "ok"
    assert time.monotonic() - started >= 0.2
    bot.fail_next("http500", count=None)
    assert HTTP.post(url, json=body, headers=AUTH).status_code == 500
    bot.clear_faults()
    assert HTTP.post(url, json=body, headers=AUTH).json()["status"] == "ok"
    assert [c[0] for c in bot.calls].count("send_group_msg") == 8


# ----------------------------------------------------------------- WebSocket
