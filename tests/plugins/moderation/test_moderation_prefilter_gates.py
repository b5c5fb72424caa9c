"""The fast prefilter (literal-led gates on lowered text) never misses a message the
exact IGNORECASE pattern finds, whatever the case, script or odd folding of the text."""

from __future__ import annotations

import random
import re
import sys

from console.model import Event, Kind
from plugins.moderation.kinds import validate
from plugins.moderation.matcher import _CASE_ODD, CompiledRule, RuleSet, word_gates


def _msg(i: int, text: str) -> Event:
    e = Event("sandbox", f"m{i}", Kind.MESSAGE, 1_700_000_000 + i, group="g", user=f"u{i}", text=text)
    e.group_id, e.person_id = 1, i
    return e


def _rules() -> RuleSet:
    ads = validate("ads", {"keywords": ["加我私聊", "Free Gift", "ÉTÉ"], "ladder": ["warn"]})
    abuse = validate("abuse", {"words": ["SB", "傻逼", "Дурак"], "ladder": ["warn"]})
    topic = validate("off_topic", {"themes": {"*": ["Stocks", "股票"]}, "ladder": ["warn"]})
    return RuleSet.build([CompiledRule.build({"id": 1, "name": "ads", "kind": "ads"}, ads),
                          CompiledRule.build({"id": 2, "name": "abuse", "kind": "abuse"}, abuse),
                          CompiledRule.build({"id": 3, "name": "topic", "kind": "off_topic"}, topic)])


PIECES = ["早上好", "加我私聊", "HTTP://X.CN/a", "http://x.cn", "WWW.", "Shop.COM", "13812345678", "138-1234-5678",
          "VX abc12345", "wx:Abcdef1", "Sb", "sB", "usb", "Free gift", "FREE GIFT", "été", "Été", "дурак", "ДУРАК",
          "stocks", "股票", "ſb", "İ", "ı", "K", " ", "", "。", "\n", "1", "x"]


def test_gates_find_everything_the_exact_pattern_finds():
    rs = _rules()
    assert rs.gates and rs.residue is not None  # the cased non-ASCII words took the exact path
    rng = random.Random(11)
    for _ in range(400):
        msgs = [_msg(i, "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 5)))) for i in range(25)]
        exact = {i for i, e in enumerate(msgs) if e.text and rs.prefilter.search(e.text)}
        fast = set(rs.prefiltered(msgs))
        assert exact <= fast, [msgs[i].text for i in exact - fast]


def test_word_gates_split_plain_words_from_cased_non_ascii_ones():
    gate, residue = word_gates(["SB", "傻逼", "Été"])
    assert re.fullmatch(gate, "sb") and re.fullmatch(gate, "傻逼") and not re.search(gate, "été")
    assert re.search(residue, "ÉTÉ", re.IGNORECASE)


def test_case_odd_characters_are_all_that_lowering_misses():
    """Every character IGNORECASE equates with an ASCII letter either lowers to it or is
    in _CASE_ODD (which sends the batch down the exact path)."""
    letters = re.compile("[a-z]", re.IGNORECASE)
    everything = "".join(chr(c) for c in range(128, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    for t in set(letters.findall(everything)):
        same = [a for a in "abcdefghijklmnopqrstuvwxyz" if re.fullmatch(a, t, re.IGNORECASE)]
        assert all(t.lower() == a for a in same) or _CASE_ODD.match(t), (hex(ord(t)), same)


def test_a_candidate_is_matched_by_the_rules_whose_gate_found_it_and_every_rule_still_sees_its_own():
    """A gate stands for the rules it came from: a message only the ads rule's gate finds
    is not run through the abuse and topic rules (most candidates are one rule's), and a
    rule never loses a message its own pattern matches (the random batches above, per rule)."""
    rs = _rules()
    ads, abuse, topic = rs.text_rules
    msgs = [_msg(0, "早上好"), _msg(1, "加我私聊"), _msg(2, "你个傻逼"), _msg(3, "股票 加我私聊"), _msg(4, "ДУРАК")]
    got = {i: [r.name for r in rules] for i, rules in rs.candidates(msgs).items()}
    assert got[1] == ["ads"] and got[2] == ["abuse"] and got[3] == ["ads", "topic"]
    assert 0 not in got and "abuse" in got[4]  # the cased Cyrillic word took the exact path: every rule looks
    rng = random.Random(5)
    for _ in range(300):
        batch = [_msg(i, "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 5)))) for i in range(25)]
        cand = rs.candidates(batch)
        for rule in (ads, abuse, topic):
            own = re.compile("|".join(f"(?:{p})" for p in rule.pieces), re.IGNORECASE)
            for i, e in enumerate(batch):
                if e.text and own.search(e.text):
                    assert rule in cand.get(i, []), (rule.name, e.text)
