"""The shortcuts of the live path (issue 14's run time) give the decisions the full work
gives: each is checked on inputs worked out by hand, and where it rests on a property of
``re`` (what IGNORECASE folds), on every code point."""

from __future__ import annotations

import re
import string
import sys

import pytest

from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import _LATIN_OR_DIGIT, CompiledRule
from plugins.moderation.scope import BatchLookups, group_row

GROUP = {"id": 1, "type": "deals", "theme": "deals"}


def _ads(**over) -> CompiledRule:
    (row,) = [r for r in builtin_rules() if r["name"] == "ads"]
    return CompiledRule.build({"id": 1, "name": "ads", "kind": "ads"}, validate("ads", {**row["config"], **over}))


def _hit(rule: CompiledRule, text: str):
    h = rule.match_text(text, GROUP)
    return (h.category, h.matched) if h else None


def test_every_character_ignorecase_reads_as_an_ascii_letter_or_digit_passes_the_channel_gate():
    """A channel's match holds a character that an ASCII letter or digit matches under
    IGNORECASE; the gate must find each such character, the odd foldings among them."""
    alnum = string.ascii_lowercase + string.digits
    any_alnum = re.compile("|".join(alnum) + "|[a-z]|[0-9]", re.IGNORECASE)
    seen = [chr(c) for c in range(sys.maxunicode + 1) if any_alnum.fullmatch(chr(c))]
    assert {"\u017f", "\u0131", "\u0130", "\u212a", "K", "k", "7"} <= set(seen)  # ſ ı İ and the Kelvin sign
    assert [c for c in seen if not _LATIN_OR_DIGIT.search(c)] == []
    assert _LATIN_OR_DIGIT.search("全场打折，欢迎光临！") is None


@pytest.mark.parametrize("text, expected", [
    # no ASCII letter or digit: only the keywords can match, and do, at the same place
    ("今天全场打折，加我私聊", ("promotional keyword", "加我私聊")),
    ("今天全场打折", None),  # one selling move is no pitch, and no keyword
    # a channel: the whole pattern is searched
    ("打折了 加vx abc12345", ("WeChat id", "vx abc12345")),
    ("看这里 shopxyz.com 全场打折", ("link", "shopxyz.com")),
    ("全场打折 电话13812345678", ("phone number", "13812345678")),
    # both: the leftmost match wins, as in the whole pattern
    ("加我私聊 vx abc12345", ("promotional keyword", "加我私聊")),
    ("vx abc12345 加我私聊", ("WeChat id", "vx abc12345")),
])
def test_ads_matches_with_and_without_the_channel_gate(text, expected):
    assert _hit(_ads(), text) == expected


def test_an_ads_rule_without_keywords_finds_nothing_in_plain_chinese_and_still_finds_channels():
    rule = _ads(keywords=[], pitches=False)
    assert rule.words_re is None
    assert _hit(rule, "今天全场打折，加我私聊") is None
    assert _hit(rule, "全场打折 电话13812345678") == ("phone number", "13812345678")


def test_groups_read_for_a_batch_in_one_query_are_the_rows_read_one_by_one(mws):
    ids = [r["id"] for r in mws.store.query("SELECT id FROM groups ORDER BY id")]
    assert len(ids) == 3
    look = BatchLookups(mws, [], [])
    look.preload([ids[2], ids[0], ids[2], 999_999, "x"])
    assert look._groups == {ids[0]: group_row(mws, ids[0]), ids[2]: group_row(mws, ids[2]), 999_999: None}
    assert look.group(ids[0])["id"] == ids[0] and look.group(999_999) is None
    assert look.group(ids[1]) == group_row(mws, ids[1])  # not preloaded: read on its own


def _msg(i: int, text: str):
    from console.model import Event, Kind

    e = Event("sandbox", f"m{i}", Kind.MESSAGE, 1_700_000_000 + i, group="g", user=f"u{i}", text=text)
    e.group_id, e.person_id = 1, i
    return e


def _ruleset():
    from plugins.moderation.matcher import RuleSet

    rules = [CompiledRule.build({"id": i, "name": r["name"], "kind": r["kind"]}, validate(r["kind"], r["config"]))
             for i, r in enumerate(builtin_rules(), 1)]
    return RuleSet.build(rules)


# pieces where normalize looks at a neighbour: final sigma (and the case-ignorable ' and
# U+0345 beside it), separator runs (kept at an edge, removed between CJK), digit runs
EDGY = ["Σ", "ΑΣ", "σ", "'", "\u0345", "İ", "ſ", " ", "-", "^", "🌹", "\u200b", "一三八", "1", "o", "l", "2", "天", "a",
        "\n", "\r", "\t", "ｖｘ", "。", "Q 裙", "一", "五", "13812345678", "\x00"]


def test_the_batch_pass_gives_each_text_normalised_alone_or_nothing():
    import random

    from plugins.moderation.normalize import normalize

    rs = _ruleset()
    rng = random.Random(5)
    vouched = 0
    for _ in range(300):
        texts = ["".join(rng.choice(EDGY) for _ in range(rng.randint(0, 6))) for _ in range(12)]
        norms = rs.scan([_msg(i, t) for i, t in enumerate(texts)])[1]
        if any("\x00" in t for t in texts):
            assert norms is None
        else:
            vouched += 1
            assert norms == [normalize(t) for t in texts], texts
    assert vouched > 50


def test_a_text_holding_part_of_the_separator_leaves_the_rules_to_normalise_it():
    rs = _ruleset()
    # "a\n\x00" + separator + "b" splits as ["a", "\x00\nb"]: two pieces, but not the texts
    found, norms = rs.scan([_msg(0, "a\n\x00"), _msg(1, "b")])
    assert norms is None
    found, norms = rs.scan([_msg(0, "ΑΣ"), _msg(1, "Σ 天 - 猫"), _msg(2, "一三八一二三四五六七八")])
    assert norms == ["aς", "σ 天猫", "13812345678"]  # α reads as a (homoglyphs.txt), the final sigma stays final


def test_member_groups_keeps_the_listed_groups_the_person_is_still_in(mws):
    from moderation_helpers import gid, pid

    from plugins.moderation.scope import member_groups

    g1, g2, g3 = gid(mws, "g1"), gid(mws, "g2"), gid(mws, "g3")
    alice, bob = pid(mws, "alice"), pid(mws, "bob")
    with mws.store.write() as c:
        c.execute("UPDATE memberships SET status = 'left' WHERE group_id = ? AND person_id = ?", (g3, alice))
    assert member_groups(mws, alice, [g3, g1]) == [g1]  # g2 not listed, g3 left
    assert member_groups(mws, alice, [g3, g2, g1]) == sorted([g1, g2])
    assert member_groups(mws, bob, [g3, g1]) == sorted([g1, g3])
    assert member_groups(mws, alice, []) == [] and member_groups(mws, alice, [999_999]) == []


def test_messages_found_by_the_same_gates_get_lists_of_their_own():
    """find_hits adds the image rules to a message's list: one shared list would hand them
    to every message the same gates found."""
    rs = _ruleset()
    found = rs.candidates([_msg(0, "傻逼"), _msg(1, "早上好"), _msg(2, "你个傻逼"), _msg(3, "加vx abc12345 傻逼")])
    assert {i: [r.name for r in rules] for i, rules in found.items()} == {
        0: ["abuse"], 2: ["abuse"], 3: ["ads", "abuse"]}
    assert found[0] is not found[2]


@pytest.mark.parametrize("text, short, expected", [
    ("限时特价，报名从速", False, (["sale", "call", "deadline", "hurry"], ["特价", "从速", "限时", "报名"])),
    ("特价！仅需9元", False, (["sale", "price"], ["特价", "仅需"])),  # a weak move beside a strong one
    ("限时抢", True, (["short link", "deadline"], ["[short link]", "限时"])),  # a short link is a strong move
    ("限时报名，原价100元", False, None),  # weak moves alone: the weak ones are not even searched
    ("今天特价", False, None),
])
def test_a_pitch_stops_before_the_weak_moves_only_when_it_has_no_strong_one(text, short, expected):
    from plugins.moderation import pitches
    from plugins.moderation.normalize import normalize

    names = list(pitches.MARKERS)
    assert names[-len(pitches.WEAK):] == [n for n in names if n in pitches.WEAK]  # weak last: moves read as listed
    assert pitches.pitch(normalize(text), short) == expected
