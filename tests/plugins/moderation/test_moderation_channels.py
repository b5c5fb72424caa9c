"""Contact and payment channels in the ads kind: QQ and QQ group numbers, WeChat ids
after any lead, phone numbers (a member's own new number excused by own_number_ok),
bank cards with transfer language. Hand-written positives and look-alikes that are not ads."""

from __future__ import annotations

import pytest

from plugins.moderation.kinds import builtin_rules, describe, validate
from plugins.moderation.matcher import CompiledRule

GROUP = {"id": 1, "type": "deals", "theme": "deals"}


def _rule(name: str = "ads", **over) -> CompiledRule:
    (row,) = [r for r in builtin_rules() if r["name"] == name]
    return CompiledRule.build({"id": 1, "name": name, "kind": row["kind"]}, validate(row["kind"], {**row["config"], **over}))


def _hit(text: str, **over):
    h = _rule(**over).match_text(text, GROUP)
    return (h.category, h.matched) if h else None


@pytest.mark.parametrize("text, category, matched", [
    # QQ numbers and QQ group numbers after a lead, disguised or not
    ("开户咨询加助理QQ：517560825", "QQ number", "qq:517560825"),
    ("有事找我 扣扣 20481234", "QQ number", "扣扣20481234"),
    ("企鹅：3071234567 长期收", "QQ number", "企鹅:3071234567"),
    ("企鹅qun8403061", "QQ group number", "qun8403061"),
    ("Q-裙 一二三四五六七 进来聊", "QQ group number", "q裙1234567"),
    ("QQ群号：765432198", "QQ group number", "qq群号:765432198"),
    ("ｑｑ　５１７５６０８２５", "QQ number", "qq 517560825"),
    # WeChat ids after any lead, letters or digits, not only within 4 characters of 微信
    ("添加Wechat：2424939498", "WeChat id", "wechat:2424939498"),
    ("加微信咨询购买wenyuanququ", "WeChat id", "微信咨询购买wenyuanququ"),
    ("加我卫星：appkings", "WeChat id", "卫星:appkings"),
    ("veiXIN: abc123x", "WeChat id", "veixin: abc123x"),
    ("薇信 mei_li88", "WeChat id", "薇信mei_li88"),
    ("+V：shop2024", "WeChat id", "+v:shop2024"),
    ("加√信 yz8899a", "WeChat id", "v信yz8899a"),
    ("wx: 13812345678", "WeChat id", "wx: 13812345678"),
    ("V信：abc123x 代购", "WeChat id", "v信:abc123x"),
    ("ＶＸ shop_2024", "WeChat id", "vx shop_2024"),
    ("Weixin号 yoyo1234", "WeChat id", "weixin号yoyo1234"),
    ("加薇 meili2024", "WeChat id", "加薇meili2024"),
    ("薇：meili2024", "WeChat id", "薇:meili2024"),
    # phone numbers
    ("有需要的联系 138-1234-5678", "phone number", "138-1234-5678"),
    ("电话一三八一二三四五六七八", "phone number", "13812345678"),
    # bank cards with transfer language, either side
    ("房租转账到这张卡：6222 0212 3456 7890 123", "bank card", "转账到这张卡:6222 0212 3456 7890 123"),
    ("卡号6222021234567890，汇款后截图", "bank card", "卡号6222021234567890"),
    ("6228480012345678901 打款后联系我", "bank card", "6228480012345678901打款"),
])
def test_each_channel_is_found_and_named(text, category, matched):
    assert _hit(text) == (category, matched)


@pytest.mark.parametrize("text", [
    "这件衣服128元，满300减50",
    "订单号 2024112512345678 已发货",
    "您的订单3123456789012345678已退款，款项转到原支付账户",
    "退款已转入尾号1234的银行卡",
    "【10086】您本月话费余额为58.60元，套餐剩余流量2.5GB",
    "【铁路12306】订单E123456789，您已购1月12日G1234次车票",
    "微信转账200000元收到了",
    "微信群里有500人了",
    "微信支付 1888888 积分",
    "QQ音乐会员12个月",
    "我的QQ被盗了，大家别信",
    "卫星发射成功了，一二三四五",
    "企鹅真可爱",
    "妈妈的生日是1965年",
    "取件码 8-3-2021，快来拿",
    "我们一起去吃饭吧",
    "跑步5公里，坚持第21天",
    "运单号 SF1234567890123",
    "QQ群 150000人都在用",                # a count after a lead, not a number to add
    "微信好友 100000 个，加不动了",
    "订单号1234567890123456，转账已到账",  # an order number: cards start with 3 to 6
])
def test_look_alikes_are_not_ads(text):
    assert _hit(text) is None


@pytest.mark.parametrize("text", ["我换号了，新号码13812345678", "我的新号 139 1234 5678 大家存一下",
                                  "这是我的新手机号15012345678",
                                  # a personal appeal: a lost item, a missing person, a call for help
                                  "请拾到者与13812345678联系，谢谢", "老人走失，见到请打13912345678，求扩散",
                                  "求助电话15012345678"])
def test_a_members_own_new_number_passes_unless_the_setting_is_off(text):
    assert _hit(text) is None
    assert _hit(text, own_number_ok=False)[0] == "phone number"


def test_an_own_number_phrase_does_not_excuse_an_ad_in_the_same_message():
    assert _hit("我换号了 13812345678 加微信 shop2024 详聊")[0] == "WeChat id"
    assert _hit("我换号了 13812345678 兼职日结")[0] == "promotional keyword"


@pytest.mark.parametrize("key, text", [("qq_ids", "QQ：517560825"), ("bank_cards", "转账到6222021234567890"),
                                       ("wechat_ids", "加我卫星：appkings")])
def test_each_channel_can_be_switched_off(key, text):
    assert _hit(text) is not None
    assert _hit(text, **{key: False}) is None


def test_the_settings_are_checked_when_saved():
    with pytest.raises(ValueError, match="ads rule: own_number_ok: is 'yes', expected true or false"):
        validate("ads", {"own_number_ok": "yes"})
    with pytest.raises(ValueError, match="ads rule: qq_ids: is 1, expected true or false"):
        validate("ads", {"qq_ids": 1})
    off = {k: False for k in ("links", "qr", "phones", "wechat_ids", "cards", "qq_ids", "pitches")}
    assert "bank cards" in describe("ads", validate("ads", off))
    with pytest.raises(ValueError, match="everything is off"):
        validate("ads", {**off, "bank_cards": False})


def test_the_case_keeps_the_original_text_and_shows_the_normalised_match():
    from console.model import Event, Kind
    from plugins.moderation.penalize import evidence_of

    text = "加我卫星：ＡＰＰ-kings88"
    e = Event("sandbox", "m1", Kind.MESSAGE, 1_700_000_000, group="g", user="u", text=text)
    h = _rule().match_text(text, GROUP)
    ev = evidence_of(e, {"name": "g"}, h)
    assert ev["text"] == text and ev["matched"] == "卫星:app-kings88" and ev["category"] == "WeChat id"


def test_allow_text_and_keywords_are_normalised_like_the_text():
    assert _hit("我的快递 https://www.ＳＦ-Express.com/waybill 到了吗") is None  # allowed courier, full-width
    assert _hit("代-开-发-票 找我") == ("promotional keyword", "代开发票")
    r = _rule(keywords=["ＦＲＥＥ Gift"], allow_text=["Ｍｙ-Shop.cn"])
    assert r.match_text("a free gift for you", GROUP).matched == "free gift"
    assert r.match_text("see my-shop.cn", GROUP) is None


def test_through_ingest_a_disguised_channel_opens_a_case_with_the_original_text(mws):
    import json

    from moderation_helpers import T0, cases, feed, msg, pid

    ws = mws
    feed(ws, [msg("g1", "alice", "进 Q-裙 一二三四五六七 领福利", T0),
              msg("g1", "bob", "我换号了，新号码 13812345678，大家存一下", T0 + 1),
              msg("g1", "carol", "妈妈说晚饭 6 点", T0 + 2)], T0 + 2)
    (case,) = cases(ws, pid(ws, "alice"))
    ev = json.loads(case["evidence"])
    assert (ev["text"], ev["category"], ev["matched"]) == ("进 Q-裙 一二三四五六七 领福利", "QQ group number", "q裙1234567")
    assert cases(ws, pid(ws, "bob")) == [] and cases(ws, pid(ws, "carol")) == []
