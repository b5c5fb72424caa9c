"""WeCom callbacks through the connector's route: the URL check, events of every kind and
shape, and every bad input of issue 19 refused with the connection named."""

from __future__ import annotations

import pytest

from console.connector import NullSink, WebhookRequest
from console.model import Kind
from tests.fakes import wecom_crypto
from tests.plugins.wechat.wechathelpers import AES_KEY, TOKEN, make_connector, make_fake, post


@pytest.fixture
async def pair():
    wc = make_fake()
    c = make_connector(wc, sink=NullSink())
    yield wc, c
    await c.aclose()
    wc.stop()


async def test_the_url_check_answers_the_plaintext_alone(pair):
    wc, c = pair
    enc = wecom_crypto.encrypt(AES_KEY, "1616140317555161061", wc.corp_id)
    sig = wecom_crypto.sign(TOKEN, "1409659589", "263014780", enc)
    q = {"msg_signature": sig, "timestamp": "1409659589", "nonce": "263014780", "echostr": enc.replace("+", " ")}
    res = await c.handle(WebhookRequest("GET", "", q, {}, b""))
    assert (res.status, res.body, res.error) == (200, b"1616140317555161061", None)
    bad = await c.handle(WebhookRequest("GET", "", {**q, "msg_signature": "0" * 40}, {}, b""))
    assert bad.status == 403 and bad.error.startswith("wx1: forged")
    bare = await c.handle(WebhookRequest("GET", "", {}, {}, b""))  # a stranger's GET: refused, never stored
    assert bare.status == 401 and bare.error.startswith("wx1: unsigned")


@pytest.mark.parametrize("shape", ["item", "comma", "repeated"])
async def test_joins_in_every_member_list_shape(pair, shape):
    wc, c = pair
    wc.add_member("wrGroupA", "wmCarl", scene=3, name="卡尔", state="poster")
    wc.add_member("wrGroupA", "wmDan", scene=1, invitor="zhangsan", name="丹")
    xml = wc.event("wrGroupA", "update", "add_member", members=["wmCarl", "wmDan"], shape=shape, join_scene=3)
    res = await c.handle(post(wc, xml))
    assert res.status == 200 and res.error is None
    joins = {e.user: e for e in res.events}
    assert set(joins) == {"wmCarl", "wmDan"} and all(e.kind == Kind.JOIN for e in joins.values())
    assert joins["wmCarl"].data["scene"] == "qr" and joins["wmCarl"].data["state"] == "poster"
    assert joins["wmCarl"].nickname == "卡尔" and joins["wmCarl"].group_name == "福利群 A"
    assert joins["wmDan"].data["scene"] == "invite" and joins["wmDan"].data["inviter"] == "zhangsan"


async def test_a_list_left_out_is_read_from_the_difference(pair):
    wc, c = pair
    await c.list_members("wrGroupA")  # seen: the members before
    last = wc.state.groups["wrGroupA"].member_version
    wc.add_member("wrGroupA", "wmEve", scene=2)
    xml = wc.event("wrGroupA", "update", "add_member", count=1, join_scene=0, last_ver=last,
                   cur_ver=wc.state.groups["wrGroupA"].member_version)
    res = await c.handle(post(wc, xml))
    assert [(e.kind, e.user, e.data["scene"]) for e in res.events] == [(Kind.JOIN, "wmEve", "link")]


async def test_leaves_with_the_reason_wecom_gives(pair):
    wc, c = pair
    left = await c.handle(post(wc, wc.event("wrGroupA", "update", "del_member", members=["wmAlice"], quit_scene=0)))
    removed = await c.handle(post(wc, wc.event("wrGroupA", "update", "del_member", members=["wmBob"], quit_scene=1,
                                               shape="comma", create_time=1_700_000_123)))
    assert [(e.kind, e.user, e.data["reason"]) for e in left.events + removed.events] == [
        (Kind.LEAVE, "wmAlice", "leave"), (Kind.LEAVE, "wmBob", "kick")]


async def test_names_notices_owners_create_and_dismiss(pair):
    wc, c = pair
    await c.list_members("wrGroupA")
    wc.state.groups["wrGroupA"].name = "福利群 A（新）"
    renamed = await c.handle(post(wc, wc.event("wrGroupA", "update", "change_name", join_scene=0, count=3)))
    assert [(e.kind, e.data["change"], e.data["value"]) for e in renamed.events] == [(Kind.GROUP, "name",
                                                                                       "福利群 A（新）")]
    wc.state.groups["wrGroupA"].notice = "群规：不发广告"
    notice = await c.handle(post(wc, wc.event("wrGroupA", "update", "change_notice")))
    assert notice.events[0].data["value"] == "群规：不发广告"
    wc.state.groups["wrGroupA"].owner = "lisi"
    owner = await c.handle(post(wc, wc.event("wrGroupA", "update", "change_owner")))
    assert [(e.kind, e.user, e.data.get("role"), e.data["enable"]) for e in owner.events] == [
        (Kind.ADMIN, "lisi", "owner", True), (Kind.ADMIN, "zhangsan", None, False)]
    wc.add_group("wrNew", "新群", "zhangsan")
    created = await c.handle(post(wc, wc.event("wrNew", "create")))
    assert [(e.kind, e.data["change"], e.group_name) for e in created.events] == [(Kind.GROUP, "create", "新群")]
    gone = await c.handle(post(wc, wc.event("wrNew", "dismiss")))
    assert [(e.kind, e.data["change"]) for e in gone.events] == [(Kind.GROUP, "dismiss")]


async def test_a_member_version_gap_is_re_pulled(pair):
    wc, c = pair
    await c.list_members("wrGroupA")
    wc.join("wrGroupA", "wmMissed", scene=3, push=False)  # WeCom's callback never arrived
    wc.leave("wrGroupA", "wmAlice", push=False)
    last = wc.state.groups["wrGroupA"].member_version
    wc.add_member("wrGroupA", "wmNext", scene=1, invitor="zhangsan")
    xml = wc.event("wrGroupA", "update", "add_member", members=["wmNext"], join_scene=0, last_ver=last,
                   cur_ver=wc.state.groups["wrGroupA"].member_version)
    res = await c.handle(post(wc, xml))
    got = [(e.kind, e.user, e.data.get("reconciled", False)) for e in res.events]
    assert got == [(Kind.JOIN, "wmNext", False), (Kind.JOIN, "wmMissed", True), (Kind.LEAVE, "wmAlice", True)]
    again = await c.handle(post(wc, xml))  # WeCom's retry: the same join id, the gap already closed
    assert [e.id for e in again.events] == [res.events[0].id]


async def test_a_millisecond_or_absurd_create_time_is_not_a_crash(pair):
    wc, c = pair
    ms = await c.handle(post(wc, wc.event("wrGroupA", "update", "del_member", members=["wmBob"],
                                          create_time=1_700_000_000_123)))
    assert ms.events[0].ts == 1_700_000_000 and "ts_suspect" not in ms.events[0].data
    absurd = await c.handle(post(wc, wc.event("wrGroupA", "update", "del_member", members=["wmAlice"],
                                              create_time=12)))
    assert absurd.events[0].data["ts_suspect"] is True and absurd.events[0].ts > 1_700_000_000


async def test_other_events_on_the_url_are_kept_as_unknown(pair):
    wc, c = pair
    xml = ("<xml><ToUserName>x</ToUserName><CreateTime>1700000000</CreateTime><MsgType>event</MsgType>"
           "<Event>change_external_contact</Event><ChangeType>add_external_contact</ChangeType>"
           "<UserID>zhangsan</UserID><ExternalUserID>wmX</ExternalUserID></xml>")
    res = await c.handle(post(wc, xml))
    assert [(e.kind, e.raw["ExternalUserID"]) for e in res.events] == [(Kind.UNKNOWN, "wmX")]


BAD = {
    "unsigned": (lambda wc, xml: _without(post(wc, xml), "msg_signature"), 401, "wx1: unsigned"),
    "wrong signature": (lambda wc, xml: post(wc, xml, token="another"), 403, "wx1: forged or mis-signed"),
    "another key": (lambda wc, xml: post(wc, xml, aes_key="A" * 43), 400, "wx1: WeCom callback: .*bad padding"),
    "another corp": (lambda wc, xml: post(wc, xml, receive_id="wwOTHERCORP"), 400,
                     "wx1: .*receive id 'wwOTHERCORP', not this connection's corp id"),
    "body not XML": (lambda wc, xml: _body(post(wc, xml), b"<xml><Encrypt>"), 403,
                     "wx1: WeCom callback body: .*not XML.*cannot be verified"),
    "event not XML": (lambda wc, xml: post(wc, "<xml><ChatId>oops</xml>"), 400, "wx1: WeCom callback event: .*not XML"),
    "a DOCTYPE": (lambda wc, xml: post(wc, '<!DOCTYPE x [<!ENTITY a "b">]><xml/>'), 400, "wx1: .*DOCTYPE"),
}


def _without(req: WebhookRequest, key: str) -> WebhookRequest:
    req.query.pop(key)
    return req


def _body(req: WebhookRequest, body: bytes) -> WebhookRequest:
    req.body = body
    return req


@pytest.mark.parametrize("case", BAD)
async def test_bad_callbacks_are_refused_naming_the_connection(pair, case):
    wc, c = pair
    build, status, words = BAD[case]
    res = await c.handle(build(wc, wc.event("wrGroupA", "update", "del_member", members=["wmBob"])))
    assert res.status == status and not res.events
    assert res.error and __import__("re").match(words, res.error), res.error
    if case in ("another key", "another corp"):  # signed, so ours, yet unreadable: the connection shows why
        state, why = c.sink.states[-1]
        assert state == "error" and why.startswith("wx1: WeCom callback:") and "encoding_aes_key" in why
        await c.handle(post(wc, wc.event("wrGroupA", "update", "del_member", members=["wmAlice"])))
        assert c.sink.states[-1] == ("online", None)  # a good callback: online again
    else:
        assert not any(s == "error" for s, _ in c.sink.states)


async def test_an_event_for_a_group_never_seen_is_a_dead_letter(pair):
    wc, c = pair
    res = await c.handle(post(wc, wc.event("wrNeverSeen", "update", "add_member", members=["wmX"])))
    assert res.status == 200 and not res.events  # acknowledged, so WeCom stops retrying
    assert res.error.startswith("wx1: a WeCom change for group wrNeverSeen, which WeCom does not know")


async def test_a_group_of_another_owner_is_a_dead_letter():
    wc = make_fake()
    c = make_connector(wc, owners=["wangwu"])
    try:
        res = await c.handle(post(wc, wc.event("wrGroupA", "update", "change_name")))
    finally:
        await c.aclose()
        wc.stop()
    assert not res.events and "owned by zhangsan, who is not among this connection's owners (wangwu)" in res.error


def test_scene_scales_and_the_third_party_variant():
    from plugins.wechat.normalize import callback_scene, change, events_of

    assert [callback_scene(x) for x in (0, 3, 1, None)] == ["invite", "qr", "unknown", "unknown"]
    xml = ("<xml><SuiteId>ww4asffe9</SuiteId><AuthCorpId>wxf8b4f85f3a794e77</AuthCorpId>"
           "<InfoType>change_external_chat</InfoType><TimeStamp>1403610513</TimeStamp><ChatId>wrX</ChatId>"
           "<ChangeType>update</ChangeType><UpdateDetail>del_member</UpdateDetail><QuitScene>1</QuitScene>"
           "<MemChangeCnt>1</MemChangeCnt><MemChangeList><Item>wmY</Item></MemChangeList></xml>")
    (e,) = events_of("wx1", change(xml), None)
    assert (e.kind, e.group, e.user, e.ts, e.data["reason"]) == ("leave", "wrX", "wmY", 1403610513, "kick")
