"""Normalisation before matching: each disguise folded, ordinary text left alone, a table
that cannot work refused at load, and the prefilter searching the normalised batch."""

from __future__ import annotations

import random

import pytest

from console.model import Event, Kind
from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import CompiledRule, RuleSet
from plugins.moderation.normalize import (TABLE, TABLE_FILE, NormalizationError, build_table, load_table, normalize,
                                          parse_table)


@pytest.mark.parametrize("text, folded", [
    ("ＶＸ：ＡＢＣ１２３", "vx:abc123"),            # full-width letters, digits, colon
    ("加我\u3000微信", "加我微信"),                  # ideographic space between CJK
    ("WeChat", "wechat"),                            # case
    ("天-猫兼职", "天猫兼职"),                        # hyphen inside a CJK word
    ("娱^乐", "娱乐"),                                # caret
    ("Q-裙", "q裙"),                                  # letter, hyphen, CJK
    ("代 开 发 票", "代开发票"),                      # spaces between CJK
    ("加我🌹微信", "加我微信"),                        # emoji inside a phrase
    ("微\u200b信", "微信"),                           # zero-width space
    ("v^x", "vx"), ("w🌹x", "wx"), ("q\u200dq", "qq"),  # between two letters: no spaces, no hyphens
    ("➕v", "+v"), ("加√信", "加v信"),                 # symbols for + and v
    ("w\u0435chat", "wechat"),                        # Cyrillic е
    ("ⓠⓠ", "qq"), ("①③⑧", "138"),                    # circled letters and digits
    ("一三八一二三四五六七八", "13812345678"),          # numerals
    ("幺三八幺二三四五六七八", "13812345678"),          # 幺 read as 1
    ("138一二三4五678", "13812345678"),                # mixed digits and numerals
    ("13８o1234567", "13801234567"),                   # o between digits
    ("51l560825", "511560825"),                        # l between digits
])
def test_each_disguise_folds(text, folded):
    assert normalize(text) == folded


@pytest.mark.parametrize("text", [
    "free gift",                 # English keeps its spaces
    "sf-express.com",            # and its hyphens
    "12:30, 开会",                # a time; a comma is not a separator
    "http://x.cn/a_b?c=1",       # a link
    "wxid_abc",                  # an underscore in an id
    "你好\n世界",                 # lines stay lines
    "13812345678一起",            # one 一 next to a number is a word
    "一二三",                     # too short to be a number
    "我有一个问题",
    "hello world lol 12",
    "2024-11-25",                # ASCII digits keep their hyphens
    "1o2l3",                     # too few digits to read o and l as digits
])
def test_ordinary_text_keeps_its_shape(text):
    assert normalize(text) == text.lower()


def test_the_shipped_table_loads_and_holds_its_lines():
    table = load_table(TABLE_FILE)
    assert table["➕"] == "+" and table["ſ"] == "s" and table["Ｑ"] == "q" and table["⑨"] == "9"
    assert table == TABLE


@pytest.mark.parametrize("lines, reason", [
    ("# comment\n➕ +\nx\n", "line 3: 'x' maps to nothing"),
    ("ab c\n", "line 1: 'ab' is 2 characters"),
    ("a b c\n", "line 1: expected a character and its replacement, got 3 fields"),
    ("a b\na c\n", "line 2: 'a' is already mapped to 'b'"),
    ("\x00 a\n", "line 1: line breaks and NUL may not be mapped or produced"),
])
def test_a_table_that_cannot_work_is_refused_with_file_line_and_reason(lines, reason):
    with pytest.raises(NormalizationError) as e:
        parse_table(lines, "extra.txt")
    assert str(e.value).startswith(f"extra.txt, {reason}")


def test_an_entry_mapping_to_nothing_is_refused_when_built():
    with pytest.raises(NormalizationError, match="'x' maps to nothing"):
        build_table({"x": ""})


def test_a_bad_table_file_is_refused_at_load(tmp_path):
    f = tmp_path / "glyphs.txt"
    f.write_text("√ v\n∨\n", encoding="utf-8")
    with pytest.raises(NormalizationError, match=r"glyphs.txt, line 2: '∨' maps to nothing"):
        load_table(f)


# --- the prefilter sees the normalised text ----------------------------------------------

def _msg(i: int, text: str) -> Event:
    e = Event("sandbox", f"m{i}", Kind.MESSAGE, 1_700_000_000 + i, group="g", user=f"u{i}", text=text)
    e.group_id, e.person_id = 1, i
    return e


def _builtin() -> RuleSet:
    rules = [CompiledRule.build({"id": i, "name": r["name"], "kind": r["kind"]}, validate(r["kind"], r["config"]))
             for i, r in enumerate(builtin_rules(), 1)]
    return RuleSet.build(rules)


DISGUISED = ["ＱＱ：５１７５６０８２５", "加我卫星：appkings", "Q-裙 一二三四五六七", "代-开-发-票", "w🌹x: abcdef12",
             "转账 6222 0212 3456 7890", "傻\u200b逼",
             "汇款到 6222 0212 3456 7890"]


def test_the_prefilter_finds_disguises_only_normalisation_reveals():
    rs = _builtin()
    msgs = [_msg(0, "早上好")] + [_msg(i + 1, t) for i, t in enumerate(DISGUISED)] + [_msg(99, "晚安")]
    assert rs.prefiltered(msgs) == list(range(1, len(DISGUISED) + 1))


def test_a_text_holding_the_batch_separator_is_still_mapped_to_itself():
    rs = _builtin()
    msgs = [_msg(0, "早上好\n\x00\n晚安"), _msg(1, "加我卫星：appkings"), _msg(2, "收到")]
    assert rs.prefiltered(msgs) == [1]


PIECES = ["早上好", "ＱＱ", "qq", "企鹅", "卫星", "微信", ":", "：", " ", "-", "^", "🌹", "\u200b", "5175", "60825",
          "一三八", "一二三四", "五六七八", "o", "l", "appkings", "转账", "6222", "0212", "3456 7890", "http://x.cn",
          "傻", "逼", "SB", "ſb", "İ", "我换号了", "13812345678", "扫码进群", "代", "开发票", "\n", "汇款", "卡号"]


def test_gates_find_everything_the_exact_pattern_finds_in_normalised_text():
    """The gate and the rules look at the same normalised text: no message the exact
    pattern finds there is left out, whatever the disguise."""
    rs = _builtin()
    rng = random.Random(15)
    for _ in range(300):
        msgs = [_msg(i, "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 6)))) for i in range(20)]
        exact = {i for i, e in enumerate(msgs) if e.text and rs.prefilter.search(normalize(e.text))}
        assert exact <= set(rs.prefiltered(msgs)), [msgs[i].text for i in exact - set(rs.prefiltered(msgs))]
