"""The Douyin webhook route: signature, challenge, another app, Msg-Id, content as a
string or an object, millisecond times, the events each push becomes, and what a
signed push that cannot be an event turns into (a dead letter naming the connection)."""

from __future__ import annotations

import concurrent.futures
import json

import pytest

from console.connector import NullSink
from console.intake import StoreUnavailable
from console.model import Kind
from tests.fakes.douyin import FakeDouyin
from tests.plugins.douyin.dyhelpers import hook_request, make_connector, raw_request

T0 = 1_780_000_000.0


@pytest.fixture
def dy():
    with FakeDouyin(clock=lambda: T0) as f:
        f.gid = f.add_group("粉丝群", members=2).group_id
        yield f


@pytest.fixture
async def conn(dy):
    sink = NullSink()
    c = make_connector(dy, sink=sink)
    await c.list_groups()
    yield c
    await c.aclose()


async def test_the_challenge_is_echoed_as_json(dy, conn):
    for key in ("", dy.client_key):  # the documents' own sample leaves client_key empty
        body = dy.webhook_body("verify_webhook", {"challenge": 987654}, stringify=False, client_key=key)
        res = await conn.handle(raw_request(dy, body))
        assert (res.status, json.loads(res.body), res.content_type) == (200, {"challenge": 987654}, "application/json")
    assert conn.sink.received == []


async def test_a_challenge_from_another_app_unsigned_and_forged_pushes_are_refused(dy, conn):
    other = await conn.handle(hook_request(dy, "verify_webhook", {"challenge": 1}, stringify=False,
                                           client_key="someone-else"))
    assert other.status == 403 and "dy1" in other.error and "someone-else" in other.error
    unsigned = await conn.handle(hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "hi"),
                                              from_user="ou-a", sign=False))
    assert unsigned.status == 401 and "dy1: unsigned" in unsigned.error
    forged = await conn.handle(hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "hi"),
                                            from_user="ou-a", secret="guessed"))
    assert forged.status == 403 and "dy1: forged" in forged.error
    req = hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "hi"), from_user="ou-a")
    req.body = req.body.replace(b"hi", b"yo")  # changed after signing
    assert (await conn.handle(req)).status == 403
    assert conn.sink.received == []


async def test_a_msg_id_is_stored_once(dy, conn):
    req = hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "一次"), from_user="ou-a", msg_id="M1")
    assert (await conn.handle(req)).status == 200
    assert (await conn.handle(req)).status == 200
    assert [e.text for e in conn.sink.received] == ["一次"] and conn.duplicates == 1


class FailingSink(NullSink):
    """A store that cannot write the first delivery."""

    def __init__(self):
        super().__init__()
        self.fail = True

    def events(self, events):
        fut: concurrent.futures.Future = concurrent.futures.Future()
        if self.fail:
            self.fail = False
            fut.set_exception(StoreUnavailable("the disk is full"))
        else:
            self.received.extend(events)
            fut.set_result(True)

        class Receipt:
            async def wait(self):
                import asyncio
                return await asyncio.wrap_future(fut)
        return Receipt()


async def test_a_push_that_could_not_be_stored_is_taken_again(dy):
    c = make_connector(dy, sink=FailingSink())
    await c.list_groups()
    try:
        req = hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "别丢"), from_user="ou-a",
                           msg_id="M2")
        first = await c.handle(req)
        assert first.status == 503 and b"disk is full" in first.body and first.error is None
        assert (await c.handle(req)).status == 200  # the platform's retry is not a duplicate
        assert [e.text for e in c.sink.received] == ["别丢"]
    finally:
        await c.aclose()


async def test_content_as_string_or_object_and_bad_strings_become_dead_letters(dy, conn):
    a = dy.apply(dy.gid, user_id="ou-applicant", nickname="小红")
    for stringify in (True, False):
        res = await conn.handle(hook_request(dy, "enter_group_audit_change", dy.apply_content(a),
                                             from_user=a.user_id, stringify=stringify, msg_id=f"A{stringify}"))
        assert res.status == 200 and res.error is None
    evs = conn.sink.received
    assert [e.id for e in evs] == [f"apply:{a.apply_id}"] * 2 and evs[0].data == evs[1].data
    body = dy.webhook_body("enter_group_audit_change", "x", stringify=False).replace(b'"x"', b'"{\\"apply_id\\": 1,"')
    broken = await conn.handle(raw_request(dy, body))
    assert broken.status == 200 and broken.error.startswith("dy1: Douyin enter_group_audit_change dropped: content is "
                                                            "a string that is not JSON")
    listed = await conn.handle(raw_request(dy, dy.webhook_body("group_fans_event", "[1, 2]", stringify=False)))
    assert "does not hold an object" in listed.error
    assert len(conn.sink.received) == 2


async def test_a_group_the_account_does_not_own_is_a_dead_letter(dy, conn):
    dy.advance(61)  # the list read when the connection started is a minute old
    calls = len(dy.calls)
    res = await conn.handle(hook_request(dy, "im_group_receive_msg", dy.message_content("@stranger==", "hi"),
                                         from_user="ou-a"))
    assert res.status == 200 and "dy1" in res.error and "@stranger==" in res.error and dy.open_id in res.error
    assert len(dy.calls) == calls + 1  # the group list was read again, once
    await conn.handle(hook_request(dy, "im_group_receive_msg", dy.message_content("@stranger==", "again"),
                                   from_user="ou-a"))
    assert len(dy.calls) == calls + 1  # not again within a minute
    new = dy.add_group("刚建的群").group_id  # made in the app since the last list
    dy.advance(61)
    ok = await conn.handle(hook_request(dy, "im_group_receive_msg", dy.message_content(new, "你好"), from_user="ou-a"))
    assert ok.error is None and conn.sink.received[-1].group == new


async def test_pushes_become_events_with_seconds_and_the_right_people(dy, conn):
    g, owner = dy.gid, dy.open_id
    msg = dy.message_content(g, "早上好", message_id="@m1")
    msg["user_infos"] = [{"open_id": "ou-speaker", "nick_name": "阿强"}]
    joined = dy.join_content(g, "ou-joiner")
    by_table = {**dy.join_content(g, "ou-x"), "open_id": owner}  # the documents' table: content.open_id is the owner
    pushes = [("im_group_receive_msg", msg, "ou-speaker"), ("im_group_send_msg", dy.message_content(g, "公告"), owner),
              ("group_fans_event", joined, "ou-joiner"), ("group_fans_event", by_table, "ou-joiner-2"),
              ("group_fans_event", dy.join_content(g, "ou-leaver", group_type=2), "ou-leaver"),
              ("group_fans_event", dy.join_content(g, "ou-odd", group_type=7), "ou-odd"),
              ("im_recall_msg", {"server_message_id": "@m1", "conversation_short_id": g}, "ou-speaker"),
              ("new_video_digg", {"item_id": "v1"}, "ou-fan")]
    for i, (event, content, who) in enumerate(pushes):
        res = await conn.handle(hook_request(dy, event, content, from_user=who, msg_id=f"P{i}"))
        assert res.error is None, (event, res.error)
    got = {e.id: e for e in conn.sink.received}
    m = got["msg:@m1"]
    assert (m.kind, m.user, m.nickname, m.text, m.group, m.ts) == (Kind.MESSAGE, "ou-speaker", "阿强", "早上好", g,
                                                                   int(T0))
    own = next(e for e in got.values() if e.kind == Kind.MESSAGE and e.data.get("from_self"))
    assert own.user is None and own.text == "公告"
    joins = [e for e in got.values() if e.kind == Kind.JOIN]
    assert sorted(e.user for e in joins) == ["ou-joiner", "ou-joiner-2"] and joins[0].data["scene"] == "approve"
    (leave,) = [e for e in got.values() if e.kind == Kind.LEAVE]
    assert leave.user == "ou-leaver"
    assert got["recall:@m1"].data["message_id"] == "@m1"
    unknown = [e for e in got.values() if e.kind == Kind.UNKNOWN]
    assert len(unknown) == 2 and all(e.raw for e in unknown)  # group_type 7 and an event shequn does not use


async def test_a_join_naming_only_the_owner_is_refused_with_words(dy, conn):
    content = {**dy.join_content(dy.gid, dy.open_id)}
    res = await conn.handle(hook_request(dy, "group_fans_event", content, from_user=dy.open_id))
    assert res.status == 200 and "a joiner other than the group owner" in res.error


# The documents' own example body (developer.open-douyin.com dop/develop/webhooks/summarize, whose Go
# sample hashes client_secret then the body with sha1 and prints %x). The digests were computed outside
# Python, with coreutils' sha1sum and openssl: printf '%s' 'test-secret{"event":...}' | sha1sum.
DOC_BODY = b'{"event":"verify_webhook","client_key":"abc","content":{"challenge":12345}}'
DOC_SHA1 = "97e124eb66020d1fb1299f1d018e0fc476a9da21"  # sha1("test-secret" + body)
DOC_HMAC = "59fe949e599a9efa3bacefa3f701d47b2a89d6b5"  # HMAC-SHA1(key "test-secret", body): not the rule
DOC_SUFFIX = "a12f57d56e3cdda7732211d1228ef11c7d6767f8"  # sha1(body + "test-secret"): not the rule
ZH_BODY = ('{"event":"im_group_receive_msg","client_key":"abc","from_user_id":"ou-fan","content":'
           '{"conversation_short_id":"@g1","server_message_id":"@m1","create_time":1780000000000,'
           '"message_type":"text","text":"大家好"}}').encode()
ZH_SHA1 = "79f1a9dcbe9d419c605c99aa57e243c6eb3ee791"  # sha1("test-secret" + the UTF-8 bytes)


async def test_the_signature_is_sha1_of_secret_then_body_as_pinned_by_hand():
    from console.connector import WebhookRequest
    from plugins.douyin.connector import DouyinConnector

    c = DouyinConnector("dyv", {"client_key": "abc", "client_secret": "test-secret", "open_id": "ou-owner",
                                "refresh_token": "r"}, sink=NullSink(), clock=lambda: T0)
    c.known, c._listed_at = {"@g1"}, T0

    def req(body, sig):
        return WebhookRequest("POST", "", {}, {"x-douyin-signature": sig, "msg-id": sig}, body)

    ok = await c.handle(req(DOC_BODY, DOC_SHA1))
    assert (ok.status, json.loads(ok.body)) == (200, {"challenge": 12345})
    assert (await c.handle(req(DOC_BODY, DOC_SHA1.upper()))).status == 200  # hex case does not matter
    for wrong in (DOC_HMAC, DOC_SUFFIX, DOC_SHA1[:-1] + "0"):
        assert (await c.handle(req(DOC_BODY, wrong))).status == 403
    zh = await c.handle(req(ZH_BODY, ZH_SHA1))  # over the raw UTF-8 bytes
    assert zh.status == 200 and zh.error is None and [e.text for e in c.sink.received] == ["大家好"]
    assert FakeDouyin(client_secret="test-secret").signed(ZH_BODY)["X-Douyin-Signature"] == ZH_SHA1  # the fake too


async def test_refused_pushes_are_dead_letters_once_a_cause_a_day(dy, conn):
    def forged(text):
        return hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, text), from_user="ou-a",
                            secret="guessed")

    first = forged("第一条伪造")
    for req in (first, forged("第二条伪造"), forged("第三条伪造")):
        assert (await conn.handle(req)).status == 403
    unsigned = hook_request(dy, "im_group_receive_msg", dy.message_content(dy.gid, "x" * 3000), from_user="ou-a",
                            sign=False)
    assert (await conn.handle(unsigned)).status == 401
    other = hook_request(dy, "verify_webhook", {"challenge": 1}, stringify=False, client_key="someone-else")
    assert (await conn.handle(other)).status == 403
    letters = conn.sink.dead
    assert [(d.connection, d.source) for d in letters] == [("dy1", "webhook")] * 3  # forged, unsigned, another app
    assert letters[0].error.startswith("HTTP 403: dy1: forged or mis-signed Douyin webhook refused")
    assert letters[0].raw == first.body and letters[0].headers["x-douyin-signature"] == first.headers[
        "x-douyin-signature"]
    assert letters[1].error.startswith("HTTP 401: dy1: unsigned") and len(letters[1].raw) == 2048
    assert letters[1].error.endswith(f"; {len(unsigned.body) - 2048} bytes of the body cut")
    assert "someone-else" in letters[2].error
    dy.advance(86400)  # the next day: the first forgery is kept again
    assert (await conn.handle(forged("次日伪造"))).status == 403
    assert len(conn.sink.dead) == 4 and "次日伪造".encode() in conn.sink.dead[-1].raw
    assert conn.sink.received == []
