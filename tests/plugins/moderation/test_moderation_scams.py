"""The scam rule kind: each family caught by its claim and demand together, the benign
look-alikes (a courier notice, a bank's own reminder, dinner money) left alone, the config
checked when saved, the prefilter gate covering every family, and a case through ingest
that names the family and keeps both spans. Examples written for these tests."""

from __future__ import annotations

import json

import pytest

from plugins.moderation import scams
from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import CompiledRule, RuleSet
from plugins.moderation.normalize import normalize

from moderation_helpers import T0, feed, msg

GROUP = {"id": 1, "type": "deals", "theme": "deals"}


def _rule(**over) -> CompiledRule:
    (row,) = [r for r in builtin_rules() if r["name"] == "scam"]
    return CompiledRule.build({"id": 9, "name": "scam", "kind": "scam"}, validate("scam", {**row["config"], **over}))


def _hit(text: str, **over):
    h = _rule(**over).match_text(text, GROUP)
    return (h.category, h.matched) if h else None


@pytest.mark.parametrize("text, family, matched", [
    ("工商银行 6222 0212 3456 7890 123 户名王某", "account", "6222 0212 3456 7890 123 … 银行"),
    ("房租这个月转到我新卡上，别转旧的了", "transfer", "转到 … 新卡"),
    ("我是市公安局民警，你名下的银行卡涉嫌洗钱，需要把资金转入安全账户", "impersonation", "公安 … 名下的银行卡"),
    ("恭喜您被抽中二等奖，先交手续费才能领奖", "prize", "抽中 … 手续费"),
    ("无抵押贷款，当天放款，先交保证金", "loan", "贷款 … 无抵押"),
    ("您好，我是某某物流的客服代表，我们发现您的快件丢失了", "service_call", "我是某某物流的客服代表 … 发现您的快件"),
    ("我是你表弟，在外面出了点事，急需八千块", "acquaintance", "我是你 … 急需"),
])
def test_each_family_is_caught_with_both_spans(text, family, matched):
    assert _hit(text) == (scams.TITLES[family], matched)


@pytest.mark.parametrize("text", [
    "您的快递已到菜鸟驿站，取件码 3-2-1088，查件 https://www.cainiao.com",  # a courier notice
    "【招商银行】您的信用卡本期账单已出，请于15日前还款，请勿向任何人提供验证码",  # a bank's own reminder
    "昨晚饭钱一人88，转账给我吧",  # dinner money, no account
    "公安局门口新开了家面馆，挺好吃",  # an authority named in passing
    "我儿子今天中奖了，一张刮刮乐五块钱",  # a prize with no claim step
    "房贷利率又降了，划算",  # loans in talk
])
def test_look_alikes_are_left_alone(text):
    assert _hit(text) is None


def test_families_can_be_narrowed_and_bad_config_is_refused():
    assert _hit("无抵押贷款，当天放款", families=["account", "transfer"]) is None
    with pytest.raises(ValueError, match=r"scam rule: families: unknown famil\(ies\) \['phishing'\]"):
        validate("scam", {"families": ["phishing"]})
    with pytest.raises(ValueError, match="scam rule: families: is empty"):
        validate("scam", {"families": []})
    with pytest.raises(ValueError, match="scam rule: words: not a setting of this kind"):
        validate("scam", {"words": ["x"]})
    assert validate("scam", {})["families"] == list(scams.NAMES)


def test_the_gate_finds_every_family_example():
    """The prefilter searches literal words only; every message a family catches must
    contain one, or the rule would never see it."""
    gate = RuleSet.build([_rule()]).gates[0]
    examples = ["工商银行 6222 0212 3456 7890 123", "转到我新卡上", "公安 安全账户", "抽中 手续费", "三等奖 领取",
                "幸运观众 点击链接", "贷款 无抵押", "这里是客服中心，注意到您的账户", "我是你老同学 急需", "我换了新号 急需"]
    for text in examples:
        norm = normalize(text)
        assert scams.find(norm) is not None, text
        assert gate.search(norm), text


def test_a_scam_through_ingest_opens_a_removal_case_naming_the_family(mws):
    ws = mws
    text = "我是市公安局民警，你名下的银行卡涉嫌洗钱，需要把资金转入安全账户"
    feed(ws, [msg("g1", "mallory", text, T0)], T0)
    (case,) = ws.store.query("SELECT rule, step, evidence FROM cases WHERE rule = 'scam'")
    ev = json.loads(case["evidence"])
    assert case["step"] == "kick"  # the seeded ladder: removal at the first scam
    assert ev["category"] == "scam: impersonating an authority"
    assert ev["matched"] == "公安 … 名下的银行卡"
    assert ev["text"] == text
    ordinary = "昨晚饭钱一人88，转账给我吧"
    feed(ws, [msg("g1", "bob", ordinary, T0 + 5)], T0 + 5)
    assert ws.store.scalar("SELECT COUNT(*) FROM cases WHERE rule = 'scam'") == 1
