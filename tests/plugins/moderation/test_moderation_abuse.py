"""Abuse matched as words: boundaries (妈妈的 is no 妈的), disguised spellings, severity and
the ladder it picks, and a lexicon file with a bad line refused while the old one stays."""

from __future__ import annotations

import json
import os

import pytest

from plugins.moderation.abuse import (BUILTIN, LEXICON_FILE, AbuseWords, LexiconError, Lexicons, ladder_for,
                                      parse_lexicon, trie_pattern)
from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import CompiledRule
from plugins.moderation.normalize import normalize

GROUP = {"id": 1, "type": "traffic", "theme": ""}
SEEDED = validate("abuse", next(r for r in builtin_rules() if r["name"] == "abuse")["config"])


def _rule(**cfg) -> CompiledRule:
    return CompiledRule.build({"id": 1, "name": "abuse", "kind": "abuse"}, validate("abuse", cfg) if cfg else SEEDED)


def _hit(text: str, rule: CompiledRule | None = None):
    h = (rule or _rule()).match_text(text, GROUP)
    return (h.matched, h.severity) if h else None


@pytest.mark.parametrize("text", [
    "妈妈的味道，今晚回家吃饭",       # 妈的 inside 妈妈的
    "隔壁大妈的菜比超市便宜",         # 他妈的? no: 大妈的
    "我妈的手机坏了",                 # a mother again
    "体内的老旧固废物要排出",         # 废物 inside 固废物
    "废物利用，做个花盆",
    "我操作一下就好",                 # 我操 + 作? no: 我 + 操作
    "这个垃圾桶满了",                 # 垃圾 only when aimed, and 垃圾桶 is a word
    "usb 接口松了",                   # sb is not in usb
    "去死皮膏好用吗",                 # 去死 inside 去死皮
    "太丑了这件衣服",                 # 丑 only when aimed at a person
    "我家狗今天打疫苗",               # 狗 likewise
])
def test_words_that_hold_an_abuse_word_are_not_abuse(text):
    assert _hit(text) is None


@pytest.mark.parametrize("text, matched, severity", [
    ("他妈的又是广告", "他妈的", "passing"),
    ("卧槽，这么贵", "卧槽", "passing"),
    ("废物一个", "废物", "insult"),
    ("你个废物", "废物", "aimed"),          # 你 + 个 right before it
    ("你就是个傻逼", "傻逼", "aimed"),
    ("群里有些垃圾天天刷屏", "垃圾", "aimed"),  # an if-aimed word, aimed
    ("你真蠢", "蠢", "aimed"),
    ("滚吧你", "滚吧你", "aimed"),
    ("废物你也配", "废物", "aimed"),        # a person right after it
    ("真想揍他一顿", "揍", "aimed"),          # an if-aimed word, aimed from after
    ("nmsl", "nmsl", "aimed"),
])
def test_abuse_is_found_with_its_severity(text, matched, severity):
    assert _hit(text) == (matched, severity)


@pytest.mark.parametrize("text, matched", [
    ("你个贵物", "贵物"),         # homophone of 废物
    ("真是蒻痣", "蒻痣"),         # look-alike of 弱智
    ("别寄吧删帖", "寄吧"),
    ("ＳＢ管理员", "sb"),         # full width, upper case
    ("傻 逼群主", "傻逼"),        # a space inside the word
    ("傻-逼群主", "傻逼"),        # a hyphen
    ("cnm 骗子群", "cnm"),        # pinyin initials
])
def test_disguised_spellings_are_caught(text, matched):
    assert _hit(text)[0] == matched


def test_the_most_severe_hit_of_a_message_is_kept():
    assert _hit("卧槽，你个废物") == ("废物", "aimed")


def test_allow_text_excuses_a_word_it_overlaps():
    r = _rule(lexicon=True, allow_text=["他妈的手机"])
    assert _hit("他妈的手机丢了", r) is None
    assert _hit("他妈的又来了", r) == ("他妈的", "passing")


def test_the_rules_own_words_carry_a_class():
    r = _rule(words=["菜狗:if-aimed", "大坏蛋", "哎呀妈呀:passing"])
    assert _hit("你个菜狗", r) == ("菜狗", "aimed")
    assert _hit("又是菜狗", r) is None           # if-aimed, not aimed here
    assert _hit("大坏蛋来了", r) == ("大坏蛋", "insult")  # no class: an insult
    assert _hit("哎呀妈呀", r) == ("哎呀妈呀", "passing")
    assert _hit("他妈的", r) is None              # the built-in lexicon is off unless asked for


def test_severity_picks_the_ladder_and_the_plain_ladder_is_the_fallback():
    cfg = validate("abuse", {"lexicon": True, "ladder": ["warn", "kick"],
                             "severity_ladders": {"passing": ["warn"], "aimed": ["mute:60", "kick"]}})
    assert [s["step"] for s in ladder_for(cfg, "passing")] == ["warn"]
    assert ladder_for(cfg, "aimed") == [{"step": "mute", "minutes": 60}, {"step": "kick"}]
    assert [s["step"] for s in ladder_for(cfg, "insult")] == ["warn", "kick"]
    assert [s["step"] for s in ladder_for(cfg, "")] == ["warn", "kick"]  # other kinds' hits have no severity


@pytest.mark.parametrize("cfg, message", [
    ({"lexicon": True, "severity_ladders": {"rude": ["warn"]}},
     r"severity_ladders\.rude: 'rude' is not a severity; expected some of passing, insult, aimed"),
    ({"lexicon": True, "severity_ladders": {"aimed": ["warn", "jail"]}},
     r"severity_ladders\.aimed\[1\]\.step: is 'jail'"),
    ({"lexicon": True, "severity_ladders": {"aimed": []}}, r"severity_ladders\.aimed: is \[\], expected a non-empty"),
    ({"lexicon": True, "severity_ladders": ["warn"]}, r"severity_ladders: is \['warn'\], expected a table"),
    ({"words": ["垃圾:nasty"]}, r"words\[0\]: '垃圾:nasty': 'nasty' is not a class"),
    ({"words": ["好", "--"]}, r"words\[1\]: '--': the word normalises to nothing"),
    ({"words": []}, r"words: is empty"),
    ({"lexicon": "yes"}, r"lexicon: is 'yes', expected true"),
    ({"lexicon_file": 3}, r"lexicon_file: is 3, expected the path"),
])
def test_a_bad_abuse_rule_is_refused_naming_the_field(cfg, message):
    with pytest.raises(ValueError, match=message):
        validate("abuse", cfg)


def test_the_seeded_rule_uses_the_lexicon_with_a_ladder_per_severity():
    assert SEEDED["lexicon"] is True and SEEDED["words"] == []
    assert [s["step"] for s in ladder_for(SEEDED, "passing")] == ["warn", "warn", "mute"]
    assert [s["step"] for s in ladder_for(SEEDED, "aimed")] == ["mute", "kick"]
    assert [s["step"] for s in ladder_for(SEEDED, "insult")] == ["warn", "mute", "kick"]


def test_the_shipped_lexicon_loads_with_each_class():
    c = BUILTIN.classes
    assert (c["他妈的"], c["废物"], c["nmsl"], c["垃圾"], c["妈妈的"]) == ("passing", "insult", "aimed", "if-aimed", "ok")
    assert BUILTIN.source == str(LEXICON_FILE)


@pytest.mark.parametrize("text, reason", [
    ("insult: 废物\nrude: 垃圾\n", r"x\.txt, line 2: 'rude' is not a class"),
    ("insult: 废物\n\n# a comment\ninsult:\n", r"x\.txt, line 4: the word list is empty"),
    ("废物 insult\n", r"x\.txt, line 1: expected a class, a colon and words"),
    ("insult: 废物 \u200b\n", r"x\.txt, line 1: '\\u200b' normalises to nothing"),  # zero-width: not a letter
    ("insult: 废物\npassing: 废-物\n", r"x\.txt, line 2: '废-物' \(as '废物'\) is already listed as insult"),
    ("insult: ＳＢ\npassing: sb\n", r"x\.txt, line 2: 'sb' \(as 'sb'\) is already listed as insult"),
    ("ok: 妈妈的\n", r"x\.txt: no abuse word in it"),
])
def test_a_lexicon_with_a_bad_line_is_refused_with_file_line_and_reason(text, reason):
    with pytest.raises(LexiconError, match=reason):
        parse_lexicon(text, "x.txt")


def test_a_lexicon_file_turned_bad_is_refused_and_the_one_read_before_stays(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("insult: 菜狗\nok: 菜狗粮\n", encoding="utf-8")
    lexicons = Lexicons()
    first = lexicons.get(path)
    assert first.classes == {"菜狗": "insult", "菜狗粮": "ok"}
    path.write_text("insult: 菜狗\nnasty: 大坏蛋\n", encoding="utf-8")
    os.utime(path, ns=(1, 1))  # a new stamp whatever the clock's resolution
    assert lexicons.get(path) is first  # refused: the old version stays in force
    assert "mine.txt, line 2: 'nasty' is not a class" in lexicons.refused[str(path)]
    path.write_text("insult: 大坏蛋\n", encoding="utf-8")
    os.utime(path, ns=(2, 2))
    assert lexicons.get(path).classes == {"大坏蛋": "insult"}
    assert str(path) not in lexicons.refused


def test_a_file_never_read_well_is_refused_outright(tmp_path):
    path = tmp_path / "mine.txt"
    path.write_text("rude: 菜狗\n", encoding="utf-8")
    with pytest.raises(LexiconError, match="mine.txt, line 1"):
        Lexicons().get(path)


def test_an_operators_lexicon_file_is_checked_when_the_rule_is_saved(tmp_path):
    path = tmp_path / "ops.txt"
    path.write_text("insult: 菜狗\nif-aimed: 小垃圾\nok: 菜狗粮\n", encoding="utf-8")
    r = _rule(lexicon_file=str(path))
    assert _hit("又是菜狗", r) == ("菜狗", "insult")
    assert _hit("买了菜狗粮", r) is None
    assert _hit("他妈的", r) is None  # the file alone, without the built-in lexicon
    path.write_text("insult: 菜狗\n\n  : 小垃圾\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"lexicon_file: .*ops\.txt, line 3: '' is not a class"):
        validate("abuse", {"lexicon_file": str(path)})


def test_the_prefix_trie_matches_exactly_the_words():
    import re

    words = ["傻逼", "傻b", "傻", "傻子们", "sb"]
    rx = re.compile(f"^(?:{trie_pattern(words)})$")
    assert all(rx.match(w) for w in words)
    assert not any(rx.match(w) for w in ["傻子", "傻逼逼", "s", "b", ""])


def test_the_prefilter_gate_covers_every_word():
    import re

    w = AbuseWords.for_rule({"lexicon": True})
    gate = re.compile(w.gate)
    assert all(gate.search(word) for word in w.words)


def test_through_ingest_the_case_keeps_the_text_the_word_and_the_severity(mws):
    from moderation_helpers import T0, actions, cases, feed, msg, pid

    ws = mws
    feed(ws, [msg("g1", "alice", "你个 贵 物", T0),
              msg("g1", "bob", "他妈的，又堵车", T0 + 1),
              msg("g1", "carol", "妈妈的味道最好", T0 + 2)], T0 + 2)
    (a,) = cases(ws, pid(ws, "alice"))
    ev = json.loads(a["evidence"])
    assert (ev["text"], ev["matched"], ev["severity"], ev["category"]) == (
        "你个 贵 物", "贵物", "aimed", "insult aimed at a person")
    assert a["step"] == "mute:60"  # aimed: the aimed ladder's first step, not a warning
    assert [x["params"]["duration"] for x in actions(ws, pid(ws, "alice"), "mute")] == [3600]
    (b,) = cases(ws, pid(ws, "bob"))
    assert (json.loads(b["evidence"])["severity"], b["step"]) == ("passing", "warn")
    assert actions(ws, pid(ws, "bob"), "mute") == []
    assert cases(ws, pid(ws, "carol")) == []
