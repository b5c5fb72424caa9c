"""The relabelling behind benchmarks/moderation_real.py, on examples written here (the public
datasets live outside the repository and never enter it), and the benchmark itself on a
small folder of such examples laid out as the datasets are."""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks"
if str(BENCH) not in sys.path:
    sys.path.append(str(BENCH))  # appended: benchmarks/console.py must not shadow the console package

import moderation_labels as ml  # noqa: E402
import moderation_real  # noqa: E402


@pytest.mark.parametrize("text, spam, expected", [
    ("周末特卖，全场五折，详询13912345678", True, ("ad_obvious", "channel")),
    ("本店新到一批春装，欢迎选购", True, ("ad_obvious", "no_channel")),
    ("兼职日结，加我卫星：abc12345", True, ("ad_disguised", "channel")),
    ("专业代-开-票，价格从优", True, ("ad_disguised", "split_word")),
    ("高薪兼_职，在家可做", True, ("ad_disguised", "split_word")),
    ("点击 shop，com 领券", True, ("ad_disguised", "link_or_digits")),
    ("详询⒈⒊⒐⒈⒉⒊⒋⒌⒍⒎⒏", True, ("ad_disguised", "link_or_digits")),
    ("恭喜您中奖了，请先转账手续费", True, ("scam", "sms_money")),
    ("恭-喜-您-的-号-码-被-抽-中", True, ("scam", "sms_money")),  # separators do not hide a prize script
    ("订车抽奖，百分百中奖，欢迎到店", True, ("ad_obvious", "no_channel")),  # a dealer's raffle is an ad
    ("工商银行 6222 0000 1111 2222 333 王某", True, ("scam", "card_number")),
    ("王某，工行：6222000011112222333", True, ("scam", "card_number")),
    ("用我的邀请码abc123注册", False, None),
    ("订单6222000011112222333已发出", True, ("ad_obvious", "no_channel")),  # a long number, no bank word
    ("法轮大法好，请转告", True, None),  # a leaflet: not an ad
    ("贵族会所", True, None),  # too short to say what it does
    ("想看的话加我薇，发你资源", False, ("ad_disguised", "sms_unlabelled")),
    ("你就是个傻逼", False, None),                         # an insult labelled normal: left out
    ("咨询热线13912345678，优惠多多", False, None),          # a plain channel selling: left out
    ("我换号了，新号13912345678，大家存一下", False, ("benign", "own_number")),
    ("手机丢了，请拾到者联系13912345678", False, ("benign", "own_number")),
    ("联系电话：13912345678", False, None),  # a bare number: a member's or a business's, no telling
    ("妈妈做的红烧肉最好吃", False, ("benign", "everyday_words")),
    ("这是我妈妈的手机", False, ("benign", "everyday_words")),  # 妈的 inside 妈妈的: talk
    ("飞机又晚点了，他妈的", False, None),  # swearing in passing: left out, neither side
    ("妈的，又堵车", False, None),
    ("有货的加微信abc12345", False, None),  # a member's ad
    ("说是刷单能日赚几百", False, None),
    ("酒泉卫星发射中心今天发射了一颗卫星", False, ("benign", "talk")),
    ("这件外套才199元", False, ("benign", "price")),
    ("五月的天气真好", False, ("benign", "talk")),
])
def test_sms_rows_are_relabelled_by_what_they_do(text, spam, expected):
    assert ml.sms_label(text, spam) == expected


def test_a_satellite_number_is_not_a_disguised_wechat_id_but_an_id_after_a_colon_is():
    assert ml.DISGUISED_CHANNEL.search("依巴谷卫星123456") is None  # six digits: a catalogue number
    assert ml.DISGUISED_CHANNEL.search("卫星1234567890") is not None
    assert ml.DISGUISED_CHANNEL.search("卫星：abcde") is not None
    assert ml.DISGUISED_CHANNEL.search("型号ABWX1234567") is None  # "WX" inside a Latin word
    assert ml.DISGUISED_CHANNEL.search("型号 WX1234567") is not None


def test_separators_between_phrases_and_in_brand_names_are_not_split_words():
    assert not ml.split_word("春暖花开~欢迎光临")
    assert not ml.split_word("东方·广场开业")
    assert not ml.split_word("下午三点.记得来")
    assert not ml.split_word("销售中心-张经理")  # one dash: a name after a place
    assert not ml.split_word("销售中心-张经理，售后中心-李经理")  # two dashes, far apart
    assert not ml.split_word("房价每平/月/起")  # prices per unit
    assert not ml.split_word("张*先生来电")  # one star: the dataset masks names so
    assert not ml.split_word("推出***套餐")  # the dataset's own mask, not a split
    assert ml.split_word("兼-职-日结")  # one character between two dashes
    assert ml.split_word("限-时特-价")  # two dashes within a few characters
    assert ml.split_word("高薪兼_职")  # a rare separator once
    assert ml.split_word("正*品低*价")  # a common one twice


@pytest.mark.parametrize("file, text, expected", [
    ("00", "您的快递已到达驿站，请凭取件码领取", ("benign", "courier")),
    ("00", "您的订单已完成配送", ("benign", "order_number")),
    ("00", "您好，您的列车车次已变更", ("benign", "railway")),
    ("00", "会员日全场八折，回复TD退订", None),  # a brand's promotion: neither ad nor look-alike
    ("00", "中秋好礼免费领取", None),
    ("00", "本店提供工服订做，期待您的订单", None),
    ("00", "本周推出情侣套餐，欢迎新老顾客", None),
    ("00", "本店搬到了人民路，营业时间不变", None),  # a shop's notice: not one of the look-alikes kept
    ("01", "我是派出所民警，你涉嫌洗钱", ("scam", "police")),
    ("02", "无抵押贷款，当天放款", ("scam", "loan")),
    ("03", "我是平台客服，您的订单异常", ("scam", "customer_service")),
    ("04", "我是你领导，先转我五千", ("scam", "acquaintance")),
])
def test_telecom_rows(file, text, expected):
    assert ml.telecom_label(file, text) == expected


def test_masked_digits_become_digits_and_latin_words_keep_their_x():
    out = ml.unmask("sms:7", "热线xxxxxxxxxxx，价值xxx元，xbox和box不变，QQxxxxxx")
    phone = out[2:13]
    assert phone.isdigit() and phone[0] == "1" and phone[1] in "3456789"
    assert "xbox和box不变" in out and "x" not in out.replace("xbox", "").replace("box", "")
    assert out == ml.unmask("sms:7", "热线xxxxxxxxxxx，价值xxx元，xbox和box不变，QQxxxxxx")  # same id, same digits
    assert out != ml.unmask("sms:8", "热线xxxxxxxxxxx，价值xxx元，xbox和box不变，QQxxxxxx")


def test_the_held_out_part_depends_on_the_row_id_alone():
    ids = [f"src:{i}" for i in range(4000)]
    parts = Counter(ml.part_of(i) for i in ids)
    assert 1800 < parts["held"] < 2200  # about half
    assert [ml.part_of(i) for i in ids[:50]] == [ml.part_of(i) for i in ids[:50]]
    assert (ml.part_of("sms:1"), ml.part_of("sms:2")) == ("tune", "held")  # worked out once: a changed hash moves rows


def _rows(label, kind, n, prefix):
    return [ml.Row(f"{prefix}:{i}", f"t{i}", label, kind, "x") for i in range(n)]


def test_the_sample_spreads_a_label_over_its_kinds_and_is_the_same_every_time():
    rows = _rows("benign", "talk", 50, "a") + _rows("benign", "courier", 3, "b") + _rows("scam", "police", 40, "c")
    s = ml.sample(rows, per_label=10, benign=13)
    got = Counter((r.label, r.kind) for r in s)
    assert got == {("benign", "courier"): 3, ("benign", "talk"): 10, ("scam", "police"): 10}  # 3 is all there is
    assert [r.id for r in s] == [r.id for r in ml.sample(rows, per_label=10, benign=13)]
    assert [r.id for r in s] != [r.id for r in ml.sample(rows, per_label=10, benign=13, seed=2)]
    assert all(r.part == ml.part_of(r.id) for r in s)


def write_folder(folder: Path) -> None:
    """The four files as the datasets lay them out, with texts written for this test."""
    folder.mkdir()
    (folder / "sms_800k_subset.tsv").write_text(
        "label\ttext\n"
        "1\t新店开业全场五折，订购热线xxxxxxxxxxx，网址 http://shop.example.com\n"
        "0\t今天的天气真不错\n"
        "0\t你就是个傻逼\n", encoding="utf-8")
    (folder / "telecom_fraud.csv").write_text(
        "file,class,content\n00,0,您的包裹已放入驿站\n01,冒充公检法及政府机关类,我是警察，请配合调查\n"
        "00,0,会员日八折回复TD退订\n", encoding="utf-8")
    (folder / "toxicn.csv").write_text(
        "platform,topic,toxic,toxic_type,expression,content\nzhihu,race,1,1,0,你这个傻逼闭嘴\n"
        "zhihu,race,1,2,2,某种暗示的话\nzhihu,race,0,0,0,大家晚上好\n", encoding="utf-8")
    (folder / "cold_dev.csv").write_text("id,topic,label,text\n41,race,0,我们一起去吃饭吧\n"
                                         "42,race,1,不算辱骂的偏见\n", encoding="utf-8")


def test_load_all_reads_each_source_with_its_row_ids(tmp_path):
    write_folder(tmp_path / "d")
    rows = {r.id: (r.label, r.kind) for r in ml.load_all(tmp_path / "d")}
    assert rows == {"sms:1": ("ad_obvious", "channel"), "sms:2": ("benign", "talk"),  # sms:3 (an insult) left out
                    "fraud:2": ("benign", "courier"), "fraud:3": ("scam", "police"),  # fraud:4 marketing left out
                    "toxicn:2": ("abuse", "offensive"), "toxicn:4": ("benign", "talk"),  # hate speech left out
                    "cold:41": ("benign", "talk")}  # COLD's offensive rows left out


def test_the_benchmark_skips_without_the_data(monkeypatch, tmp_path, capsys):
    monkeypatch.setattr(ml, "DATA", tmp_path / "absent")
    assert moderation_real.main([]) == 0
    assert "skipped, no labelled data" in capsys.readouterr().out


def test_the_benchmark_feeds_the_engine_and_counts_the_cases(monkeypatch, tmp_path, capsys):
    write_folder(tmp_path / "d")
    monkeypatch.setattr(ml, "DATA", tmp_path / "d")
    assert moderation_real.main(["--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    both = {lab: v for p in ("tune", "held") for lab, v in out[p]["labels"].items()}
    flagged = {lab: 0 for lab in both}
    for p in ("tune", "held"):
        for lab, v in out[p]["labels"].items():
            flagged[lab] += v["flagged"]
    assert flagged["ad_obvious"] == 1  # a link and a phone number: the default ads rule
    assert flagged["abuse"] == 1  # 傻逼 is in the default word list
    assert flagged["benign"] == 0  # weather, greetings, a parcel notice
    assert sum(out[p]["rows"] for p in ("tune", "held")) == 7


def test_measure_counts_recall_precision_and_false_positives_by_hand():
    def row(i, label, kind="k"):
        return ml.Row(i, "", label, kind, "x", "tune")
    rows = [row("a1", "ad_obvious"), row("a2", "ad_disguised"), row("s1", "scam"), row("b1", "benign", "own_number"),
            row("b2", "benign", "talk"), row("b3", "benign", "talk"), row("x1", "abuse")]
    caught = {"a1": {"ads"}, "s1": {"ads"}, "b1": {"ads"}, "b2": {"abuse"}, "x1": {"abuse", "ads"}}
    m = moderation_real.measure(rows, caught, {"ads": "ads", "abuse": "abuse"})
    # ads flagged a1, s1, b1, x1: unwanted 3 of 4, an ad 1 of 4; abuse flagged b2, x1: 1 of 2
    assert m["rule_kinds"] == {"ads": {"flagged": 4, "precision_unwanted": 0.75, "precision_purpose": 0.25},
                               "abuse": {"flagged": 2, "precision_unwanted": 0.5, "precision_purpose": 0.5}}
    lab = m["labels"]
    assert (lab["ad_obvious"]["rate"], lab["ad_obvious"]["precision"]) == (1.0, 0.25)
    assert (lab["ad_disguised"]["rate"], lab["ad_disguised"]["precision"]) == (0.0, 0.25)
    assert (lab["scam"]["rate"], lab["scam"]["precision"]) == (1.0, None)  # no scam rule yet
    assert (lab["abuse"]["rate"], lab["abuse"]["precision"]) == (1.0, 0.5)
    assert lab["benign"]["flagged"] == 2 and lab["benign"]["rate"] == pytest.approx(2 / 3)
    assert lab["benign"]["rate_without_own_numbers"] == 0.5  # b2 of b2, b3
    assert m["strata"]["benign/own_number"] == {"n": 1, "flagged": 1}
