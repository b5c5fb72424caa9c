"""OneBot v11 events as shequn events, in both message formats (PROTOCOLS.md 1.4, 1.6)."""

from __future__ import annotations

import pytest

from console.model import Kind
from plugins.qq.cq import CQError, escape, parse, render, segments_of
from plugins.qq.normalize import EventError, normalize

T = 1_700_000_000


def msg(message, **kw):
    return {"time": T, "self_id": 10001, "post_type": "message", "message_type": "group", "sub_type": "normal",
            "message_id": 77, "group_id": 5, "user_id": 42, "message": message,
            "sender": {"user_id": 42, "nickname": "alice", "card": "sh-alice"}, **kw}


def notice(**kw):
    return {"time": T, "self_id": 10001, "post_type": "notice", **kw}


def test_cq_string_and_array_give_the_same_message():
    array = [{"type": "reply", "data": {"id": "70"}}, {"type": "text", "data": {"text": "hi [a], b&c "}},
             {"type": "at", "data": {"qq": "43"}}, {"type": "image", "data": {"file": "x.jpg", "url": "http://i/x,1"}}]
    s = render(array)
    assert s == "[CQ:reply,id=70]hi &#91;a&#93;, b&amp;c [CQ:at,qq=43][CQ:image,file=x.jpg,url=http://i/x&#44;1]"
    a, b = normalize("q", msg(array)), normalize("q", msg(s))
    assert (a.text, a.data) == (b.text, b.data)
    assert a.text == "hi [a], b&c @43"
    assert a.data["mentions"] == ["43"] and a.data["reply_to"] == "70" and a.data["images"] == ["http://i/x,1"]
    assert (a.kind, a.id, a.group, a.user, a.nickname, a.data["card"]) == (Kind.MESSAGE, "77", "5", "42", "alice", "sh-alice")


def test_escaping_round_trips_and_at_all():
    text = "a&#91;b[c],d&e"
    assert parse(escape(text)) == [{"type": "text", "data": {"text": text}}]
    assert normalize("q", msg("[CQ:at,qq=all] 开会")).data.get("mention_all") is True


@pytest.mark.parametrize("bad", ["hi [CQ:at,qq=4", "[CQ:]", "[CQ:at,qq]", "x[CQ:at,qq=1[CQ:face,id=2]"])
def test_broken_cq_codes_raise(bad):
    with pytest.raises(CQError):
        parse(bad, strict=True)
    # what reaches shequn degrades to text, as the bridges show it (test_qq_dialect_events.py)
    assert any(s["data"].get("malformed") for s in segments_of(bad))


def test_notices():
    j = normalize("q", notice(notice_type="group_increase", sub_type="invite", group_id=5, user_id=42, operator_id=43))
    assert (j.kind, j.data["scene"], j.data["inviter"]) == (Kind.JOIN, "invite", "43")
    a = normalize("q", notice(notice_type="group_increase", sub_type="approve", group_id=5, user_id=42, operator_id=1))
    assert a.kind == Kind.JOIN and "inviter" not in a.data and a.data["operator"] == "1"
    for sub in ("leave", "kick"):
        e = normalize("q", notice(notice_type="group_decrease", sub_type=sub, group_id=5, user_id=42, operator_id=9))
        assert (e.kind, e.data["reason"]) == (Kind.LEAVE, sub)
        assert e.data["operator"] == (None if sub == "leave" else "9")
    me = normalize("q", notice(notice_type="group_decrease", sub_type="kick_me", group_id=5, user_id=10001,
                               operator_id=9))  # the bot removed: not a member leaving
    assert (me.kind, me.user, me.data["change"]) == (Kind.GROUP, None, "bot_removed")
    assert normalize("q", notice(notice_type="group_admin", sub_type="unset", group_id=5, user_id=42)).data["enable"] is False
    m = normalize("q", notice(notice_type="group_ban", sub_type="ban", group_id=5, user_id=42, operator_id=9, duration=600))
    assert (m.kind, m.data["duration"]) == (Kind.MUTE, 600)
    lift = normalize("q", notice(notice_type="group_ban", sub_type="lift_ban", group_id=5, user_id=42, operator_id=9, duration=0))
    assert lift.data["duration"] == 0
    whole = normalize("q", notice(notice_type="group_ban", sub_type="ban", group_id=5, user_id=0, operator_id=9, duration=-1))
    assert (whole.kind, whole.user, whole.data["change"]) == (Kind.GROUP, None, "whole_mute")
    r = normalize("q", notice(notice_type="group_recall", group_id=5, user_id=42, operator_id=9, message_id=77))
    assert (r.kind, r.data["message_id"]) == (Kind.RECALL, "77")
    n = normalize("q", notice(notice_type="group_card", group_id=5, user_id=42, card_new="new", card_old="old"))
    assert (n.kind, n.data) == (Kind.NICKNAME, {"old": "old", "new": "new"})


def test_requests_meta_and_unknown_kept():
    req = normalize("q", {"time": T, "post_type": "request", "request_type": "group", "sub_type": "add",
                          "group_id": 5, "user_id": 42, "comment": "答案: 42", "flag": "f1"})
    assert (req.kind, req.id, req.data) == (Kind.JOIN_REQUEST, "req:f1", {"flag": "f1", "sub_type": "add", "comment": "答案: 42"})
    hb = normalize("q", {"time": T, "self_id": 1, "post_type": "meta_event", "meta_event_type": "heartbeat",
                         "status": {"online": True}, "interval": 5000})
    assert hb.kind == Kind.HEARTBEAT and hb.data["online"] is True
    life = normalize("q", {"time": T, "post_type": "meta_event", "meta_event_type": "lifecycle", "sub_type": "connect"})
    assert life.kind == Kind.LIFECYCLE
    poke = notice(notice_type="notify", sub_type="poke", group_id=5, user_id=42, target_id=1)
    u = normalize("q", poke)
    assert (u.kind, u.raw, u.data["type"]) == (Kind.UNKNOWN, poke, "notice.notify.poke")
    friend = normalize("q", {"time": T, "post_type": "request", "request_type": "friend", "user_id": 1, "flag": "x"})
    assert friend.kind == Kind.UNKNOWN


def test_ids_are_stable_across_redeliveries_and_distinct_otherwise():
    k1 = notice(notice_type="group_decrease", sub_type="kick", group_id=5, user_id=42, operator_id=9)
    k2 = dict(k1, user_id=43)
    assert normalize("q", dict(k1)).id == normalize("q", dict(k1)).id
    assert normalize("q", k1).id != normalize("q", k2).id


@pytest.mark.parametrize("bad", [[], {"time": T}, {"post_type": "notice"}, {"time": "soon", "post_type": "notice"},
                                 {"time": T, "post_type": "message", "message_type": "group", "group_id": 1}])
def test_unusable_payloads_raise(bad):
    with pytest.raises(EventError):
        normalize("q", bad)


def test_millisecond_times_are_read_as_seconds():
    assert normalize("q", dict(msg("x"), time=T * 1000)).ts == T
