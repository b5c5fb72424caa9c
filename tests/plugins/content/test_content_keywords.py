"""Keyword replies: exact, contains and pattern rules scoped by type or family, answered
through the outbox once per cooldown per group, the pattern safety of conduct rules, and
no reply to insiders or the bot."""

from __future__ import annotations

import json

import pytest

from content_kit import cli, local
from console.engine import Engine
from console.model import Event, Kind
from plugins.content import keywords
from plugins.content.errors import ContentError

_n = [0]


def say(ws, group, user, text, ts, **data):
    _n[0] += 1
    e = Event("sandbox", f"k{_n[0]}", Kind.MESSAGE, ts, group=group, user=user, nickname=f"昵称{user}", text=text,
              data=data)
    with ws.clock_at(ts):
        Engine(ws).ingest([e])


def rule(ws, name, **kw):
    with ws.clock_at(local(ws, "2025-06-15 12:00")):
        return keywords.save(ws, name, **kw)


def replies(ws):
    return [(a["group_id"], json.loads(a["params"])["text"]) for a in ws.store.query(
        "SELECT * FROM actions WHERE kind = 'send' AND requested_by = 'plugin:content' ORDER BY id")]


def gid(ws, g):
    return ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = ?", (g,))


def test_exact_contains_pattern_and_the_cooldown(ws):
    rule(ws, "链接", match="contains", keyword="链接,怎么买", reply="{name} 你好，下单链接在群公告里～",
         cooldown_seconds=600)
    rule(ws, "客服", match="exact", keyword="客服", reply="客服时间 9:00-21:00，{owner}随时在")
    rule(ws, "快递", match="pattern", keyword=r"快递.{0,6}(几天|多久)", reply="{date}下单，一般 2-3 天到")
    t = local(ws, "2025-06-16 10:00")
    say(ws, "g1", "u1", "这个怎么买啊", t)
    say(ws, "g1", "u2", "求链接！", t + 60)  # within the 600 s cooldown in g1: held
    say(ws, "g2", "u3", "链接发一下", t + 61)  # another group: its own cooldown
    say(ws, "g1", "u4", "客服！", t + 62)
    say(ws, "g1", "u5", "我想找客服聊聊", t + 63)  # not the whole message: exact does not answer
    say(ws, "g1", "u6", "快递一般要多久", t + 64)
    say(ws, "g1", "u7", "还有链接吗", t + 601)  # the cooldown has passed
    g1, g2 = gid(ws, "g1"), gid(ws, "g2")
    assert replies(ws) == [(g1, "昵称u1 你好，下单链接在群公告里～"), (g2, "昵称u3 你好，下单链接在群公告里～"),
                           (g1, "客服时间 9:00-21:00，群主随时在"), (g1, "6月16日下单，一般 2-3 天到"),
                           (g1, "昵称u7 你好，下单链接在群公告里～")]
    listed = {r["name"]: (r["replies"], r["held"]) for r in keywords.rules(ws)}
    assert listed == {"链接": (3, 1), "客服": (1, 0), "快递": (1, 0)}
    a = ws.store.one("SELECT * FROM actions WHERE kind = 'send' ORDER BY id LIMIT 1")
    assert (a["rule"], a["reason"]) == ("content:keyword:链接", "Keyword reply: 链接")


def test_scope_priority_and_specificity(ws):
    say(ws, "w1", "x", "hi", local(ws, "2025-06-16 09:00"))
    ws.store.execute("UPDATE groups SET type = 'welfare', family = '会员福利' WHERE platform_group_id = 'w1'")
    rule(ws, "通用", match="contains", keyword="优惠", reply="全部群：看公告", cooldown_seconds=10)
    rule(ws, "福利群", match="contains", keyword="优惠", reply="福利群：今晚8点秒杀", scope="type:welfare",
         cooldown_seconds=10)
    rule(ws, "矩阵", match="contains", keyword="优惠", reply="矩阵：会员日", scope="family:会员福利", cooldown_seconds=10)
    rule(ws, "紧急", match="exact", keyword="优惠券失效", reply="马上处理", priority=1, cooldown_seconds=10)
    t = local(ws, "2025-06-16 10:00")
    say(ws, "w1", "u1", "有优惠吗", t)
    say(ws, "t1", "u2", "有优惠吗", t + 1)
    say(ws, "w1", "u3", "优惠券失效", t + 2)
    assert [text for _, text in replies(ws)] == ["矩阵：会员日", "全部群：看公告", "马上处理"]
    assert keywords.test_text(ws, "有优惠吗", "w1")["rule"] == "矩阵"
    assert keywords.test_text(ws, "今天天气") is None


def test_no_reply_to_insiders_or_the_bot(ws):
    rule(ws, "链接", match="contains", keyword="链接", reply="下单链接在群公告里")
    t = local(ws, "2025-06-16 10:00")
    say(ws, "g", "boss", "hi", t)
    ws.store.execute("UPDATE people SET is_insider = 1")
    say(ws, "g", "boss", "链接在公告", t + 1)
    say(ws, "g", "bot", "下单链接在群公告里", t + 2, from_self=True)
    assert replies(ws) == []


@pytest.mark.parametrize("kw, message", [
    ({"match": "pattern", "keyword": "(c|cc)+d"}, "keyword: the pattern '(c|cc)+d' took longer than 20 ms on a "
                                                 "3,000-character message"),
    ({"match": "pattern", "keyword": "a|"}, "keyword: the pattern 'a|' matches an empty message"),
    ({"match": "pattern", "keyword": "(unclosed"}, "keyword: the pattern '(unclosed' does not compile"),
    ({"match": "contains", "keyword": "链接,,"}, "keyword: '链接,,'; expected comma-separated words, none empty"),
    ({"match": "exact", "keyword": "客服", "reply": "{nickname} 你好"}, "reply: unknown placeholder {nickname}"),
    ({"match": "exact", "keyword": "客服", "cooldown_seconds": 0},
     "cooldown_seconds: 0; expected a whole number from 10 to 604,800"),
    ({"match": "exact", "keyword": "客服", "scope": "family:没有"}, "scope: no group is in family '没有'"),
    ({"match": "regex", "keyword": "x"}, "match: 'regex' is not one of exact, contains, pattern"),
])
def test_bad_rules_are_refused_when_saved(ws, kw, message):
    kw.setdefault("reply", "好的")
    with pytest.raises(ContentError) as e:
        rule(ws, "坏规则", **kw)
    assert str(e.value).startswith(message)
    assert keywords.rules(ws) == []


def test_a_pattern_out_of_time_at_ingest_is_skipped_with_an_alert(ws, monkeypatch):
    rule(ws, "慢", match="pattern", keyword="快递.*到", reply="x")
    import regex

    def slow(self, text, timeout=None):
        raise TimeoutError("regex timed out")

    monkeypatch.setattr(keywords.Compiled, "__init__", lambda self, row: _slow_init(self, row, slow))
    ws.plugin_state("content").pop("keywords", None)
    say(ws, "g", "u1", "快递什么时候到", local(ws, "2025-06-16 10:00"))
    assert replies(ws) == []
    alert = ws.store.one("SELECT * FROM alerts WHERE kind = 'keyword_rule_slow'")
    assert "慢" in alert["message"]


def _slow_init(self, row, slow):
    self.row, self.id, self.scope, self.match = row, row["id"], row["scope"], row["match"]
    self.cooldown, self.timeout, self.words = row["cooldown_seconds"], 0.001, set()

    class Rx:
        search = slow
    self.rx = Rx()


def test_cli(config_path):
    r = cli(config_path, "content", "keywords", "set", "坏", "--match", "pattern", "--keyword", "(a+)+$", "--reply", "x")
    assert r.exit_code == 2 and "took longer than 20 ms" in r.output
    r = cli(config_path, "content", "keywords", "set", "链接", "--match", "contains", "--keyword", "链接",
            "--reply", "看公告")
    assert r.exit_code == 0 and r.output.strip() == "Saved keyword rule 1: 链接"
    r = cli(config_path, "content", "keywords", "test", "求个链接")
    assert r.output.strip() == "链接 (contains) answers: 看公告"
    r = cli(config_path, "content", "keywords", "list", "--json")
    assert json.loads(r.output)[0]["cooldown_seconds"] == 300
