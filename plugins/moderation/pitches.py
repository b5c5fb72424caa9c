"""Sales pitches: an ad with no contact channel, told by how it is written.

Half of real advertising in Chinese group chats and SMS gives no number, id or link at
all: a shop's festival sale (三八节全场8折，买一送一，欢迎新老顾客光临), a course opening
(小班开班，名额有限，火速报名), a job post (诚聘，底薪…), a flat to let, a loan, lottery
tips (六肖, 特码). Each of its phrases also
occurs in ordinary talk (a member mentions a discount, asks about a sign-up), so no single
word is an ad. What marks the pitch is several *kinds* of selling move in one message: a
discount AND a call to come, a gift AND a sales event, a business introducing itself AND
what it sells. A message is a pitch when it makes at least two distinct moves of
``MARKERS``, at least one of them a strong one (``WEAK`` moves, a price, a deadline, a
push to hurry or hype, are too common alone), or talks gambling (赌博), an ad by itself. A short
link (links.verdict "short") counts as a move: a short link with a call to act is the
classic lure.

Every marker is a literal alternation or bounded pattern (linear), on normalised text.
``GATE`` (the strong moves) is the prefilter gate: without a strong move there is no pitch.
"""

from __future__ import annotations

import re

MARKERS = {
    "discount": r"(?<![0-9.])[0-9](?:\.[0-9])?折|[一二三四五六七八九两]折|折扣|打折|折上折",
    "gift": r"买.{1,3}送.{1,3}|(?:满|购满)\d+.{0,2}(?:减|送|返)|赠送|免费送|豪礼|好礼|大礼|礼品|送.{0,2}礼",
    "sale": r"特价|促销|优惠活动|大促|特惠|秒杀|抢购|清仓|甩卖|让利|钜惠|巨惠|回馈|大放价|开业|盛大开启|火热进行|隆重|优惠多多|超值|换购|特卖|抄底价|优惠政策|买赠|大放送|"
            r"推出.{0,8}(?:活动|优惠|套餐|体验卡|项目|新品)",
    "call": (r"欢迎.{0,6}(?:选购|光临|惠顾|来电|咨询|订购|预定|预订|品鉴|参观)|详询|详情咨询|预约|来电咨询|速来|从速|"
             r"先到先得|数量有限|名额有限|机会难得|敬请|恭候|欢迎新老|点击领取|免费领取|扫码领取|"
             r"诚邀|有意者|欢迎拨打|欢迎.{0,6}(?:到来|来院|到店|报名)|请联系我|咨询热线|赶快行动"),
    "opt_out": r"退订|回td|回t退|回复td",
    "shop": r"本店|我店|本公司|我公司|我司|本院|本中心|新老顾客|新老客户|各位顾客|尊敬的顾客|亲爱的顾客",
    "jobs": r"诚聘|招聘|高薪|底薪|薪资|日结|兼职|月入|包吃住|急招|招.{0,2}(?:男工|女工|普工|学徒|店员|服务员)",
    "finance": r"无抵押|贷款|理财产品|收益率|年化|高回报|稳定回报|资金周转|信用贷|放款|放歀|额度高|手续简[便单]",
    "property": r"开盘|一手楼|户型|现铺|楼盘|看房|首付|[急出]租",
    "business": (r"主营|经营|承接|专业(?:生产|提供|经营|承接|从事|办理)|有限公司|厂家|我厂|质优价廉|价格优惠|品牌保证|"
                 r"竭诚为您|感谢.{0,2}致电|欢迎致电"),
    "event": (r"(?:三八|妇女节|女人节|女神节|女王节|元宵|新春|春节|周年|店庆|开学季|换季).{0,12}(?:活动|优惠|惠|礼|特价|折|回馈)|"
              r"活动(?:开始|详情|火热|即将)|酬宾|征集样板|抽奖"),
    "salesperson": r"我是.{1,15}(?:导购|销售顾问|客户经理|置业顾问|店长|业务员)|我是.{1,10}(?:店|地产|家居|专柜)的",
    "contact": r"(?:电话|热线|地址|详询|咨询|订购|订餐|预定|预订)[:：]",
    "course": r"开班|小班|招生|招募|试听|名师|培训班|[春秋]季班|暑期班|寒假班|新学期",
    # gambling (赌博) is an ad by itself in any group: its words, as spam disguises them
    # (佰*佳*泺 for 百家乐, 龙唬斗 for 龙虎斗, 博采 for 博彩; not 博采众长, an idiom)
    "gambling": (r"[百佰][家佳嘉加榢][乐泺](?!园)|龙[虎唬]斗|[博搏][彩采](?!众)|娱乐场|赌场|真人荷官|网上赌|"
                 r"[二三四五六七八九]肖|杀.{0,2}肖|透码|特码|平特"),
    # weak moves: count only beside a strong one
    "price": r"原价|现价|仅需|低至|只需|\d+元起|元/",
    "deadline": r"即日起|限时|仅限|截止|活动时间|期间",
    "hurry": r"报名|快来|快抢|火速|赶紧|快快|抓紧|到店|进店|来店|速抢|先抢先得|错过",
    "hype": r"好消息|号外|惊喜|劲爆|卖疯|史无前例|空前|特权|新品|新款|新货",
}
WEAK = frozenset({"price", "deadline", "hurry", "hype"})
SHORT_LINK = "short link"
_COMPILED = {k: re.compile(v) for k, v in MARKERS.items()}
#: the strong moves, then the weak ones, each in MARKERS order (which lists the weak ones
#: last, so a pitch's moves read the same either way: a test keeps it so)
_STRONG = [(k, rx) for k, rx in _COMPILED.items() if k not in WEAK]
_WEAK = [(k, rx) for k, rx in _COMPILED.items() if k in WEAK]
#: the prefilter gate: literal words, one of which every strong move's match contains (a
#: plain alternation of literals is what ``re`` scans fast; the patterns themselves are
#: ten times slower to search for). tests/plugins/moderation/test_moderation_links.py checks the cover.
GATE_WORDS = ("折", "送", "赠", "礼", "满", "特价", "促销", "优惠活动", "大促", "特惠", "秒杀", "抢购", "清仓", "甩卖", "让利", "钜惠",
              "巨惠", "回馈", "大放价", "开业", "盛大开启", "火热进行", "隆重", "欢迎", "详询", "详情咨询", "预约", "来电咨询",
              "速来", "从速", "先到先得", "数量有限", "名额有限", "机会难得", "敬请", "恭候", "领取", "退订", "回td", "回t退",
              "回复td", "本店", "我店", "本公司", "我公司", "我司", "本院", "本中心", "新老顾客", "新老客户", "各位顾客",
              "尊敬的顾客", "亲爱的顾客", "诚聘", "招聘", "高薪", "底薪", "薪资", "日结", "兼职", "月入", "包吃住", "无抵押",
              "贷款", "理财产品", "收益率", "年化", "高回报", "稳定回报", "主营", "经营", "承接", "专业", "有限公司", "厂家",
              "我厂", "质优价廉", "价格优惠", "品牌保证", "竭诚为您", "致电", "三八", "妇女节", "女人节", "女神节", "女王节",
              "元宵", "新春", "春节", "周年", "店庆", "开学季", "换季", "活动", "酬宾", "征集样板", "抽奖", "我是", "电话",
              "热线", "地址", "详询", "咨询", "订购", "订餐", "预定", "预订", "开班", "小班", "招生", "招募", "试听", "名师",
              "家乐", "佳乐", "嘉乐", "加乐", "榢乐", "家泺", "佳泺", "嘉泺", "加泺", "榢泺", "虎斗", "唬斗", "博彩", "博采",
              "搏彩", "搏采", "娱乐场", "赌场", "真人荷官", "网上赌",
              "优惠多多", "超值", "换购", "特卖", "抄底价", "优惠政策", "诚邀", "有意者", "请联系我", "赶快行动",
              "资金周转", "信用贷", "放款", "放歀", "额度高", "手续简", "开盘", "一手楼", "户型", "现铺", "楼盘",
              "看房", "首付", "培训班", "季班", "暑期班", "寒假班", "新学期", "急招", "买赠", "大放送", "推出", "招", "租", "肖", "透码", "特码", "平特")
GATE = "|".join(sorted(set(GATE_WORDS), key=len, reverse=True))


def pitch(norm: str, short_link: bool = False) -> tuple[list[str], list[str]] | None:
    """(moves, matched spans) when ``norm`` is a sales pitch, else None."""
    moves, spans = [], []
    if short_link:
        moves.append(SHORT_LINK)
        spans.append("[short link]")
    for name, rx in _STRONG:
        m = rx.search(norm)
        if m is not None:
            moves.append(name)
            spans.append(m.group(0))
    if not moves:
        return None  # weak moves count only beside a strong one (most texts the gate sends end here)
    for name, rx in _WEAK:
        m = rx.search(norm)
        if m is not None:
            moves.append(name)
            spans.append(m.group(0))
    if (len(moves) >= 2 and any(m not in WEAK for m in moves)) or "gambling" in moves:
        return moves, spans
    return None
