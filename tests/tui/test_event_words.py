"""The Activity screen's event detail in words (console/tui/event_words.py): each kind says
what happened, platform ids are named as people, a field the words do not know is kept,
and nothing reads like a dump of JSON (``scene=approve enable=True``)."""

from __future__ import annotations

import json

from console.i18n import translate
from console.tui.event_words import describe, event_rows


def zh(text, **kw):
    out = translate(text, "zh-CN")
    return out.format(**kw) if kw else out


def en(text, **kw):
    return text.format(**kw) if kw else text


NAMES = {"u7": "张三", "bot": "群助手"}


def name(uid):
    return NAMES.get(uid, uid)


def test_each_kind_in_words_in_both_languages():
    cases = [
        ("join", {"scene": "approve", "card": "昆明-魏刚", "inviter": "u7"}, "审核通过入群 · 邀请人 张三 · 群名片 昆明-魏刚",
         "joined when approved · invited by 张三 · card 昆明-魏刚"),
        ("join", {"scene": "qr", "channel": "抖音直播"}, "扫码入群 · 渠道 抖音直播", "joined by QR code · channel 抖音直播"),
        ("join_request", {"flag": "f1", "sub_type": "add", "comment": "朋友推荐"}, "留言：朋友推荐", "says: 朋友推荐"),
        ("leave", {"reason": "kick", "operator": "bot"}, "被踢出 · 操作者 群助手", "removed · by 群助手"),
        ("mute", {"duration": 600, "operator": "bot"}, "禁言 10 分钟 · 操作者 群助手", "muted 10 min · by 群助手"),
        ("mute", {"duration": 0}, "解除禁言", "mute lifted"),
        ("admin", {"enable": True, "role": "admin"}, "设为管理员", "made admin"),
        ("admin", {"enable": False, "role": "admin"}, "取消管理员", "admin removed"),
        ("nickname", {"old": "晴天", "new": "西安-晴天"}, "晴天 → 西安-晴天", "晴天 -> 西安-晴天"),
        ("group", {"change": "create", "value": "训练营 2"}, "建群：训练营 2", "group created: 训练营 2"),
    ]
    for kind, data, want_zh, want_en in cases:
        assert describe(kind, data, zh, name) == want_zh, (kind, data)
        assert describe(kind, data, en, name) == want_en, (kind, data)


def test_fields_the_words_do_not_know_are_kept_and_unknown_kinds_show_everything():
    assert describe("join", {"scene": "invite", "source_app": "小程序"}, zh, name) == "邀请入群 · source_app: 小程序"
    assert describe("lifecycle", {"sub_type": "connect"}, zh, name) == "sub_type: connect"


def test_a_page_names_inviters_and_operators_of_its_own_connection(ws):
    with ws.store.write() as c:
        c.executemany("INSERT INTO people(id, display_name, created_at) VALUES (?, ?, 1)", [(1, "张三"), (2, "李四")])
        c.executemany("INSERT INTO identities(person_id, platform, platform_user_id) VALUES (?, ?, ?)",
                      [(1, "sandbox", "u7"), (2, "qq", "u7")])
    rows = [{"kind": "join", "connection_id": "sandbox", "data": json.dumps({"scene": "invite", "inviter": "u7"})},
            {"kind": "join", "connection_id": "sandbox", "data": json.dumps({"scene": "invite", "inviter": "u9"})},
            {"kind": "mute", "connection_id": "sandbox", "data": "not json"}]
    got = [r["detail"] for r in event_rows(ws, rows, zh)]
    # u7 on the sandbox is 张三 (not the QQ account of the same id); an id nobody is known by stays an id
    assert got == ["邀请入群 · 邀请人 张三", "邀请入群 · 邀请人 u9", "not json"]  # not JSON: as it is
