"""Answers a person would accept at a glance are admitted by rule: numbers written in
Chinese, and a long code typed with one typo; short codes and two typos still are not."""

from __future__ import annotations

import pytest

from entry_kit import T0, join, request
from plugins.entry_rules.answer_match import arabic, code_typo, typos
from plugins.entry_rules.api import save_policy


@pytest.mark.parametrize("text, expected", [
    ("双十一", "双11"), ("二十", "20"), ("二十一号", "21号"), ("十", "10"), ("六一八", "618"),
    ("一百零八", "108"), ("三百", "300"), ("两百五十", "250"), ("二〇二六年", "2026年"),
    ("十十", "十十"), ("百", "百"), ("二三十", "二三十"), ("没有数字", "没有数字"),
])
def test_chinese_numerals_become_digits(text, expected):
    assert arabic(text) == expected


@pytest.mark.parametrize("a, b, expected", [
    ("hb111", "hb1111", 1),     # one missed
    ("hb11111", "hb1111", 1),   # one added
    ("hb1121", "hb1111", 1),    # one changed
    ("hb1111", "bh1111", 1),    # two neighbours swapped: one typo, not two
    ("hb11", "hb1111", None),   # two missed: over the limit of 1
    ("gzh5", "gzh520", None),
])
def test_typos_counts_one_per_slip(a, b, expected):
    assert typos(a, b, 1) == expected


def test_code_typo_needs_a_long_code_and_a_real_slip():
    assert code_typo(["hb111"], "HB1111", 1) == "hb111"
    assert code_typo(["hb1111"], "HB1111", 1) is None  # an exact answer is no typo
    assert code_typo(["md6"], "MD66", 1) is None        # 4 characters: too easily another number
    assert code_typo(["hb111"], "HB1111", 0) is None    # typos switched off


def test_admission_takes_numerals_and_typos_and_holds_the_rest(ws):
    join(ws, "g1", "alice", T0 - 3600)
    g = ws.store.scalar("SELECT id FROM groups WHERE platform_group_id = 'g1'")
    save_policy(ws, "admission", {"modes": ["activity"], "codes": ["HB1111", "MD66"], "keywords": ["双11"]},
                scope=f"group:{g}")
    numerals = request(ws, "g1", "dan", T0, comment="答案：双十一看到的")
    typo = request(ws, "g1", "eve", T0 + 1, comment="答案：HB111")
    swapped = request(ws, "g1", "fay", T0 + 2, comment="答案：BH1111")
    short = request(ws, "g1", "gus", T0 + 3, comment="答案：MD6")
    two = request(ws, "g1", "hal", T0 + 4, comment="答案：HB11")
    assert numerals["status"] == "approving" and numerals["reason"] == "Activity entry: answer mentions 双11 (written 双十一看到的)"
    assert typo["status"] == "approving" and typo["reason"] == "Activity entry: campaign code HB1111 (answered hb111, a typo)"
    assert swapped["status"] == "approving" and "HB1111" in swapped["reason"]
    assert short["status"] == "held"  # close to MD66, but a short code is never forgiven a typo
    assert two["status"] == "held"    # two typos: a person judges
