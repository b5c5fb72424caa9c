"""Links judged by registrable domain (allow list, short links unknown), the allow list's
bad lines refused with file and line, the ads rule's own allow_domains, and sales pitches
without a channel. Examples written for these tests."""

from __future__ import annotations

import pytest

from plugins.moderation import links, pitches
from plugins.moderation.kinds import builtin_rules, validate
from plugins.moderation.matcher import CompiledRule, RuleSet
from plugins.moderation.normalize import normalize

GROUP = {"id": 1, "type": "deals", "theme": "deals"}


def _hit(text: str, **over):
    (row,) = [r for r in builtin_rules() if r["name"] == "ads"]
    rule = CompiledRule.build({"id": 1, "name": "ads", "kind": "ads"}, validate("ads", {**row["config"], **over}))
    h = rule.match_text(text, GROUP)
    return (h.category, h.matched) if h else None


@pytest.mark.parametrize("host, domain", [
    ("a.b.example.com.cn", "example.com.cn"),
    ("mall.jd.com", "jd.com"),
    ("sc.gov.cn", "sc.gov.cn"),
    ("www.12306.cn", "12306.cn"),
    ("shop.example.co.uk", "example.co.uk"),
    ("jd.com", "jd.com"),
    ("192.168.1.1", "192.168.1.1"),
])
def test_registrable_domain(host, domain):
    assert links.registrable(host) == domain


@pytest.mark.parametrize("text", [
    "您的快件已到驿站，详情 https://www.sf-express.com/track?no=SF123",  # a courier
    "退票手续见 www.12306.cn",  # railways
    "话费查询 http://wap.10086.cn/x",  # a carrier
    "京东订单 https://item.m.jd.com/product/100.html 已发货",  # a marketplace, hosts below the domain
    "通知见 http://www.sh.gov.cn/notice",  # a government suffix
    "快递单号看这 t.cn/A6xYz",  # a short link alone: unknown, not an ad
])
def test_links_of_known_services_and_short_links_are_not_ads(text):
    assert _hit(text) is None


@pytest.mark.parametrize("text, matched", [
    ("好货都在 http://cheap-bags.top/x", "http://cheap-bags.top/x"),
    ("看这里 a.b.example.com.cn/p", "a.b.example.com.cn/p"),
    ("进店 haohuo88，com", "haohuo88,com"),  # a comma for the dot
    ("网址 ｗｗｗ．ｈａｏｈｕｏ．ｃｏｍ", "www.haohuo.com"),  # full-width
    ("jd.com.haohuo.top 领券", "jd.com.haohuo.top"),  # an allowed name as a subdomain of another
])
def test_other_domains_are_links(text, matched):
    assert _hit(text) == ("link", matched)


def test_short_link_with_a_call_to_act_is_a_pitch():
    assert _hit("http://t.cn/x8a9b0 点击领取888元红包") == ("sales pitch", "[short link] … 点击领取")


def test_the_rules_own_allow_domains():
    assert _hit("好货都在 http://cheap-bags.top/x", allow_domains=["cheap-bags.top"]) is None
    assert _hit("好货都在 http://a.cheap-bags.top/x", allow_domains=["cheap-bags.top"]) is None
    with pytest.raises(ValueError, match=r"ads rule: allow_domains\[1\]: 'www.jd.com' is a host under 'jd.com'"):
        validate("ads", {"allow_domains": ["ok.cn", "www.jd.com"]})
    with pytest.raises(ValueError, match=r"allow_domains\[0\]: 'https://x.cn/' is not a domain"):
        validate("ads", {"allow_domains": ["https://x.cn/"]})
    with pytest.raises(ValueError, match=r"allow_domains\[0\]: 'com.cn' is a public suffix"):
        validate("ads", {"allow_domains": ["com.cn"]})


def test_a_bad_allow_list_line_is_refused_with_file_and_line_and_the_old_list_stays(tmp_path):
    good = tmp_path / "ok.txt"
    good.write_text("# mine\nhaohuo.top\n.gov.cn\n", encoding="utf-8")
    bad = tmp_path / "bad.txt"
    bad.write_text("jd.com\n\nwww.taobao.com  # a host\n", encoding="utf-8")
    before = links.ALLOWED
    try:
        assert links.reload_allow_list(good) is None
        assert links.ALLOWED.allows("haohuo.top") and links.ALLOWED.allows("bj.gov.cn")
        problem = links.reload_allow_list(bad)
        assert problem == (f"{bad}, line 3: 'www.taobao.com' is a host under 'taobao.com'; "
                           "the allow list holds registrable domains")
        assert links.ALLOWED.allows("haohuo.top") and not links.ALLOWED.allows("jd.com")  # the previous list
    finally:
        links.ALLOWED = before
    with pytest.raises(links.AllowListError, match=r"^x.txt, line 1: '\.example': a leading dot is only for a public suffix"):
        links.parse_allow_list(".example\n", "x.txt")


def test_the_shipped_allow_list_loads_and_holds_the_well_known():
    shipped = links.load_allow_list()
    for d in ("10086.cn", "10010.com", "189.cn", "12306.cn", "taobao.com", "jd.com", "pinduoduo.com", "alipay.com"):
        assert shipped.allows(d), d
    assert shipped.allows("beijing.gov.cn")
    assert "t.cn" in links.SHORTENERS and not shipped.allows("t.cn")


@pytest.mark.parametrize("text", [
    "三八节全场8折，欢迎新老顾客光临选购",  # discount + call
    "本店新到春装，买一送一",  # shop + gift
    "小班开班啦，名额有限",  # course + call
    "诚聘销售，底薪4000，有限公司直招",  # jobs + business
    "您好！我是链家地产新天地店的小王，您的房子还考虑出租吗",  # salesperson + property
    "海王星辰周年店庆，全场新品买赠",  # event + sale (+ hype, weak)
    "今晚六肖看准，杀两肖",  # lottery tips: gambling, an ad alone
])
def test_sales_pitches_without_a_channel(text):
    assert _hit(text)[0] == "sales pitch"


@pytest.mark.parametrize("text", [
    "这件衣服打了8折，挺划算",  # one move
    "活动时间是周六下午",  # a deadline alone is weak
    "报名截止到周五，别错过",  # weak moves only
    "我妈说超市鸡蛋特价",  # one move
    "小区附近有房子出租吗",  # one move
    "好消息，新品到了，快来看看",  # weak moves only (hype, hurry)
    "你属什么生肖",  # a zodiac sign is no lottery tip
    "欢迎新朋友 木子 加入低价秒杀福利群！来做个自我介绍吧",  # a welcome: the group's name sells, the call is no call
])
def test_talk_with_one_selling_word_is_not_a_pitch(text):
    assert _hit(text) is None


def test_the_pitch_gate_covers_every_strong_move():
    gate = RuleSet.build([CompiledRule.build({"id": 1, "name": "ads", "kind": "ads"}, validate("ads", {}))]).gates
    samples = {"discount": ["8折"], "gift": ["买二送一"],
               "sale": ["清仓", "福利大放送", "优惠多多", "推出优惠活动", "买赠", "抄底价"], "call": ["欢迎光临", "有意者", "欢迎您的到来",
               "咨询热线", "诚邀"], "opt_out": ["回td退订"], "shop": ["本店"], "jobs": ["诚聘", "招男工", "急招"],
               "finance": ["年化", "资金周转", "放歀"], "property": ["开盘", "急租", "一手楼"], "business": ["主营"],
               "event": ["三八活动"], "salesperson": ["我是店里的导购", "我是链家地产的"], "contact": ["电话:"],
               "course": ["开班", "春季班", "新学期"], "gambling": ["佰佳泺", "杀三肖", "特码"]}
    assert set(samples) == set(pitches.MARKERS) - pitches.WEAK
    for name, texts in samples.items():
        for text in texts:
            norm = normalize(text)
            assert pitches._COMPILED[name].search(norm), text
            assert any(g.search(norm) for g in gate if g.pattern == pitches.GATE), text


def test_a_rules_summary_reads_in_the_consoles_language():
    """The Rules tab's summary (kinds.describe) with the console's words: the English stays for
    the CLI and the stored summary; in zh-CN every part is in Chinese, the ladder included."""
    from console.i18n import translate
    from plugins.moderation.i18n import ZH_CN
    from plugins.moderation.kinds import KIND_DEFAULTS as DEFAULTS, describe

    def zh(text, **kw):
        out = translate(text, "zh-CN", {"zh-CN": ZH_CN})
        return out.format(**kw) if kw else out

    flood = {**DEFAULTS["flood"], "max_messages": 8, "seconds": 10, "repeat": 3, "window_days": 30,
             "penalty_scope": "group", "ladder": [{"step": "mute", "minutes": 10}, {"step": "kick"}]}
    assert describe("flood", flood) == "8 msgs in 10s, same text x3; mute 10m -> kick within 30d; scope group"
    assert describe("flood", flood, zh) == "10 秒内 8 条，相同内容 3 次；30 天内：禁言 10 分钟 -> 踢出；处罚范围：群"
    ads = {**DEFAULTS["ads"], "keywords": ["兼职"], "ladder": [{"step": "warn"}, {"step": "blacklist"}], "window_days": 30,
           "penalty_scope": "all"}
    text = describe("ads", ads, zh)
    assert text.startswith("链接，二维码，手机号，微信号") and "1 个关键词" in text and "警告 -> 拉黑" in text
    assert text.endswith("处罚范围：所有群")
    assert not any(c.isascii() and c.isalpha() for c in text.replace("QQ", ""))  # no English left
